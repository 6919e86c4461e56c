//! Scoring on the real ITBench ground truths in data/itbench.

use std::path::PathBuf;

use rcabox_runtime::answer::Answer;
use rcabox_runtime::score::names::{WORKLOAD_KINDS, kind_in};
use rcabox_runtime::score::{Matcher, score_answer};
use rcabox_runtime::snapshot::groundtruth::{GroundTruth, Group};

fn itbench() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/itbench")
}

fn all_ground_truths() -> Vec<(String, GroundTruth)> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(itbench())
        .expect("data/itbench is in the repository")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("groundtruth_v1.yaml").is_file())
        .collect();
    dirs.sort();
    for d in dirs {
        let gt =
            GroundTruth::load(&d.join("groundtruth_v1.yaml")).unwrap_or_else(|e| panic!("{e}"));
        out.push((
            d.file_name().expect("name").to_string_lossy().into_owned(),
            gt,
        ));
    }
    out
}

/// A concrete object name the group's first filter (or name) accepts, written the way a
/// Kubernetes object would be named.
fn sample_name(g: &Group) -> String {
    if let Some(n) = &g.name {
        return n.clone();
    }
    let f = &g.filter[0];
    if f == "*.*" {
        return "x.y".to_string();
    }
    let s = f
        .trim_start_matches('^')
        .trim_end_matches('$')
        .replace("\\b", "")
        .replace("-*", "")
        .replace("[a-z0-9]+", "7d4f9c");
    let s = match s.strip_prefix(".*") {
        Some(rest) => format!("otel-demo{rest}"),
        None => s,
    };
    s.replace(".*", "7d4f9c-x2x9z")
}

fn full_name(g: &Group, kind: &str) -> String {
    let ns = g
        .namespace
        .clone()
        .unwrap_or_else(|| "otel-demo".to_string());
    format!("{ns}/{kind}/{}", sample_name(g))
}

fn ap(m: &Matcher, names: &[String]) -> (f64, f64) {
    let a = Answer::from_value(&serde_json::json!(names)).expect("answer");
    let s = score_answer(m, Some(&a));
    (s.metrics.all_recall_ap, s.metrics.precision)
}

#[test]
fn every_real_ground_truth_parses() {
    let gts = all_ground_truths();
    assert_eq!(gts.len(), 61, "61 groundtruth_v1.yaml files");
    let two = gts
        .iter()
        .filter(|(_, g)| g.root_causes().count() == 2)
        .count();
    assert_eq!(two, 3, "3 files name two root causes");
    assert!(gts.iter().all(|(_, g)| g.root_causes().count() >= 1));
}

#[test]
fn correct_missing_extra_alias_kind_and_infra_on_every_real_ground_truth() {
    for (id, gt) in all_ground_truths() {
        let m = Matcher::new(&gt);
        let causes: Vec<&Group> = m
            .cause_classes()
            .iter()
            .map(|c| gt.group(c).expect("class id"))
            .collect();
        let correct: Vec<String> = causes.iter().map(|g| full_name(g, &g.kind)).collect();
        assert_eq!(
            ap(&m, &correct),
            (1.0, 1.0),
            "{id}: correct answer {correct:?}"
        );

        let mut missing = correct.clone();
        missing.pop();
        assert_eq!(ap(&m, &missing).0, 0.0, "{id}: a missing cause scores 0");

        let mut extra = correct.clone();
        extra.extend(
            correct
                .iter()
                .map(|_| "otel-demo/Deployment/no-such-thing".to_string()),
        );
        assert_eq!(
            ap(&m, &extra),
            (0.5, 0.5),
            "{id}: false positives halve precision"
        );

        let mut infra = correct.clone();
        infra.push("kube-system/Pod/coredns-5d78c9869d-abcde".to_string());
        assert_eq!(
            ap(&m, &infra),
            (1.0, 1.0),
            "{id}: infrastructure names are dropped"
        );

        for (i, g) in causes.iter().enumerate() {
            if kind_in(&g.kind, WORKLOAD_KINDS) {
                let other = if g.kind == "Deployment" {
                    "Pod"
                } else {
                    "Deployment"
                };
                let mut equiv = correct.clone();
                equiv[i] = full_name(g, other);
                assert_eq!(
                    ap(&m, &equiv).0,
                    1.0,
                    "{id}: {other} equivalent to {}",
                    g.kind
                );
            }
            let class: Vec<&String> = gt
                .aliases
                .iter()
                .filter(|a| a.contains(&g.id))
                .flatten()
                .filter(|a| **a != g.id)
                .collect();
            for sib in class {
                let s = gt.group(sib).expect("alias id");
                let mut alias = correct.clone();
                alias[i] = full_name(s, &s.kind);
                assert_eq!(ap(&m, &alias).0, 1.0, "{id}: alias {sib} of {}", g.id);
            }
        }
    }
}

#[test]
fn scenario_29_adservice_filter_never_matches_the_real_ad_name() {
    let gt = GroundTruth::load(&itbench().join("scenario_29/groundtruth_v1.yaml")).expect("29");
    let m = Matcher::new(&gt);
    // The real experiment is named after `ad`; the filter wants a name ending in `adservice`.
    let real = "chaos-mesh/JVMChaos/otel-demo-ad-jvm-return-g98db".to_string();
    assert_eq!(ap(&m, std::slice::from_ref(&real)).0, 0.0);
    let d = m.decide(&real);
    assert!(d.explanation.contains("`.*adservice`"), "{}", d.explanation);
    // The ad service itself is not a root cause either.
    assert_eq!(ap(&m, &["otel-demo/Service/ad".to_string()]).0, 0.0);
    assert_eq!(
        ap(
            &m,
            &["chaos-mesh/Schedule/jvm-return-adservice".to_string()]
        )
        .0,
        1.0
    );
}

#[test]
fn duplicate_claims_count_in_the_denominator_and_k_cuts_the_list() {
    let gt = GroundTruth::load(&itbench().join("scenario_16/groundtruth_v1.yaml")).expect("16");
    let m = Matcher::new(&gt);
    let names = [
        "otel-demo/Service/frontend",
        "otel-demo/Deployment/shipping",
        "otel-demo/Pod/shipping",
    ];
    let a = Answer::from_value(&serde_json::json!(names)).expect("answer");
    let s = score_answer(&m, Some(&a));
    assert!((s.metrics.all_recall_ap - 1.0 / 3.0).abs() < 1e-12, "{s:?}");
    assert!((s.metrics.precision - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(s.at_k[0].metrics.all_recall_ap, 0.0, "@1 misses the cause");
    assert_eq!(s.at_k[1].metrics.all_recall_ap, 0.5);
    assert_eq!(score_answer(&m, None).metrics.all_recall_ap, 0.0);
}
