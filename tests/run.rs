//! `rcabox run`, `score`, `report` and `replay` end to end on the bundled snapshots.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;

fn rcabox() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rcabox"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run_to(dir: &Path, extra: &[&str]) -> std::process::Output {
    rcabox()
        .args(["run", "--out"])
        .arg(dir)
        .args(extra)
        .output()
        .expect("rcabox run")
}

/// Scores without wall times, which differ between runs by nature.
fn scores(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("results.json")).expect("results.json");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
    for t in v["raw_results"].as_array_mut().expect("raw") {
        t["rcabox"]
            .as_object_mut()
            .expect("trial")
            .remove("wall_ms");
    }
    for inc in v["rcabox"]["per_incident"]
        .as_object_mut()
        .expect("per incident")
        .values_mut()
    {
        inc["metrics"]
            .as_object_mut()
            .expect("metrics")
            .remove("wall_s");
    }
    v["rcabox"]["overall"]
        .as_object_mut()
        .expect("overall")
        .remove("wall_s");
    v
}

/// `a` and `b` hold the same JSON numbers (to 1e-12), nulls and keys, recursively.
fn same_numbers(a: &serde_json::Value, b: &serde_json::Value, at: &str) {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let (kx, ky): (Vec<_>, Vec<_>) = (x.keys().collect(), y.keys().collect());
            assert_eq!(kx, ky, "keys at {at}");
            for (k, v) in x {
                same_numbers(v, &y[k], &format!("{at}.{k}"));
            }
        }
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().expect("f64"), y.as_f64().expect("f64"));
            assert!((x - y).abs() < 1e-12, "{at}: {x} != {y}");
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

/// ITBench-Evaluations' aggregator, reading `results.json` with its own field accesses
/// (tests/itbench_eval/aggregate.py), gets exactly the `statistics` rcabox wrote, and those
/// agree with rcabox's own per-question precision and recall.
fn itbench_reads_the_same_numbers(path: &Path, results: &serde_json::Value) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/itbench_eval/aggregate.py");
    let o = Command::new("python3")
        .arg(script)
        .arg(path)
        .output()
        .expect("python3 runs the aggregator");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let theirs: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    same_numbers(&theirs, &results["statistics"], "statistics");
    for (q, inc) in results["rcabox"]["per_incident"]
        .as_object()
        .expect("per incident")
    {
        let it = &results["statistics"]["per_incident"][q];
        for (ours, their) in [
            ("precision", "root_cause_entity_precision"),
            ("recall", "root_cause_entity_recall"),
            ("f1", "root_cause_entity_f1"),
            ("precision@3", "root_cause_entity_k_precision"),
            ("recall@3", "root_cause_entity_k_recall"),
        ] {
            same_numbers(
                &inc["metrics"][ours]["mean"],
                &it[their]["mean"],
                &format!("{q} {ours}"),
            );
            assert_eq!(inc["metrics"][ours]["n"], it[their]["n"]);
        }
    }
    let first = &results["raw_results"][0];
    for field in [
        "gt_entities",
        "predicted_entities",
        "calculation_precision",
        "justification",
    ] {
        assert!(
            !first["scores"]["root_cause_entity"][field].is_null(),
            "{field}: {first}"
        );
    }
    for k in 1..=5 {
        assert!(first["scores"][format!("root_cause_entity_k@{k}")]["calculation_f1"].is_number());
    }
    assert_eq!(results["config"]["k"], 3);
}

