//! CISO: the generator, the hiding of the evaluation-only files, ITBench-Evaluations' four
//! criteria evaluated in the sandbox (each failing alone on hand-made cases), hostile
//! `fetch.sh` scripts contained, the reference solutions and the baseline agent at 4 of 4.
//!
//! Tests that call `needs` need the sandbox's `opa` (and `yq`); they fail with one line
//! until the guest module has them.

use std::path::Path;
use std::time::{Duration, Instant};

use rcabox_runtime::domain::ciso::controls::{CONTROLS, FETCH_SH, find};
use rcabox_runtime::domain::ciso::generate::{generate, generate_all, scenario_files};
use rcabox_runtime::domain::ciso::results::{NOT_ATTEMPTED, TrialResult, aggregate};
use rcabox_runtime::domain::ciso::scenario::{Files, read_tree};
use rcabox_runtime::domain::ciso::{
    EvalOptions, HIDDEN, Scenario, baseline::CisoBaseline, evaluate, score_dir, workspace,
};
use rcabox_runtime::episode::agent::{Agent, Message, Role};
use rcabox_runtime::episode::tools::shell_results;
use rcabox_runtime::sandbox::{Runtime, Session};

const OPA: &[&str] = &["opa", "yq"];

/// Fails with one line when the sandbox lacks a tool the test needs.
fn needs(tools: &[&str]) {
    for t in tools {
        if !rcabox_proto::TOOLS.contains(t) {
            // One line, no panic message or backtrace (as tests/common's `missing`).
            let line = format!("the sandbox has no `{t}` yet (guest-tools); this test needs it");
            eprintln!("{line}");
            std::panic::resume_unwind(Box::new(line));
        }
    }
}

fn scenario(control: &str, seed: u64) -> (tempfile::TempDir, Scenario) {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = find(control).expect("control");
    let path = dir.path().join(c.scenario_id());
    generate(c, seed, &path).expect("generate");
    let s = Scenario::load(&path).expect("load");
    (dir, s)
}

fn files(list: &[(&str, &str)]) -> Files {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect()
}

fn eval(s: &Scenario, ws: &Files) -> TrialResult {
    evaluate(
        Runtime::shared().expect("runtime"),
        s,
        ws,
        &EvalOptions::new(s, "0"),
    )
}

fn met(r: &TrialResult) -> [u8; 4] {
    r.scores.named().map(|(_, c)| c.calculation)
}

/// A fetch.sh that needs no YAML tool: the resources' text, counted.
const FETCH_PLAIN: &str = "#!/bin/bash\nn=$(cat static-resources/*.yaml | wc -l)\necho \"{\\\"lines\\\": $n}\" > collected_data.json\n";
const ALWAYS_TRUE: &str = "package check\n\nimport rego.v1\n\ndefault result := true\n";
const ALWAYS_FALSE: &str = "package check\n\nimport rego.v1\n\ndefault result := false\n";

