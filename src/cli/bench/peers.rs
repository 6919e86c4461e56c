//! What rcabox is measured against: the same command as native `bash -c` over a read-only copy
//! of the snapshot, and `docker exec` into a running container that holds the same programs.
//! A peer that cannot run here is skipped with a line saying how to add it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;

/// Peers `--against` accepts.
pub(super) const PEERS: &[&str] = &["native", "docker", "bashkit", "just-bash"];

/// The image `docker` runs in (deploy/container/peer-image.sh builds it).
const DOCKER_IMAGE: &str = "rcabox-bench-peer";

/// A way to run one shell command over the snapshot.
pub(super) trait Peer {
    /// Its name in `--against` and in the report's field names.
    fn name(&self) -> &'static str;
    /// Its column heading.
    fn label(&self) -> &'static str;
    /// Runs `cmd` to completion, output discarded; its exit status.
    fn run(&mut self, cmd: &str) -> anyhow::Result<i32>;
    /// Whether its runs alternate with rcabox's. A peer whose runs disturb the machine for a
    /// while after they return (a container daemon) runs after rcabox's, command by command.
    fn interleaved(&self) -> bool {
        true
    }
}

/// `bash -c` in a read-only copy of the snapshot, a new process a command.
pub(super) struct Native {
    dir: PathBuf,
}

impl Native {
    /// Copies `snapshot` without the hidden names into `dir`.
    pub(super) fn new(snapshot: &Path, dir: &Path, hidden: &[String]) -> anyhow::Result<Self> {
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
    fn run(&mut self, cmd: &str) -> anyhow::Result<i32> {
        let o = Command::new("bash")
            .arg("-c")
            .arg(cmd)
            .current_dir(&self.dir)
            .env("LC_ALL", "C.UTF-8")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .context("running bash -c")?;
        Ok(o.code().unwrap_or(-1))
    }
}

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
    fn run(&mut self, cmd: &str) -> anyhow::Result<i32> {
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
        Ok(o.code().unwrap_or(-1))
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

/// Copies the snapshot without the names the sandbox hides, read-only, for the peers.
fn readonly_copy(from: &Path, to: &Path, hidden: &[String]) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let e = e?;
        let name = e.file_name();
        if hidden.iter().any(|h| *h == name.to_string_lossy()) {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        let ty = e.file_type()?;
        if ty.is_dir() {
            readonly_copy(&src, &dst, hidden)?;
        } else if ty.is_file() {
            std::fs::copy(&src, &dst)?;
            let mut p = std::fs::metadata(&dst)?.permissions();
            p.set_readonly(true);
            std::fs::set_permissions(&dst, p)?;
        }
    }
    let mut p = std::fs::metadata(to)?.permissions();
    p.set_readonly(true);
    std::fs::set_permissions(to, p)?;
    Ok(())
}
