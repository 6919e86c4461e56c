//! `rcabox mcp` driven by the official MCP Python SDK (`pip install mcp`, done by .ci/run).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;

fn rcabox() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rcabox"))
}

fn snapshot() -> PathBuf {
    common::bundled("Scenario-105")
}

/// Runs tests/mcp/client.py and returns what it saw.
fn client(dir: &Path, max_turns: usize, scenario: &str) -> Value {
    client_with(dir, max_turns, scenario, &[])
}

/// [`client`] with environment variables for the client and, in the "cold" scenario, the
/// server it starts.
fn client_with(dir: &Path, max_turns: usize, scenario: &str, env: &[(&str, &Path)]) -> Value {
    common::require_python_module("mcp", "mcp");
    let out = common::succeeded(
        Command::new(common::python())
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/client.py"))
            .arg(env!("CARGO_BIN_EXE_rcabox"))
            .arg(snapshot())
            .arg(dir.join("trajectory.jsonl"))
            .arg(dir.join("agent_output.json"))
            .arg(max_turns.to_string())
            .arg(scenario)
            .envs(env.iter().copied()),
        "the MCP client",
    );
    serde_json::from_slice(&out.stdout).expect("client prints JSON")
}

fn text(v: &Value, key: &str) -> String {
    v[key]["texts"][0].as_str().unwrap_or_default().to_string()
}

#[test]
fn an_mcp_client_drives_one_episode() {
    let d = tempfile::tempdir().expect("tempdir");
    let seen = client(d.path(), 100, "main");
    assert_eq!(seen["server"], "rcabox");
    assert_eq!(seen["tools"], serde_json::json!(["code_exec", "finish"]));
    assert_eq!(
        seen["finish_schema_required"],
        serde_json::json!(["entities"])
    );

    // The observation carries the same bytes `rcabox exec` prints.
    let cmd = "grep -c ERROR otel_logs_raw.tsv; ls alerts | head -3";
    let exec = rcabox()
        .args(["exec", "--snapshot"])
        .arg(snapshot())
        .arg(cmd)
        .output()
        .expect("rcabox exec");
    let stdout = String::from_utf8_lossy(&exec.stdout);
    assert_eq!(
        seen["exec"][0].as_str().expect("exec text"),
        format!(
            "<shell_results>\n<exit_code>0</exit_code>\n<stdout>{stdout}</stdout>\n<stderr></stderr>\n</shell_results>"
        )
    );
    assert!(
        seen["escape"][0]
            .as_str()
            .is_some_and(|t| t.contains("cat: /etc/shadow: No such file or directory"))
    );
    assert_eq!(seen["bad_args"]["is_error"], true);
    assert_eq!(text(&seen, "bad_args"), "Tool arguments are not valid");
    assert_eq!(seen["bad_finish"]["is_error"], true);
    assert!(text(&seen, "bad_finish").contains("`entities` is empty"));
    assert_eq!(seen["finish"]["is_error"], false);
    assert_eq!(seen["after"]["is_error"], true);
    assert!(text(&seen, "after").contains("already submitted"));

    // The answer file scores like any agent_output.json.
    let score = rcabox()
        .args(["score", "--json", "--ground-truth"])
        .arg(snapshot().join("ground_truth.yaml"))
        .arg("--answer")
        .arg(d.path().join("agent_output.json"))
        .output()
        .expect("rcabox score");
    assert!(
        score.status.success(),
        "{}",
        String::from_utf8_lossy(&score.stderr)
    );
    let s: Value = serde_json::from_slice(&score.stdout).expect("score JSON");
    assert_eq!(
        s["all_recall_ap"], 1.0,
        "the client names the real root cause: {s}"
    );

    // The trajectory replays byte for byte and ends with the answer.
    let replay = rcabox()
        .arg("replay")
        .arg(d.path().join("trajectory.jsonl"))
        .output()
        .expect("rcabox replay");
    assert!(replay.status.success());
    assert!(String::from_utf8_lossy(&replay.stdout).contains("2 commands identical, 0 differ"));
    let traj = std::fs::read_to_string(d.path().join("trajectory.jsonl")).expect("trajectory");
    let last: Value = serde_json::from_str(traj.lines().last().unwrap_or_default()).expect("end");
    assert_eq!(last["ending"], "finish");
    assert_eq!(last["turns"], 5);
}

#[test]
fn mcp_calls_stop_at_the_turn_cap_with_stirrups_warnings() {
    let d = tempfile::tempdir().expect("tempdir");
    let seen = client(d.path(), 3, "cap");
    let calls = seen["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 4);
    assert_eq!(
        calls[0]["texts"][1],
        "You have 2 turns remaining to complete the task. Please continue. Remember you will need a separate turn to call a finish tool."
    );
    assert_eq!(
        calls[1]["texts"][1],
        "This is the last turn. Please finish the task by calling a finish tool."
    );
    assert!(
        calls[2]["texts"][1]
            .as_str()
            .is_some_and(|t| t.contains("turn cap"))
    );
    assert_eq!(calls[3]["is_error"], true);
    assert!(
        calls[3]["texts"][0]
            .as_str()
            .is_some_and(|t| t.contains("turn cap was reached"))
    );
    let traj = std::fs::read_to_string(d.path().join("trajectory.jsonl")).expect("trajectory");
    let last: Value = serde_json::from_str(traj.lines().last().unwrap_or_default()).expect("end");
    assert_eq!(last["ending"], "turn_cap");
    assert_eq!(last["turns"], 3);
    assert!(!d.path().join("agent_output.json").exists());
}

/// Issue 27: `initialize` (and `tools/list`) are answered while the tool module is still being
/// compiled (an empty cache and the build-time artifact ignored: seconds of Cranelift); the
/// first call waits for it and runs.
#[test]
fn initialize_is_answered_before_the_sandbox_is_ready() {
    let d = tempfile::tempdir().expect("tempdir");
    let cache = d.path().join("cache");
    let seen = client_with(
        d.path(),
        100,
        "cold",
        &[
            ("RCABOX_CACHE_DIR", &cache),
            ("RCABOX_BUILT_IN", Path::new("0")),
        ],
    );
    assert_eq!(seen["tools"], serde_json::json!(["code_exec", "finish"]));
    let at_init = seen["cache_at_initialize"].as_array().expect("listing");
    assert!(
        !at_init
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.starts_with("tools-"))),
        "the tool module was ready before initialize was answered: {at_init:?}"
    );
    assert!(
        seen["exec"][0]
            .as_str()
            .unwrap_or_default()
            .contains("ready"),
        "{seen}"
    );
    let after = seen["cache_after_call"].as_array().expect("listing");
    assert!(
        after
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.starts_with("tools-"))),
        "{after:?}"
    );
}