#[test]
fn generator_is_deterministic_and_seeds_differ() {
    for c in CONTROLS {
        assert_eq!(scenario_files(c, 7), scenario_files(c, 7), "{}", c.id);
        assert_ne!(scenario_files(c, 7), scenario_files(c, 8), "{}", c.id);
    }
    let (a, b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let da = generate_all(3, a.path()).expect("generate");
    let db = generate_all(3, b.path()).expect("generate");
    assert_eq!(da.len(), CONTROLS.len());
    for (x, y) in da.iter().zip(&db) {
        assert_eq!(read_tree(x).expect("read"), read_tree(y).expect("read"));
    }
    let f = scenario_files(find("5.1.1").expect("control"), 1);
    for part in [
        "problem.md",
        "static-resources/pods.yaml",
        "static-resources-compliant/pods.yaml",
        "ground-truth/fetch.sh",
        "ground-truth/policy.rego",
    ] {
        assert!(f.contains_key(part), "{part}");
    }
    let problem = String::from_utf8_lossy(&f["problem.md"]);
    assert!(problem.starts_with("# CIS Kubernetes Benchmark 5.1.1: "));
    assert_ne!(
        f["static-resources/clusterrolebindings.yaml"],
        f["static-resources-compliant/clusterrolebindings.yaml"]
    );
}

#[test]
fn the_agent_sees_the_task_and_never_the_evaluation_files() {
    let (_d, s) = scenario("5.2.2", 1);
    let cfg = rcabox_runtime::domain::session_config(&s.dir);
    for h in HIDDEN {
        assert!(cfg.hidden.iter().any(|x| x == h), "{h} not hidden");
    }
    let mut session = Session::new(Runtime::shared().expect("runtime"), cfg).expect("session");
    assert_eq!(
        session
            .run("test -s problem.md && ls static-resources/pods.yaml")
            .exit_code,
        0
    );
    for h in HIDDEN {
        assert_ne!(session.run(&format!("ls {h}")).exit_code, 0, "{h} visible");
    }
    let r = session.run("find / -name '*compliant*' -o -name 'ground-truth' 2>/dev/null | wc -l");
    assert_eq!(String::from_utf8_lossy(&r.stdout).trim(), "0");
}

#[test]
fn required_files_missing_fails_the_first_and_skips_the_rest() {
    let (_d, s) = scenario("5.2.2", 1);
    let r = eval(&s, &files(&[("fetch.sh", FETCH_PLAIN)]));
    assert_eq!(met(&r), [0, 0, 0, 0]);
    assert_eq!(
        r.scores.required_files_exist.justification,
        "Missing files: policy.rego"
    );
    assert_eq!(r.scores.fetch_generates_data.justification, NOT_ATTEMPTED);
    let r = eval(&s, &Files::new());
    assert_eq!(
        r.scores.required_files_exist.justification,
        "Missing files: fetch.sh, policy.rego"
    );
}

#[test]
fn fetch_failures_fail_the_second_and_skip_the_rest() {
    let (_d, s) = scenario("5.2.2", 1);
    for (fetch, why) in [
        (
            "#!/bin/bash\necho boom >&2\nexit 3\n",
            "Exit code: 3; stderr: boom\n",
        ),
        ("#!/bin/bash\ntrue\n", "collected_data.json not created"),
        (
            "echo '{}' > collected_data.json\n",
            "fetch.sh execution failed: [Errno 8] Exec format error: './fetch.sh'",
        ),
    ] {
        let r = eval(
            &s,
            &files(&[("fetch.sh", fetch), ("policy.rego", ALWAYS_TRUE)]),
        );
        assert_eq!(met(&r), [1, 0, 0, 0], "{fetch}");
        assert_eq!(r.scores.fetch_generates_data.justification, why);
        assert_eq!(r.scores.violation_detection.justification, NOT_ATTEMPTED);
    }
    let r = eval(
        &s,
        &files(&[
            (
                "fetch.sh",
                "#!/bin/bash\necho '{\"a\": ' > collected_data.json\n",
            ),
            ("policy.rego", ALWAYS_TRUE),
        ]),
    );
    assert!(
        r.scores
            .fetch_generates_data
            .justification
            .starts_with("collected_data.json is not valid JSON: ")
    );
}

#[test]
fn without_a_compliant_set_every_criterion_is_zero() {
    let (d, s) = scenario("5.2.2", 1);
    std::fs::remove_dir_all(s.dir.join("static-resources-compliant")).expect("rm");
    let s = Scenario::load(&s.dir).expect("load");
    let r = eval(
        &s,
        &files(&[("fetch.sh", FETCH_SH), ("policy.rego", ALWAYS_TRUE)]),
    );
    assert_eq!(met(&r), [0, 0, 0, 0]);
    assert_eq!(
        r.scores.violation_detection.justification,
        "Compliant resources not found"
    );
    assert_eq!(
        r.details.error.as_deref(),
        Some("Compliant resources not found")
    );
    drop(d);
}

#[test]
fn a_fetch_that_writes_outside_its_directory_touches_nothing_on_the_host() {
    let (_d, s) = scenario("5.2.2", 1);
    let host = tempfile::tempdir().expect("tempdir");
    let target = host.path().join("escaped");
    let fetch = format!(
        "#!/bin/bash\necho x > {t}; echo x > ../escaped; echo x > /escaped; echo x > /snapshot/escaped; echo x > /tmp/escaped; ln -s {t} link 2>/dev/null; echo x > link; echo '{{}}' > collected_data.json\n",
        t = target.display()
    );
    let r = eval(
        &s,
        &files(&[("fetch.sh", &fetch), ("policy.rego", ALWAYS_TRUE)]),
    );
    assert_eq!(met(&r)[..2], [1, 1]);
    assert!(!target.exists(), "fetch.sh wrote on the host");
    assert!(!Path::new("/escaped").exists() && !Path::new("/tmp/escaped").exists());
}

#[test]
fn a_fetch_that_loops_forever_stops_at_sixty_virtual_seconds() {
    let (_d, s) = scenario("5.2.2", 1);
    let t = Instant::now();
    let r = eval(
        &s,
        &files(&[
            ("fetch.sh", "#!/bin/bash\nwhile true; do sleep 5; done\n"),
            ("policy.rego", ALWAYS_TRUE),
        ]),
    );
    assert_eq!(met(&r), [1, 0, 0, 0]);
    assert_eq!(
        r.scores.fetch_generates_data.justification,
        "fetch.sh execution timed out after 60s"
    );
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "took {:?}",
        t.elapsed()
    );
    // A busy loop burns real time: the same limit, set short, stops it.
    let mut opts = EvalOptions::new(&s, "0");
    opts.timeout = Duration::from_secs(2);
    let t = Instant::now();
    let r = evaluate(
        Runtime::shared().expect("runtime"),
        &s,
        &files(&[
            ("fetch.sh", "#!/bin/bash\nwhile :; do :; done\n"),
            ("policy.rego", ALWAYS_TRUE),
        ]),
        &opts,
    );
    assert_eq!(
        r.scores.fetch_generates_data.justification,
        "fetch.sh execution timed out after 2s"
    );
    assert!(
        t.elapsed() < Duration::from_secs(15),
        "took {:?}",
        t.elapsed()
    );
}

