//! Harness overhead: what an episode costs beyond its commands, and how many episodes run per
//! second at 1, 8, 64 and 200 at once, with the memory each one holds.
//!
//! `cargo bench --bench harness` plays a scripted agent (no model: `true` commands, then
//! `finish`) so that every millisecond measured is rcabox's: the turn loop, the trajectory
//! writes, the sandbox session. The bare `Session::run("true")` is timed in the same run as the
//! baseline. Figures belong in notes and docs, never in tests.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use rcabox_runtime::agents::Factory;
use rcabox_runtime::episode::Settings;
use rcabox_runtime::episode::agent::{Agent, AgentError, Message, Reply, ToolCall};
use rcabox_runtime::run::{self, Plan, RunInfo};
use rcabox_runtime::sandbox::{Runtime, Session, SessionConfig};
use rcabox_runtime::snapshot::questions::discover;
use serde_json::{Value, json};

const TURNS: usize = 10;

/// `true` for TURNS - 1 turns, then finish.
struct NoOp(usize);

impl Agent for NoOp {
    fn id(&self) -> String {
        "noop".into()
    }
    fn next(&mut self, _m: &[Message], _t: &[Value]) -> Result<Reply, AgentError> {
        self.0 += 1;
        let call = if self.0 < TURNS {
            ToolCall {
                id: format!("c{}", self.0),
                name: "code_exec".into(),
                arguments: json!({"cmd": "true"}),
                raw_arguments: None,
            }
        } else {
            ToolCall {
                id: "f".into(),
                name: "finish".into(),
                arguments: json!(["otel-demo/NetworkPolicy/frontend-block-all-ports"]),
                raw_arguments: None,
            }
        };
        Ok(Reply {
            content: String::new(),
            tool_calls: vec![call],
            ..Reply::default()
        })
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bundle = root.join("snapshots");
    rcabox_runtime::snapshot::bundle::materialize(&bundle.join("bundle.json"), &bundle)
        .expect("bundled snapshots");
    let snap = bundle.join("Scenario-31");
    let runtime = Runtime::shared().expect("runtime");

    // Bare command latency.
    let mut s = Session::new(runtime.clone(), SessionConfig::for_snapshot(&snap)).expect("session");
    for _ in 0..20 {
        s.run("true");
    }
    let n = 200;
    let t0 = Instant::now();
    for _ in 0..n {
        s.run("true");
    }
    let bare_ms = t0.elapsed().as_secs_f64() * 1e3 / n as f64;

    let questions: Vec<_> = discover(&snap).expect("snapshot");
    let factory: std::sync::Arc<Factory> =
        std::sync::Arc::new(|_: &str, _: usize| Ok(Box::new(NoOp(0)) as Box<dyn Agent>));
    println!(
        "harness overhead ({TURNS}-turn episodes of `true`, then finish; bare `true` {bare_ms:.3} ms)"
    );
    println!(
        "{:>11} {:>9} {:>12} {:>14} {:>16} {:>14}",
        "concurrency", "episodes", "episodes/s", "ms per turn", "overhead/turn", "MiB/episode"
    );
    for conc in [1usize, 8, 64, 200] {
        let episodes = (conc * 2).max(16);
        let dir = tempfile::tempdir().expect("tempdir");
        let info = RunInfo {
            rcabox_version: "bench".into(),
            agent: "noop".into(),
            repeats: episodes,
            max_turns: 100,
            seed: 0,
            shard: None,
            questions: run::entries(&questions).expect("entries"),
        };
        run::prepare(dir.path(), &info, &questions).expect("prepare");
        let plan = Plan {
            dir: dir.path().to_path_buf(),
            info,
            settings: Settings::default(),
            make_agent: factory.clone(),
            concurrency: conc,
            timeout_s: 60,
        };
        let base = rss_kib();
        let peak = AtomicU64::new(base);
        let done = AtomicBool::new(false);
        let t0 = Instant::now();
        std::thread::scope(|sc| {
            sc.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    peak.fetch_max(rss_kib(), Ordering::Relaxed);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            });
            run::execute(std::sync::Arc::new(plan), |_| {}).expect("run");
            done.store(true, Ordering::Relaxed);
        });
        let secs = t0.elapsed().as_secs_f64();
        let per_turn = secs * 1e3 * conc.min(episodes) as f64 / (episodes * TURNS) as f64;
        let mib = (peak.load(Ordering::Relaxed).saturating_sub(base)) as f64
            / 1024.0
            / conc.min(episodes) as f64;
        println!(
            "{conc:>11} {episodes:>9} {:>12.1} {per_turn:>14.3} {:>16.3} {mib:>14.2}",
            episodes as f64 / secs,
            per_turn - bare_ms * (TURNS - 1) as f64 / TURNS as f64
        );
        check(dir.path());
    }
}

/// Every episode finished with the scripted answer.
fn check(dir: &Path) {
    let done = run::finished(dir).expect("finished");
    assert!(
        done.iter().all(|e| e.turns == TURNS),
        "every episode ran {TURNS} turns"
    );
}
