//! What rcabox is measured against, one file a peer: the same command as native `bash -c` over
//! a read-only copy of the snapshot ([`native`]), `docker exec` into a running container that
//! holds the same programs ([`docker`]), and the two embeddable agent sandboxes, bashkit and
//! just-bash, each a runner process building a fresh interpreter a command over the same files
//! ([`line`]). A peer that cannot run here is skipped with a line saying how to add it.

mod docker;
mod line;
mod native;

use std::path::Path;

use anyhow::Context;

pub(super) use native::Native;

/// Peers `--against` accepts.
pub(super) const PEERS: &[&str] = &["native", "docker", "bashkit", "just-bash"];

/// What one run of a command on a peer gave.
#[derive(Debug, Clone, Copy)]
pub(super) struct Outcome {
    /// Its exit status.
    pub(super) exit: i32,
    /// Its time as the peer measured it in its own process (an embedded interpreter's, without
    /// the cost of asking it), when it does; otherwise the bench times the call.
    pub(super) ms: Option<f64>,
}

/// A way to run one shell command over the snapshot.
pub(super) trait Peer {
    /// Its name in `--against` and in the report's field names.
    fn name(&self) -> &'static str;
    /// Its column heading.
    fn label(&self) -> &'static str;
    /// Runs `cmd` to completion, output discarded.
    fn run(&mut self, cmd: &str) -> anyhow::Result<Outcome>;
    /// Whether its runs alternate with rcabox's. A peer whose runs disturb the machine for a
    /// while after they return (a container daemon) runs after rcabox's, command by command.
    fn interleaved(&self) -> bool {
        true
    }
}

/// Starts peer `name` (not `native`) over the read-only copy `dir`, or says why it cannot run
/// here and how to make it.
pub(super) fn start(name: &str, dir: &Path) -> Result<Box<dyn Peer>, String> {
    match name {
        "docker" => docker::Docker::start(dir).map(|p| Box::new(p) as Box<dyn Peer>),
        "bashkit" => line::LinePeer::bashkit(dir).map(|p| Box::new(p) as Box<dyn Peer>),
        "just-bash" => line::LinePeer::just_bash(dir).map(|p| Box::new(p) as Box<dyn Peer>),
        other => Err(format!("{other}: skipped, no such peer")),
    }
}

/// Copies the snapshot without the names the sandbox hides, read-only, for the peers.
pub(super) fn readonly_copy(from: &Path, to: &Path, hidden: &[String]) -> anyhow::Result<()> {
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
