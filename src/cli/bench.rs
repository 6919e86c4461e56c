//! `rcabox bench`: the latency an agent pays per command, in the sandbox and natively, in one
//! run on this machine.
//!
//! Each command of a mix (default: `benches/mix/agent.txt`, built in) runs `--repeat` times in
//! a warm sandbox session, as an episode runs it, and, alternating with it so a slow spell of
//! a shared machine falls on both sides, as `bash -c` in a read-only copy of the snapshot.
//! It reports p50/p90/p99 per side, the speed-up over `bash -c` per command and its geometric
//! mean, the same commands through `rcabox mcp` over stdio (the path an IDE agent takes), and
//! the first command of a fresh process with an empty module cache, with the build-time
//! artifact and warm (wall time and peak RSS). docs/PERFORMANCE.md has the method.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use rcabox_runtime::sandbox::{Runtime, Session, SessionConfig};
use serde_json::{Value, json};

/// The standard mix.
const MIX: &str = include_str!("../../benches/mix/agent.txt");

/// Peers `--against` accepts; only `native` has an adapter in this build.
const PEERS: &[&str] = &["native", "bashkit", "just-bash", "docker"];

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

/// Percentiles as `{"p50", "p90", "p99"}`.
fn percentile_json([p50, p90, p99]: [f64; 3]) -> Value {
    json!({"p50": p50, "p90": p90, "p99": p99})
}

/// p50, p90 and p99 (nearest rank) of durations in milliseconds.
fn percentiles(mut v: Vec<f64>) -> [f64; 3] {
    v.sort_by(f64::total_cmp);
    let at = |p: f64| {
        let i = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len().max(1)) - 1;
        v.get(i).copied().unwrap_or(f64::NAN)
    };
    [at(0.50), at(0.90), at(0.99)]
}

/// The commands of a mix text.
fn commands(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Copies the snapshot without the names the sandbox hides, read-only, for `bash -c`.
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

/// One `rcabox exec --snapshot S true` as a new process: (milliseconds, peak RSS in MB).
// The child is reaped by `wait4`, which std's `Child::wait` cannot do (it drops the rusage).
#[allow(clippy::zombie_processes)]
fn first_command(snapshot: &Path, cache: &Path, built_in: bool) -> anyhow::Result<(f64, f64)> {
    let t = Instant::now();
    let mut c = Command::new(std::env::current_exe()?);
    c.args(["exec", "--snapshot"])
        .arg(snapshot)
        .arg("true")
        .env("RCABOX_CACHE_DIR", cache)
        .stdout(Stdio::null());
    if !built_in {
        c.env("RCABOX_BUILT_IN", "0");
    }
    let child = c.spawn().context("starting rcabox exec")?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are to live locals.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if r != pid || status != 0 {
        bail!("rcabox exec true failed (status {status})");
    }
    Ok((
        t.elapsed().as_secs_f64() * 1e3,
        usage.ru_maxrss as f64 / 1024.0,
    ))
}

/// A client of `rcabox mcp` over stdio: newline-delimited JSON-RPC, as MCP's stdio transport.
struct Mcp {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next_id: u64,
}

impl Mcp {
    /// Starts the server over `snapshot` and completes the MCP handshake.
    fn start(snapshot: &Path, calls: usize) -> anyhow::Result<Mcp> {
        let mut child = Command::new(std::env::current_exe()?)
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
    fn request(&mut self, method: &str, params: Value) -> anyhow::Result<Value> {
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

/// This process's resident and peak resident memory, in MB (`/proc/self/status`).
fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// `n` episodes at once, each a session of its own running the mix once, on `n` threads:
/// (commands per second, peak resident MB added per episode).
fn episodes_at_once(
    rt: &std::sync::Arc<Runtime>,
    config: &SessionConfig,
    cmds: &[String],
    n: usize,
) -> anyhow::Result<(f64, f64)> {
    use std::sync::Barrier;
    // Writing 5 to clear_refs resets the peak (VmHWM) to the current RSS, so the peak read
    // after the episodes is theirs (Linux 4.0+; elsewhere the peak is the process's).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (before, _) = rss_mb();
    // start: every session is open; done: every mix has run; measured: memory was read.
    let (start, done, measured) = (
        Barrier::new(n + 1),
        Barrier::new(n + 1),
        Barrier::new(n + 1),
    );
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<()> {
                    let mut session = Session::new(rt.clone(), config.clone());
                    start.wait();
                    if let Ok(s) = &mut session {
                        for c in cmds {
                            s.run(c);
                        }
                    }
                    done.wait();
                    measured.wait();
                    session.map(drop).map_err(anyhow::Error::from)
                })
            })
            .collect();
        start.wait();
        let t = Instant::now();
        done.wait();
        let secs = t.elapsed().as_secs_f64();
        let (_, during) = rss_mb();
        measured.wait();
        for h in handles {
            h.join()
                .map_err(|_| anyhow::anyhow!("an episode thread panicked"))??;
        }
        Ok((
            (n * cmds.len()) as f64 / secs,
            ((during - before) / n as f64).max(0.0),
        ))
    })
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
    let native_dir = work.path().join("native");
    let native = a.against.iter().any(|p| p == "native");
    if native {
        readonly_copy(&snapshot, &native_dir, &config.hidden)?;
    }
    let mut skipped = Vec::new();
    for p in a.against.iter().filter(|p| *p != "native") {
        let line = format!("{p}: skipped, no adapter for it in this build yet");
        if !a.json {
            eprintln!("{line}");
        }
        skipped.push(line);
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
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let (mut our_exit, mut their_exit) = (0, 0);
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
            if native {
                let t = Instant::now();
                let o = Command::new("bash")
                    .arg("-c")
                    .arg(cmd)
                    .current_dir(&native_dir)
                    .env("LC_ALL", "C.UTF-8")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .context("running bash -c")?;
                let ms = t.elapsed().as_secs_f64() * 1e3;
                their_exit = o.code().unwrap_or(-1);
                if i > 0 {
                    theirs.push(ms);
                }
            }
        }
        let ours = percentiles(ours);
        let mut row = json!({"command": cmd, "exit": our_exit, "rcabox_ms": percentile_json(ours)});
        if !over_mcp.is_empty() {
            row["mcp_ms"] = percentile_json(percentiles(over_mcp));
        }
        if native {
            let theirs = percentiles(theirs);
            row["native_exit"] = json!(their_exit);
            row["native_ms"] = percentile_json(theirs);
            row["speedup_vs_native"] = json!(theirs[0] / ours[0]);
        }
        rows.push(row);
    }
    let speedups: Vec<f64> = rows
        .iter()
        .filter(|r| r["exit"] == r["native_exit"])
        .filter_map(|r| r["speedup_vs_native"].as_f64())
        .collect();
    let geomean = geometric_mean(&speedups);
    let mcp_speedups: Vec<f64> = rows
        .iter()
        .filter(|r| r["exit"] == r["native_exit"])
        .filter_map(|r| Some(r["native_ms"]["p50"].as_f64()? / r["mcp_ms"]["p50"].as_f64()?))
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
    let report = json!({
        "snapshot": snapshot.display().to_string(),
        "repeat": a.repeat,
        "commands": rows,
        "geomean_speedup_vs_native": geomean,
        "mcp_geomean_speedup_vs_native": geometric_mean(&mcp_speedups),
        "mcp_overhead_ms_p50": (!overheads.is_empty()).then(|| percentiles(overheads)[0]),
        "cold_start": cold.iter().map(|(l, (ms, mb))| json!({"case": l, "wall_ms": ms, "peak_rss_mb": mb})).collect::<Vec<_>>(),
        "concurrency": at_once,
        "skipped": skipped,
    });
    if a.json {
        println!("{report}");
    } else {
        print_tables(&report);
    }
    Ok(ExitCode::SUCCESS)
}

