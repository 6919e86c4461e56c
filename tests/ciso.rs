//! CISO end to end: `rcabox run --domain ciso` with the baseline on the bundled CISO
//! scenarios, the agent's files kept in the run directory, ITBench-Evaluations' four criteria
//! per trial in results.json, the report split by domain, and `--resume` with nothing to redo.

use std::path::Path;
use std::process::Command;

use rcabox_runtime::domain::ciso::results::CRITERIA;

mod common;

fn rcabox() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rcabox"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn run_domain_ciso_with_the_baseline_end_to_end() {
    let recipe = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/bundle.json");
    let pins = rcabox_runtime::snapshot::bundle::Bundle::load(&recipe).expect("recipe");
    assert!(pins.ciso.len() >= 3, "{} CISO bundled", pins.ciso.len());
    let d = tempfile::tempdir().expect("tempdir");
    let run = d.path().join("run");
    common::succeeded(
        rcabox()
            .args(["run", "--domain", "ciso", "--repeats", "1", "--out"])
            .arg(&run),
        "rcabox run --domain ciso",
    );
    let v = common::results_json(&run);
    assert_eq!(v["config"]["domain"], "ciso");
    assert_eq!(v["config"]["eval_criteria"], serde_json::json!(CRITERIA));
    let raw = v["raw_results"].as_array().expect("raw");
    assert_eq!(raw.len(), pins.ciso.len());
    // The sandbox's yq reads the YAML for the reference fetch.sh; without it only the files'
    // presence can be met.
    let yq = rcabox_proto::TOOLS.contains(&"yq");
    for r in raw {
        assert_eq!(r["rcabox"]["domain"], "ciso", "{r}");
        for c in CRITERIA {
            let s = &r["scores"][c];
            assert!(s["justification"].is_string(), "{c}: {r}");
            let want = if yq || c == "required_files_exist" {
                1
            } else {
                0
            };
            assert_eq!(s["calculation"], want, "{c}: {r}");
        }
        let id = r["incident_id"].as_str().expect("id");
        let ws = run.join("episodes").join(id).join("r1/workspace");
        for f in ["fetch.sh", "policy.rego"] {
            assert!(ws.join(f).is_file(), "{} lacks {f}", ws.display());
        }
        // Only the agent's files: not the scenario's view, nor the hidden evaluation folders.
        assert!(!ws.join(id).exists() && !ws.join("ground-truth").exists());
        assert!(
            run.join("episodes")
                .join(id)
                .join("r1/ciso_result.json")
                .is_file()
        );
    }
    let overall = &v["statistics"]["overall"];
    for c in CRITERIA {
        for k in ["mean", "stderr", "n_incidents"] {
            assert!(
                overall[c].get(k).is_some(),
                "overall {c} lacks {k}: {overall}"
            );
        }
    }
    let head = &v["rcabox"]["domains"]["ciso"];
    assert_eq!(head["metric"], "criteria_met");
    assert_eq!(head["mean"], if yq { 4.0 } else { 1.0 }, "{head}");
    let md = std::fs::read_to_string(run.join("report.md")).expect("report.md");
    assert!(md.contains("| ciso | criteria_met |"), "{md}");
    let html = std::fs::read_to_string(run.join("report.html")).expect("report.html");
    // The per-question table's domain filter offers the run's one domain.
    assert!(
        html.contains("<select data-key=\"domain\" data-filter=\"choice\"><option value=\"\">any</option><option>ciso</option></select>"),
        "no domain filter in report.html"
    );
    // Resumed, nothing is left to run and the results are the same bytes.
    let before = std::fs::read(run.join("results.json")).expect("results");
    let out = common::succeeded(
        rcabox()
            .args(["run", "--domain", "ciso", "--repeats", "1", "--resume"])
            .arg(&run),
        "rcabox run --resume",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(" 0 to run"), "{err}");
    assert_eq!(
        std::fs::read(run.join("results.json")).expect("results"),
        before
    );
}

/// A run of every domain keeps the SRE and FinOps figures in `rcabox.overall` (over the
/// questions that have them) beside CISO's, and pass@k over all of them.
#[test]
fn a_mixed_run_keeps_the_entity_metrics_in_overall() {
    let d = tempfile::tempdir().expect("tempdir");
    let run = d.path().join("run");
    common::succeeded(
        rcabox()
            .args([
                "run",
                "--questions",
                "Scenario-2,FinOps-1,k8s-opa-static-cis-5.1.1",
                "--repeats",
                "1",
                "--out",
            ])
            .arg(&run),
        "rcabox run over three domains",
    );
    let v = common::results_json(&run);
    let overall = &v["rcabox"]["overall"];
    let domains = &v["rcabox"]["domains"];
    assert_eq!(v["rcabox"]["incidents"], 3, "{}", v["rcabox"]);
    // SRE and FinOps questions rank entities: AP is their macro mean.
    let sre = domains["sre"]["mean"].as_f64().expect("sre");
    let finops_ap = v["rcabox"]["per_incident"]["FinOps-1"]["metrics"]["all_recall_ap"]["mean"]
        .as_f64()
        .expect("FinOps AP");
    let ap = overall["all_recall_ap"]["mean"]
        .as_f64()
        .expect("overall AP");
    assert!((ap - (sre + finops_ap) / 2.0).abs() < 1e-12, "{overall}");
    assert_eq!(
        overall["criteria_met"]["mean"], domains["ciso"]["mean"],
        "{overall}"
    );
    assert!(overall.get("pass@1").is_some(), "{overall}");
}
