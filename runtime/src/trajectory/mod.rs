//! Trajectories: one JSON object per line, flushed after every turn, so a killed run loses at
//! most the turn in flight. The first line is the header; then `turn`, `tool` and `end`
//! records. Replay, rescoring at a turn cap and ATIF export ([`atif`]) read them back.

pub mod atif;

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::answer::Answer;
use crate::episode::agent::{ToolCall, Usage};
use crate::sandbox::ErrorKind;

/// The header: what ran, on what, with which settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// rcabox version.
    pub rcabox_version: String,
    /// Question id.
    pub question: String,
    /// Repeat number.
    pub repeat: usize,
    /// Snapshot directory as given.
    pub snapshot: String,
    /// Snapshot content hash.
    pub snapshot_hash: String,
    /// SHA-256 of the guest tool module.
    pub tools_hash: String,
    /// Agent id (`baseline`, `openai:gpt-5`, ...).
    pub agent: String,
    /// Turn cap.
    pub max_turns: usize,
    /// Sandbox seed.
    pub seed: u64,
    /// Characters kept per output stream.
    pub max_output_chars: usize,
    /// Command timeout in seconds.
    pub timeout_s: u64,
    /// The system prompt as sent (absent in trajectories before it was recorded).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub system_prompt: String,
    /// The first user message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub task: String,
    /// Which texts the model was sent ([`PROTOCOL`] now; empty in trajectories written before
    /// rcabox sent Stirrup's, whose observations `rcabox replay` still checks in their format).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub protocol: String,
    /// The snapshot's name in the working directory, when it was shown there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_mount: Option<String>,
}

/// The texts rcabox sends: Stirrup 0.2.1's, word for word (docs/AGENT_PROTOCOL.md).
pub const PROTOCOL: &str = "stirrup-0.2.1";

/// Who runs an episode and with which sandbox seed: the part of a [`Header`] that is neither
/// the snapshot nor the settings.
#[derive(Debug, Clone)]
pub struct EpisodeId {
    /// Question id.
    pub question: String,
    /// Repeat number.
    pub repeat: usize,
    /// Agent id.
    pub agent: String,
    /// Sandbox seed.
    pub seed: u64,
}

impl Header {
    /// The header of an episode `id` over `snapshot` (content hash `snapshot_hash`) with the
    /// tool module `tools_hash`, run with `settings` and a command timeout of `timeout_s`.
    pub fn new(
        id: EpisodeId,
        snapshot: &Path,
        snapshot_hash: String,
        tools_hash: String,
        settings: &crate::episode::Settings,
        timeout_s: u64,
    ) -> Header {
        Header {
            rcabox_version: env!("CARGO_PKG_VERSION").to_string(),
            question: id.question,
            repeat: id.repeat,
            snapshot: snapshot.display().to_string(),
            snapshot_hash,
            tools_hash,
            agent: id.agent,
            max_turns: settings.max_turns,
            seed: id.seed,
            max_output_chars: settings.max_output_chars,
            timeout_s,
            system_prompt: crate::episode::prompt::fill(
                &settings.system_prompt,
                settings.max_turns,
                "/snapshot",
            ),
            task: crate::episode::prompt::fill(&settings.task, settings.max_turns, "/snapshot"),
            protocol: PROTOCOL.to_string(),
            snapshot_mount: None,
        }
    }

    /// The same header with what the episode opened with, as sent, and where the snapshot was
    /// shown.
    pub fn opened(mut self, opening: &crate::episode::Opening, mount: Option<&str>) -> Header {
        self.system_prompt = opening.system.clone();
        self.task = opening.task.clone();
        self.snapshot_mount = mount.map(str::to_string);
        self
    }

    /// Whether the episode was sent Stirrup's texts (else rcabox's first protocol).
    pub fn is_stirrup(&self) -> bool {
        !self.protocol.is_empty()
    }
}

/// How an episode ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// The agent called `finish` with a valid answer.
    Finish,
    /// The turn cap was reached with no answer.
    TurnCap,
    /// The agent failed (API error after retries, protocol error).
    Error,
}