/// Checks an ATIF document against RFC 0001 v1.4's required fields and cross-references.
fn check_atif(doc: &serde_json::Value, tool_results: usize) {
    assert_eq!(doc["schema_version"], "ATIF-v1.4");
    assert!(doc["session_id"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(doc["agent"]["name"].is_string() && doc["agent"]["version"].is_string());
    let steps = doc["steps"].as_array().expect("steps");
    let mut results = 0;
    for (i, step) in steps.iter().enumerate() {
        assert_eq!(step["step_id"], i + 1, "step ids run from 1");
        let source = step["source"].as_str().expect("source");
        assert!(["system", "user", "agent"].contains(&source));
        assert!(step["message"].is_string());
        let ids: Vec<&str> = step["tool_calls"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(|c| c["tool_call_id"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        if source != "agent" {
            assert!(step.get("tool_calls").is_none() && step.get("metrics").is_none());
        }
        for call in step["tool_calls"].as_array().into_iter().flatten() {
            assert!(call["function_name"].is_string() && call["arguments"].is_object());
        }
        for r in step["observation"]["results"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let id = r["source_call_id"].as_str().expect("source_call_id");
            assert!(ids.contains(&id), "result {id} answers a call of its step");
            assert!(r["content"].is_string());
            results += 1;
        }
    }
    assert_eq!(steps[0]["source"], "system");
    assert_eq!(steps[1]["source"], "user");
    assert_eq!(
        results, tool_results,
        "every tool result is in the document"
    );
    assert_eq!(doc["final_metrics"]["total_steps"], steps.len());
    assert_eq!(doc["extra"]["end"]["ending"], "finish");
}

/// `rcabox merge --out OUT SHARDS...`, which must succeed.
fn merge_into(out: &Path, shards: &[PathBuf]) {
    let o = rcabox()
        .args(["merge", "--out"])
        .arg(out)
        .args(shards)
        .output()
        .expect("merge");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

const FEW: &str = "Scenario-2,Scenario-31,Scenario-36,Scenario-50";

#[test]
fn run_scores_reports_and_replays_byte_identically() {
    let d = tempfile::tempdir().expect("tempdir");
    let run = d.path().join("run");
    let o = run_to(
        &run,
        &["--questions", FEW, "--repeats", "2", "--concurrency", "2"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in [
        "run.json",
        "results.json",
        "report.md",
        "report.html",
        "ground_truth/Scenario-2.yaml",
    ] {
        assert!(run.join(f).is_file(), "{f}");
    }
    let results = scores(&run);
    assert_eq!(results["rcabox"]["trials"], 8);
    assert_eq!(results["rcabox"]["incidents"], 4);
    let ap = results["rcabox"]["all_recall_ap"].as_f64().expect("ap");
    assert!(ap > 0.5, "the baseline scores well above zero: {ap}");
    itbench_reads_the_same_numbers(&run.join("results.json"), &results);
    // Every episode has an ITBench agent_output.json and replays byte for byte.
    let mut trajs = Vec::new();
    for q in FEW.split(',') {
        for r in 1..=2 {
            let ep = run.join("episodes").join(q).join(format!("r{r}"));
            assert!(ep.join("agent_output.json").is_file(), "{q} r{r}");
            trajs.push(ep.join("trajectory.jsonl"));
        }
    }
    let o = rcabox()
        .arg("replay")
        .args(&trajs)
        .output()
        .expect("replay");
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("5 commands identical, 0 differ"));
    // A run directory stands for all its episodes.
    let o = rcabox().arg("replay").arg(&run).output().expect("replay");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .contains("8 trajectories: 40 commands identical, 0 differ"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    // Harbor's ATIF: one document per episode, valid by the RFC's rules, the same bytes twice.
    let export = || {
        let o = rcabox()
            .args(["export", "--atif"])
            .arg(&run)
            .output()
            .expect("export");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        trajs
            .iter()
            .map(|t| std::fs::read(t.with_file_name("trajectory.atif.json")).expect("atif"))
            .collect::<Vec<_>>()
    };
    let docs = export();
    assert_eq!(docs, export());
    for (doc, traj) in docs.iter().zip(&trajs) {
        let tools = std::fs::read_to_string(traj)
            .expect("trajectory")
            .matches("\"type\":\"tool\"")
            .count();
        check_atif(&serde_json::from_slice(doc).expect("ATIF is JSON"), tools);
    }

    // A changed observation is caught.
    let text = std::fs::read_to_string(&trajs[0]).expect("read");
    let tampered = d.path().join("tampered.jsonl");
    std::fs::write(
        &tampered,
        text.replacen("<exit_code>0</exit_code>", "<exit_code>1</exit_code>", 1),
    )
    .expect("write");
    let o = rcabox()
        .arg("replay")
        .arg(&tampered)
        .output()
        .expect("replay");
    assert_eq!(o.status.code(), Some(1));

    // Same seed, same scores; score RUN_DIR agrees with the run's own results.
    let again = d.path().join("again");
    assert!(
        run_to(&again, &["--questions", FEW, "--repeats", "2"])
            .status
            .success()
    );
    assert_eq!(scores(&run), scores(&again));
    let o = rcabox()
        .args(["score", "--json"])
        .arg(&run)
        .output()
        .expect("score");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("score json");
    assert_eq!(
        v["rcabox"]["all_recall_ap"],
        results["rcabox"]["all_recall_ap"]
    );
    assert!(v["rcabox"]["per_incident"]["Scenario-2"]["pass_at_k"]["pass@2"].is_number());
    // Cut at 3 turns the baseline has not answered yet.
    let o = rcabox()
        .args(["score", "--json", "--max-turns", "3"])
        .arg(&run)
        .output()
        .expect("score");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("score json");
    assert_eq!(v["rcabox"]["all_recall_ap"], 0.0);

    // Two runs make a leaderboard.
    let html = d.path().join("r.html");
    let o = rcabox()
        .arg("report")
        .arg(&run)
        .arg(&again)
        .arg("--html")
        .arg(&html)
        .output()
        .expect("report");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(&html).expect("html");
    assert_eq!(page.matches("<td>baseline</td>").count(), 2);
    assert!(page.contains("<svg") && page.contains("id=\"t0-Scenario-2-r1\""));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no network references"
    );
}

/// Fault injection: the run directory's filesystem fills up mid-run (a 60 KiB tmpfs, which
/// needs root; elsewhere the test says so and stops). The run stops with an error naming the
/// file and the cause, once; the directory, moved where there is room, resumes to exactly the
/// scores of a run that never failed.
#[test]
fn a_full_disk_stops_the_run_cleanly_and_it_resumes() {
    let d = tempfile::tempdir().expect("tempdir");
    let small = d.path().join("small");
    std::fs::create_dir(&small).expect("mkdir");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=60k", "tmpfs"])
        .arg(&small)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        println!("cannot mount a small tmpfs here (not root?): disk-full injection not run");
        return;
    }
    let args = ["--questions", "Scenario-2,Scenario-31", "--repeats", "2"];
    let o = run_to(&small.join("run"), &args);
    let moved = d.path().join("moved");
    let copied = Command::new("cp")
        .arg("-r")
        .arg(small.join("run"))
        .arg(&moved)
        .status();
    let _ = Command::new("umount").arg(&small).status();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.matches("No space left on device").count(),
        1,
        "one clear error naming the cause: {err}"
    );
    assert!(err.contains("/run/"), "the error names the file: {err}");
    assert!(copied.is_ok_and(|s| s.success()));
    let o = rcabox()
        .args(["run", "--resume"])
        .arg(&moved)
        .args(args)
        .output()
        .expect("resume");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let whole = d.path().join("whole");
    assert!(run_to(&whole, &args).status.success());
    assert_eq!(scores(&moved), scores(&whole));
}

/// Fault injection: a snapshot changed while the run used it (here by the agent program, on the
/// host, at its first turn) is detected by its hash, and the run fails saying which and what to
/// do, instead of scoring episodes that saw two versions.
#[test]
fn a_snapshot_changed_during_the_run_is_detected() {
    let d = tempfile::tempdir().expect("tempdir");
    let snaps = d.path().join("snaps");
    std::fs::create_dir(&snaps).expect("mkdir");
    let copied = Command::new("cp")
        .arg("-r")
        .arg(common::bundled("Scenario-2"))
        .arg(&snaps)
        .status()
        .expect("cp");
    assert!(copied.success());
    let agent = d.path().join("agent.sh");
    std::fs::write(
        &agent,
        format!(
            "read line\necho x >> {}\necho '{{\"content\": \"\", \"tool_calls\": [{{\"id\": \"f\", \"name\": \"finish\", \"arguments\": [\"otel-demo/Service/cart\"]}}]}}'\n",
            snaps.join("Scenario-2/otel_logs_raw.tsv").display()
        ),
    )
    .expect("agent");
    let run = d.path().join("run");
    let o = rcabox()
        .args(["run", "--repeats", "1", "--snapshots"])
        .arg(&snaps)
        .arg("--agent")
        .arg(format!("cmd:sh {}", agent.display()))
        .arg("--out")
        .arg(&run)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("Scenario-2") && err.contains("changed during the run"),
        "{err}"
    );
    assert!(
        !run.join("results.json").exists(),
        "no scores from a changed snapshot"
    );
}

#[test]
fn kill_9_then_resume_equals_an_uninterrupted_run() {
    let d = tempfile::tempdir().expect("tempdir");
    let whole = d.path().join("whole");
    assert!(
        run_to(&whole, &["--repeats", "1", "--concurrency", "1"])
            .status
            .success()
    );

    let cut = d.path().join("cut");
    let mut child = rcabox()
        .args(["run", "--repeats", "1", "--concurrency", "1", "--out"])
        .arg(&cut)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    // Kill it as soon as the second episode is done.
    while let Some(Ok(l)) = lines.next() {
        if l.starts_with("[  2/") {
            break;
        }
    }
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    assert!(
        !cut.join("results.json").exists(),
        "the run was cut before the end"
    );
    let o = rcabox()
        .args(["run", "--repeats", "1", "--resume"])
        .arg(&cut)
        .output()
        .expect("resume");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("0 already done"), "{err}");
    assert_eq!(scores(&cut), scores(&whole));

    // Resuming with other settings is refused, and a finished directory is not overwritten.
    let o = rcabox()
        .args(["run", "--repeats", "2", "--resume"])
        .arg(&cut)
        .output()
        .expect("resume");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("resume with the same settings"));
    let o = run_to(&cut, &["--repeats", "1"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("already holds a run"));
}

/// Rewrites a v0.2 snapshot as v0.1 data looks: no `EventName`, `Events.*` or `Links.*`
/// columns, service metrics `... namespace status_code tags` without histograms, JSON maps.
fn to_v01(dir: &Path) {
    use rcabox_runtime::snapshot::layout::{Role, list_files};
    use rcabox_runtime::snapshot::{pymap, tsv};
    for f in list_files(dir).expect("list") {
        let keep: Vec<&str> = match f.role {
            Role::Events | Role::Objects | Role::Logs | Role::Traces => Vec::new(),
            Role::ServiceMetrics => vec![
                "metric_name",
                "timestamp",
                "value",
                "service_name",
                "namespace",
                "status_code",
                "tags",
            ],
            _ => continue,
        };
        let mut r = tsv::TsvReader::open(&f.path).expect("open");
        let header: Vec<String> = r.header().to_vec();
        let cols: Vec<usize> = if keep.is_empty() {
            (0..header.len())
                .filter(|&i| {
                    let h = header[i].as_str();
                    h != "EventName" && !h.starts_with("Events.") && !h.starts_with("Links.")
                })
                .collect()
        } else {
            keep.iter().map(|k| r.column(k).expect("column")).collect()
        };
        let maps: Vec<usize> = ["ResourceAttributes", "SpanAttributes", "tags"]
            .iter()
            .filter_map(|c| r.column(c))
            .collect();
        let mut rows = Vec::new();
        let mut rec = csv::StringRecord::new();
        while r.next_record(&mut rec).expect("record") {
            if f.role == Role::ServiceMetrics
                && rec.get(0) != Some("traces_span_metrics_calls_total")
            {
                continue;
            }
            rows.push(
                cols.iter()
                    .map(|&i| {
                        let v = rec.get(i).unwrap_or("").to_string();
                        if maps.contains(&i) {
                            pymap::parse(&v).expect("map").to_string()
                        } else {
                            v
                        }
                    })
                    .collect::<Vec<_>>(),
            );
        }
        drop(r);
        let mut w = tsv::writer(std::fs::File::create(&f.path).expect("create"));
        w.write_record(cols.iter().map(|&i| header[i].as_str()))
            .expect("header");
        for row in rows {
            w.write_record(&row).expect("row");
        }
        w.flush().expect("flush");
    }
}

#[test]
fn the_baseline_reads_v01_and_v02_snapshots_alike() {
    let d = tempfile::tempdir().expect("tempdir");
    let (new, old) = (
        d.path().join("Scenario-31"),
        d.path().join("old/Scenario-31"),
    );
    for dir in [&new, &old] {
        let o = rcabox()
            .args(["snapshot", "generate", "--scenario", "31", "--scale", "0.2"])
            .arg(dir)
            .output()
            .expect("generate");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    to_v01(&old);
    let head = std::fs::read_to_string(old.join("otel_traces_raw.tsv")).expect("traces");
    assert!(
        head.lines()
            .next()
            .is_some_and(|h| h.ends_with("StatusMessage"))
    );
    let mut ap = Vec::new();
    for (snap, out) in [(&new, "run-new"), (&old, "run-old")] {
        let o = run_to(
            &d.path().join(out),
            &[
                "--snapshots",
                snap.to_str().expect("utf8"),
                "--repeats",
                "1",
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let s = scores(&d.path().join(out));
        ap.push(s["statistics"].clone());
    }
    assert_eq!(ap[0], ap[1], "same scores from both column sets");
    let recall = &ap[0]["per_incident"]["Scenario-31"]["root_cause_entity_recall"]["mean"];
    assert_eq!(
        recall.as_f64(),
        Some(1.0),
        "the baseline finds scenario 31's NetworkPolicy: {}",
        ap[0]
    );
}

#[test]
fn snapshot_and_score_commands() {
    let d = tempfile::tempdir().expect("tempdir");
    let snap = common::bundled("Scenario-31");
    let o = rcabox()
        .args(["snapshot", "verify"])
        .arg(&snap)
        .output()
        .expect("verify");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let o = rcabox()
        .args(["snapshot", "inspect"])
        .arg(&snap)
        .output()
        .expect("inspect");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("alert files    32") && text.contains("ground truth   present"),
        "{text}"
    );
    let copy = d.path().join("s");
    let o = rcabox()
        .args(["snapshot", "generate", "--scenario", "31", "--scale", "0.3"])
        .arg(&copy)
        .output()
        .expect("generate");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hash = |p: &Path| {
        String::from_utf8_lossy(
            &rcabox()
                .args(["snapshot", "hash"])
                .arg(p)
                .output()
                .expect("hash")
                .stdout,
        )
        .into_owned()
    };
    assert_eq!(
        hash(&copy),
        hash(&snap),
        "default seed reproduces the bundled snapshot"
    );
    std::fs::write(copy.join("k8s_events_raw.tsv"), "x").expect("tamper");
    let o = rcabox()
        .args(["snapshot", "verify"])
        .arg(&copy)
        .output()
        .expect("verify");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("changed: k8s_events_raw.tsv"));

    let answer = d.path().join("a.json");
    std::fs::write(&answer, r#"{"entities":[{"name":"otel-demo/NetworkPolicy/frontend-block-all-ports","contributing_factor":true},{"name":"otel-demo/Deployment/cart","contributing_factor":true}]}"#).expect("answer");
    let o = rcabox()
        .args(["score", "--json", "--ground-truth"])
        .arg(snap.join("ground_truth.yaml"))
        .arg("--answer")
        .arg(&answer)
        .output()
        .expect("score");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["all_recall_ap"], 0.5);
    assert_eq!(v["precision"], 0.5);
    assert_eq!(v["recall"], 1.0);
    assert_eq!(v["matches"][0]["root_cause"], "frontend-block-all-ports");
    assert!(v["matches"][1]["root_cause"].is_null());
    assert!(
        !v["matches"][1]["explanation"]
            .as_str()
            .expect("why")
            .is_empty()
    );
    std::fs::write(&answer, r#"{"entities":[{"name":3}]}"#).expect("bad answer");
    let o = rcabox()
        .args(["score", "--ground-truth"])
        .arg(snap.join("ground_truth.yaml"))
        .arg("--answer")
        .arg(&answer)
        .output()
        .expect("score");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("entities[0].name: expected a string"));
}

#[test]
fn cmd_and_replay_agents_run_through_rcabox_run() {
    let d = tempfile::tempdir().expect("tempdir");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/agents/scripted_agent.py");
    let cmd_run = d.path().join("cmd");
    let agent = format!("cmd:python3 {}", script.display());
    let o = run_to(
        &cmd_run,
        &[
            "--questions",
            "Scenario-31",
            "--repeats",
            "1",
            "--agent",
            &agent,
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = scores(&cmd_run);
    assert_eq!(v["rcabox"]["all_recall_ap"], 1.0, "{v}");
    assert_eq!(v["raw_results"][0]["rcabox"]["tokens"], 30);

    // Replaying the recorded replies gives the same answers and scores.
    let replayed = d.path().join("replayed");
    let agent = format!("replay:{}", cmd_run.display());
    let o = run_to(
        &replayed,
        &[
            "--questions",
            "Scenario-31",
            "--repeats",
            "1",
            "--agent",
            &agent,
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let a = std::fs::read(cmd_run.join("episodes/Scenario-31/r1/agent_output.json")).expect("a");
    let b = std::fs::read(replayed.join("episodes/Scenario-31/r1/agent_output.json")).expect("b");
    assert_eq!(a, b);

    // A cmd agent that writes garbage ends its episode with an error, and the run completes.
    let bad = d.path().join("bad");
    let o = run_to(
        &bad,
        &[
            "--questions",
            "Scenario-31",
            "--repeats",
            "1",
            "--agent",
            "cmd:read line; echo not-json",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ep =
        std::fs::read_to_string(bad.join("episodes/Scenario-31/r1/episode.json")).expect("episode");
    assert!(
        ep.contains("\"ending\": \"error\"") && ep.contains("reply is not"),
        "{ep}"
    );
    let o = run_to(&d.path().join("x"), &["--agent", "openai:"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs a model"));
    let o = rcabox()
        .args([
            "run",
            "--agent",
            "anthropic:claude",
            "--api-key-env",
            "RCABOX_TEST_NO_SUCH_KEY",
            "--out",
        ])
        .arg(d.path().join("y"))
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&o.stderr).contains("$RCABOX_TEST_NO_SUCH_KEY"));
}

#[test]
fn shards_merge_into_the_whole_run() {
    let d = tempfile::tempdir().expect("tempdir");
    let q = [
        "--questions",
        "Scenario-2,Scenario-31,Scenario-36",
        "--repeats",
        "2",
    ];
    let whole = d.path().join("whole");
    assert!(run_to(&whole, &q).status.success());
    let mut shards = Vec::new();
    for i in 1..=2 {
        let s = d.path().join(format!("s{i}"));
        let mut args = q.to_vec();
        let shard = format!("{i}/2");
        args.extend(["--shard", &shard]);
        assert!(run_to(&s, &args).status.success());
        shards.push(s);
    }
    let merged = d.path().join("merged");
    merge_into(&merged, &shards);
    assert_eq!(scores(&merged), scores(&whole));
    // A scheduler's merge job fails while a shard is missing, and says what to do.
    let o = rcabox()
        .args(["merge", "--require-complete", "--out"])
        .arg(d.path().join("half"))
        .arg(&shards[0])
        .output()
        .expect("merge");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--resume"));
    // The same shard twice is refused.
    let o = rcabox()
        .args(["merge", "--out"])
        .arg(d.path().join("twice"))
        .arg(&shards[0])
        .arg(&shards[0])
        .output()
        .expect("merge");
    assert!(String::from_utf8_lossy(&o.stderr).contains("more than one shard"));
}

#[test]
fn a_terminal_gets_a_progress_bar_and_a_pipe_gets_lines() {
    let d = tempfile::tempdir().expect("tempdir");
    let bin = env!("CARGO_BIN_EXE_rcabox");
    let cmd = format!(
        "{bin} run --questions Scenario-2,Scenario-3 --repeats 2 --out {}",
        d.path().join("tty").display()
    );
    // util-linux `script` gives the run a pseudo-terminal.
    let o = rcabox()
        .args([
            "run",
            "--questions",
            "Scenario-2,Scenario-3",
            "--repeats",
            "2",
            "--out",
        ])
        .arg(d.path().join("pipe"))
        .output()
        .expect("run");
    let lines = String::from_utf8_lossy(&o.stderr);
    assert!(lines.contains("[  4/4] "), "{lines}");
    let o = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("script (util-linux) runs");
    assert!(o.status.success());
    let screen = String::from_utf8_lossy(&o.stdout);
    assert!(screen.contains("] 4/4 episodes"), "{screen}");
    assert!(
        screen.contains("mean AP 1.000, 0 tokens, $0.0000"),
        "{screen}"
    );
    assert!(
        !screen.contains("[  4/4] "),
        "no per-episode lines on a terminal"
    );
}

/// The script of deploy/job.yaml's container, as written there (the `args: - |` block).
fn job_script() -> String {
    let yaml =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/job.yaml"))
            .expect("deploy/job.yaml");
    let lines: Vec<&str> = yaml.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == "- |")
        .expect("an args block");
    let indent = |l: &str| l.len() - l.trim_start().len();
    let body: Vec<&str> = lines[start + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indent(l) > indent(lines[start]))
        .copied()
        .collect();
    let cut = body.iter().map(|l| indent(l)).min().unwrap_or(0);
    body.iter()
        .map(|l| l.get(cut..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Indexed Job's pods, played by `sh` with JOB_COMPLETION_INDEX 0..3 as Kubernetes sets it:
/// four shards, a restarted pod that resumes, then `rcabox merge` equals one whole run.
#[test]
fn the_indexed_job_script_shards_resumes_and_merges() {
    let d = tempfile::tempdir().expect("tempdir");
    let runs = d.path().join("runs");
    let script = job_script().replace("/runs", &runs.display().to_string());
    assert!(script.contains("JOB_COMPLETION_INDEX"), "{script}");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_rcabox"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let questions = "--questions Scenario-2,Scenario-31,Scenario-36";
    let pod = |index: usize| {
        common::succeeded(
            Command::new("sh")
                .arg("-c")
                .arg(&script)
                .env("JOB_COMPLETION_INDEX", index.to_string())
                .env("AGENT", "baseline")
                .env("RCABOX_ARGS", questions)
                .env("PATH", &path)
                .current_dir(env!("CARGO_MANIFEST_DIR")),
            &format!("the job script of pod {index}"),
        );
    };
    for i in 0..4 {
        pod(i);
    }
    // A restarted pod finds its run.json and resumes: nothing is redone or lost.
    let before = std::fs::read(runs.join("shard-1/results.json")).expect("results");
    pod(1);
    assert_eq!(
        std::fs::read(runs.join("shard-1/results.json")).expect("results"),
        before
    );
    let shards: Vec<PathBuf> = (0..4).map(|i| runs.join(format!("shard-{i}"))).collect();
    let merged = d.path().join("all");
    merge_into(&merged, &shards);
    let whole = d.path().join("whole");
    let mut args: Vec<&str> = questions.split(' ').collect();
    args.extend(["--repeats", "3"]);
    assert!(run_to(&whole, &args).status.success());
    assert_eq!(scores(&merged), scores(&whole));
}