#[test]
fn a_fetch_cannot_see_the_compliant_set_or_the_ground_truth() {
    let (_d, s) = scenario("5.2.2", 1);
    // Exit 3 if anything of the evaluation-only files can be found, anywhere.
    let fetch = "#!/bin/bash\nif find / \\( -name '*compliant*' -o -name 'ground-truth' -o -name 'policy.rego' -path '*ground*' \\) 2>/dev/null | grep -q .; then exit 3; fi\ncmp -s static-resources/pods.yaml static-resources/pods.yaml || exit 5\necho '{}' > collected_data.json\n";
    let r = eval(
        &s,
        &files(&[("fetch.sh", fetch), ("policy.rego", ALWAYS_TRUE)]),
    );
    assert_eq!(met(&r)[..2], [1, 1], "{:?}", r.scores.fetch_generates_data);
}

#[test]
fn a_fetch_that_prints_megabytes_is_cut_and_one_that_fills_the_disk_fails() {
    let (_d, s) = scenario("5.2.2", 1);
    let t = Instant::now();
    let loud = "#!/bin/bash\nhead -c 30000000 /dev/zero | tr '\\0' x\nhead -c 30000000 /dev/zero | tr '\\0' e >&2\necho '{}' > collected_data.json\n";
    let r = eval(
        &s,
        &files(&[("fetch.sh", loud), ("policy.rego", ALWAYS_TRUE)]),
    );
    assert_eq!(met(&r)[..2], [1, 1]);
    assert!(t.elapsed() < Duration::from_secs(60));
    let fill =
        "#!/bin/bash\nset -e\nhead -c 400000000 /dev/zero > big\necho '{}' > collected_data.json\n";
    let r = eval(
        &s,
        &files(&[("fetch.sh", fill), ("policy.rego", ALWAYS_TRUE)]),
    );
    assert_eq!(met(&r), [1, 0, 0, 0]);
    assert!(
        r.scores
            .fetch_generates_data
            .justification
            .starts_with("Exit code: ")
    );
}

#[test]
fn the_opa_criteria_fail_one_at_a_time() {
    needs(&["opa"]);
    let (_d, s) = scenario("5.2.2", 1);
    // Always true: misses the violations, passes the compliant set.
    let r = eval(
        &s,
        &files(&[("fetch.sh", FETCH_PLAIN), ("policy.rego", ALWAYS_TRUE)]),
    );
    assert_eq!(met(&r), [1, 1, 0, 1]);
    assert_eq!(
        r.scores.violation_detection.justification,
        "OPA result: True (expected: true for compliance)"
    );
    // Always false: flags the compliant set too.
    let r = eval(
        &s,
        &files(&[("fetch.sh", FETCH_PLAIN), ("policy.rego", ALWAYS_FALSE)]),
    );
    assert_eq!(met(&r), [1, 1, 1, 0]);
    assert_eq!(
        r.scores.compliance_validation.justification,
        "OPA result: False (expected: false for violations)"
    );
    // No `result` at all: undefined both times, null in the details.
    let r = eval(
        &s,
        &files(&[
            ("fetch.sh", FETCH_PLAIN),
            ("policy.rego", "package check\n"),
        ]),
    );
    assert_eq!(met(&r), [1, 1, 0, 0]);
    assert_eq!(
        r.scores.violation_detection.justification,
        "OPA result is null/undefined"
    );
    assert_eq!(
        r.details.violation_check_result,
        Some(serde_json::Value::Null)
    );
    // A policy that does not parse.
    let r = eval(
        &s,
        &files(&[
            ("fetch.sh", FETCH_PLAIN),
            ("policy.rego", "package check\nresult := \n"),
        ]),
    );
    assert_eq!(met(&r), [1, 1, 0, 0]);
    assert!(
        r.scores
            .violation_detection
            .justification
            .starts_with("OPA evaluation failed: ")
    );
    // A fetch.sh that only works the first time, on the violating set (grepping for
    // `privileged: true` would not do: the compliant set keeps the kube-system exceptions).
    let picky = "#!/bin/bash\n[ -e .ran ] && exit 1\ntouch .ran\necho '{\"privileged\": true}' > collected_data.json\n";
    let r = eval(
        &s,
        &files(&[("fetch.sh", picky), ("policy.rego", ALWAYS_FALSE)]),
    );
    assert_eq!(met(&r), [1, 1, 1, 0]);
    assert_eq!(
        r.scores.compliance_validation.justification,
        "fetch.sh failed with compliant resources"
    );
}

