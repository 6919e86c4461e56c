//! `rcabox exec`: one command, its output on ours, its exit status as ours.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use rcabox_runtime::sandbox::{Limits, Runtime, Session};

/// Sandbox settings shared by `exec` and `shell`.
#[derive(Args, Clone)]
pub struct SandboxArgs {
    /// Snapshot directory, mounted read-only at /snapshot (the starting directory).
    #[arg(long)]
    pub snapshot: PathBuf,
    /// Host directory loaded into /workspace before and saved from it after.
    #[arg(long)]
    pub workspace: Option<PathBuf>,
    /// Wall-clock limit per command, seconds.
    #[arg(long, default_value_t = 300.0)]
    pub timeout: f64,
    /// CPU-time limit per command, seconds (default: the timeout).
    #[arg(long)]
    pub cpu_limit: Option<f64>,
    /// Memory limit per process, MiB.
    #[arg(long, default_value_t = 512)]
    pub memory_mb: usize,
    /// Host memory limit per command, MiB: every process's memory plus the host's buffers for
    /// them (heredocs, spawn requests, pipes, directory listings).
    #[arg(long, default_value_t = 2048)]
    pub memory_mb_total: u64,
    /// Host memory limit of this whole process, MiB: what every session's commands may hold
    /// together (default: half the machine's memory).
    #[arg(long)]
    pub host_memory_mb: Option<u64>,
    /// Processes one command may start.
    #[arg(long, default_value_t = 4096)]
    pub max_processes: usize,
    /// Bytes kept of each output stream.
    #[arg(long, default_value_t = 8 << 20)]
    pub max_output: usize,
    /// Bytes /workspace and /tmp may hold, MiB.
    #[arg(long, default_value_t = 256)]
    pub disk_mb: u64,
    /// Seed of the guests' random numbers.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl SandboxArgs {
    /// Opens a session with these settings.
    pub fn session(&self) -> anyhow::Result<Session> {
        set_host_memory(self.host_memory_mb)?;
        if !self.snapshot.is_dir() {
            anyhow::bail!(
                "snapshot {} is not a directory: pass --snapshot DIR with an ITBench snapshot (alerts/, *.tsv)",
                self.snapshot.display()
            );
        }
        // Duration::from_secs_f64 panics on NaN, negatives and overflow: check first.
        let seconds = |x: f64| x.is_finite() && x > 0.0 && x < 1e9;
        if !seconds(self.timeout) || self.cpu_limit.is_some_and(|c| !seconds(c)) {
            anyhow::bail!(
                "--timeout and --cpu-limit take a positive number of seconds (below 1e9)"
            );
        }
        let mut cfg = rcabox_runtime::domain::session_config(&self.snapshot);
        let timeout = Duration::from_secs_f64(self.timeout);
        cfg.limits = Limits {
            timeout,
            cpu: self
                .cpu_limit
                .map(Duration::from_secs_f64)
                .unwrap_or(timeout),
            memory_bytes: self.memory_mb << 20,
            memory_total_bytes: self.memory_mb_total << 20,
            max_processes: self.max_processes,
            output_bytes: self.max_output,
            disk_bytes: self.disk_mb << 20,
            ..Limits::default()
        };
        cfg.seed = self.seed;
        let runtime = Runtime::shared().context("starting the sandbox")?;
        let mut session = Session::new(runtime, cfg).context("opening the snapshot")?;
        if let Some(ws) = &self.workspace {
            session.load_workspace(ws).context("loading --workspace")?;
        }
        Ok(session)
    }

    /// Saves /workspace back to `--workspace`, if given.
    pub fn save(&self, session: &Session) -> anyhow::Result<()> {
        if let Some(ws) = &self.workspace {
            session.save_workspace(ws).context("saving --workspace")?;
        }
        Ok(())
    }
}

/// Applies `--host-memory-mb`, if given, to every session of this process.
pub fn set_host_memory(mb: Option<u64>) -> anyhow::Result<()> {
    if let Some(mb) = mb {
        if mb == 0 || mb > (1 << 40) {
            anyhow::bail!("--host-memory-mb takes a number of MiB between 1 and 2^40, got {mb}");
        }
        rcabox_runtime::sandbox::set_host_memory_limit(mb << 20);
    }
    Ok(())
}

/// Arguments of `rcabox exec`.
#[derive(Args)]
pub struct ExecArgs {
    #[command(flatten)]
    sandbox: SandboxArgs,
    /// Print one JSON object instead of the command's streams.
    #[arg(long)]
    json: bool,
    /// The shell command, run as `bash -c COMMAND`.
    command: String,
}

/// Runs `rcabox exec`.
pub fn run(a: ExecArgs) -> anyhow::Result<ExitCode> {
    let mut session = a.sandbox.session()?;
    let r = session.run(&a.command);
    // A failed save loses nothing the command produced: its result is printed first, the
    // save's error after it (and in `workspace_error` with --json), and the exit status is 2.
    let saved = a.sandbox.save(&session);
    if a.json {
        // The result's own fields first, in their order, then the CLI's: the peak of the
        // command's memory budget (left out of `CommandResult`'s serialisation because
        // trajectories are compared byte for byte), and a failed save's error.
        let mut line = serde_json::to_string(&r)?;
        line.pop();
        line.push_str(&format!(",\"peak_memory_bytes\":{}", r.peak_memory_bytes));
        if let Err(e) = &saved {
            line.push_str(",\"workspace_error\":");
            line.push_str(&serde_json::to_string(&format!("{e:#}"))?);
        }
        line.push('}');
        println!("{line}");
    } else {
        std::io::stdout().write_all(&r.stdout)?;
        std::io::stderr().write_all(&r.stderr)?;
        if let Some(k) = r.error_kind {
            eprintln!(
                "rcabox: command stopped or limited: {}",
                serde_json::to_string(&k)?.trim_matches('"')
            );
        }
    }
    if let Err(e) = saved {
        eprintln!("rcabox: {e:#}");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::from(r.exit_code.clamp(0, 255) as u8))
}
