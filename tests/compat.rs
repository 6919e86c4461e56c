//! The shell-compatibility corpus: every command through `rcabox exec` and through GNU bash,
//! compared byte for byte by `../shared/compat/run`. Needs python3 and the reference tools
//! (`.ci/run` installs them).

use std::path::Path;
use std::process::Command;

/// The runner uses one fixed scratch directory (`/tmp/rcx`), so two corpora must not run at
/// once (the test harness runs tests in parallel).
static RUNNER: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn run_corpus(commands: Option<&Path>, min_rate: &str) {
    let _one_at_a_time = RUNNER.lock().unwrap_or_else(|p| p.into_inner());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let runner = root.join("../shared/compat/run");
    assert!(
        runner.exists(),
        "{} is missing: the compatibility corpus lives in ../shared beside the repo",
        runner.display()
    );
    let report = std::env::temp_dir().join(format!("rcabox-compat-{}.md", std::process::id()));
    let mut cmd = Command::new("python3");
    cmd.arg(&runner)
        .args([
            "--rcabox",
            env!("CARGO_BIN_EXE_rcabox"),
            "--min-pass-rate",
            min_rate,
            "--report",
        ])
        .arg(&report);
    if let Some(c) = commands {
        cmd.arg("--commands").arg(c);
    }
    let o = cmd.output().expect("python3 runs the compat runner");
    let text = String::from_utf8_lossy(&o.stdout);
    println!("{text}");
    assert!(
        o.status.success(),
        "pass rate below {min_rate}:\n{text}\n{}\nrunner stderr:\n{}",
        std::fs::read_to_string(&report).unwrap_or_default(),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn shared_corpus() {
    run_corpus(None, "0.98");
}

/// Our own agent-style corpora: tests/compat/agent.jsonl (shell features and tools) and
/// tests/compat/investigate.jsonl (investigations of the snapshot: rg, grep, awk, jq, sort, bc,
/// timeout, ...). Each must pass at 98%; the known differences are listed in
/// docs/COMPATIBILITY.md.
#[test]
fn agent_corpus() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat/agent.jsonl");
    run_corpus(Some(&file), "0.98");
}

#[test]
fn investigation_corpus() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat/investigate.jsonl");
    run_corpus(Some(&file), "0.98");
}
