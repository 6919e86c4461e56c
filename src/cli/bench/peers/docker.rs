//! `docker exec CONTAINER bash -c CMD` into one container started for the bench: what a
//! harness that isolates agents in containers (Harbor, Inspect's docker sandbox) pays per
//! command.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::Context;

use super::{Outcome, Peer};

/// The image `docker` runs in (deploy/container/peer-image.sh builds it).
const DOCKER_IMAGE: &str = "rcabox-bench-peer";

/// `docker exec CONTAINER bash -c CMD` into one container started for the bench, with no
/// network and the read-only copy of the snapshot mounted read-only: what a harness that
/// isolates agents in containers (Harbor, Inspect's docker sandbox) pays per command.
pub(super) struct Docker {
    container: String,
}

impl Docker {
    /// Starts the container over `dir`, or says why it cannot run here.
    pub(super) fn start(dir: &Path) -> Result<Self, String> {
        let docker = |args: &[&str]| Command::new("docker").args(args).output();
        match docker(&["info", "--format", "{{.ServerVersion}}"]) {
            Err(_) => {
                return Err("docker: skipped, no docker client (apt-get install docker.io)".into());
            }
            Ok(o) if !o.status.success() => {
                return Err("docker: skipped, no daemon answers (start dockerd)".into());
            }
            Ok(_) => {}
        }
        if !docker(&["image", "inspect", DOCKER_IMAGE]).is_ok_and(|o| o.status.success()) {
            return Err(format!(
                "docker: skipped, no image {DOCKER_IMAGE}; build it with deploy/container/peer-image.sh"
            ));
        }
        let name = format!("rcabox-bench-{}", std::process::id());
        let mount = format!(
            "type=bind,source={},target=/snapshot,readonly",
            dir.display()
        );
        let o = docker(&[
            "run",
            "-d",
            "--rm",
            "--network",
            "none",
            "--read-only",
            "--tmpfs",
            "/tmp",
            "--name",
            &name,
            "--mount",
            &mount,
            DOCKER_IMAGE,
            "sleep",
            "infinity",
        ])
        .map_err(|e| format!("docker: skipped, docker run failed: {e}"))?;
        if !o.status.success() {
            return Err(format!(
                "docker: skipped, docker run failed: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        Ok(Docker { container: name })
    }
}

impl Peer for Docker {
    fn name(&self) -> &'static str {
        "docker"
    }
    fn label(&self) -> &'static str {
        "docker exec"
    }
    fn run(&mut self, cmd: &str) -> anyhow::Result<Outcome> {
        let o = Command::new("docker")
            .args([
                "exec",
                "-w",
                "/snapshot",
                &self.container,
                "bash",
                "-c",
                cmd,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .context("running docker exec")?;
        Ok(Outcome {
            exit: o.code().unwrap_or(-1),
            ms: None,
        })
    }
    fn interleaved(&self) -> bool {
        // The daemon's work after an exec (containerd's shim, dockerd's bookkeeping) runs on
        // after `docker exec` returns: interleaved, it slowed the next side measured (the
        // geometric mean over `bash -c` fell from 4.0x to 2.6x, `true` from 0.22 to 0.59 ms).
        false
    }
}

impl Drop for Docker {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["rm", "-f", &self.container])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
