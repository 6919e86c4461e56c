//! The sandbox: run shell commands over a read-only snapshot, in wasm, within limits.
//!
//! A [`Runtime`] holds the engine and the compiled tool module (one per host process). A
//! [`Session`] is one agent's view: a filesystem (the snapshot, plus `/workspace` and `/tmp`
//! kept across its commands) and its limits. [`Session::run`] runs one command as
//! `sh -c COMMAND` inside the sandbox and returns a [`CommandResult`]. The sandbox knows nothing
//! of agents or episodes.

// The sandbox's parts are this crate's own: a user of the library needs the types re-exported
// below. `vfs` is public for its fuzz target (fuzz/fuzz_targets/vfs_ops.rs), which drives the
// in-memory filesystem directly.
pub(crate) mod budget;
pub(crate) mod cpu;
pub(crate) mod engine;
pub(crate) mod fdtable;
mod files;
mod hugepages;
pub(crate) mod module_cache;
pub(crate) mod output;
pub(crate) mod pipe;
pub(crate) mod process;
pub(crate) mod python;
pub mod vfs;
pub(crate) mod wasi;
mod workers;
mod workspace;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub use engine::{Runtime, default_cache_dir};
use fdtable::{Backing, OpenFile};
pub use files::{FileError, Kind};
use output::Sink;
pub use process::Cancel;
use process::{CommandCtx, ProcSpec};
use vfs::Vfs;

/// Why a command did not run to its natural end, or what limit it hit on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum ErrorKind {
    /// Wall-clock time ran out; the command was stopped.
    Timeout = 1,
    /// CPU time ran out; the command was stopped.
    CpuLimit = 2,
    /// A process asked for more memory than allowed.
    MemoryLimit = 3,
    /// The command started more processes than allowed.
    ProcessLimit = 4,
    /// Output beyond the per-stream limit was dropped.
    OutputLimit = 5,
    /// A write to `/workspace` or `/tmp` exceeded the quota.
    DiskQuota = 6,
    /// The user or the harness interrupted the command.
    Interrupted = 7,
    /// The command finished; stragglers are being stopped (never reported).
    Finished = 255,
}

impl ErrorKind {
    /// The `snake_case` name `--json`, trajectories and the harnesses use.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Timeout => "timeout",
            ErrorKind::CpuLimit => "cpu_limit",
            ErrorKind::MemoryLimit => "memory_limit",
            ErrorKind::ProcessLimit => "process_limit",
            ErrorKind::OutputLimit => "output_limit",
            ErrorKind::DiskQuota => "disk_quota",
            ErrorKind::Interrupted => "interrupted",
            ErrorKind::Finished => "finished",
        }
    }

    fn from_code(c: u8) -> Option<Self> {
        use ErrorKind::*;
        [
            Timeout,
            CpuLimit,
            MemoryLimit,
            ProcessLimit,
            OutputLimit,
            DiskQuota,
            Interrupted,
            Finished,
        ]
        .into_iter()
        .find(|k| *k as u8 == c)
    }
}

/// Errors setting the sandbox up (never errors of the command itself).
#[derive(Debug, Clone, thiserror::Error)]
pub enum SandboxError {
    /// The wasm engine or the tool module failed.
    #[error("sandbox engine: {0}")]
    Engine(String),
    /// The snapshot directory cannot be used.
    #[error("snapshot {path}: {reason}")]
    Snapshot {
        /// The directory given.
        path: PathBuf,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// A workspace directory could not be loaded or saved.
    #[error("workspace {path}: {reason}")]
    Workspace {
        /// The directory given.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

impl SandboxError {
    fn engine(e: wasmtime::Error) -> Self {
        SandboxError::Engine(format!("{e:#}"))
    }
}

/// Per-command limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Wall-clock time for the whole command (Stirrup's 300 s).
    pub timeout: Duration,
    /// CPU time summed over the command's processes.
    pub cpu: Duration,
    /// Linear memory of one process.
    pub memory_bytes: usize,
    /// Host memory of the whole command: every process's linear memory plus the buffers the
    /// host holds for it (heredocs, spawn requests, pipes); see [`budget`].
    pub memory_total_bytes: u64,
    /// Processes one command may start in all (a fork bomb ends here).
    pub max_processes: usize,
    /// Processes of one command running at once.
    pub max_live_processes: usize,
    /// Bytes kept of stdout, and of stderr; the rest is cut out of the middle.
    pub output_bytes: usize,
    /// Bytes `/workspace` and `/tmp` may hold together, for the whole session.
    pub disk_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(300),
            cpu: Duration::from_secs(300),
            memory_bytes: 512 << 20,
            memory_total_bytes: 2 << 30,
            max_processes: 4096,
            // Threat H-PROC: a fork bomb ends at these.
            max_live_processes: 64,
            output_bytes: 8 << 20,
            disk_bytes: 256 << 20,
        }
    }
}

