//! `openai:MODEL`: any OpenAI-compatible chat-completions endpoint, with tool calling and
//! reasoning-token accounting.

use serde_json::{Value, json};

use super::http::{HttpOptions, post_json};
use super::pricing::Prices;
use super::{Sampling, Window, call_shrinking, content_calls, text_tools};
use crate::episode::agent::{Agent, AgentError, Message, Reply, Role, ToolCall, Usage};

/// The agent.
pub struct OpenAi {
    model: String,
    http: HttpOptions,
    prices: Prices,
    sampling: Sampling,
    context_tokens: Option<u64>,
    tools_in_prompt: bool,
}

impl OpenAi {
    /// An agent for `model` at `http.base_url`.
    pub fn new(model: &str, http: HttpOptions, prices: Prices) -> Self {
        OpenAi {
            model: model.to_string(),
            http,
            prices,
            sampling: Sampling::default(),
            context_tokens: None,
            tools_in_prompt: false,
        }
    }

    /// The same agent with sampling settings and the model's context window.
    pub fn with_sampling(mut self, sampling: Sampling, context_tokens: Option<u64>) -> Self {
        self.sampling = sampling;
        self.context_tokens = context_tokens;
        self
    }

    /// The same agent describing the tools in the prompt instead of the request
    /// ([`text_tools`]).
    pub fn with_tools_in_prompt(mut self, on: bool) -> Self {
        self.tools_in_prompt = on;
        self
    }
}

/// A message's text. Stirrup's client sends it as a list of one text part; rcabox sends the
/// string itself, which every OpenAI-compatible server reads as the same text, because
/// llama-cpp-python's server refuses a list for a system message (HTTP 500, "Input should be
/// a valid string"), and so does any server with its strict schema (docs/AGENT_PROTOCOL.md).
/// Never `null`: the empty string when there is no text, as Stirrup sends it.
fn content(text: &str) -> Value {
    json!(text)
}

/// Messages in the chat-completions shape, as Stirrup 0.2.1's `to_openai_messages` writes
/// them but for the text's shape ([`content`]): the reasoning text passed back as
/// `reasoning_content`, tool arguments as the model wrote them, and each tool result with its
/// tool's name.
pub fn wire_messages(messages: &[Message]) -> Vec<Value> {
    messages
        .iter()
        .map(|m| match m.role {
            Role::System => json!({"role": "system", "content": content(&m.content)}),
            Role::User => json!({"role": "user", "content": content(&m.content)}),
            Role::Tool => {
                let mut v = json!({"role": "tool", "content": content(&m.content), "tool_call_id": m.tool_call_id});
                if let Some(name) = &m.tool_name {
                    v["name"] = json!(name);
                }
                v
            }
            Role::Assistant => {
                let mut v = json!({"role": "assistant", "content": content(&m.content)});
                if let Some(r) = m.reasoning.as_deref().filter(|r| !r.is_empty()) {
                    v["reasoning_content"] = json!(r);
                }
                if !m.tool_calls.is_empty() {
                    v["tool_calls"] = m
                        .tool_calls
                        .iter()
                        .map(|c| {
                            let args = match (&c.raw_arguments, &c.arguments) {
                                (Some(raw), _) => raw.clone(),
                                (None, Value::String(raw)) => raw.clone(),
                                (None, other) => other.to_string(),
                            };
                            json!({"id": c.id, "type": "function", "function": {"name": c.name, "arguments": args}})
                        })
                        .collect();
                }
                v
            }
        })
        .collect()
}

/// Reads a chat-completions response.
pub fn parse_reply(v: &Value) -> Result<Reply, String> {
    let msg = v
        .pointer("/choices/0/message")
        .ok_or_else(|| format!("no choices[0].message in the response: {}", short(v)))?;
    let content = msg
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut calls = Vec::new();
    for (i, c) in msg
        .get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = c
            .pointer("/function/name")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("tool_calls[{i}] has no function.name"))?;
        let raw = c
            .pointer("/function/arguments")
            .and_then(Value::as_str)
            .unwrap_or("");
        // Invalid JSON stays a string, refused as Stirrup refuses it.
        let arguments =
            serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
        let mut id = c
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map_or_else(|| format!("call_{i}"), str::to_string);
        // Ids must be unique within a reply, or the results cannot be told apart (small models
        // repeat them); a repeated one gets the call's position.
        if calls.iter().any(|c: &ToolCall| c.id == id) {
            id = format!("{id}_{i}");
        }
        calls.push(ToolCall {
            id,
            name: name.to_string(),
            arguments,
            raw_arguments: Some(raw.to_string()),
        });
    }
    let mut content = content;
    if calls.is_empty()
        && let Some((text, found)) = content_calls::extract(&content)
    {
        content = text;
        calls = found;
    }
    let u = |p: &str| v.pointer(p).and_then(Value::as_u64).unwrap_or(0);
    let usage = Usage {
        input_tokens: u("/usage/prompt_tokens"),
        output_tokens: u("/usage/completion_tokens"),
        reasoning_tokens: u("/usage/completion_tokens_details/reasoning_tokens"),
    };
    let reasoning = msg
        .get("reasoning_content")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    Ok(Reply {
        content,
        tool_calls: calls,
        usage,
        reasoning,
        cost_usd: 0.0,
    })
}

fn short(v: &Value) -> String {
    v.to_string().chars().take(300).collect()
}

impl Agent for OpenAi {
    fn id(&self) -> String {
        format!("openai:{}", self.model)
    }

    fn next(&mut self, messages: &[Message], tools: &[Value]) -> Result<Reply, AgentError> {
        // No key (a server on this machine): no authorization header at all.
        let auth: Vec<(&str, String)> = if self.http.api_key.is_empty() {
            Vec::new()
        } else {
            vec![("authorization", format!("Bearer {}", self.http.api_key))]
        };
        let window = Window {
            context_tokens: self.context_tokens,
            reply_tokens: u64::from(self.sampling.max_tokens.unwrap_or(4096)),
        };
        call_shrinking(
            messages,
            &self.model,
            &self.prices,
            window,
            |msgs| {
                let mut body = if self.tools_in_prompt {
                    json!({"model": self.model, "messages": wire_messages(&text_tools::rewrite(msgs, tools))})
                } else {
                    json!({"model": self.model, "messages": wire_messages(msgs), "tools": tools, "tool_choice": "auto"})
                };
                self.sampling.apply(&mut body, true);
                // Stirrup's client asks for `max_completion_tokens`, the name OpenAI's API
                // gives the reply's length now (`max_tokens` is its deprecated one).
                if let Some(m) = body.as_object_mut().and_then(|o| o.remove("max_tokens")) {
                    body["max_completion_tokens"] = m;
                }
                post_json(&self.http, &self.model, "/chat/completions", &auth, &body)
            },
            parse_reply,
        )
    }
}
