//! `replay:PATH`: replays the model replies recorded in a trajectory file. The commands run
//! again in a fresh sandbox, so a replayed episode shows whether the observations are still the
//! same. (For a run directory, the agent factory picks each episode's file.)

use std::path::Path;

use serde_json::Value;

use crate::episode::agent::{Agent, AgentError, Message, Reply};
use crate::trajectory::{Record, read};

/// The agent.
pub struct ReplayAgent {
    source: String,
    replies: Vec<Reply>,
    next: usize,
}

impl ReplayAgent {
    /// Loads the recording of a trajectory file.
    pub fn open(file: &Path) -> Result<Self, String> {
        let recs = read(file).map_err(|e| format!("replay: {e}"))?;
        let replies = recs
            .into_iter()
            .filter_map(|r| match r {
                Record::Turn {
                    content,
                    tool_calls,
                    usage,
                    cost_usd,
                    ..
                } => Some(Reply {
                    content,
                    tool_calls,
                    usage,
                    cost_usd,
                    reasoning: None,
                }),
                _ => None,
            })
            .collect();
        Ok(ReplayAgent {
            source: file.display().to_string(),
            replies,
            next: 0,
        })
    }
}

impl Agent for ReplayAgent {
    fn id(&self) -> String {
        format!("replay:{}", self.source)
    }

    fn next(&mut self, _messages: &[Message], _tools: &[Value]) -> Result<Reply, AgentError> {
        let r = self.replies.get(self.next).cloned().ok_or_else(|| {
            AgentError(format!(
                "replay: {} has no turn {}",
                self.source,
                self.next + 1
            ))
        })?;
        self.next += 1;
        Ok(r)
    }
}
