//! The episode as a state machine, driven by the model loop ([`super::run`]) and by the MCP
//! server (`rcabox mcp`) alike, so that Stirrup's rules live here once: turns are counted, from
//! 20 turns left a warning goes before each turn and the last-turn text before the last, tool
//! calls run in order with `finish` last (two `finish`es in one turn are both refused), the cap
//! ends the episode with no answer, and every turn, call and ending is written to the trajectory
//! as it happens.
//!
//! ```text
//!   new ──► begin_turn ──► record_reply? ──► call* ──► end_turn ──┐
//!              ▲                                                  │
//!              └────────────── while over() is None ◄─────────────┘
//!   end(error) at any point: the End record, once
//! ```

use std::borrow::BorrowMut;
use std::time::Instant;

use super::agent::{Reply, ToolCall};
use super::tools::{self, Called};
use super::{Outcome, Settings, prompt};
use crate::answer::Answer;
use crate::sandbox::Session;
use crate::trajectory::{Ending, Record, TrajectoryError, Writer};

/// Where an episode's sandbox comes from: a session at hand, or one still opening (the MCP
/// server answers `initialize` before the tool module is loaded).
pub trait SessionSource {
    /// The session, or why there is none.
    fn session(&mut self) -> Result<&mut Session, String>;
}

impl SessionSource for Session {
    fn session(&mut self) -> Result<&mut Session, String> {
        Ok(self)
    }
}

impl SessionSource for &mut Session {
    fn session(&mut self) -> Result<&mut Session, String> {
        Ok(self)
    }
}

/// The warning Stirrup sends before a turn with `left` turns remaining, this one included.
pub fn warning_for(left: usize) -> Option<String> {
    match left {
        1 => Some(prompt::LAST_TURN.to_string()),
        2..=20 => Some(prompt::turns_left_warning(left)),
        _ => None,
    }
}

/// One episode in progress.
pub struct Episode<S, W> {
    session: S,
    traj: Option<W>,
    max_turns: usize,
    max_chars: usize,
    domain: crate::domain::Domain,
    turn: usize,
    tokens: u64,
    cost_usd: f64,
    answer: Option<Answer>,
    ended: Option<Outcome>,
    started: Instant,
}

impl<S: SessionSource, W: BorrowMut<Writer>> Episode<S, W> {
    /// An episode over `session` with `settings`' cap and output limit, writing to `traj`
    /// (whose header is already written) when there is one.
    pub fn new(settings: &Settings, session: S, traj: Option<W>) -> Self {
        Episode {
            session,
            traj,
            max_turns: settings.max_turns,
            max_chars: settings.max_output_chars,
            domain: settings.domain,
            turn: 0,
            tokens: 0,
            cost_usd: 0.0,
            answer: None,
            ended: None,
            started: Instant::now(),
        }
    }

    /// The current turn, 1-based; 0 before the first.
    pub fn turn(&self) -> usize {
        self.turn
    }

    /// The diagnosis, once `finish` has succeeded.
    pub fn answer(&self) -> Option<&Answer> {
        self.answer.as_ref()
    }

    /// How the episode ended or must end now: `finish` succeeded, the cap is reached, or
    /// [`Episode::end`] was called; `None` while it goes on.
    pub fn over(&self) -> Option<Ending> {
        if let Some(o) = &self.ended {
            Some(o.ending)
        } else if self.answer.is_some() {
            Some(Ending::Finish)
        } else if self.turn >= self.max_turns {
            Some(Ending::TurnCap)
        } else {
            None
        }
    }

    /// Starts the next turn and returns the warning that goes before it, or `None` when the
    /// episode is over.
    pub fn begin_turn(&mut self) -> Option<Option<String>> {
        if self.over().is_some() {
            return None;
        }
        self.turn += 1;
        Some(warning_for(self.max_turns - self.turn + 1))
    }

    /// The warning for the turn after this one (what the MCP server sends with a result).
    pub fn next_warning(&self) -> Option<String> {
        match self.over() {
            None => warning_for(self.max_turns - self.turn),
            Some(_) => None,
        }
    }

