//! The agents, one module each, and the factory that makes one from its command-line id:
//! `baseline`, `openai:MODEL`, `anthropic:MODEL`, `cmd:PROGRAM`, `replay:PATH`.

pub mod anthropic;
pub mod baseline;
pub mod cmd;
pub mod content_calls;
pub mod http;
pub mod openai;
pub mod pricing;
pub mod replay;
pub mod text_tools;

use std::path::PathBuf;

use serde_json::Value;

use crate::episode::agent::{Agent, AgentError, Message, Reply, Role};
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
    /// Sampling settings passed to the API.
    pub sampling: Sampling,
    /// The model's context window in tokens, when known: a conversation estimated to exceed
    /// it (less the reply's `max_tokens`) is shrunk before it is sent.
    pub context_tokens: Option<u64>,
    /// OpenAI-compatible servers: describe the tools in the prompt and read calls from the
    /// text ([`text_tools`]), for servers or templates without tool calling.
    pub tools_in_prompt: bool,
}

/// Sampling settings sent to the model API where given; the server's defaults otherwise.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sampling {
    /// `temperature`.
    pub temperature: Option<f64>,
    /// `top_p`.
    pub top_p: Option<f64>,
    /// Longest reply in tokens (Anthropic requires one: 8192 when not given).
    pub max_tokens: Option<u32>,
    /// `seed` (OpenAI-compatible servers; Anthropic has none).
    pub seed: Option<u64>,
}

impl Sampling {
    /// Adds the settings that are given to a request body.
    pub fn apply(&self, body: &mut Value, with_seed: bool) {
        if let Some(t) = self.temperature {
            body["temperature"] = t.into();
        }
        if let Some(p) = self.top_p {
            body["top_p"] = p.into();
        }
        if let Some(m) = self.max_tokens {
            body["max_tokens"] = m.into();
        }
        if let (Some(s), true) = (self.seed, with_seed) {
            body["seed"] = s.into();
        }
    }
}

/// Whether a base URL names this machine (`localhost`, `127.0.0.0/8`, `::1`): a local model
/// server, which needs no API key.
pub fn is_loopback(base_url: &str) -> bool {
    let Ok(uri) = base_url.parse::<ureq::http::Uri>() else {
        return false;
    };
    let Some(host) = uri.host() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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
        let base_url = o
            .base_url
            .clone()
            .unwrap_or_else(|| default_url.to_string());
        let api_key = match std::env::var(&env) {
            Ok(k) => k,
            // A server on this machine (llama.cpp, vLLM, Ollama) is called without a key.
            Err(_) if is_loopback(&base_url) => String::new(),
            Err(_) => {
                return Err(format!(
                    "{kind}: set the API key in ${env} (or name another variable with --api-key-env); \
                     a server on this machine (--base-url http://127.0.0.1:PORT/v1) needs none"
                ));
            }
        };
        let mut http = o.http.clone();
        http.base_url = base_url;
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
            let (sampling, context) = (o.sampling.clone(), o.context_tokens);
            let in_prompt = o.tools_in_prompt;
            Ok(Box::new(move |_: &str, _: usize| {
                Ok(Box::new(
                    openai::OpenAi::new(&model, http.clone(), prices.clone())
                        .with_sampling(sampling.clone(), context)
                        .with_tools_in_prompt(in_prompt),
                ) as Box<dyn Agent>)
            }))
        }
        "anthropic" => {
            need("a model")?;
            let (http, prices) = api("https://api.anthropic.com", "ANTHROPIC_API_KEY")?;
            let (model, max_tokens) = (arg.to_string(), o.sampling.max_tokens.unwrap_or(8192));
            let (sampling, context) = (o.sampling.clone(), o.context_tokens);
            Ok(Box::new(move |_: &str, _: usize| {
                Ok(Box::new(
                    anthropic::Anthropic::new(&model, http.clone(), prices.clone(), max_tokens)
                        .with_sampling(sampling.clone(), context),
                ) as Box<dyn Agent>)
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
                // A run directory: the same question and repeat's trajectory.
                let file = if path.is_dir() {
                    crate::run::trajectory_path(&path, q, r)
                } else {
                    path.clone()
                };
                Ok(Box::new(replay::ReplayAgent::open(&file)?) as Box<dyn Agent>)
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
pub type ParseReply = fn(&Value) -> Result<Reply, String>;

/// A conservative estimate of a conversation's prompt tokens: three bytes a token (English
/// prose runs near four, JSON, logs and identifiers nearer three), plus a little per message.
pub fn estimate_tokens(messages: &[Message]) -> u64 {
    messages
        .iter()
        .map(|m| {
            let calls: usize = m
                .tool_calls
                .iter()
                .map(|c| c.name.len() + c.arguments.to_string().len())
                .sum();
            ((m.content.len() + calls) / 3 + 8) as u64
        })
        .sum()
}

/// Where a conversation must fit: the context window less the reply's tokens.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    /// Context window in tokens (`None`: unknown, rely on the server's overflow error).
    pub context_tokens: Option<u64>,
    /// Tokens kept for the reply.
    pub reply_tokens: u64,
}

/// One model call for the API agents: sends the conversation with `request`, parses the reply
/// with `parse` and prices it; on a context overflow, reported by the server or foreseen from
/// `window`, drops old observations ([`shrink`]) and sends again.
pub fn call_shrinking(
    messages: &[Message],
    model: &str,
    prices: &Prices,
    window: Window,
    mut request: impl FnMut(&[Message]) -> Result<Value, CallError>,
    parse: ParseReply,
) -> Result<Reply, AgentError> {
    let mut msgs = messages.to_vec();
    if let Some(ctx) = window.context_tokens {
        let room = ctx.saturating_sub(window.reply_tokens);
        while estimate_tokens(&msgs) > room && shrink(&mut msgs) {}
    }
    loop {
        match request(&msgs) {
            Ok(v) => {
                let mut reply = parse(&v).map_err(AgentError)?;
                reply.cost_usd =
                    prices.cost(model, reply.usage.input_tokens, reply.usage.output_tokens);
                return Ok(reply);
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
