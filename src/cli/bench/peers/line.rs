//! The embeddable agent sandboxes, each in a process of its own that runs one command a line:
//! bashkit (a Rust bash for agents with its own virtual filesystem; bench-peers/bashkit) and
//! just-bash (Vercel's TypeScript bash for agents, under node; benches/peers/just-bash). Each
//! builds a fresh interpreter a command over the read-only snapshot copy and times it inside
//! its own process, so the figure is what a harness that embeds the interpreter pays, without
//! the cost of asking it.
//!
//! Protocol: the runner gets the copy's path as its last argument, reads one JSON string (the
//! command) a line on stdin and answers `{"exit": status, "ms": time}` a line.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use anyhow::{Context, bail};

use super::{Outcome, Peer};

/// This checkout, where the runners live.
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A runner of one embeddable sandbox.
pub(super) struct LinePeer {
    name: &'static str,
    label: &'static str,
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl LinePeer {
    /// bashkit, if its runner is built.
    pub(super) fn bashkit(dir: &Path) -> Result<Self, String> {
        let crate_dir = PathBuf::from(ROOT).join("bench-peers/bashkit");
        let exe = crate_dir.join("target/release/rcabox-bench-bashkit");
        if !exe.is_file() {
            return Err(format!(
                "bashkit: skipped, its runner is not built; run `cargo build --release \
                 --manifest-path {}/Cargo.toml`",
                crate_dir.display()
            ));
        }
        Self::start("bashkit", "bashkit", Command::new(exe), dir)
    }

    /// just-bash, if node and the pinned package are installed.
    pub(super) fn just_bash(dir: &Path) -> Result<Self, String> {
        let runner = PathBuf::from(ROOT).join("benches/peers/just-bash");
        if !Command::new("node")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            return Err("just-bash: skipped, no node (install Node.js 20 or later)".into());
        }
        if !runner.join("node_modules/just-bash/package.json").is_file() {
            return Err(format!(
                "just-bash: skipped, not installed; run `npm ci --ignore-scripts --prefix {}`",
                runner.display()
            ));
        }
        let mut node = Command::new("node");
        node.arg(runner.join("runner.mjs"));
        Self::start("just_bash", "just-bash", node, dir)
    }

    fn start(
        name: &'static str,
        label: &'static str,
        mut cmd: Command,
        dir: &Path,
    ) -> Result<Self, String> {
        let mut child = cmd
            .arg(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{label}: skipped, its runner did not start: {e}"))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(format!(
                "{label}: skipped, its runner's pipes were not opened"
            ));
        };
        Ok(LinePeer {
            name,
            label,
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }
}

impl Peer for LinePeer {
    fn name(&self) -> &'static str {
        self.name
    }
    fn label(&self) -> &'static str {
        self.label
    }
    fn run(&mut self, cmd: &str) -> anyhow::Result<Outcome> {
        writeln!(self.stdin, "{}", serde_json::Value::from(cmd))?;
        self.stdin.flush()?;
        let mut line = String::new();
        if self
            .stdout
            .read_line(&mut line)
            .context("reading a runner's answer")?
            == 0
        {
            bail!("the {} runner ended before answering `{cmd}`", self.label);
        }
        let v: serde_json::Value = serde_json::from_str(&line)
            .with_context(|| format!("the {} runner answered {line:?}", self.label))?;
        let exit = v["exit"]
            .as_i64()
            .with_context(|| format!("no exit in the {} runner's answer {line:?}", self.label))?;
        Ok(Outcome {
            exit: i32::try_from(exit).unwrap_or(-1),
            ms: v["ms"].as_f64(),
        })
    }
}

impl Drop for LinePeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