/// The geometric mean, if there is anything to average.
fn geometric_mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| (v.iter().map(|s| s.ln()).sum::<f64>() / v.len() as f64).exp())
}

fn print_tables(r: &Value) {
    let cmds = r["commands"].as_array().cloned().unwrap_or_default();
    println!(
        "{:<60} {:>27}   {:>27}   {:>8}",
        "command", "rcabox p50 / p90 / p99 ms", "bash -c p50 / p90 / p99 ms", "speed-up"
    );
    let f = |v: &Value| {
        format!(
            "{:>7.2} {:>8.2} {:>8.2}",
            v["p50"].as_f64().unwrap_or(f64::NAN),
            v["p90"].as_f64().unwrap_or(f64::NAN),
            v["p99"].as_f64().unwrap_or(f64::NAN)
        )
    };
    for c in &cmds {
        let mut name: String = c["command"]
            .as_str()
            .unwrap_or("")
            .chars()
            .take(58)
            .collect();
        if c["command"]
            .as_str()
            .is_some_and(|s| s.chars().count() > 58)
        {
            name.push('…');
        }
        let native = if c.get("native_ms").is_some() {
            f(&c["native_ms"])
        } else {
            "-".into()
        };
        let speed = c["speedup_vs_native"]
            .as_f64()
            .map_or("-".into(), |s| format!("{s:.2}x"));
        let differs = if c.get("native_exit").is_some() && c["exit"] != c["native_exit"] {
            format!("  (exit {} vs {})", c["exit"], c["native_exit"])
        } else {
            String::new()
        };
        println!(
            "{name:<60} {}   {native:>27}   {speed:>8}{differs}",
            f(&c["rcabox_ms"])
        );
    }
    if let Some(g) = r["geomean_speedup_vs_native"].as_f64() {
        println!("geometric mean speed-up over bash -c: {g:.2}x");
    }
    if let (Some(g), Some(o)) = (
        r["mcp_geomean_speedup_vs_native"].as_f64(),
        r["mcp_overhead_ms_p50"].as_f64(),
    ) {
        println!(
            "through rcabox mcp over stdio: geometric mean speed-up over bash -c {g:.2}x; the server adds {o:.2} ms a call (median)"
        );
    }
    if let Some(rows) = r["concurrency"].as_array().filter(|c| !c.is_empty()) {
        println!("\nepisodes of the mix at once, one process");
        for c in rows {
            println!(
                "{:>5} episodes {:>10.0} commands/s {:>8.1} MB peak resident per episode",
                c["episodes"].as_u64().unwrap_or(0),
                c["commands_per_sec"].as_f64().unwrap_or(f64::NAN),
                c["peak_rss_mb_per_episode"].as_f64().unwrap_or(f64::NAN)
            );
        }
    }
    if let Some(cold) = r["cold_start"].as_array().filter(|c| !c.is_empty()) {
        println!("\nfirst command of a new process (rcabox exec true)");
        for c in cold {
            println!(
                "{:<40} {:>8.0} ms {:>6.0} MB",
                c["case"].as_str().unwrap_or(""),
                c["wall_ms"].as_f64().unwrap_or(f64::NAN),
                c["peak_rss_mb"].as_f64().unwrap_or(f64::NAN)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentiles(v), [50.0, 90.0, 99.0]);
        assert_eq!(percentiles(vec![3.0]), [3.0, 3.0, 3.0]);
    }

    #[test]
    fn the_standard_mix_parses() {
        let c = commands(MIX);
        assert!(c.len() >= 12, "{c:?}");
        assert!(c.iter().all(|c| !c.starts_with('#')));
        assert!(c.iter().any(|c| c.starts_with("python3")));
    }
}