/// How to set a session up.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Directory mounted read-only at `/snapshot`, the starting directory.
    pub snapshot: Option<PathBuf>,
    /// A name under `/workspace` where the snapshot appears too; the session then starts in
    /// `/workspace`, as harnesses whose input files sit in the working directory expect
    /// (Stirrup's `input_files`). `/snapshot` stays.
    pub snapshot_in_workspace: Option<String>,
    /// Start commands in `/workspace` even with a snapshot mounted (Inspect's samples, whose
    /// files land in their working directory).
    pub start_in_workspace: bool,
    /// File names hidden from the guest wherever they occur.
    pub hidden: Vec<String>,
    /// Limits for each command.
    pub limits: Limits,
    /// Seed of the guests' random streams.
    pub seed: u64,
    /// Wall-clock time the guest sees, nanoseconds since the epoch (the capture time).
    pub epoch_ns: u64,
}

impl SessionConfig {
    /// A configuration over `snapshot`, with its capture time and the default hide list.
    pub fn for_snapshot(snapshot: &Path) -> Self {
        SessionConfig {
            snapshot: Some(snapshot.to_path_buf()),
            snapshot_in_workspace: None,
            start_in_workspace: false,
            hidden: vfs::snapfs::DEFAULT_HIDDEN
                .iter()
                .map(|s| s.to_string())
                .collect(),
            limits: Limits::default(),
            seed: 0,
            epoch_ns: crate::snapshot::capture_time_ns(snapshot),
        }
    }
}

/// What one command did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandResult {
    /// Exit status as bash reports it (124 after a timeout, 128+n for signals).
    pub exit_code: i32,
    /// Captured stdout.
    #[serde(with = "lossy")]
    pub stdout: Vec<u8>,
    /// Captured stderr.
    #[serde(with = "lossy")]
    pub stderr: Vec<u8>,
    /// Whether stdout was cut.
    pub stdout_truncated: bool,
    /// Whether stderr was cut.
    pub stderr_truncated: bool,
    /// The limit hit, if any.
    pub error_kind: Option<ErrorKind>,
    /// Wall time from start to exit.
    pub duration_ms: f64,
    /// The most host memory the command's processes and buffers held at once (linear memories,
    /// pipes, heredocs, spawn requests: what its memory budget counts). Not in trajectories:
    /// pipe buffers depend on scheduling, and trajectories are compared byte for byte.
    #[serde(skip)]
    pub peak_memory_bytes: u64,
}

mod lossy {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&String::from_utf8_lossy(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        Ok(String::deserialize(d)?.into_bytes())
    }
}

/// What a harness may pass with one command besides its text.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Bytes the command reads on standard input (else `/dev/null`).
    pub stdin: Option<Vec<u8>>,
    /// Variables added to (or replacing those of) the base environment.
    pub env: Vec<(String, String)>,
    /// The directory to start in, absolute or relative to the session's; it must exist.
    pub cwd: Option<String>,
    /// This command's wall-clock limit instead of the session's.
    pub timeout: Option<Duration>,
    /// Bytes kept of each output stream instead of the session's limit.
    pub max_output: Option<usize>,
}

/// Why [`Session::run_with`] could not start a command.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RunError {
    /// The starting directory is missing or not a directory.
    #[error("cwd {0}")]
    Cwd(#[from] FileError),
    /// An environment variable that cannot be passed.
    #[error(
        "environment variable {0:?}: names must be non-empty without '=' or NUL, values without NUL"
    )]
    Env(String),
}

