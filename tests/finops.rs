//! FinOps end to end: `rcabox snapshot generate --domain finops`, the bundled FinOps set,
//! `rcabox run --domain finops` with the baseline, `rcabox score` on a FinOps answer, and the
//! shape of results.json.

use std::path::Path;
use std::process::Command;

use rcabox_runtime::domain::{Domain, finops};
use rcabox_runtime::sandbox::{Runtime, Session};
use rcabox_runtime::snapshot::bundle::{self, Bundle};
use rcabox_runtime::snapshot::manifest::Manifest;

mod common;

fn rcabox() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rcabox"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn generate(dir: &Path, scenario: u32, seed: u64) -> String {
    let out = common::succeeded(
        rcabox()
            .args(["snapshot", "generate", "--domain", "finops", "--weeks", "4"])
            .args([
                "--scenario",
                &scenario.to_string(),
                "--seed",
                &seed.to_string(),
            ])
            .arg(dir),
        "rcabox snapshot generate --domain finops",
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every file of a snapshot, by relative path.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn generation_is_deterministic_and_hides_its_answer_key() {
    let d = tempfile::tempdir().expect("tempdir");
    let (a, b, c) = (d.path().join("a"), d.path().join("b"), d.path().join("c"));
    generate(&a, 3, 5);
    generate(&b, 3, 5);
    generate(&c, 3, 6);
    assert_eq!(files(&a), files(&b), "same scenario and seed, same bytes");
    assert_ne!(
        std::fs::read(a.join("data.csv")).expect("a"),
        std::fs::read(c.join("data.csv")).expect("c"),
        "another seed, another history"
    );
    assert_eq!(Domain::detect(&a), Some(Domain::Finops));
    let mut s = Session::new(
        Runtime::shared().expect("runtime"),
        rcabox_runtime::domain::session_config(&a),
    )
    .expect("session");
    assert_eq!(s.run("test -e /snapshot/ground_truth.yaml").exit_code, 1);
    assert_eq!(
        s.run("test -e /snapshot/rcabox-provenance.json").exit_code,
        1
    );
    assert_eq!(s.run("test -e /snapshot/data.csv").exit_code, 0);
}

/// Column sums of data.csv as python3's csv module reads them: rows, instances, cost in cents.
const PY_SUMS: &str = "import csv,sys\nrows=list(csv.DictReader(open(sys.argv[1],newline='')))\nprint(len(rows), sum(int(r['Num_Instances']) for r in rows), round(sum(float(r['unblended_cost']) for r in rows)*100))";
/// The same with awk, by column number.
const AWK_SUMS: &str =
    "awk -F, 'NR>1{n++; i+=$8; c+=$9} END{printf \"%d %d %.0f\\n\", n, i, c*100}'";

#[test]
fn generated_data_reads_back_with_python_csv_and_awk_natively_and_in_the_sandbox() {
    let d = tempfile::tempdir().expect("tempdir");
    let snap = d.path().join("FinOps-2");
    generate(&snap, 2, 1);
    let text = std::fs::read_to_string(snap.join("data.csv")).expect("csv");
    assert_eq!(
        text.lines().next(),
        Some(finops::COLUMNS.join(",").as_str()),
        "ITBench-Lite's header"
    );
    // Natively.
    let py = common::succeeded(
        Command::new("python3")
            .args(["-c", PY_SUMS])
            .arg(snap.join("data.csv")),
        "python3 csv",
    );
    let awk = common::succeeded(
        Command::new("sh")
            .arg("-c")
            .arg(format!("{AWK_SUMS} {}", snap.join("data.csv").display())),
        "awk",
    );
    let native_py = String::from_utf8_lossy(&py.stdout).trim().to_string();
    let native_awk = String::from_utf8_lossy(&awk.stdout).trim().to_string();
    let rows = text.lines().count() - 1;
    assert!(native_py.starts_with(&format!("{rows} ")), "{native_py}");
    assert_eq!(native_py, native_awk, "python3's csv and awk agree");
    // In the sandbox, the same numbers.
    let mut s = Session::new(
        Runtime::shared().expect("runtime"),
        rcabox_runtime::domain::session_config(&snap),
    )
    .expect("session");
    let r = s.run(&format!(
        "cat > /tmp/sums.py <<'PY'\n{PY_SUMS}\nPY\npython3 /tmp/sums.py /snapshot/data.csv"
    ));
    assert_eq!(r.exit_code, 0, "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(String::from_utf8_lossy(&r.stdout).trim(), native_py);
    let r = s.run(&format!("{AWK_SUMS} /snapshot/data.csv"));
    assert_eq!(String::from_utf8_lossy(&r.stdout).trim(), native_awk);
}

#[test]
fn the_bundled_finops_set_reproduces_its_pins() {
    let recipe = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/bundle.json");
    let pins = Bundle::load(&recipe).expect("recipe");
    assert!(
        pins.finops.len() >= 4,
        "{} FinOps bundled",
        pins.finops.len()
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let dirs = bundle::materialize(&recipe, tmp.path()).expect("materialize");
    let fin: Vec<_> = dirs
        .iter()
        .filter(|d| Domain::detect(d) == Some(Domain::Finops))
        .collect();
    assert_eq!(fin.len(), pins.finops.len());
    let mut kinds = Vec::new();
    for (dir, pin) in fin.iter().zip(&pins.finops) {
        let m = Manifest::load(&dir.join("rcabox-manifest.json")).expect("manifest");
        assert_eq!(m.content_hash, pin.content_hash, "{}", dir.display());
        assert!(m.verify(dir).expect("verify").ok(), "{}", dir.display());
        let gt = finops::GroundTruth::load(&dir.join("ground_truth.yaml")).expect("gt");
        kinds.extend(gt.resource.iter().map(|r| finops::resource::level(&r.kind)));
    }
    kinds.sort();
    kinds.dedup();
    // Every level of the hierarchy is a root cause somewhere in the set.
    assert_eq!(
        kinds,
        [
            "account",
            "application",
            "cloud_service",
            "csp",
            "instance_family"
        ]
    );
}

#[test]
fn run_domain_finops_with_the_baseline_end_to_end() {
    let d = tempfile::tempdir().expect("tempdir");
    let snaps = d.path().join("snaps");
    for n in [1, 2, 4, 7] {
        generate(&snaps.join(format!("FinOps-{n}")), n, 9);
    }
    let run = d.path().join("run");
    common::succeeded(
        rcabox()
            .args(["run", "--domain", "finops", "--repeats", "2", "--snapshots"])
            .arg(&snaps)
            .arg("--out")
            .arg(&run),
        "rcabox run --domain finops",
    );
    let v = common::results_json(&run);
    assert_eq!(v["config"]["domain"], "finops");
    assert_eq!(
        v["config"]["eval_criteria"],
        serde_json::json!(["ROOT_CAUSE_RESOURCE"])
    );
    let raw = v["raw_results"].as_array().expect("raw");
    assert_eq!(raw.len(), 8);
    for r in raw {
        let s = &r["scores"]["root_cause_resource"];
        assert!(s["calculation"] == 0 || s["calculation"] == 1, "{r}");
        assert!(
            s["justification"].is_string() && s["details"].is_object(),
            "{r}"
        );
        assert_eq!(r["rcabox"]["domain"], "finops");
    }
    let overall = &v["statistics"]["overall"]["root_cause_resource"];
    let per = &v["statistics"]["per_incident"]["FinOps-1"]["root_cause_resource"];
    for k in ["mean", "stderr", "n", "pass@1"] {
        assert!(per.get(k).is_some(), "per_incident lacks {k}: {per}");
    }
    for k in ["mean", "stderr", "n_incidents", "pass@1"] {
        assert!(overall.get(k).is_some(), "overall lacks {k}: {overall}");
    }
    // The baseline plays by the book: drill-down with seasonality finds every planted cause.
    assert_eq!(overall["pass@1"], 1.0, "{overall}");
    // Its answer is ITBench's FinOps agent_output.json, scored alone by `rcabox score`.
    let ans = run.join("episodes/FinOps-1/r1/agent_output.json");
    let text = std::fs::read_to_string(&ans).expect("answer");
    assert!(
        text.trim_start().starts_with("{\n  \"resource\": ["),
        "{text}"
    );
    let gt = snaps.join("FinOps-1/ground_truth.yaml");
    let out = common::succeeded(
        rcabox()
            .args(["score", "--json", "--ground-truth"])
            .arg(&gt)
            .arg("--answer")
            .arg(&ans),
        "rcabox score",
    );
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).expect("score json");
    assert_eq!(s["root_cause_resource"]["calculation"], 1, "{s}");
    let wrong = d.path().join("wrong.json");
    std::fs::write(
        &wrong,
        r#"{"resource": [{"name": "nothing", "type": "CSP"}]}"#,
    )
    .expect("write");
    let out = common::succeeded(
        rcabox()
            .args(["score", "--json", "--ground-truth"])
            .arg(&gt)
            .arg("--answer")
            .arg(&wrong),
        "rcabox score",
    );
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).expect("score json");
    assert_eq!(s["root_cause_resource"]["calculation"], 0, "{s}");
}
