//! `rcabox mcp`: one episode served over MCP on stdio, so any MCP client (an IDE agent, a
//! framework's MCP adapter) drives the sandbox with the same `code_exec` and `finish` tools.
//!
//! The server never sees the model's messages, so here a turn is one tool call: the cap, the
//! Stirrup warnings (sent as a second text block after the observation) and the trajectory
//! count calls. The trajectory has the same records as `rcabox run` writes, so `rcabox
//! replay`, `rcabox export --atif` and `rcabox score` read it unchanged.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Context;
use rcabox_runtime::answer::Answer;
use rcabox_runtime::episode::{prompt, tools};
use rcabox_runtime::sandbox::Session;
use rcabox_runtime::snapshot::manifest;
use rcabox_runtime::trajectory::{Ending, Header, Record, Writer};
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

impl LazySession {
    fn get(&mut self) -> anyhow::Result<&mut Session> {
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
            LazySession::Failed(m) => Err(anyhow::anyhow!("the sandbox did not open: {m}")),
            LazySession::Opening(_) => Err(anyhow::anyhow!("the sandbox is still opening")),
        }
    }
}

/// Where the episode stands; one lock, since calls of one episode run in order.
struct Episode {
    session: LazySession,
    traj: Option<Writer>,
    answer_path: Option<PathBuf>,
    max_turns: usize,
    max_chars: usize,
    turn: usize,
    pending: Option<String>,
    over: Option<Ending>,
    started: Instant,
}

#[derive(Clone)]
struct Server(Arc<Mutex<Episode>>);

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
    let traj = match &a.trajectory {
        Some(path) => {
            let header = Header {
                rcabox_version: env!("CARGO_PKG_VERSION").to_string(),
                question: a
                    .sandbox
                    .snapshot
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                repeat: 1,
                snapshot: a.sandbox.snapshot.display().to_string(),
                snapshot_hash: manifest::hash(&a.sandbox.snapshot)?,
                tools_hash: rcabox_runtime::TOOLS_SHA256.to_string(),
                agent: "mcp".to_string(),
                max_turns: a.max_turns,
                seed: a.sandbox.seed,
                max_output_chars: a.max_output_chars,
                timeout_s: a.sandbox.timeout.ceil() as u64,
                system_prompt: INSTRUCTIONS.to_string(),
                task: String::new(),
            };
            Some(Writer::create(path, header).context("creating --trajectory")?)
        }
        None => None,
    };
    let server = Server(Arc::new(Mutex::new(Episode {
        session,
        traj,
        answer_path: a.answer.clone(),
        max_turns: a.max_turns,
        max_chars: a.max_output_chars,
        turn: 0,
        pending: None,
        over: None,
        started: Instant::now(),
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
    if ep.over.is_none() {
        ep.end(
            Ending::Error,
            None,
            Some("the MCP client disconnected before finish".into()),
        )?;
    }
    Ok(std::process::ExitCode::SUCCESS)
}

impl Episode {
    /// Runs one call; the text blocks to return and whether it is an error.
    fn call(&mut self, name: &str, args: Value) -> anyhow::Result<(Vec<String>, bool)> {
        if let Some(ending) = self.over {
            let why = match ending {
                Ending::Finish => "the diagnosis was already submitted",
                _ => "the turn cap was reached",
            };
            return Ok((vec![format!("the episode is over: {why}")], true));
        }
        self.turn += 1;
        let turn = self.turn;
        let left = self.max_turns - turn;
        // What a harness would add before the next call goes out with this call's result.
        let warning = self.pending.take();
        self.pending = match left {
            1 => Some(prompt::LAST_TURN.to_string()),
            2..=20 => Some(prompt::turns_left_warning(left)),
            _ => None,
        };
        let id = format!("mcp-{turn}");
        if let Some(t) = &mut self.traj {
            t.push(&Record::Turn {
                turn,
                warning: warning.clone(),
                messages: 0,
                content: String::new(),
                tool_calls: vec![rcabox_runtime::episode::agent::ToolCall {
                    id: id.clone(),
                    name: name.to_string(),
                    arguments: args.clone(),
                }],
                usage: Default::default(),
                cost_usd: 0.0,
                latency_ms: 0.0,
            })?;
        }
        let t0 = Instant::now();
        let tools::Called {
            observation,
            cmd,
            exit_code,
            error_kind,
            answer,
            is_error,
        } = tools::call(self.session.get()?, name, &args, self.max_chars);
        if let Some(t) = &mut self.traj {
            t.push(&Record::Tool {
                turn,
                id,
                name: name.to_string(),
                cmd,
                observation: observation.clone(),
                exit_code,
                error_kind,
                duration_ms: t0.elapsed().as_secs_f64() * 1000.0,
            })?;
            t.flush()?;
        }
        if let Some(a) = answer {
            self.end(Ending::Finish, Some(a), None)?;
        } else if left == 0 {
            self.end(Ending::TurnCap, None, None)?;
        }
        let mut blocks = vec![observation];
        if self.over.is_none() {
            blocks.extend(self.pending.clone());
        } else if self.over == Some(Ending::TurnCap) {
            blocks.push("The turn cap is reached; the episode ended with no diagnosis.".into());
        }
        Ok((blocks, is_error))
    }

    /// Ends the episode: the answer file first, then the trajectory's end record.
    fn end(
        &mut self,
        ending: Ending,
        answer: Option<Answer>,
        error: Option<String>,
    ) -> anyhow::Result<()> {
        self.over = Some(ending);
        if let (Some(a), Some(path)) = (&answer, &self.answer_path) {
            let text = serde_json::to_string_pretty(a)?;
            rcabox_runtime::run::write_atomic(path, format!("{text}\n").as_bytes())
                .context("writing --answer")?;
        }
        if let Some(t) = &mut self.traj {
            t.push(&Record::End {
                ending,
                turns: self.turn,
                answer,
                error,
                tokens: 0,
                cost_usd: 0.0,
                wall_ms: self.started.elapsed().as_millis() as u64,
            })?;
            t.flush()?;
        }
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
        let tools = tools::schemas()
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