    /// Records the model's reply of this turn: `messages` sent, the warning that went first.
    pub fn record_reply(
        &mut self,
        warning: Option<String>,
        messages: usize,
        reply: &Reply,
        latency_ms: f64,
    ) -> Result<(), TrajectoryError> {
        self.tokens += reply.usage.input_tokens + reply.usage.output_tokens;
        self.cost_usd += reply.cost_usd;
        self.push(&Record::Turn {
            turn: self.turn,
            warning,
            messages,
            content: reply.content.clone(),
            tool_calls: reply.tool_calls.clone(),
            usage: reply.usage,
            cost_usd: reply.cost_usd,
            latency_ms,
        })
    }

    /// Runs a turn's tool calls in order, `finish` after the rest whatever its position, and
    /// returns each call with its result.
    pub fn call_all(
        &mut self,
        calls: &[ToolCall],
    ) -> Result<Vec<(ToolCall, Called)>, TrajectoryError> {
        let finishes = calls.iter().filter(|c| c.name == "finish").count();
        let mut ordered = calls.to_vec();
        ordered.sort_by_key(|c| c.name == "finish");
        let mut out = Vec::with_capacity(ordered.len());
        for call in ordered {
            let refusal = (call.name == "finish" && finishes > 1).then(|| {
                // Stirrup's words, its sorted set of the finish tools called printed as a
                // Python list.
                "Cannot call finish tool 'finish': multiple finish tools (['finish']) were called in the same turn. Only one finish tool may be called per turn — retry with a single finish tool call.".to_string()
            });
            let done = self.call(&call, refusal)?;
            out.push((call, done));
        }
        Ok(out)
    }

    /// Runs one tool call of this turn (or refuses it with `refusal`) and records it.
    pub fn call(
        &mut self,
        call: &ToolCall,
        refusal: Option<String>,
    ) -> Result<Called, TrajectoryError> {
        let t0 = Instant::now();
        let done = match refusal {
            Some(why) => Called::refused(why),
            None => match self.session.session() {
                Ok(s) => {
                    tools::call_in(self.domain, s, &call.name, &call.arguments, self.max_chars)
                }
                Err(why) => Called::refused(format!("the sandbox did not open: {why}")),
            },
        };
        if let Some(a) = &done.answer {
            self.answer = Some(a.clone());
        }
        self.push(&Record::Tool {
            turn: self.turn,
            id: call.id.clone(),
            name: call.name.clone(),
            cmd: done.cmd.clone(),
            observation: done.observation.clone(),
            exit_code: done.exit_code,
            error_kind: done.error_kind,
            duration_ms: t0.elapsed().as_secs_f64() * 1000.0,
        })?;
        Ok(done)
    }

    /// Closes the turn: the trajectory is flushed, so a crash loses at most the turn under way.
    pub fn end_turn(&mut self) -> Result<(), TrajectoryError> {
        match &mut self.traj {
            Some(t) => t.borrow_mut().flush(),
            None => Ok(()),
        }
    }

    /// Ends the episode, once: `error` is the agent's (or client's) failure, if that is why.
    /// Writes the End record and returns the outcome; later calls return it again.
    pub fn end(&mut self, error: Option<String>) -> Result<Outcome, TrajectoryError> {
        if let Some(o) = &self.ended {
            return Ok(o.clone());
        }
        let ending = match (&self.answer, &error) {
            (Some(_), _) => Ending::Finish,
            (None, Some(_)) => Ending::Error,
            (None, None) => Ending::TurnCap,
        };
        let outcome = Outcome {
            ending,
            answer: self.answer.clone(),
            turns: self.turn,
            tokens: self.tokens,
            cost_usd: self.cost_usd,
            wall_ms: self.started.elapsed().as_millis() as u64,
            error,
        };
        self.push(&Record::End {
            ending,
            turns: outcome.turns,
            answer: outcome.answer.clone(),
            error: outcome.error.clone(),
            tokens: outcome.tokens,
            cost_usd: outcome.cost_usd,
            wall_ms: outcome.wall_ms,
        })?;
        self.end_turn()?;
        self.ended = Some(outcome.clone());
        Ok(outcome)
    }

    fn push(&mut self, r: &Record) -> Result<(), TrajectoryError> {
        match &mut self.traj {
            Some(t) => t.borrow_mut().push(r),
            None => Ok(()),
        }
    }
}
