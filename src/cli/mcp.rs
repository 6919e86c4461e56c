//! `rcabox mcp`: one episode served over MCP on stdio, so any MCP client (an IDE agent, a
//! framework's MCP adapter) drives the sandbox with the same `code_exec` and `finish` tools.
//!
//! The server never sees the model's messages, so here a turn is one tool call; the rules (cap,
//! Stirrup's warnings, sent as a second text block after the observation, the trajectory) are
//! the episode state machine's, the same as `rcabox run`'s. The trajectory has the same records as `rcabox run` writes, so `rcabox
//! replay`, `rcabox export --atif` and `rcabox score` read it unchanged.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use rcabox_runtime::episode::agent::{Reply, ToolCall};
use rcabox_runtime::episode::machine::{Episode, SessionSource};
use rcabox_runtime::episode::{Settings, tools};
use rcabox_runtime::sandbox::Session;
use rcabox_runtime::snapshot::manifest;
use rcabox_runtime::trajectory::{Ending, EpisodeId, Header, Writer};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::Value;

use super::exec::SandboxArgs;

/// What the server tells the client at initialisation.
const INSTRUCTIONS: &str = "An incident snapshot is mounted read-only at /snapshot. Investigate \
    with code_exec (bash, GNU-style tools and python3 in a sandbox), then call finish once with the root \
    causes as namespace/Kind/name.";

/// Arguments of `rcabox mcp`.
#[derive(clap::Args)]
pub struct McpArgs {
    #[command(flatten)]
    sandbox: SandboxArgs,
    /// Tool calls allowed before the episode ends with no answer.
    #[arg(long, default_value_t = 100)]
    max_turns: usize,
    /// Characters kept of each output stream of `code_exec`.
    #[arg(long, default_value_t = tools::DEFAULT_MAX_CHARS)]
    max_output_chars: usize,
    /// Write the trajectory (JSON lines, flushed per call) here.
    #[arg(long)]
    trajectory: Option<PathBuf>,
    /// Write the diagnosis as ITBench `agent_output.json` here when `finish` succeeds.
    #[arg(long)]
    answer: Option<PathBuf>,
}

/// The sandbox session, opened on a thread at start so that `initialize` is answered at once
/// whatever loading (or, on a CPU the built-in artifact does not fit, compiling) the tool
/// module costs; the first tool call waits for it.
enum LazySession {
    Opening(std::thread::JoinHandle<anyhow::Result<Session>>),
    Open(Session),
    Failed(String),
}

impl SessionSource for LazySession {
    fn session(&mut self) -> Result<&mut Session, String> {
        if matches!(self, LazySession::Opening(_)) {
            let opening = std::mem::replace(self, LazySession::Failed(String::new()));
            if let LazySession::Opening(h) = opening {
                *self = match h.join() {
                    Ok(Ok(s)) => LazySession::Open(s),
                    Ok(Err(e)) => LazySession::Failed(format!("{e:#}")),
                    Err(_) => LazySession::Failed("opening the sandbox panicked".into()),
                };
            }
        }
        match self {
            LazySession::Open(s) => Ok(s),
            LazySession::Failed(m) => Err(m.clone()),
            LazySession::Opening(_) => Err("the sandbox is still opening".into()),
        }
    }
}

/// The episode and where its answer goes; one lock, since calls of one episode run in order.
struct McpEpisode {
    ep: Episode<LazySession, Writer>,
    answer_path: Option<PathBuf>,
    /// The snapshot's domain: its finish tool is listed.
    domain: rcabox_runtime::domain::Domain,
}

#[derive(Clone)]
struct Server(Arc<Mutex<McpEpisode>>);