/// Sets the host memory all sessions of this process may hold at once, in bytes (threat H-MEM
/// in docs/SECURITY.md; `--host-memory-mb`): every command's charges count against it too, and
/// a command that would cross it ends with `memory_limit` while the others go on. Guests'
/// charges may take three quarters of it; the rest is the host's own. Default: half the
/// machine's memory. Charges already held stay; later ones see the new limit.
pub fn set_host_memory_limit(bytes: u64) {
    budget::set_process_limit(bytes);
}

/// The host memory limit of this process, in bytes.
pub fn host_memory_limit() -> u64 {
    budget::process_limit()
}

/// The most bytes guests' charges may take of [`host_memory_limit`].
pub fn host_memory_for_guests() -> u64 {
    budget::process().max()
}

/// The host memory all sessions' commands hold now, and the most they have held, in bytes.
pub fn host_memory_used() -> (u64, u64) {
    let p = budget::process();
    (p.used(), p.peak())
}

/// Environment every command starts with; nothing of the host's.
pub fn base_env(cwd: &str) -> Vec<Vec<u8>> {
    [
        "PATH=/usr/bin:/bin",
        "HOME=/workspace",
        "TZ=UTC",
        "LANG=C.UTF-8",
        "USER=agent",
        "LOGNAME=agent",
        "SHELL=/bin/bash",
        "HOSTNAME=rcabox",
        &format!("PWD={cwd}"),
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// One agent's sandbox: a filesystem and limits, kept across commands.
pub struct Session {
    runtime: Arc<Runtime>,
    vfs: Arc<Vfs>,
    config: SessionConfig,
    commands: u64,
}

/// How long a stopped command's processes get to notice before the host gives up on them,
/// once for the whole command: every wait of a process checks its cancel flag at least every
/// 20 ms, so this is ample, and a command stopped at its deadline returns within it (threat
/// H-TIME-OVERRUN: two waits of 5 s each made a command overrun its timeout by 10 s).
const GRACE: Duration = Duration::from_millis(500);

impl Session {
    /// Opens a session: indexes the snapshot and creates the writable mounts.
    pub fn new(runtime: Arc<Runtime>, config: SessionConfig) -> Result<Self, SandboxError> {
        let vfs = Vfs::with_alias(
            config.snapshot.as_deref(),
            config.snapshot_in_workspace.as_deref(),
            &config.hidden,
            config.limits.disk_bytes,
            rcabox_proto::TOOLS.iter().map(|t| t.to_string()).collect(),
            config.epoch_ns,
        )?;
        Ok(Session {
            runtime,
            vfs,
            config,
            commands: 0,
        })
    }

    /// The session's filesystem.
    pub fn vfs(&self) -> &Arc<Vfs> {
        &self.vfs
    }

    /// File names hidden from the guest.
    pub fn hidden(&self) -> &[String] {
        &self.config.hidden
    }

    /// The limits each command runs under.
    pub fn limits(&self) -> &Limits {
        &self.config.limits
    }

    /// The snapshot's name under `/workspace`, when it is shown there too.
    pub fn snapshot_mount(&self) -> Option<&str> {
        self.config.snapshot_in_workspace.as_deref()
    }

    /// Runs `command` with bash semantics; never fails, whatever the command does.
    pub fn run(&mut self, command: &str) -> CommandResult {
        self.run_interruptible(command, None)
    }

    /// Runs `command`; setting `interrupt` stops it (Ctrl-C in `rcabox shell`).
    pub fn run_interruptible(
        &mut self,
        command: &str,
        interrupt: Option<&Cancel>,
    ) -> CommandResult {
        let cwd = self.cwd().to_string();
        self.start(command, RunOptions::default(), cwd, interrupt)
    }

    /// Runs `command` with standard input, extra environment, a starting directory or its own
    /// time limit (what a harness's `exec` passes); fails only when the options are unusable.
    /// The options are taken, so standard input becomes the command's without a copy.
    pub fn run_with(
        &mut self,
        command: &str,
        opts: RunOptions,
        interrupt: Option<&Cancel>,
    ) -> Result<CommandResult, RunError> {
        for (k, v) in &opts.env {
            if k.is_empty() || k.contains(['=', '\0']) || v.contains('\0') {
                return Err(RunError::Env(k.clone()));
            }
        }
        let cwd = match &opts.cwd {
            None => self.cwd().to_string(),
            Some(dir) => match self.kind(dir)? {
                Some(Kind::Dir) => self.absolute(dir)?,
                Some(Kind::File) => return Err(FileError::NotADirectory(dir.clone()).into()),
                None => return Err(FileError::NotFound(dir.clone()).into()),
            },
        };
        Ok(self.start(command, opts, cwd, interrupt))
    }

    fn start(
        &mut self,
        command: &str,
        mut opts: RunOptions,
        cwd: String,
        interrupt: Option<&Cancel>,
    ) -> CommandResult {
        let start = Instant::now();
        self.commands += 1;
        let mut limits = self.config.limits.clone();
        if let Some(t) = opts.timeout {
            limits.timeout = t;
        }
        if let Some(n) = opts.max_output {
            limits.output_bytes = n;
        }
        let seed = process::splitmix(self.config.seed ^ self.commands);
        let ctx = CommandCtx::new(self.runtime.clone(), self.vfs.clone(), limits.clone(), seed);
        let out = Arc::new(Sink::new(limits.output_bytes));
        let err = Arc::new(Sink::new(limits.output_bytes));
        let mut fds = wasi::imports::base_fds();
        // A fresh table holds one descriptor, so these three always fit.
        let stdin = match opts.stdin.take() {
            Some(bytes) => Backing::Bytes(std::borrow::Cow::Owned(bytes)),
            None => Backing::Null,
        };
        let _ = fds.set(0, OpenFile::new(stdin, true, true));
        let _ = fds.set(1, OpenFile::new(Backing::Sink(out.clone()), false, true));
        let _ = fds.set(2, OpenFile::new(Backing::Sink(err.clone()), false, true));
        let timeout_ns = u64::try_from(limits.timeout.as_nanos()).unwrap_or(u64::MAX);
        let top = Arc::new(process::Deadline::new(self.vfs.now_ns(), timeout_ns, None));
        let mut env = base_env(&cwd);
        for (k, v) in &opts.env {
            // A later entry wins in the guest's environ, as with `env K=V`.
            env.retain(|e| !e.starts_with(format!("{k}=").as_bytes()));
            env.push(format!("{k}={v}").into_bytes());
        }
        let spec = ProcSpec {
            charge: None,
            argv: vec![b"sh".to_vec(), b"-c".to_vec(), command.as_bytes().to_vec()],
            env,
            cwd,
            fds,
            state: Vec::new(),
            // The command's time limit in the sandbox's virtual time too: a `sleep` that would
            // carry the clock past it stops the command at once, as the wall clock would have.
            deadline: Some(top.clone()),
        };
        let mut stop_by = None;
        let status = match ctx.spawn(spec).ok().and_then(|pid| ctx.done(pid)) {
            Some(done) => {
                let deadline = start + limits.timeout;
                loop {
                    if let Some(s) = done.wait_for(Duration::from_millis(10)) {
                        break s;
                    }
                    if interrupt.is_some_and(Cancel::is_set) {
                        ctx.cancel.set(ErrorKind::Interrupted);
                    }
                    if Instant::now() >= deadline {
                        ctx.cancel.set(ErrorKind::Timeout);
                    }
                    if ctx.cancel.is_set() {
                        stop_by = Some(Instant::now() + GRACE);
                        break done.wait_for(GRACE).unwrap_or(rcabox_proto::STATUS_KILLED);
                    }
                }
            }
            None => 126,
        };
        if top.fired() {
            ctx.cancel.set(ErrorKind::Timeout);
        }
        // Background jobs and stragglers die with the command.
        ctx.cancel.set(ErrorKind::Finished);
        let until = stop_by.unwrap_or_else(|| Instant::now() + GRACE);
        while ctx.live() > 0 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(1));
        }
        let stopped = ctx.cancel.kind().filter(|k| *k != ErrorKind::Finished);
        let soft = ctx
            .soft_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .first()
            .copied();
        let (o, e) = (out.captured(), err.captured());
        CommandResult {
            exit_code: if stopped == Some(ErrorKind::Timeout) {
                124
            } else {
                status
            },
            stdout: o.bytes,
            stderr: e.bytes,
            stdout_truncated: o.truncated,
            stderr_truncated: e.truncated,
            error_kind: stopped.or(soft),
            duration_ms: (start.elapsed().as_secs_f64() * 1e6).round() / 1e3,
            peak_memory_bytes: ctx.memory.peak(),
        }
    }
}
