//! `rcabox bench`: the latency an agent pays per command, in the sandbox and natively, in one
//! run on this machine.
//!
//! Each command of a mix (default: `benches/mix/agent.txt`, built in) runs `--repeat` times in
//! a warm sandbox session, as an episode runs it, and on each peer ([`peers`]): `bash -c` in a
//! read-only copy of the snapshot alternating with it, so a slow spell of a shared machine falls
//! on both sides, and `docker exec` into a container over the copy after them, since the
//! daemon's work after an exec would slow whatever ran next. It reports p50/p90/p99 per side,
//! the speed-up over each peer per command and its geometric mean, the same commands through `rcabox mcp` over stdio (the path an IDE agent takes), and
//! the first command of a fresh process with an empty module cache, with the build-time
//! artifact and warm (wall time and peak RSS). docs/PERFORMANCE.md has the method.

mod mcp;
mod peers;
mod process;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use rcabox_runtime::sandbox::{Runtime, Session, SessionConfig};
use serde_json::json;

use mcp::Mcp;
use peers::{Docker, Native, PEERS, Peer};
use process::{episodes_at_once, first_command};
use report::{geometric_mean, percentile_json, percentiles, print_tables, speedups};

/// The standard mix.
const MIX: &str = include_str!("../../../benches/mix/agent.txt");

/// `rcabox bench` options.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Snapshot to run the mix over (default: the bundled Scenario-2).
    #[arg(long, conflicts_with = "generate")]
    snapshot: Option<PathBuf>,
    /// Generate this ITBench scenario into a temporary directory and run over it.
    #[arg(long)]
    generate: Option<u32>,
    /// Scale of the generated snapshot: a number, or `real`.
    #[arg(long, default_value = "1", value_parser = super::snapshot::parse_scale)]
    scale: f64,
    /// Mix file: one command a line, `#` comments (default: the standard mix).
    #[arg(long)]
    mix: Option<PathBuf>,
    /// Runs of each command on each side.
    #[arg(long, default_value_t = 21)]
    repeat: usize,
    /// Peers to compare with, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "native")]
    against: Vec<String>,
    /// Skip the cold-start rows (they compile the tool module once, a few seconds).
    #[arg(long)]
    no_cold: bool,
    /// Skip the MCP rows (the mix through `rcabox mcp` over stdio).
    #[arg(long)]
    no_mcp: bool,
    /// Also run this many episodes of the mix at once in this process, comma-separated
    /// (e.g. 1,8,64,200): commands per second and resident memory per episode.
    #[arg(long, value_delimiter = ',')]
    concurrency: Vec<usize>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    json: bool,
}

