//! just-bash (Vercel's TypeScript bash for agents) under node: one node process for the bench,
//! a fresh `Bash` over a read-only `OverlayFs` of the snapshot copy for each command, timed
//! inside node so the figure is the interpreter's, as an agent harness that embeds it pays it.
//! The runner and its pinned dependency live in benches/peers/just-bash/.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use anyhow::{Context, bail};

use super::{Outcome, Peer};

/// Where the runner and its `node_modules` are: the checkout this binary was built from.
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peers/just-bash");

/// A node process running benches/peers/just-bash/runner.mjs.
pub(super) struct JustBash {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl JustBash {
    /// Starts the runner over `dir`, or says why it cannot run here.
    pub(super) fn start(dir: &Path) -> Result<Self, String> {
        let installed = PathBuf::from(DIR).join("node_modules/just-bash/package.json");
        if !Command::new("node")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            return Err("just-bash: skipped, no node (install Node.js 20 or later)".into());
        }
        if !installed.is_file() {
            return Err(format!(
                "just-bash: skipped, not installed; run `npm ci --ignore-scripts --prefix {DIR}`"
            ));
        }
        let mut child = Command::new("node")
            .arg("runner.mjs")
            .arg(dir)
            .current_dir(DIR)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("just-bash: skipped, node did not start: {e}"))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("just-bash: skipped, node's pipes were not opened".into());
        };
        Ok(JustBash {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }
}

impl Peer for JustBash {
    fn name(&self) -> &'static str {
        "just_bash"
    }
    fn label(&self) -> &'static str {
        "just-bash"
    }
    fn run(&mut self, cmd: &str) -> anyhow::Result<Outcome> {
        writeln!(self.stdin, "{}", serde_json::Value::from(cmd))?;
        self.stdin.flush()?;
        let mut line = String::new();
        if self
            .stdout
            .read_line(&mut line)
            .context("reading just-bash's answer")?
            == 0
        {
            bail!("just-bash's runner ended before answering `{cmd}`");
        }
        let v: serde_json::Value = serde_json::from_str(&line)
            .with_context(|| format!("just-bash's runner answered {line:?}"))?;
        let exit = v["exit"]
            .as_i64()
            .context("no exit in just-bash's answer")?;
        Ok(Outcome {
            exit: i32::try_from(exit).unwrap_or(-1),
            ms: v["ms"].as_f64(),
            // One node process serves every command: its peak is not any one command's.
            peak_mb: None,
        })
    }
}

impl Drop for JustBash {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