#[test]
fn reference_solutions_score_four_and_a_wrong_policy_what_itbench_gives() {
    needs(OPA);
    for c in CONTROLS {
        let (_d, s) = scenario(c.id, 11);
        let ws = files(&[("fetch.sh", FETCH_SH), ("policy.rego", &c.policy())]);
        let r = eval(&s, &ws);
        assert_eq!(met(&r), [1, 1, 1, 1], "{}: {:#?}", c.id, r.scores);
        assert_eq!(
            r.details.violation_check_result,
            Some(serde_json::json!(false))
        );
        assert_eq!(
            r.details.compliance_check_result,
            Some(serde_json::json!(true))
        );
    }
    // Another control's policy: true on both sets (nothing it checks is violated), so the
    // violation is missed and the compliant set passes, as ITBench-Evaluations scores it.
    let (_d, s) = scenario("5.2.2", 11);
    let other = find("5.1.1").expect("control").policy();
    let r = eval(
        &s,
        &files(&[("fetch.sh", FETCH_SH), ("policy.rego", &other)]),
    );
    assert_eq!(met(&r), [1, 1, 0, 1]);
    // Paths the agent saw are rewritten as ITBench rewrites the scenario's path.
    let abs = FETCH_SH.replace("find static-resources", "find /snapshot/static-resources");
    let pol = find("5.2.2").expect("control").policy();
    let r = eval(&s, &files(&[("fetch.sh", &abs), ("policy.rego", &pol)]));
    assert_eq!(met(&r), [1, 1, 1, 1]);
    // And through the command line's entry point, from host directories.
    let ws = tempfile::tempdir().expect("tempdir");
    std::fs::write(ws.path().join("fetch.sh"), FETCH_SH).expect("write");
    std::fs::write(ws.path().join("policy.rego"), pol).expect("write");
    let r = score_dir(&s.dir, ws.path()).expect("score");
    assert_eq!(met(&r), [1, 1, 1, 1]);
    let doc = serde_json::to_value(aggregate(vec![r], "dummy", "ws")).expect("json");
    assert_eq!(doc["config"]["domain"], "ciso");
    assert_eq!(
        doc["statistics"]["overall"]["compliance_validation"]["mean"],
        1.0
    );
}

/// Plays `agent` against a session the way the episode loop does: each `code_exec` call
/// runs, its observation goes back; until `finish`.
fn play(agent: &mut dyn Agent, session: &mut Session) -> usize {
    let mut messages = vec![Message::text(Role::User, "task")];
    for turn in 0..10 {
        let reply = agent.next(&messages, &[]).expect("reply");
        let mut assistant = Message::text(Role::Assistant, reply.content.clone());
        assistant.tool_calls = reply.tool_calls.clone();
        messages.push(assistant);
        for call in &reply.tool_calls {
            if call.name == "finish" {
                return turn + 1;
            }
            let cmd = call.arguments["cmd"].as_str().expect("cmd");
            let r = session.run(cmd);
            let mut m = Message::text(Role::Tool, shell_results(&r, 20_000, 300));
            m.tool_call_id = Some(call.id.clone());
            messages.push(m);
        }
    }
    panic!("the baseline did not finish");
}