/// Runs `cmd` on `peer`, keeping its time when `keep` and its status always.
fn timed(
    peer: &mut dyn Peer,
    cmd: &str,
    keep: bool,
    times: &mut Vec<f64>,
    exit: &mut i32,
) -> anyhow::Result<()> {
    let t = Instant::now();
    *exit = peer.run(cmd)?;
    if keep {
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    Ok(())
}

/// The commands of a mix text.
fn commands(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Runs `rcabox bench`.
pub fn run(a: BenchArgs) -> anyhow::Result<ExitCode> {
    for p in &a.against {
        if !PEERS.contains(&p.as_str()) {
            bail!(
                "--against {p}: unknown peer; peers are {}",
                PEERS.join(", ")
            );
        }
    }
    if a.repeat == 0 {
        bail!("--repeat 0: give at least one run per command");
    }
    let mix = match &a.mix {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("reading --mix {}", p.display()))?
        }
        None => MIX.to_string(),
    };
    let cmds = commands(&mix);
    if cmds.is_empty() {
        bail!("the mix has no commands (one a line; `#` starts a comment)");
    }
    let work = tempfile::tempdir()?;
    let snapshot = match (a.generate, &a.snapshot) {
        (Some(n), _) => {
            let out = work.path().join(format!("Scenario-{n}"));
            let opts = rcabox_runtime::snapshot::generate::Options {
                itbench: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/itbench")),
                scenario: n,
                seed: 1,
                scale: a.scale,
            };
            rcabox_runtime::snapshot::generate::generate(&opts, &out)?;
            out
        }
        (None, Some(s)) => s.clone(),
        (None, None) => super::run::bundled()?.join("Scenario-2"),
    };
    let config = SessionConfig::for_snapshot(&snapshot);
    let mut peers: Vec<Box<dyn Peer>> = Vec::new();
    let mut skipped = Vec::new();
    let copy = work.path().join("native");
    if a.against.iter().any(|p| p == "native" || p == "docker") {
        let native = Native::new(&snapshot, &copy, &config.hidden)?;
        if a.against.iter().any(|p| p == "native") {
            peers.push(Box::new(native));
        }
    }
    for p in &a.against {
        let started = match p.as_str() {
            "native" => continue,
            "docker" => Docker::start(&copy).map(|d| Box::new(d) as Box<dyn Peer>),
            other => Err(format!(
                "{other}: skipped, no adapter for it in this build yet"
            )),
        };
        match started {
            Ok(peer) => peers.push(peer),
            Err(line) => skipped.push(line),
        }
    }

    let cold = if a.no_cold {
        Vec::new()
    } else {
        let empty = work.path().join("cache-compile");
        let built = work.path().join("cache-built-in");
        vec![
            (
                "empty cache, compiled",
                first_command(&snapshot, &empty, false)?,
            ),
            (
                "empty cache, build-time artifact",
                first_command(&snapshot, &built, true)?,
            ),
            ("warm cache", first_command(&snapshot, &built, true)?),
        ]
    };

    let rt = Runtime::shared()?;
    let mut session = Session::new(rt.clone(), config.clone())?;
    let mut mcp = if a.no_mcp {
        None
    } else {
        Some(Mcp::start(&snapshot, cmds.len() * (a.repeat + 1))?)
    };
    let mut rows = Vec::new();
    for cmd in &cmds {
        let mut over_mcp = Vec::new();
        let mut ours = Vec::new();
        let mut our_exit = 0;
        let mut theirs: Vec<(Vec<f64>, i32)> = vec![(Vec::new(), 0); peers.len()];
        // One unmeasured run each warms the page cache and the session's module instances.
        for i in 0..=a.repeat {
            let t = Instant::now();
            let r = session.run(cmd);
            let ms = t.elapsed().as_secs_f64() * 1e3;
            our_exit = r.exit_code;
            if i > 0 {
                ours.push(ms);
            }
            if let Some(m) = mcp.as_mut() {
                let t = Instant::now();
                m.request(
                    "tools/call",
                    json!({"name": "code_exec", "arguments": {"cmd": cmd}}),
                )?;
                if i > 0 {
                    over_mcp.push(t.elapsed().as_secs_f64() * 1e3);
                }
            }
            for (peer, (times, exit)) in peers.iter_mut().zip(theirs.iter_mut()) {
                if peer.interleaved() {
                    timed(peer.as_mut(), cmd, i > 0, times, exit)?;
                }
            }
        }
        // The next command's unmeasured first run absorbs what these leave behind.
        for (peer, (times, exit)) in peers.iter_mut().zip(theirs.iter_mut()) {
            if !peer.interleaved() {
                for i in 0..=a.repeat {
                    timed(peer.as_mut(), cmd, i > 0, times, exit)?;
                }
            }
        }
        let ours = percentiles(ours);
        let mut row = json!({"command": cmd, "exit": our_exit, "rcabox_ms": percentile_json(ours)});
        if !over_mcp.is_empty() {
            row["mcp_ms"] = percentile_json(percentiles(over_mcp));
        }
        for (peer, (times, exit)) in peers.iter().zip(theirs) {
            let p = percentiles(times);
            let name = peer.name();
            row[format!("{name}_exit")] = json!(exit);
            row[format!("{name}_ms")] = percentile_json(p);
            row[format!("speedup_vs_{name}")] = json!(p[0] / ours[0]);
        }
        rows.push(row);
    }
    // The container goes before the concurrency rows, which want the machine to themselves.
    let labels: Vec<(&str, &str)> = peers.iter().map(|p| (p.name(), p.label())).collect();
    drop(peers);
    let (native_speedups, mcp_speedups) = speedups(&rows, "native");
    let geomean = geometric_mean(&native_speedups);
    let other_geomeans: Vec<(String, Option<f64>)> = labels
        .iter()
        .filter(|(n, _)| *n != "native")
        .map(|(n, _)| {
            (
                format!("geomean_speedup_vs_{n}"),
                geometric_mean(&speedups(&rows, n).0),
            )
        })
        .collect();
    // What the server adds to a call: the MCP round trip less the same command in-process.
    let overheads: Vec<f64> = rows
        .iter()
        .filter_map(|r| Some(r["mcp_ms"]["p50"].as_f64()? - r["rcabox_ms"]["p50"].as_f64()?))
        .collect();
    let mut at_once = Vec::new();
    for &n in &a.concurrency {
        if n == 0 {
            bail!("--concurrency 0: give a number of episodes of at least 1");
        }
        let (per_sec, mb) = episodes_at_once(&rt, &config, &cmds, n)?;
        at_once.push(
            json!({"episodes": n, "commands_per_sec": per_sec, "peak_rss_mb_per_episode": mb}),
        );
    }
    let mut report = json!({
        "snapshot": snapshot.display().to_string(),
        "repeat": a.repeat,
        "commands": rows,
        "peers": labels.iter().map(|(n, l)| json!({"name": n, "label": l})).collect::<Vec<_>>(),
        "geomean_speedup_vs_native": geomean,
        "mcp_geomean_speedup_vs_native": geometric_mean(&mcp_speedups),
        "mcp_overhead_ms_p50": (!overheads.is_empty()).then(|| percentiles(overheads)[0]),
        "cold_start": cold.iter().map(|(l, (ms, mb))| json!({"case": l, "wall_ms": ms, "peak_rss_mb": mb})).collect::<Vec<_>>(),
        "concurrency": at_once,
        "skipped": skipped,
    });
    for (key, g) in other_geomeans {
        report[key] = json!(g);
    }
    if a.json {
        println!("{report}");
    } else {
        print_tables(&report);
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_mix_parses() {
        let c = commands(MIX);
        assert!(c.len() >= 12, "{c:?}");
        assert!(c.iter().all(|c| !c.starts_with('#')));
        assert!(c.iter().any(|c| c.starts_with("python3")));
    }
}
