//! `anthropic:MODEL`: the Anthropic Messages API with tool use.

use serde_json::{Value, json};

use super::http::{HttpOptions, post_json};
use super::pricing::Prices;
use super::{Sampling, Window, call_shrinking};
use crate::episode::agent::{Agent, AgentError, Message, Reply, Role, ToolCall, Usage};

/// The API version header this client speaks.
pub const API_VERSION: &str = "2023-06-01";

/// The agent.
pub struct Anthropic {
    model: String,
    http: HttpOptions,
    prices: Prices,
    max_tokens: u32,
    sampling: Sampling,
    context_tokens: Option<u64>,
}

impl Anthropic {
    /// An agent for `model` at `http.base_url`.
    pub fn new(model: &str, http: HttpOptions, prices: Prices, max_tokens: u32) -> Self {
        Anthropic {
            model: model.to_string(),
            http,
            prices,
            max_tokens,
            sampling: Sampling::default(),
            context_tokens: None,
        }
    }

    /// The same agent with sampling settings (`temperature`, `top_p`; the API has no seed) and
    /// the model's context window.
    pub fn with_sampling(mut self, sampling: Sampling, context_tokens: Option<u64>) -> Self {
        self.sampling = Sampling {
            max_tokens: None,
            seed: None,
            ..sampling
        };
        self.context_tokens = context_tokens;
        self
    }
}

/// Tools in the Messages API shape (from the OpenAI-style schemas).
pub fn wire_tools(tools: &[Value]) -> Vec<Value> {
    tools
        .iter()
        .filter_map(|t| {
            let f = t.get("function")?;
            Some(json!({"name": f["name"], "description": f["description"], "input_schema": f["parameters"]}))
        })
        .collect()
}

/// The system text and the alternating user/assistant messages: tool results and harness text
/// that follow one assistant turn are merged into one user message of content blocks.
pub fn wire_messages(messages: &[Message]) -> (String, Vec<Value>) {
    let mut system = String::new();
    let mut out: Vec<Value> = Vec::new();
    let push_user = |out: &mut Vec<Value>, block: Value| match out.last_mut() {
        Some(last) if last["role"] == "user" => {
            if let Some(a) = last["content"].as_array_mut() {
                a.push(block);
            }
        }
        _ => out.push(json!({"role": "user", "content": [block]})),
    };
    for m in messages {
        match m.role {
            Role::System => system.push_str(&m.content),
            Role::User => push_user(&mut out, json!({"type": "text", "text": m.content})),
            Role::Tool => push_user(
                &mut out,
                json!({"type": "tool_result", "tool_use_id": m.tool_call_id, "content": m.content}),
            ),
            Role::Assistant => {
                let mut blocks = Vec::new();
                if !m.content.is_empty() {
                    blocks.push(json!({"type": "text", "text": m.content}));
                }
                for c in &m.tool_calls {
                    let input = if c.arguments.is_object() {
                        c.arguments.clone()
                    } else {
                        json!({})
                    };
                    blocks.push(
                        json!({"type": "tool_use", "id": c.id, "name": c.name, "input": input}),
                    );
                }
                if blocks.is_empty() {
                    blocks.push(json!({"type": "text", "text": "(no reply)"}));
                }
                out.push(json!({"role": "assistant", "content": blocks}));
            }
        }
    }
    (system, out)
}

/// Reads a Messages API response.
pub fn parse_reply(v: &Value) -> Result<Reply, String> {
    let blocks = v.get("content").and_then(Value::as_array).ok_or_else(|| {
        format!(
            "no content in the response: {}",
            v.to_string().chars().take(300).collect::<String>()
        )
    })?;
    let mut text = String::new();
    let mut calls = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        match b.get("type").and_then(Value::as_str) {
            Some("text") => text.push_str(b.get("text").and_then(Value::as_str).unwrap_or("")),
            Some("tool_use") => calls.push(ToolCall {
                id: b
                    .get("id")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("toolu_{i}"), str::to_string),
                name: b
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("content[{i}] tool_use has no name"))?
                    .to_string(),
                arguments: b.get("input").cloned().unwrap_or(json!({})),
                raw_arguments: None,
            }),
            _ => {}
        }
    }
    let u = |p: &str| v.pointer(p).and_then(Value::as_u64).unwrap_or(0);
    Ok(Reply {
        content: text,
        tool_calls: calls,
        usage: Usage {
            input_tokens: u("/usage/input_tokens"),
            output_tokens: u("/usage/output_tokens"),
            reasoning_tokens: 0,
        },
        ..Reply::default()
    })
}

impl Agent for Anthropic {
    fn id(&self) -> String {
        format!("anthropic:{}", self.model)
    }

    fn next(&mut self, messages: &[Message], tools: &[Value]) -> Result<Reply, AgentError> {
        let mut headers = vec![("anthropic-version", API_VERSION.to_string())];
        if !self.http.api_key.is_empty() {
            headers.push(("x-api-key", self.http.api_key.clone()));
        }
        let window = Window {
            context_tokens: self.context_tokens,
            reply_tokens: u64::from(self.max_tokens),
        };
        call_shrinking(
            messages,
            &self.model,
            &self.prices,
            window,
            |msgs| {
                let (system, wire) = wire_messages(msgs);
                let mut body = json!({"model": self.model, "max_tokens": self.max_tokens, "system": system, "messages": wire, "tools": wire_tools(tools)});
                self.sampling.apply(&mut body, false);
                post_json(&self.http, &self.model, "/v1/messages", &headers, &body)
            },
            parse_reply,
        )
    }
}
