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
    /// The task's instructions, placed in Stirrup's system prompt (`{max_turns}` and
    /// `{snapshot}` are replaced).
    pub system_prompt: String,
    /// First user message (`{snapshot}` is replaced).
    pub task: String,
    /// Characters kept per output stream of `code_exec`.
    pub max_output_chars: usize,
    /// The task's domain: its finish tool takes that domain's answer.
    pub domain: crate::domain::Domain,
}

impl Settings {
    /// The default settings of a domain: its prompt, task and finish tool.
    pub fn for_domain(domain: crate::domain::Domain) -> Self {
        Settings {
            system_prompt: domain.system_prompt().to_string(),
            task: domain.task().to_string(),
            domain,
            ..Settings::default()
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_turns: 100,
            system_prompt: prompt::DEFAULT_SYSTEM.to_string(),
            task: prompt::DEFAULT_TASK.to_string(),
            max_output_chars: tools::DEFAULT_MAX_CHARS,
            domain: crate::domain::Domain::Sre,
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

/// What an episode opens with: the system prompt and the task as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Opening {
    /// The system prompt.
    pub system: String,
    /// The first user message.
    pub task: String,
}

/// The opening of an episode over `session`: Stirrup's system prompt with the snapshot's
/// files as its input files (when the snapshot is shown in the working directory, as the
/// Stirrup provider shows it) and the task's instructions.
pub fn opening(settings: &Settings, session: &Session) -> Opening {
    let (dir, files) = match session.snapshot_mount() {
        Some(name) => (name.to_string(), input_files(session, name)),
        None => ("/snapshot".to_string(), Vec::new()),
    };
    let instructions = prompt::fill(&settings.system_prompt, settings.max_turns, &dir);
    Opening {
        system: prompt::system_prompt(settings.max_turns, &files, &instructions),
        task: prompt::fill(&settings.task, settings.max_turns, &dir),
    }
}

/// Every file under `/workspace/<name>`, as `<name>/<path>`, sorted: Stirrup lists uploaded
/// input files so (hidden files are not there to list).
fn input_files(session: &Session, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![name.to_string()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = session.list_dir(&format!("/workspace/{dir}")) else {
            continue;
        };
        for (entry, kind) in entries {
            let path = format!("{dir}/{entry}");
            match kind {
                crate::sandbox::Kind::Dir => stack.push(path),
                crate::sandbox::Kind::File => out.push(path),
            }
        }
    }
    out.sort();
    out
}

/// Runs one episode of the model loop, writing every turn to `traj`: a turn is one model call,
/// whatever number of tool calls its reply carries; the rules are [`machine::Episode`]'s.
pub fn run(
    agent: &mut dyn Agent,
    session: &mut Session,
    settings: &Settings,
    traj: &mut Writer,
) -> Result<Outcome, TrajectoryError> {
    let open = opening(settings, session);
    run_opened(agent, session, settings, open, traj)
}

/// [`run`] with the opening already made (the caller wrote it into the trajectory's header).
pub fn run_opened(
    agent: &mut dyn Agent,
    session: &mut Session,
    settings: &Settings,
    open: Opening,
    traj: &mut Writer,
) -> Result<Outcome, TrajectoryError> {
    let schemas = tools::schemas_for(settings.domain);
    let mut messages = vec![
        Message::text(Role::System, open.system),
        Message::text(Role::User, open.task),
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
            tool_name: None,
            reasoning: reply.reasoning.clone(),
        });
        for (call, done) in ep.call_all(&reply.tool_calls)? {
            messages.push(Message {
                role: Role::Tool,
                content: done.observation,
                tool_calls: Vec::new(),
                tool_call_id: Some(call.id),
                tool_name: Some(call.name),
                reasoning: None,
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
