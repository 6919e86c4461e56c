//! `rcabox exec` as external checks use it: streams, exit status, `--json` fields, errors.

use std::path::Path;
use std::process::Command;

mod common;

fn rcabox() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rcabox"))
}

/// A snapshot made by the compatibility corpora's generator (tests/compat/make_snapshot.py).
fn compat_snapshot() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let st = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat/make_snapshot.py"))
        .arg(dir.path().join("s"))
        .status()
        .expect("python3 runs tests/compat/make_snapshot.py");
    assert!(st.success());
    dir
}

#[test]
fn exec_matches_gnu_bytes_and_status() {
    let d = compat_snapshot();
    let snap = d.path().join("s");
    for cmd in [
        "grep -c ERROR otel_logs_raw.tsv | cat",
        "cut -f8 otel_logs_raw.tsv | sort | uniq -c | sort -rn | head -3",
        "grep -q nothing-like-this otel_logs_raw.tsv",
    ] {
        let ours = rcabox()
            .args(["exec", "--snapshot"])
            .arg(&snap)
            .arg(cmd)
            .output()
            .expect("rcabox runs");
        let gnu = Command::new("bash")
            .arg("-c")
            .arg(cmd)
            .current_dir(&snap)
            .env("LC_ALL", "C.UTF-8")
            .output()
            .expect("bash runs");
        assert_eq!(
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&gnu.stdout),
            "{cmd}"
        );
        assert_eq!(ours.status.code(), gnu.status.code(), "{cmd}");
    }
}

#[test]
fn exec_json_has_the_contract_fields() {
    let d = compat_snapshot();
    let o = rcabox()
        .args(["exec", "--json", "--max-output", "100", "--snapshot"])
        .arg(d.path().join("s"))
        .arg("seq 1 1000; echo oops >&2; exit 3")
        .output()
        .expect("rcabox runs");
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    for k in [
        "exit_code",
        "stdout",
        "stderr",
        "stdout_truncated",
        "stderr_truncated",
        "error_kind",
        "duration_ms",
        "peak_memory_bytes",
    ] {
        assert!(v.get(k).is_some(), "missing {k} in {v}");
    }
    // `seq` and the shell ran: at least their two initial memories (over 12 MiB each) were held.
    let peak = v["peak_memory_bytes"].as_u64().expect("a byte count");
    assert!((24 << 20..2048 << 20).contains(&peak), "peak {peak}");
    assert_eq!(v["exit_code"], 3);
    assert_eq!(v["stderr"], "oops\n");
    assert_eq!(v["stdout_truncated"], true);
    assert_eq!(v["error_kind"], "output_limit");
    assert!(
        v["stdout"]
            .as_str()
            .is_some_and(|s| s.starts_with("1\n2\n") && s.ends_with("999\n1000\n"))
    );
}

#[test]
fn timeout_flag_and_exit_status() {
    let d = compat_snapshot();
    let o = rcabox()
        .args(["exec", "--timeout", "0.5", "--json", "--snapshot"])
        .arg(d.path().join("s"))
        .arg("while :; do :; done")
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["error_kind"], "timeout");
    assert_eq!(o.status.code(), Some(124));
}

