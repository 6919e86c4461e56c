//! One episode: one agent against one snapshot, turn by turn, until `finish` or the cap.
//!
//! A turn is one model call ([`agent::Agent::next`]), whatever number of tool calls its reply
//! carries. The calls run in order with `finish` last; a reply with two `finish` calls gets an
//! error for each and the episode goes on, as in Stirrup. From 20 turns left Stirrup's warning
//! is added before each call, and its last-turn text before the last; at the cap the episode
//! ends with no answer. Everything is written to the trajectory as it happens.

pub mod agent;
pub mod prompt;
pub mod tools;

use std::time::Instant;

use crate::answer::Answer;
use crate::sandbox::Session;
use crate::trajectory::{Ending, Record, TrajectoryError, Writer};
use agent::{Agent, Message, Role};

/// Settings of an episode.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Turn cap.
    pub max_turns: usize,
    /// System prompt template (`{max_turns}` is replaced).
    pub system_prompt: String,
    /// First user message.
    pub task: String,
    /// Characters kept per output stream of `code_exec`.
    pub max_output_chars: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_turns: 100,
            system_prompt: prompt::DEFAULT_SYSTEM.to_string(),
            task: prompt::DEFAULT_TASK.to_string(),
            max_output_chars: tools::DEFAULT_MAX_CHARS,
        }
    }
}

/// How an episode went.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// How it ended.
    pub ending: Ending,
    /// The diagnosis, when `finish` succeeded.
    pub answer: Option<Answer>,
    /// Turns used.
    pub turns: usize,
    /// Tokens, input plus output.
    pub tokens: u64,
    /// Cost.
    pub cost_usd: f64,
    /// Wall time.
    pub wall_ms: u64,
    /// The agent's error, when it failed.
    pub error: Option<String>,
}

/// Runs one episode, writing every turn to `traj`.
pub fn run(
    agent: &mut dyn Agent,
    session: &mut Session,
    settings: &Settings,
    traj: &mut Writer,
) -> Result<Outcome, TrajectoryError> {
    let started = Instant::now();
    let schemas = tools::schemas();
    let mut messages = vec![
        Message::text(
            Role::System,
            prompt::system_prompt(&settings.system_prompt, settings.max_turns),
        ),
        Message::text(Role::User, settings.task.clone()),
    ];
    let (mut tokens, mut cost) = (0u64, 0f64);
    let mut answer = None;
    let mut error = None;
    let mut turn = 0;
    while turn < settings.max_turns && answer.is_none() {
        turn += 1;
        let left = settings.max_turns - turn + 1;
        let warning = match left {
            1 => Some(prompt::LAST_TURN.to_string()),
            2..=20 => Some(prompt::turns_left_warning(left)),
            _ => None,
        };
        if let Some(w) = &warning {
            messages.push(Message::text(Role::User, w.clone()));
        }
        let t0 = Instant::now();
        let reply = match agent.next(&messages, &schemas) {
            Ok(r) => r,
            Err(e) => {
                error = Some(e.0);
                break;
            }
        };
        tokens += reply.usage.input_tokens + reply.usage.output_tokens;
        cost += reply.cost_usd;
        traj.push(&Record::Turn {
            turn,
            warning,
            messages: messages.len(),
            content: reply.content.clone(),
            tool_calls: reply.tool_calls.clone(),
            usage: reply.usage,
            cost_usd: reply.cost_usd,
            latency_ms: t0.elapsed().as_secs_f64() * 1000.0,
        })?;
        messages.push(Message {
            role: Role::Assistant,
            content: reply.content.clone(),
            tool_calls: reply.tool_calls.clone(),
            tool_call_id: None,
        });
        let finishes = reply
            .tool_calls
            .iter()
            .filter(|c| c.name == "finish")
            .count();
        // Calls run in order, `finish` after the rest whatever its position.
        let mut calls = reply.tool_calls.clone();
        calls.sort_by_key(|c| c.name == "finish");
        for call in calls {
            let t0 = Instant::now();
            let done = if call.name == "finish" && finishes > 1 {
                tools::Called::refused("finish: called more than once in one turn; call finish once, alone, with the whole diagnosis".to_string())
            } else {
                tools::call(
                    session,
                    &call.name,
                    &call.arguments,
                    settings.max_output_chars,
                )
            };
            if done.answer.is_some() {
                answer = done.answer;
            }
            let tools::Called {
                observation,
                cmd,
                exit_code,
                error_kind,
                ..
            } = done;
            traj.push(&Record::Tool {
                turn,
                id: call.id.clone(),
                name: call.name.clone(),
                cmd,
                observation: observation.clone(),
                exit_code,
                error_kind,
                duration_ms: t0.elapsed().as_secs_f64() * 1000.0,
            })?;
            messages.push(Message {
                role: Role::Tool,
                content: observation,
                tool_calls: Vec::new(),
                tool_call_id: Some(call.id),
            });
        }
        // Stirrup's rule for a reply without tool calls (prose, or nothing): ask the model to go
        // on, unless the next turn's warning will say so anyway. The turn counts either way.
        let next_left = settings.max_turns - turn;
        if reply.tool_calls.is_empty() && !(1..=20).contains(&next_left) {
            messages.push(Message::text(Role::User, prompt::CONTINUE));
        }
        traj.flush()?;
    }
    let ending = match (&answer, &error) {
        (Some(_), _) => Ending::Finish,
        (None, Some(_)) => Ending::Error,
        (None, None) => Ending::TurnCap,
    };
    let wall_ms = started.elapsed().as_millis() as u64;
    traj.push(&Record::End {
        ending,
        turns: turn,
        answer: answer.clone(),
        error: error.clone(),
        tokens,
        cost_usd: cost,
        wall_ms,
    })?;
    traj.flush()?;
    Ok(Outcome {
        ending,
        answer,
        turns: turn,
        tokens,
        cost_usd: cost,
        wall_ms,
        error,
    })
}

/// The text of the last tool observations in `messages`, newest last (agents that read their
/// own results, like the baseline, use it).
pub fn last_observations(messages: &[Message]) -> Vec<&str> {
    let start = messages
        .iter()
        .rposition(|m| m.role == Role::Assistant)
        .map_or(messages.len(), |i| i + 1);
    messages[start..]
        .iter()
        .filter(|m| m.role == Role::Tool)
        .map(|m| m.content.as_str())
        .collect()
}

/// The stdout inside a `<shell_results>` observation.
pub fn stdout_of(observation: &str) -> &str {
    observation
        .split_once("<stdout>")
        .and_then(|(_, rest)| rest.rsplit_once("</stdout>"))
        .map_or("", |(out, _)| out)
}
