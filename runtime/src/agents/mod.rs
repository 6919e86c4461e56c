//! The agents, one module each, and the factory that makes one from its command-line id:
//! `baseline`, `openai:MODEL`, `anthropic:MODEL`, `cmd:PROGRAM`, `replay:PATH`.

pub mod anthropic;
pub mod baseline;
pub mod cmd;
pub mod http;
pub mod openai;
pub mod pricing;
pub mod replay;

use std::path::PathBuf;

use serde_json::Value;

use crate::episode::agent::{Agent, AgentError, Message, Reply, Role, ToolCall, Usage};
use http::CallError;
use http::HttpOptions;
use pricing::Prices;

/// Settings for the API agents.
#[derive(Debug, Clone, Default)]
pub struct AgentOptions {
    /// Base URL override.
    pub base_url: Option<String>,
    /// Environment variable holding the key (default `OPENAI_API_KEY` / `ANTHROPIC_API_KEY`).
    pub api_key_env: Option<String>,
    /// HTTP timeouts, retries and limits.
    pub http: HttpOptions,
    /// Price table file (default: the built-in one).
    pub prices: Option<PathBuf>,
    /// Anthropic `max_tokens`.
    pub max_tokens: u32,
}

/// Makes one agent per (question, repeat).
pub type Factory = dyn Fn(&str, usize) -> Result<Box<dyn Agent>, String> + Send + Sync;

/// The factory for an agent id.
pub fn factory(id: &str, o: &AgentOptions) -> Result<Box<Factory>, String> {
    let (kind, arg) = id.split_once(':').unwrap_or((id, ""));
    let api = |default_url: &str, default_env: &str| -> Result<(HttpOptions, Prices), String> {
        let env = o
            .api_key_env
            .clone()
            .unwrap_or_else(|| default_env.to_string());
        let api_key = std::env::var(&env).map_err(|_| {
            format!(
                "{kind}: set the API key in ${env} (or name another variable with --api-key-env)"
            )
        })?;
        let mut http = o.http.clone();
        http.base_url = o
            .base_url
            .clone()
            .unwrap_or_else(|| default_url.to_string());
        http.api_key = api_key;
        Ok((http, Prices::load(o.prices.as_deref())?))
    };
    let need = |what: &str| {
        if arg.is_empty() {
            Err(format!(
                "`{kind}:` needs {what}, e.g. {kind}:{}",
                example(kind)
            ))
        } else {
            Ok(())
        }
    };
    match kind {
        "baseline" => Ok(Box::new(|_: &str, _: usize| {
            Ok(Box::new(baseline::Baseline::new()) as Box<dyn Agent>)
        })),
        "openai" => {
            need("a model")?;
            let (http, prices) = api("https://api.openai.com/v1", "OPENAI_API_KEY")?;
            let model = arg.to_string();
            Ok(Box::new(move |_: &str, _: usize| {
                Ok(
                    Box::new(openai::OpenAi::new(&model, http.clone(), prices.clone()))
                        as Box<dyn Agent>,
                )
            }))
        }
        "anthropic" => {
            need("a model")?;
            let (http, prices) = api("https://api.anthropic.com", "ANTHROPIC_API_KEY")?;
            let (model, max_tokens) = (
                arg.to_string(),
                if o.max_tokens == 0 {
                    8192
                } else {
                    o.max_tokens
                },
            );
            Ok(Box::new(move |_: &str, _: usize| {
                Ok(Box::new(anthropic::Anthropic::new(
                    &model,
                    http.clone(),
                    prices.clone(),
                    max_tokens,
                )) as Box<dyn Agent>)
            }))
        }
        "cmd" => {
            need("a program")?;
            let program = arg.to_string();
            Ok(Box::new(move |q: &str, r: usize| {
                Ok(Box::new(cmd::CmdAgent::start(&program, q, r)?) as Box<dyn Agent>)
            }))
        }
        "replay" => {
            need("a trajectory or run directory")?;
            let path = PathBuf::from(arg);
            if !path.exists() {
                return Err(format!("replay: {} does not exist", path.display()));
            }
            Ok(Box::new(move |q: &str, r: usize| {
                Ok(Box::new(replay::ReplayAgent::open(&path, q, r)?) as Box<dyn Agent>)
            }))
        }
        other => Err(format!(
            "unknown agent `{other}`; use baseline, openai:MODEL, anthropic:MODEL, cmd:PROGRAM or replay:PATH"
        )),
    }
}

fn example(kind: &str) -> &'static str {
    match kind {
        "openai" => "gpt-4o",
        "anthropic" => "claude-sonnet-4-5",
        "cmd" => "'python3 my_agent.py'",
        _ => "runs/20251201T000000Z",
    }
}

/// Makes room in a conversation that no longer fits the model's context: replaces the oldest
/// half of the tool observations not yet dropped with a note. False when nothing is left.
pub fn shrink(messages: &mut [Message]) -> bool {
    const NOTE: &str = "[observation removed to fit the model's context window]";
    let idx: Vec<usize> = messages
        .iter()
        .enumerate()
        .filter(|(_, m)| m.role == Role::Tool && m.content != NOTE)
        .map(|(i, _)| i)
        .collect();
    if idx.is_empty() {
        return false;
    }
    for &i in &idx[..idx.len().div_ceil(2)] {
        messages[i].content = NOTE.to_string();
    }
    true
}

/// Reads a provider's reply into text, tool calls and token use.
pub type ParseReply = fn(&Value) -> Result<(String, Vec<ToolCall>, Usage), String>;

/// One model call for the API agents: sends the conversation with `request`, parses the reply
/// with `parse` and prices it; on a context overflow drops old observations ([`shrink`]) and
/// sends again.
pub fn call_shrinking(
    messages: &[Message],
    model: &str,
    prices: &Prices,
    mut request: impl FnMut(&[Message]) -> Result<Value, CallError>,
    parse: ParseReply,
) -> Result<Reply, AgentError> {
    let mut msgs = messages.to_vec();
    loop {
        match request(&msgs) {
            Ok(v) => {
                let (content, tool_calls, usage) = parse(&v).map_err(AgentError)?;
                let cost_usd = prices.cost(model, usage.input_tokens, usage.output_tokens);
                return Ok(Reply {
                    content,
                    tool_calls,
                    usage,
                    cost_usd,
                });
            }
            Err(CallError::ContextOverflow(why)) => {
                if !shrink(&mut msgs) {
                    return Err(AgentError(format!(
                        "context window exceeded and nothing left to drop: {why}"
                    )));
                }
            }
            Err(CallError::Failed(e)) => return Err(AgentError(e)),
        }
    }
}
