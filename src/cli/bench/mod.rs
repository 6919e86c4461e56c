//! `rcabox bench`: the latency an agent pays per command, in the sandbox and on its peers, in
//! one run on this machine.
//!
//! Each command of a mix (default: `benches/mix/agent.txt`, built in) runs `--repeat` times in
//! a warm sandbox session, as an episode runs it ([`measure`]), and on each peer ([`peers`]):
//! `bash -c` over a read-only copy of the snapshot, bashkit and just-bash (a fresh interpreter a
//! command over the same copy) alternating with it, so a slow spell of a shared machine falls on
//! every side, and `docker exec` into a container over the copy after them, since the daemon's
//! work after an exec would slow whatever ran next. It reports p50/p90/p99 per side, the
//! speed-up over each peer per command and its geometric mean, peak memory and MB/s per
//! command, the same commands through `rcabox mcp` over stdio ([`mcp`], the path an IDE agent
//! takes), the first command of a fresh process and many episodes at once ([`process`]), as
//! tables, JSON ([`report`]) or an HTML page with the plot ([`html`]). docs/PERFORMANCE.md has
//! the method.

mod html;
mod mcp;
mod measure;
mod peers;
mod process;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use rcabox_runtime::sandbox::{Runtime, Session, SessionConfig};
use serde_json::json;

use mcp::Mcp;
use measure::{command_row, named_input_bytes};
use peers::{Native, PEERS, Peer};
use process::{episodes_at_once, first_command};
use report::{geometric_mean, percentiles, print_tables, speedups};

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
    /// Also write the report as one HTML page with the plot (opens offline).
    #[arg(long)]
    html: Option<PathBuf>,
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
                itbench: rcabox_runtime::snapshot::embedded::itbench()?,
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
    // Every peer reads the same read-only copy, without the names the sandbox hides.
    if !a.against.is_empty() {
        let native = Native::new(&snapshot, &copy, &config.hidden)?;
        if a.against.iter().any(|p| p == "native") {
            peers.push(Box::new(native));
        }
    }
    for p in a.against.iter().filter(|p| *p != "native") {
        match peers::start(p, &copy) {
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
        let input = named_input_bytes(&snapshot, cmd);
        rows.push(command_row(
            cmd,
            a.repeat,
            &mut session,
            mcp.as_mut(),
            &mut peers,
            input,
        )?);
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
    if let Some(path) = &a.html {
        std::fs::write(path, html::page(&report))
            .with_context(|| format!("writing --html {}", path.display()))?;
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