#[test]
fn the_baseline_solves_the_controls_it_knows() {
    needs(OPA);
    for c in CONTROLS {
        let (_d, s) = scenario(c.id, 5);
        let cfg = rcabox_runtime::domain::session_config(&s.dir);
        let mut session = Session::new(Runtime::shared().expect("runtime"), cfg).expect("session");
        let turns = play(&mut CisoBaseline::default(), &mut session);
        assert_eq!(turns, 4);
        let ws = workspace::from_session(&session).expect("workspace");
        assert_eq!(ws.keys().collect::<Vec<_>>(), ["fetch.sh", "policy.rego"]);
        let r = eval(&s, &ws);
        assert_eq!(met(&r), [1, 1, 1, 1], "{}: {:#?}", c.id, r.scores);
    }
}

#[test]
fn the_baseline_writes_nothing_for_a_control_it_does_not_know() {
    let (_d, s) = scenario("5.2.2", 5);
    std::fs::write(
        s.dir.join("problem.md"),
        "# CIS Kubernetes Benchmark 5.4.1: secrets as files\n",
    )
    .expect("write");
    let cfg = rcabox_runtime::domain::session_config(&s.dir);
    let mut session = Session::new(Runtime::shared().expect("runtime"), cfg).expect("session");
    assert_eq!(play(&mut CisoBaseline::default(), &mut session), 2);
    let ws = workspace::from_session(&session).expect("workspace");
    assert!(ws.is_empty());
    assert_eq!(met(&eval(&s, &ws)), [0, 0, 0, 0]);
}

#[test]
fn a_workspace_beyond_the_file_limit_is_refused() {
    use rcabox_runtime::domain::ciso::scenario::{MAX_FILES, ScenarioError};
    let ws = tempfile::tempdir().expect("tempdir");
    for i in 0..=MAX_FILES {
        std::fs::write(ws.path().join(format!("f{i}")), "").expect("write");
    }
    let e = workspace::from_dir(ws.path()).expect_err("over the limit");
    assert!(matches!(e, ScenarioError::TooLarge { .. }), "{e}");
    assert!(workspace::from_dir(&ws.path().join("missing")).is_err());
}

#[test]
fn the_agents_workspace_is_read_back_without_the_snapshots_view() {
    let (_d, s) = scenario("5.1.1", 2);
    let mut cfg = rcabox_runtime::domain::session_config(&s.dir);
    cfg.snapshot_in_workspace = Some("scenario".into());
    let mut session = Session::new(Runtime::shared().expect("runtime"), cfg).expect("session");
    let r = session.run("cd /workspace && ls scenario/problem.md && mkdir -p sub && echo hi > sub/note && echo x > fetch.sh");
    assert_eq!(r.exit_code, 0, "{}", String::from_utf8_lossy(&r.stderr));
    let ws = workspace::from_session(&session).expect("workspace");
    assert_eq!(ws.keys().collect::<Vec<_>>(), ["fetch.sh", "sub/note"]);
}

#[test]
fn paths_the_agent_saw_are_rewritten_as_itbench_rewrites_the_scenarios() {
    let (_d, s) = scenario("5.2.5", 3);
    let host = s.dir.join("static-resources");
    for (seen, alias) in [
        ("/snapshot/static-resources".to_string(), None),
        (host.to_string_lossy().into_owned(), None),
        (
            "/workspace/scenario/static-resources".to_string(),
            Some("scenario"),
        ),
        ("scenario/static-resources".to_string(), Some("scenario")),
    ] {
        let fetch = format!(
            "#!/bin/bash\ncat {seen}/pods.yaml > /dev/null && echo '{{}}' > collected_data.json\n"
        );
        let mut opts = EvalOptions::new(&s, "0");
        if let Some(a) = alias {
            opts = opts.with_workspace_alias(a);
        }
        let ws = files(&[("fetch.sh", &fetch), ("policy.rego", ALWAYS_TRUE)]);
        let r = evaluate(Runtime::shared().expect("runtime"), &s, &ws, &opts);
        assert_eq!(
            met(&r)[..2],
            [1, 1],
            "{seen}: {:?}",
            r.scores.fetch_generates_data
        );
    }
    // Not rewritten without the alias: the path does not exist in the evaluation.
    let fetch = "#!/bin/bash\ncat scenario/static-resources/pods.yaml > /dev/null && echo '{}' > collected_data.json\n";
    let r = eval(
        &s,
        &files(&[("fetch.sh", fetch), ("policy.rego", ALWAYS_TRUE)]),
    );
    assert_eq!(met(&r)[..2], [1, 0]);
}
