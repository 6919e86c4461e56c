//! bashkit (a Rust bash for agents with its own virtual filesystem) in this process: a fresh
//! `Bash` for each command over the snapshot copy mounted read-only at /snapshot, with bashkit's
//! default limits, timed around building the interpreter and running the command, as an agent
//! harness that embeds it pays it. Built only with `--features bench-bashkit`, so the default
//! build carries no second shell.

use std::path::Path;

use super::Peer;

/// Says how to get the adapter into a build without it.
#[cfg(not(feature = "bench-bashkit"))]
pub(super) struct Bashkit(std::convert::Infallible);

#[cfg(not(feature = "bench-bashkit"))]
impl Bashkit {
    /// Why this build cannot run bashkit.
    pub(super) fn start(_dir: &Path) -> Result<Self, String> {
        Err("bashkit: skipped, not in this build; run the bench from \
             `cargo run --release --features bench-bashkit -- bench …`"
            .into())
    }
}

#[cfg(not(feature = "bench-bashkit"))]
impl Peer for Bashkit {
    fn name(&self) -> &'static str {
        "bashkit"
    }
    fn label(&self) -> &'static str {
        "bashkit"
    }
    fn run(&mut self, _cmd: &str) -> anyhow::Result<super::Outcome> {
        match self.0 {}
    }
}

/// bashkit on a single-threaded tokio runtime of its own (its API is async).
#[cfg(feature = "bench-bashkit")]
pub(super) struct Bashkit {
    dir: std::path::PathBuf,
    runtime: tokio::runtime::Runtime,
}

#[cfg(feature = "bench-bashkit")]
impl Bashkit {
    /// Prepares bashkit over `dir`.
    pub(super) fn start(dir: &Path) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("bashkit: skipped, no tokio runtime: {e}"))?;
        Ok(Bashkit {
            dir: dir.to_path_buf(),
            runtime,
        })
    }
}

#[cfg(feature = "bench-bashkit")]
impl Peer for Bashkit {
    fn name(&self) -> &'static str {
        "bashkit"
    }
    fn label(&self) -> &'static str {
        "bashkit"
    }
    fn run(&mut self, cmd: &str) -> anyhow::Result<super::Outcome> {
        let t = std::time::Instant::now();
        let mut bash = bashkit::Bash::builder()
            .mount_real_readonly_at(&self.dir, "/snapshot")
            .cwd("/snapshot")
            .build();
        // An error is bashkit refusing the command (a limit, an unsupported construct): bash
        // would have answered with a status, so it counts as one that differs from ours.
        let exit = match self.runtime.block_on(bash.exec(cmd)) {
            Ok(r) => r.exit_code,
            Err(_) => -1,
        };
        Ok(super::Outcome {
            exit,
            ms: Some(t.elapsed().as_secs_f64() * 1e3),
            // In this process, among rcabox's own allocations: no per-command figure.
            peak_mb: None,
        })
    }
}