#[test]
fn bad_invocations_explain_themselves() {
    let o = rcabox()
        .args(["exec", "--snapshot", "/no/such/dir", "ls"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("/no/such/dir") && e.contains("--snapshot"),
        "{e}"
    );
    let o = rcabox()
        .args(["exec", "--timeout", "-1", "--snapshot", "."])
        .arg("ls")
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn workspace_flag_persists_between_invocations() {
    let d = compat_snapshot();
    let ws = d.path().join("ws");
    let run = |cmd: &str| {
        rcabox()
            .args(["exec", "--snapshot"])
            .arg(d.path().join("s"))
            .arg("--workspace")
            .arg(&ws)
            .arg(cmd)
            .output()
            .expect("runs")
    };
    assert!(
        run("grep -c ERROR otel_logs_raw.tsv > /workspace/count")
            .status
            .success()
    );
    let o = run("cat /workspace/count");
    assert!(!o.stdout.is_empty());
    assert!(ws.join("count").exists());
}

#[test]
fn shell_keeps_one_session_across_commands() {
    use std::io::Write;
    let d = compat_snapshot();
    let mut child = rcabox()
        .args(["shell", "--snapshot"])
        .arg(d.path().join("s"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("rcabox shell starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"echo first > /workspace/a\ncat /workspace/a; false\nexit\n")
        .expect("write");
    let o = child.wait_with_output().expect("shell ends");
    assert!(o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("first\n"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Issue 27: processes starting at once over an empty, shared module cache all succeed, with
/// the built-in artifact and without it (each then compiles), and leave one artifact per
/// module and no temporary file behind.
#[test]
fn processes_starting_at_once_share_an_empty_module_cache() {
    let d = compat_snapshot();
    let snap = d.path().join("s");
    for built_in in ["1", "0"] {
        let cache = tempfile::tempdir().expect("tempdir");
        let children: Vec<_> = (0..2)
            .map(|_| {
                rcabox()
                    .args(["exec", "--snapshot"])
                    .arg(&snap)
                    .arg("echo ok")
                    .env("RCABOX_CACHE_DIR", cache.path())
                    .env("RCABOX_BUILT_IN", built_in)
                    .stdout(std::process::Stdio::piped())
                    .spawn()
                    .expect("rcabox runs")
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().expect("wait");
            assert!(o.status.success(), "RCABOX_BUILT_IN={built_in}");
            assert_eq!(o.stdout, b"ok\n");
        }
        let names: Vec<String> = std::fs::read_dir(cache.path())
            .expect("cache dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(names[0].starts_with("tools-") && names[0].ends_with(".cwasm"));
    }
}

/// `rcabox bench --json` over the bundled Scenario-2 with the standard mix: every command runs
/// to the same exit status in the sandbox and under `bash -c`, and the report has the fields
/// its documentation names. (No timing is asserted: figures belong in docs, not tests.)
#[test]
fn bench_runs_the_standard_mix_against_bash() {
    // The mix compares with the native programs, `rg` among them.
    common::require_tool("rg", "ripgrep");
    let o = rcabox()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "bench",
            "--repeat",
            "1",
            "--no-cold",
            "--json",
            "--concurrency",
            "1,3",
            "--against",
            "native,bashkit,just-bash",
        ])
        .output()
        .expect("rcabox bench");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let cmds = v["commands"].as_array().expect("commands");
    assert!(cmds.len() >= 12);
    let names: Vec<&str> = v["peers"]
        .as_array()
        .expect("peers")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    // CI installs just-bash (`npm ci` in benches/peers/just-bash); elsewhere it may be skipped.
    let just_bash = names.contains(&"just_bash");
    if std::env::var("CI").is_ok() {
        assert!(
            just_bash,
            "CI installs just-bash: {names:?} {}",
            v["skipped"]
        );
    }
    if just_bash {
        let agree = cmds
            .iter()
            .filter(|c| {
                c["exit"] == c["just_bash_exit"] && c["just_bash_ms"]["p50"].as_f64().is_some()
            })
            .count();
        assert!(agree >= 8, "just-bash ran the mix: {agree} commands agree");
        assert!(v["geomean_speedup_vs_just_bash"].as_f64().is_some());
    }
    let scans: Vec<&serde_json::Value> = cmds
        .iter()
        .filter(|c| c["input_mb"].as_f64().is_some_and(|m| m > 0.0))
        .collect();
    assert!(scans.len() >= 4, "scans of named files: {}", scans.len());
    for c in &scans {
        assert!(
            c["rcabox_mb_per_s"].as_f64().is_some_and(|r| r > 0.0),
            "{c}"
        );
        // The budget counts the tool module's linear memory: a scan holds at least a few MB,
        // and this mix far less than the 512 MB default.
        let mb = c["rcabox_peak_mb"].as_f64().expect("peak");
        assert!(mb > 1.0 && mb < 512.0, "{c}");
    }
    for c in cmds {
        // `grep -c ERROR` finds none in a flag failure's logs: status 1 on both sides.
        assert_eq!(c["exit"], c["native_exit"], "{c}");
        assert!(c["exit"] == 0 || c["exit"] == 1, "{c}");
        for side in ["rcabox_ms", "native_ms"] {
            let p = &c[side];
            assert!(p["p50"].as_f64().expect("p50") <= p["p99"].as_f64().expect("p99"));
        }
        assert!(c["speedup_vs_native"].as_f64().is_some_and(|s| s > 0.0));
    }
    assert!(v["geomean_speedup_vs_native"].as_f64().is_some());
    // A peer that cannot run here is named, with how to add it, not silently dropped; CI
    // builds bashkit's runner (bench-peers/bashkit) and installs just-bash.
    assert_eq!(v["peers"][0]["name"], "native");
    if names.contains(&"bashkit") {
        let agree = cmds
            .iter()
            .filter(|c| c["exit"] == c["bashkit_exit"])
            .count();
        assert!(agree >= 8, "bashkit ran the mix: {agree} commands agree");
        assert!(v["geomean_speedup_vs_bashkit"].as_f64().is_some());
    } else {
        assert!(
            std::env::var("CI").is_err(),
            "CI builds bashkit's runner: {}",
            v["skipped"]
        );
        assert!(v["skipped"].as_array().expect("skipped").iter().any(|s| {
            s.as_str()
                .is_some_and(|s| s.starts_with("bashkit: skipped"))
        }));
    }
    assert!(v["mcp_geomean_speedup_vs_native"].as_f64().is_some());
    assert!(v["mcp_overhead_ms_p50"].as_f64().is_some());
    assert!(cmds.iter().all(|c| c["mcp_ms"]["p50"].as_f64().is_some()));
    let at_once = v["concurrency"].as_array().expect("concurrency");
    assert_eq!(at_once.len(), 2);
    for (row, n) in at_once.iter().zip([1, 3]) {
        assert_eq!(row["episodes"], n);
        assert!(row["commands_per_sec"].as_f64().is_some_and(|c| c > 0.0));
        assert!(row["peak_rss_mb_per_episode"].as_f64().is_some());
    }
    let o = rcabox()
        .args([
            "bench",
            "--against",
            "native,firecracker",
            "--no-cold",
            "--no-mcp",
        ])
        .output()
        .expect("rcabox bench");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown peer"));
}
