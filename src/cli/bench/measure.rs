//! One command of the mix, measured on every side: rcabox's warm session, the MCP server, and
//! each peer, `repeat` times after one unmeasured run; the row of the report it makes.

use std::path::Path;
use std::time::Instant;

use rcabox_runtime::sandbox::Session;
use serde_json::{Value, json};

use super::mcp::Mcp;
use super::peers::{Outcome, Peer};
use super::report::{percentile_json, percentiles};

/// Times of one side over the runs of a command, and its last status.
#[derive(Default, Clone)]
struct Side {
    ms: Vec<f64>,
    exit: i32,
}

impl Side {
    fn record(&mut self, keep: bool, ms: f64, exit: i32) {
        if keep {
            self.ms.push(ms);
        }
        self.exit = exit;
    }
}

/// Runs `cmd` on `peer`, keeping its time (its own if it measures one) when `keep`.
fn on_peer(peer: &mut dyn Peer, cmd: &str, keep: bool, side: &mut Side) -> anyhow::Result<()> {
    let t = Instant::now();
    let Outcome { exit, ms } = peer.run(cmd)?;
    let ms = ms.unwrap_or_else(|| t.elapsed().as_secs_f64() * 1e3);
    side.record(keep, ms, exit);
    Ok(())
}

/// Bytes of the snapshot's files that `cmd` names (words that are paths of regular files
/// under `snapshot`, each counted once): what a scan reads, for its MB/s. A command that
/// reaches its files through a glob or a substitution names none.
pub(super) fn named_input_bytes(snapshot: &Path, cmd: &str) -> u64 {
    let mut seen: Vec<&str> = Vec::new();
    cmd.split(|c: char| c.is_whitespace() || "|;&<>()'\"`$".contains(c))
        .filter(|w| !w.is_empty() && !w.starts_with('-') && !w.contains(".."))
        .filter_map(|w| {
            if seen.contains(&w) {
                return None;
            }
            seen.push(w);
            let m = std::fs::metadata(snapshot.join(w)).ok()?;
            m.is_file().then_some(m.len())
        })
        .sum()
}

/// Measures `cmd` on every side and returns its row of the report.
pub(super) fn command_row(
    cmd: &str,
    repeat: usize,
    session: &mut Session,
    mut mcp: Option<&mut Mcp>,
    peers: &mut [Box<dyn Peer>],
    input_bytes: u64,
) -> anyhow::Result<Value> {
    let mut ours = Side::default();
    // The most the command's memory budget held in any run (`CommandResult::peak_memory_bytes`).
    let mut our_peak = 0u64;
    let mut over_mcp = Side::default();
    let mut theirs = vec![Side::default(); peers.len()];
    // One unmeasured run each warms the page cache and the session's module instances.
    for i in 0..=repeat {
        let t = Instant::now();
        let r = session.run(cmd);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        ours.record(i > 0, ms, r.exit_code);
        our_peak = our_peak.max(r.peak_memory_bytes);
        if let Some(m) = mcp.as_deref_mut() {
            let t = Instant::now();
            m.request(
                "tools/call",
                json!({"name": "code_exec", "arguments": {"cmd": cmd}}),
            )?;
            over_mcp.record(i > 0, t.elapsed().as_secs_f64() * 1e3, 0);
        }
        for (peer, side) in peers.iter_mut().zip(theirs.iter_mut()) {
            if peer.interleaved() {
                on_peer(peer.as_mut(), cmd, i > 0, side)?;
            }
        }
    }
    // The next command's unmeasured first run absorbs what these leave behind.
    for (peer, side) in peers.iter_mut().zip(theirs.iter_mut()) {
        if !peer.interleaved() {
            for i in 0..=repeat {
                on_peer(peer.as_mut(), cmd, i > 0, side)?;
            }
        }
    }
    let input_mb = input_bytes as f64 / 1048576.0;
    let rate = |p50_ms: f64| (input_bytes > 0).then(|| input_mb / (p50_ms / 1e3));
    let p = percentiles(ours.ms);
    let mut row = json!({
        "command": cmd,
        "exit": ours.exit,
        "rcabox_ms": percentile_json(p),
        "rcabox_peak_mb": our_peak as f64 / 1048576.0,
        "input_mb": input_mb,
        "rcabox_mb_per_s": rate(p[0]),
    });
    if mcp.is_some() {
        row["mcp_ms"] = percentile_json(percentiles(over_mcp.ms));
    }
    for (peer, side) in peers.iter().zip(theirs) {
        let q = percentiles(side.ms);
        let name = peer.name();
        row[format!("{name}_exit")] = json!(side.exit);
        row[format!("{name}_ms")] = percentile_json(q);
        row[format!("{name}_mb_per_s")] = json!(rate(q[0]));
        row[format!("speedup_vs_{name}")] = json!(q[0] / p[0]);
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_counts_each_named_file_once_and_nothing_else() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::write(d.path().join("a.tsv"), vec![b'x'; 1000]).expect("write");
        std::fs::create_dir(d.path().join("alerts")).expect("mkdir");
        std::fs::write(d.path().join("alerts/x.json"), b"[]").expect("write");
        let n = |c: &str| named_input_bytes(d.path(), c);
        assert_eq!(n("cut -f8 a.tsv | sort | uniq -c"), 1000);
        assert_eq!(n("cat a.tsv a.tsv 'alerts/x.json'"), 1002);
        assert_eq!(n("ls alerts; grep -c x ../a.tsv nope -f"), 0);
    }
}
