//! One episode: one agent against one snapshot, turn by turn, until `finish` or the cap.
//!
//! [`machine::Episode`] holds Stirrup's rules (turn count, warnings, `finish` last, the cap, the
//! trajectory); [`run`] drives it with a model ([`agent::Agent::next`], one turn a call) and
//! `rcabox mcp` drives it with an MCP client (one turn a tool call). [`tools`] runs `code_exec`
//! and `finish`, [`prompt`] holds Stirrup's texts.

pub mod agent;
pub mod machine;
pub mod prompt;
pub mod tools;

use std::time::Instant;

use crate::answer::Answer;
use crate::sandbox::Session;
use crate::trajectory::{Ending, TrajectoryError, Writer};
use agent::{Agent, Message, Role};
use machine::Episode;

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

/// Runs one episode of the model loop, writing every turn to `traj`: a turn is one model call,
/// whatever number of tool calls its reply carries; the rules are [`machine::Episode`]'s.
pub fn run(
    agent: &mut dyn Agent,
    session: &mut Session,
    settings: &Settings,
    traj: &mut Writer,
) -> Result<Outcome, TrajectoryError> {
    let schemas = tools::schemas();
    let mut messages = vec![
        Message::text(
            Role::System,
            prompt::system_prompt(&settings.system_prompt, settings.max_turns),
        ),
        Message::text(Role::User, settings.task.clone()),
    ];
    let mut ep = Episode::new(settings, session, Some(traj));
    while let Some(warning) = ep.begin_turn() {
        if let Some(w) = &warning {
            messages.push(Message::text(Role::User, w.clone()));
        }
        let t0 = Instant::now();
        let reply = match agent.next(&messages, &schemas) {
            Ok(r) => r,
            Err(e) => return ep.end(Some(e.0)),
        };
        ep.record_reply(
            warning,
            messages.len(),
            &reply,
            t0.elapsed().as_secs_f64() * 1000.0,
        )?;
        messages.push(Message {
            role: Role::Assistant,
            content: reply.content.clone(),
            tool_calls: reply.tool_calls.clone(),
            tool_call_id: None,
        });
        for (call, done) in ep.call_all(&reply.tool_calls)? {
            messages.push(Message {
                role: Role::Tool,
                content: done.observation,
                tool_calls: Vec::new(),
                tool_call_id: Some(call.id),
            });
        }
        // Stirrup's rule for a reply without tool calls (prose, or nothing): ask the model to go
        // on, unless the next turn's warning will say so anyway. The turn counts either way.
        if reply.tool_calls.is_empty()
            && machine::warning_for(settings.max_turns - ep.turn()).is_none()
        {
            messages.push(Message::text(Role::User, prompt::CONTINUE));
        }
        ep.end_turn()?;
    }
    ep.end(None)
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