/// One record of a trajectory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// The header.
    Header(Header),
    /// One model call.
    Turn {
        /// Turn number, from 1.
        turn: usize,
        /// The harness text added before the call (warnings), if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warning: Option<String>,
        /// Messages sent.
        messages: usize,
        /// Reply text.
        content: String,
        /// Tool calls.
        tool_calls: Vec<ToolCall>,
        /// Tokens.
        usage: Usage,
        /// Cost.
        cost_usd: f64,
        /// Model latency.
        latency_ms: f64,
    },
    /// One tool call's result.
    Tool {
        /// Turn number.
        turn: usize,
        /// Call id.
        id: String,
        /// Tool name.
        name: String,
        /// The command, for `code_exec`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cmd: Option<String>,
        /// What the model was sent back.
        observation: String,
        /// Exit status, for `code_exec`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exit_code: Option<i32>,
        /// Limit hit, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error_kind: Option<ErrorKind>,
        /// Tool latency.
        duration_ms: f64,
    },
    /// The end.
    End {
        /// How it ended.
        ending: Ending,
        /// Turns used.
        turns: usize,
        /// The answer, when `finish` succeeded.
        answer: Option<Answer>,
        /// Error text, when it failed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        /// Total tokens.
        tokens: u64,
        /// Total cost.
        cost_usd: f64,
        /// Wall time.
        wall_ms: u64,
    },
}

/// A trajectory file being written.
pub struct Writer {
    path: PathBuf,
    out: BufWriter<File>,
}

/// A trajectory could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum TrajectoryError {
    /// I/O. The cause is part of the message, not a `source`, so a context chain prints it once.
    #[error("{path}: {error}")]
    Io {
        /// The trajectory file.
        path: String,
        /// What the system said.
        error: std::io::Error,
    },
    /// A line is not a trajectory record.
    #[error("{path}:{line}: {message}")]
    Malformed {
        /// The trajectory file.
        path: String,
        /// The line, from 1.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
}

impl Writer {
    /// Creates the file (truncating) and writes the header.
    pub fn create(path: &Path, header: Header) -> Result<Self, TrajectoryError> {
        let io = |error| TrajectoryError::Io {
            path: path.display().to_string(),
            error,
        };
        let out = BufWriter::new(File::create(path).map_err(io)?);
        let mut w = Writer {
            path: path.to_path_buf(),
            out,
        };
        w.push(&Record::Header(header))?;
        w.flush()?;
        Ok(w)
    }

    /// Appends a record (buffered).
    pub fn push(&mut self, r: &Record) -> Result<(), TrajectoryError> {
        let line = serde_json::to_string(r).map_err(|e| TrajectoryError::Malformed {
            path: self.path.display().to_string(),
            line: 0,
            message: e.to_string(),
        })?;
        writeln!(self.out, "{line}").map_err(|error| TrajectoryError::Io {
            path: self.path.display().to_string(),
            error,
        })
    }

    /// Flushes to the OS; called after every turn.
    pub fn flush(&mut self) -> Result<(), TrajectoryError> {
        self.out.flush().map_err(|error| TrajectoryError::Io {
            path: self.path.display().to_string(),
            error,
        })
    }
}

/// Reads every record of a trajectory.
pub fn read(path: &Path) -> Result<Vec<Record>, TrajectoryError> {
    let f = File::open(path).map_err(|error| TrajectoryError::Io {
        path: path.display().to_string(),
        error,
    })?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|error| TrajectoryError::Io {
            path: path.display().to_string(),
            error,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let r: Record = serde_json::from_str(&line).map_err(|e| TrajectoryError::Malformed {
            path: path.display().to_string(),
            line: i + 1,
            message: format!("not a trajectory record: {e}"),
        })?;
        out.push(r);
    }
    Ok(out)
}

/// The answer an episode would have given had it been cut at `max_turns`: its answer if it
/// finished within the cap, else none.
pub fn answer_at(records: &[Record], max_turns: usize) -> Option<Answer> {
    records.iter().find_map(|r| match r {
        Record::End {
            ending: Ending::Finish,
            turns,
            answer,
            ..
        } if *turns <= max_turns => answer.clone(),
        _ => None,
    })
}
