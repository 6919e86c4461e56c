//! A client of `rcabox mcp` for the bench: the path an IDE agent's calls take.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use anyhow::{Context, bail};
use serde_json::{Value, json};

/// A client of `rcabox mcp` over stdio: newline-delimited JSON-RPC, as MCP's stdio transport.
pub(super) struct Mcp {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next_id: u64,
}

impl Mcp {
    /// Starts the server over `snapshot` and completes the MCP handshake.
    pub(super) fn start(snapshot: &Path, calls: usize) -> anyhow::Result<Mcp> {
        let mut child = Command::new(crate::cli::self_exe()?)
            .args(["mcp", "--max-turns", &(calls + 1).to_string(), "--snapshot"])
            .arg(snapshot)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting rcabox mcp")?;
        let input = child.stdin.take().context("mcp stdin")?;
        let output = BufReader::new(child.stdout.take().context("mcp stdout")?);
        let mut m = Mcp {
            child,
            input,
            output,
            next_id: 0,
        };
        m.request(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "rcabox-bench", "version": env!("CARGO_PKG_VERSION")}}),
        )?;
        m.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))?;
        Ok(m)
    }

    fn send(&mut self, v: &Value) -> anyhow::Result<()> {
        writeln!(self.input, "{v}")?;
        self.input.flush()?;
        Ok(())
    }

    /// Sends a request and reads lines until its response.
    pub(super) fn request(&mut self, method: &str, params: Value) -> anyhow::Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        let mut line = String::new();
        loop {
            line.clear();
            if self.output.read_line(&mut line)? == 0 {
                bail!("rcabox mcp closed its output during `{method}`");
            }
            let v: Value = serde_json::from_str(&line)
                .with_context(|| format!("rcabox mcp sent a line that is not JSON: {line}"))?;
            if v["id"] == json!(id) {
                if let Some(e) = v.get("error") {
                    bail!("rcabox mcp answered `{method}` with an error: {e}");
                }
                return Ok(v);
            }
        }
    }
}

impl Drop for Mcp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
