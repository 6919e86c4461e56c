//! What an agent is to the episode: something that reads the conversation and answers with
//! text and tool calls, one model call per turn.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The system prompt.
    System,
    /// The task and the harness's warnings.
    User,
    /// The model.
    Assistant,
    /// A tool's result.
    Tool,
}

/// One tool call of a model reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// Call id, echoed in the result.
    pub id: String,
    /// Tool name.
    pub name: String,
    /// Arguments: a JSON object, or the raw text when the model wrote invalid JSON.
    pub arguments: Value,
    /// The arguments exactly as the model wrote them, when it wrote text: sent back so in
    /// later requests, as Stirrup does, rather than re-serialized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_arguments: Option<String>,
}

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Author.
    pub role: Role,
    /// Text.
    pub content: String,
    /// Tool calls (assistant messages).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// The call this message answers (tool messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    /// The tool that answered (tool messages), as Stirrup names it on the wire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_name: Option<String>,
    /// The model's reasoning text (assistant messages), sent back as `reasoning_content`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<String>,
}

impl Message {
    /// A message with only text.
    pub fn text(role: Role, content: impl Into<String>) -> Self {
        Message {
            role,
            content: content.into(),
            tool_calls: Vec::new(),
            tool_call_id: None,
            tool_name: None,
            reasoning: None,
        }
    }
}

/// Token use of one model call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens.
    #[serde(default)]
    pub input_tokens: u64,
    /// Completion tokens, reasoning included.
    #[serde(default)]
    pub output_tokens: u64,
    /// Of which reasoning.
    #[serde(default)]
    pub reasoning_tokens: u64,
}

/// A model's reply to one turn.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// Text.
    #[serde(default)]
    pub content: String,
    /// Tool calls, run in order.
    #[serde(default)]
    pub tool_calls: Vec<ToolCall>,
    /// The model's reasoning text, when its API returns it (`reasoning_content`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<String>,
    /// Tokens.
    #[serde(default)]
    pub usage: Usage,
    /// Cost in US dollars.
    #[serde(default)]
    pub cost_usd: f64,
}

impl Reply {
    /// A reply of `content` and one call of tool `name` with `arguments`, numbered `call_<n>`:
    /// what the scripted baselines send.
    pub fn one_call(content: impl Into<String>, n: usize, name: &str, arguments: Value) -> Self {
        Reply {
            content: content.into(),
            tool_calls: vec![ToolCall {
                id: format!("call_{n}"),
                name: name.into(),
                arguments,
                raw_arguments: None,
            }],
            ..Reply::default()
        }
    }
}

/// The agent failed in a way the episode cannot continue from.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct AgentError(pub String);

/// One agent: a model behind an API, a program, a recording, or the built-in baseline.
pub trait Agent: Send {
    /// `kind:model`, as written on the command line.
    fn id(&self) -> String;
    /// One model call: the conversation so far and the tools, the reply.
    fn next(&mut self, messages: &[Message], tools: &[Value]) -> Result<Reply, AgentError>;
}