/// Runs `rcabox mcp` until the client closes stdin.
pub fn run(a: McpArgs) -> anyhow::Result<std::process::ExitCode> {
    if a.max_turns == 0 {
        anyhow::bail!("--max-turns must be at least 1");
    }
    if !a.sandbox.snapshot.is_dir() {
        anyhow::bail!(
            "snapshot {}: not a directory (give --snapshot an incident snapshot directory)",
            a.sandbox.snapshot.display()
        );
    }
    let sandbox = a.sandbox.clone();
    let session = LazySession::Opening(std::thread::spawn(move || {
        let session = sandbox.session()?;
        // An IDE's agent may reach for python3 at its first call: have it compiled by then.
        rcabox_runtime::sandbox::Runtime::shared()?.prepare_python();
        Ok(session)
    }));
    // The client sees INSTRUCTIONS, and the task is whatever its user asks.
    let settings = Settings {
        max_turns: a.max_turns,
        system_prompt: INSTRUCTIONS.to_string(),
        task: String::new(),
        max_output_chars: a.max_output_chars,
        domain: rcabox_runtime::domain::Domain::detect(&a.sandbox.snapshot).unwrap_or_default(),
    };
    let traj = match &a.trajectory {
        Some(path) => {
            let header = Header::new(
                EpisodeId {
                    question: a
                        .sandbox
                        .snapshot
                        .file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                    repeat: 1,
                    agent: "mcp".to_string(),
                    seed: a.sandbox.seed,
                },
                &a.sandbox.snapshot,
                manifest::hash(&a.sandbox.snapshot)?,
                rcabox_runtime::TOOLS_SHA256.to_string(),
                &settings,
                a.sandbox.timeout.ceil() as u64,
            );
            Some(Writer::create(path, header).context("creating --trajectory")?)
        }
        None => None,
    };
    let server = Server(Arc::new(Mutex::new(McpEpisode {
        ep: Episode::new(&settings, session, traj),
        domain: settings.domain,
        answer_path: a.answer.clone(),
    })));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
        let running = server
            .clone()
            .serve(rmcp::transport::stdio())
            .await
            .context("MCP initialisation over stdio")?;
        running.waiting().await.context("MCP service")?;
        anyhow::Ok(())
    })?;
    // The client went away: record an episode that never finished.
    let mut ep = server
        .0
        .lock()
        .map_err(|_| anyhow::anyhow!("episode lock poisoned"))?;
    if ep.ep.over().is_none() {
        ep.end(Some("the MCP client disconnected before finish".into()))?;
    }
    Ok(std::process::ExitCode::SUCCESS)
}

impl McpEpisode {
    /// Runs one call, which is one turn here; the text blocks to return and whether it is an
    /// error.
    fn call(&mut self, name: &str, args: Value) -> anyhow::Result<(Vec<String>, bool)> {
        let Some(warning) = self.ep.begin_turn() else {
            let why = match self.ep.over() {
                Some(Ending::Finish) => "the diagnosis was already submitted",
                _ => "the turn cap was reached",
            };
            return Ok((vec![format!("the episode is over: {why}")], true));
        };
        // The warning went out with the previous call's result; the first call had none.
        let delivered = if self.ep.turn() == 1 { None } else { warning };
        let call = ToolCall {
            id: format!("mcp-{}", self.ep.turn()),
            name: name.to_string(),
            arguments: args,
            raw_arguments: None,
        };
        let reply = Reply {
            content: String::new(),
            tool_calls: vec![call.clone()],
            ..Reply::default()
        };
        self.ep.record_reply(delivered, 0, &reply, 0.0)?;
        let done = self.ep.call(&call, None)?;
        self.ep.end_turn()?;
        let over = self.ep.over();
        if over.is_some() {
            self.end(None)?;
        }
        let mut blocks = vec![done.observation];
        match over {
            None => blocks.extend(self.ep.next_warning()),
            Some(Ending::TurnCap) => {
                blocks.push("The turn cap is reached; the episode ended with no diagnosis.".into())
            }
            Some(_) => {}
        }
        Ok((blocks, done.is_error))
    }

    /// Ends the episode: the answer file first, then the trajectory's end record.
    fn end(&mut self, error: Option<String>) -> anyhow::Result<()> {
        if let (Some(a), Some(path)) = (self.ep.answer(), &self.answer_path) {
            let text = serde_json::to_string_pretty(a)?;
            rcabox_runtime::run::write_atomic(path, format!("{text}\n").as_bytes())
                .context("writing --answer")?;
        }
        self.ep.end(error)?;
        Ok(())
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("rcabox", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let domain = self
            .0
            .lock()
            .map_or_else(|e| e.into_inner().domain, |g| g.domain);
        let tools = tools::schemas_for(domain)
            .into_iter()
            .filter_map(|s| {
                let f = s.get("function")?;
                let name = f.get("name")?.as_str()?.to_string();
                let description = f.get("description")?.as_str()?.to_string();
                let Value::Object(params) = f.get("parameters")?.clone() else {
                    return None;
                };
                Some(Tool::new(name, description, params))
            })
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        let args = Value::Object(request.arguments.unwrap_or_default());
        let episode = self.0.clone();
        // The sandbox is synchronous and a command may run for minutes: keep it off the
        // runtime's workers.
        let done = tokio::task::spawn_blocking(move || {
            let mut ep = episode
                .lock()
                .map_err(|_| anyhow::anyhow!("episode lock poisoned"))?;
            ep.call(&name, args)
        })
        .await;
        match done {
            Ok(Ok((blocks, is_error))) => {
                let content = blocks.into_iter().map(ContentBlock::text).collect();
                Ok(if is_error {
                    CallToolResult::error(content)
                } else {
                    CallToolResult::success(content)
                }
                .into())
            }
            Ok(Err(e)) => Err(ErrorData::internal_error(format!("{e:#}"), None)),
            Err(e) => Err(ErrorData::internal_error(e.to_string(), None)),
        }
    }
}
