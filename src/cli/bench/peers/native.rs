//! `bash -c` in a read-only copy of the snapshot, a new process a command: what a harness that
//! runs agents' commands on the host pays, without any isolation.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;

use super::{Outcome, Peer, readonly_copy};

/// `bash -c` with `LC_ALL=C.UTF-8` in the copy.
pub(in crate::cli::bench) struct Native {
    dir: PathBuf,
}

impl Native {
    /// Copies `snapshot` without the hidden names into `dir`.
    pub(in crate::cli::bench) fn new(
        snapshot: &Path,
        dir: &Path,
        hidden: &[String],
    ) -> anyhow::Result<Self> {
        readonly_copy(snapshot, dir, hidden)?;
        Ok(Native {
            dir: dir.to_path_buf(),
        })
    }
}

impl Peer for Native {
    fn name(&self) -> &'static str {
        "native"
    }
    fn label(&self) -> &'static str {
        "bash -c"
    }
    fn run(&mut self, cmd: &str) -> anyhow::Result<Outcome> {
        // No peak memory: std starts children with posix_spawn (vfork), so at `exec` Linux
        // records this process's own high-water mark as the child's, and `wait4` reported the
        // bench's memory (rising from 37 to 72 MB across the mix), not bash's.
        let status = Command::new("bash")
            .arg("-c")
            .arg(cmd)
            .current_dir(&self.dir)
            .env("LC_ALL", "C.UTF-8")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .context("running bash -c")?;
        Ok(Outcome {
            exit: status.code().unwrap_or(-1),
            ms: None,
        })
    }
}
