//! Snapshots: the generator, the bundled set, the manifest and malformed input.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rcabox_runtime::score::Matcher;
use rcabox_runtime::snapshot::bundle::{self, BUNDLE_NAME, Bundle};
use rcabox_runtime::snapshot::generate::{Options, generate};
use rcabox_runtime::snapshot::groundtruth::GroundTruth;
use rcabox_runtime::snapshot::layout::{MANIFEST_NAME, Role, list_files};
use rcabox_runtime::snapshot::manifest::Manifest;
use rcabox_runtime::snapshot::pymap;
use rcabox_runtime::snapshot::tsv::TsvReader;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn opts(scenario: u32, seed: u64, scale: f64) -> Options {
    Options {
        itbench: repo().join("data/itbench"),
        scenario,
        seed,
        scale,
    }
}

/// The column sets of real ITBench-Lite v0.2 snapshots (FORMATS.md).
const LOGS: &str = "Timestamp TimestampTime TraceId SpanId TraceFlags SeverityText SeverityNumber ServiceName Body ResourceSchemaUrl ResourceAttributes ScopeSchemaUrl ScopeName ScopeVersion ScopeAttributes LogAttributes EventName";
const TRACES: &str = "Timestamp TraceId SpanId ParentSpanId TraceState SpanName SpanKind ServiceName ResourceAttributes ScopeName ScopeVersion SpanAttributes Duration StatusCode StatusMessage Events.Timestamp Events.Name Events.Attributes Links.TraceId Links.SpanId Links.TraceState Links.Attributes";
const SERVICE_METRICS: &str =
    "metric_name timestamp value service_name namespace bucket_le tags metric_type status_code";

/// Reads every TSV back with the CSV library and checks the FORMATS.md column sets, that
/// `Body` holds JSON where it is an object and that map columns are Python-dict text.
fn check_columns(dir: &Path) {
    for f in list_files(dir).expect("list") {
        let want = match f.role {
            Role::Events | Role::Objects | Role::Logs => LOGS,
            Role::Traces => TRACES,
            Role::PodMetrics => "metric_name timestamp value pod_name namespace tags",
            Role::ServiceMetrics => SERVICE_METRICS,
            _ => continue,
        };
        let mut r = TsvReader::open(&f.path).expect("open");
        assert_eq!(r.header().join(" "), want, "{}", f.rel);
        let body = r.column("Body").filter(|_| f.role != Role::Logs);
        let maps: Vec<usize> = [
            "ResourceAttributes",
            "LogAttributes",
            "SpanAttributes",
            "Events.Attributes",
            "tags",
        ]
        .iter()
        .filter_map(|c| r.column(c))
        .collect();
        let mut rec = csv::StringRecord::new();
        let mut n = 0;
        while r.next_record(&mut rec).expect("record") {
            n += 1;
            if let Some(c) = body {
                let text = rec.get(c).unwrap_or("");
                assert!(
                    serde_json::from_str::<serde_json::Value>(text).is_ok(),
                    "{}:{n}: Body is not JSON: {text}",
                    f.rel
                );
            }
            for &c in &maps {
                let text = rec.get(c).unwrap_or("");
                assert!(
                    text == "{}"
                        || text == "[]"
                        || (serde_json::from_str::<serde_json::Value>(text).is_err()
                            && pymap::parse(text).is_ok()),
                    "{}:{n}: column {c} is not Python-dict text: {text}",
                    f.rel
                );
            }
        }
        assert!(n > 0, "{} has records", f.rel);
    }
}

/// Every `namespace/Kind/name` of the objects (end state) and of the events' involved objects.
fn names_in_snapshot(dir: &Path, app_ns: &str) -> Vec<String> {
    let mut names = BTreeSet::new();
    for (file, ptr) in [
        ("k8s_objects_raw.tsv", ""),
        ("k8s_events_raw.tsv", "/object"),
    ] {
        let mut r = TsvReader::open(&dir.join(file)).expect("tsv");
        let body = r.column("Body").expect("Body");
        let mut rec = csv::StringRecord::new();
        while r.next_record(&mut rec).expect("record") {
            let v: serde_json::Value =
                serde_json::from_str(rec.get(body).unwrap_or("")).expect("json");
            // Core v1 events name the object in `involvedObject`, events.k8s.io/v1 in `regarding`.
            let o = if ptr.is_empty() {
                &v
            } else {
                let o = v.pointer(ptr).expect("object");
                o.get("involvedObject")
                    .or(o.get("regarding"))
                    .expect("involvedObject or regarding")
            };
            let kind = o["kind"].as_str().unwrap_or("");
            let (name, ns) = if ptr.is_empty() {
                (
                    o.pointer("/metadata/name"),
                    o.pointer("/metadata/namespace"),
                )
            } else {
                (o.get("name"), o.get("namespace"))
            };
            let ns = ns
                .and_then(|n| n.as_str())
                .filter(|n| !n.is_empty())
                .unwrap_or(app_ns);
            names.insert(format!(
                "{ns}/{kind}/{}",
                name.and_then(|n| n.as_str()).unwrap_or("")
            ));
        }
    }
    names.into_iter().collect()
}

#[test]
fn generated_snapshot_reads_back_with_the_recorders_columns_and_is_deterministic() {
    let d = tempfile::tempdir().expect("tempdir");
    let a = generate(&opts(31, 7, 0.3), &d.path().join("a")).expect("a");
    let b = generate(&opts(31, 7, 0.3), &d.path().join("b")).expect("b");
    let c = generate(&opts(31, 8, 0.3), &d.path().join("c")).expect("c");
    assert_eq!(a.content_hash, b.content_hash, "same seed, same bytes");
    assert_ne!(a.content_hash, c.content_hash, "another seed, other bytes");
    check_columns(&d.path().join("a"));
    let m = Manifest::load(&d.path().join("a").join(MANIFEST_NAME)).expect("manifest");
    // One file a minute and the alerting-state file at the end.
    assert_eq!(m.counts.alert_files, 32);
    assert!(
        m.counts
            .alert_names
            .contains(&"RequestErrorRate".to_string())
    );
    assert!(m.has_ground_truth);
    // Bigger scale, more log and span rows, same layout.
    let big = generate(&opts(31, 7, 3.0), &d.path().join("big")).expect("big");
    assert_eq!(big.files, a.files);
    let size = |dir: &str, f: &str| {
        std::fs::metadata(d.path().join(dir).join(f))
            .expect("size")
            .len()
    };
    for f in ["otel_logs_raw.tsv", "otel_traces_raw.tsv"] {
        assert!(size("big", f) > 5 * size("a", f), "{f} grows with --scale");
    }
}

#[test]
fn generator_errors_are_clear() {
    let d = tempfile::tempdir().expect("tempdir");
    let e = generate(&opts(51, 1, 1.0), &d.path().join("x"))
        .expect_err("no v1")
        .to_string();
    assert!(e.contains("scenario 51 has no v1 ground truth"), "{e}");
    let e = generate(&opts(999, 1, 1.0), &d.path().join("x"))
        .expect_err("none")
        .to_string();
    assert!(e.contains("scenario_999/scenario.yaml"), "{e}");
    let e = generate(&opts(31, 1, 0.0), &d.path().join("x"))
        .expect_err("scale")
        .to_string();
    assert!(e.contains("--scale 0 is out of range"), "{e}");
    std::fs::create_dir_all(d.path().join("full")).expect("mkdir");
    std::fs::write(d.path().join("full/keep.txt"), "x").expect("write");
    let e = generate(&opts(31, 1, 1.0), &d.path().join("full"))
        .expect_err("not empty")
        .to_string();
    assert!(e.contains("not empty"), "{e}");
}

/// The bundled SRE snapshots (the recipe's FinOps ones are checked in tests/finops.rs).
fn bundled() -> Vec<PathBuf> {
    let root = repo().join("snapshots");
    bundle::materialize(&root.join(BUNDLE_NAME), &root)
        .expect("bundled snapshots")
        .into_iter()
        .filter(|d| {
            rcabox_runtime::domain::Domain::detect(d) == Some(rcabox_runtime::domain::Domain::Sre)
        })
        .collect()
}

#[test]
fn bundled_set_is_complete_small_and_reproduced_byte_for_byte() {
    // Materialized into a fresh folder, every snapshot must regenerate to the hash its recipe
    // pins (materialize refuses otherwise) and match its own manifest.
    let recipe = repo().join("snapshots").join(BUNDLE_NAME);
    let pins = Bundle::load(&recipe).expect("recipe");
    let tmp = tempfile::tempdir().expect("tempdir");
    let dirs = bundle::materialize(&recipe, tmp.path()).expect("materialize");
    assert!(dirs.len() >= 20, "{} bundled", dirs.len());
    let mut total = 0u64;
    for (dir, pin) in dirs.iter().zip(&pins.scenarios) {
        let manifest = Manifest::load(&dir.join(MANIFEST_NAME)).expect("manifest");
        assert!(
            manifest.verify(dir).expect("verify").ok(),
            "{}",
            dir.display()
        );
        assert_eq!(manifest.content_hash, pin.content_hash, "{}", dir.display());
        let prov: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("rcabox-provenance.json")).expect("provenance"),
        )
        .expect("json");
        assert_eq!(prov["scenario"], pin.scenario, "{}", dir.display());
        total += manifest.files.iter().map(|f| f.size).sum::<u64>();
    }
    // A realistic cluster is big: 300+ objects pulled every 5 minutes and 500+ events are
    // about 2.5 MB a scenario before any log, span or metric (docs/SNAPSHOTS.md).
    assert!(total <= 110_000_000, "materialized set is {total} bytes");
    // The repository carries the recipe, not the data: the materialized folders are ignored
    // by git, and what sits beside them stays small.
    let ignore = std::fs::read_to_string(repo().join(".gitignore")).expect(".gitignore");
    assert!(
        ignore.lines().any(|l| l == "snapshots/Scenario-*/"),
        "{ignore}"
    );
    let committed: u64 = std::fs::read_dir(repo().join("snapshots"))
        .expect("snapshots/")
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum();
    assert!(
        committed <= 1_000_000,
        "snapshots/ holds {committed} committed bytes"
    );
}

#[test]
fn bundled_root_causes_are_in_the_data_but_not_in_plain_sight() {
    for dir in bundled() {
        let gt = GroundTruth::load(&dir.join("ground_truth.yaml")).expect("gt");
        let m = Matcher::new(&gt);
        let app_ns = if dir
            .join("metrics")
            .read_dir()
            .expect("metrics")
            .flatten()
            .any(|e| e.file_name().to_string_lossy().contains("productpage"))
        {
            "book-info"
        } else {
            "otel-demo"
        };
        let names = names_in_snapshot(&dir, app_ns);
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let found: BTreeSet<String> = m
            .decide_all(&refs)
            .into_iter()
            .filter_map(|d| d.root_cause)
            .collect();
        let want: BTreeSet<String> = m.cause_classes().into_iter().collect();
        assert_eq!(
            found,
            want,
            "{}: every root cause is an object or event subject",
            dir.display()
        );
        check_columns(&dir);
        // The alerts name symptoms, not the cause.
        let prov: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("rcabox-provenance.json")).expect("p"),
        )
        .expect("json");
        // A fault object that is not a workload (a Schedule, a ConfigMap, a NetworkPolicy) shows
        // in objects and events only: alerts, logs, spans and metrics show its symptoms.
        for obj in prov["root_cause_objects"].as_array().expect("objects") {
            let full = obj.as_str().expect("name");
            let mut parts = full.split('/');
            let (kind, name) = (parts.nth(1).expect("kind"), parts.next().expect("name"));
            if ["Deployment", "Pod", "Service"].contains(&kind) {
                continue;
            }
            for f in list_files(&dir).expect("list") {
                if matches!(
                    f.role,
                    Role::Alerts
                        | Role::Logs
                        | Role::Traces
                        | Role::PodMetrics
                        | Role::ServiceMetrics
                ) {
                    let text = std::fs::read_to_string(&f.path).expect("read");
                    assert!(
                        !text.contains(name),
                        "{}: {} names {full}",
                        dir.display(),
                        f.rel
                    );
                }
            }
        }
    }
}

/// What real ITBench-Lite v0.2 Scenario 2 shows (FORMATS.md) that a generated snapshot must
/// show too: the cluster, not just the application; status churn and unrelated changes;
/// ordinary event traffic; the infrastructure's standing alerts.
#[derive(Debug, Default)]
struct Realism {
    entities: usize,
    namespaces: usize,
    /// Entities whose spec (or data) differs between two pulls: see [`realism`].
    changed: BTreeSet<String>,
    pulls: usize,
    events: usize,
    normal: usize,
    warning: usize,
    reasons: usize,
    event_apis: BTreeSet<String>,
}

fn realism(dir: &Path) -> Realism {
    use std::collections::BTreeMap;
    let mut r = TsvReader::open(&dir.join("k8s_objects_raw.tsv")).expect("objects");
    let (body, ts) = (
        r.column("Body").expect("Body"),
        r.column("Timestamp").expect("ts"),
    );
    let mut rec = csv::StringRecord::new();
    // The churn figure of docs/SNAPSHOTS.md and issue 39, exactly: an entity is a kind, a
    // namespace and a name (so a pod deleted and recreated under its name is one entity); it
    // changed when what its owner sets (every top-level field but `metadata` and `status`:
    // `spec`, a ConfigMap's `data`, a role's `rules`, a binding's `subjects`, an Endpoints'
    // `subsets`) is not the same in every pull that returns it. Objects that only appear or
    // go, and status or resourceVersion churn, do not count.
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pulls = BTreeSet::new();
    let mut namespaces = BTreeSet::new();
    while r.next_record(&mut rec).expect("record") {
        let mut v: serde_json::Value = serde_json::from_str(&rec[body]).expect("json");
        let ns = v
            .pointer("/metadata/namespace")
            .and_then(|n| n.as_str())
            .unwrap_or("")
            .to_string();
        let key = format!(
            "{}/{ns}/{}",
            v["kind"].as_str().unwrap_or(""),
            v.pointer("/metadata/name")
                .and_then(|n| n.as_str())
                .unwrap_or("")
        );
        if !ns.is_empty() {
            namespaces.insert(ns);
        }
        if let Some(o) = v.as_object_mut() {
            o.remove("metadata");
            o.remove("status");
        }
        pulls.insert(rec[ts].to_string());
        seen.entry(key).or_default().insert(v.to_string());
    }
    let changed = seen
        .iter()
        .filter(|(_, bodies)| bodies.len() > 1)
        .map(|(k, _)| k.clone())
        .collect();
    let mut out = Realism {
        entities: seen.len(),
        namespaces: namespaces.len(),
        changed,
        pulls: pulls.len(),
        ..Realism::default()
    };
    let mut r = TsvReader::open(&dir.join("k8s_events_raw.tsv")).expect("events");
    let body = r.column("Body").expect("Body");
    let mut reasons = BTreeSet::new();
    while r.next_record(&mut rec).expect("record") {
        let v: serde_json::Value = serde_json::from_str(&rec[body]).expect("json");
        out.events += 1;
        match v.pointer("/object/type").and_then(|t| t.as_str()) {
            Some("Normal") => out.normal += 1,
            Some("Warning") => out.warning += 1,
            other => panic!("{}: event type {other:?}", dir.display()),
        }
        reasons.insert(
            v.pointer("/object/reason")
                .and_then(|t| t.as_str())
                .unwrap_or("")
                .to_string(),
        );
        out.event_apis.insert(
            v.pointer("/object/apiVersion")
                .and_then(|t| t.as_str())
                .unwrap_or("")
                .to_string(),
        );
    }
    out.reasons = reasons.len();
    out
}

#[test]
fn bundled_snapshots_look_like_real_itbench_data() {
    const INFRA_ALERTS: [&str; 7] = [
        "Watchdog",
        "InfoInhibitor",
        "KubeClientCertificateExpiration",
        "PrometheusNotConnectedToAlertmanagers",
        "KubeSchedulerDown",
        "KubeControllerManagerDown",
        "CPUThrottlingHigh",
    ];
    for dir in bundled() {
        let r = realism(&dir);
        let at = dir.display();
        assert!(
            r.entities >= 300,
            "{at}: {} entities; real v0.2 has 505",
            r.entities
        );
        assert!(
            r.namespaces >= 8,
            "{at}: {} namespaces; real has about 10",
            r.namespaces
        );
        // Real v0.2 Scenario 2: 28 in its last 30 minutes (56 over all its pulls).
        assert!(
            (22..=36).contains(&r.changed.len()),
            "{at}: {} entities change their spec or data between pulls; real has 28: {:?}",
            r.changed.len(),
            r.changed
        );
        // The fault's own change is one of them (Scenario 2: flagd's ConfigMap).
        if dir.ends_with("Scenario-2") {
            assert!(
                r.changed.contains("ConfigMap/otel-demo/flagd-config"),
                "{at}: the fault's change is not among {:?}",
                r.changed
            );
        }
        assert_eq!(r.pulls, 7, "{at}: a pull every 5 minutes over 30 minutes");
        assert!(
            r.events >= 500,
            "{at}: {} events; real has about 1,000",
            r.events
        );
        assert!(
            r.normal > r.warning,
            "{at}: {} Normal, {} Warning",
            r.normal,
            r.warning
        );
        assert!(r.reasons >= 20, "{at}: {} reasons; real has 26", r.reasons);
        assert_eq!(
            r.event_apis.iter().map(String::as_str).collect::<Vec<_>>(),
            ["events.k8s.io/v1", "v1"],
            "{at}"
        );
        let m = Manifest::load(&dir.join(MANIFEST_NAME)).expect("manifest");
        for name in INFRA_ALERTS {
            assert!(
                m.counts.alert_names.iter().any(|n| n == name),
                "{at}: no {name} alert"
            );
        }
        assert!(
            list_files(&dir)
                .expect("list")
                .iter()
                .any(|f| f.rel.contains("alerts_in_alerting_state_")),
            "{at}: no alerting-state file"
        );
    }
}

#[test]
fn verify_names_a_flipped_byte_an_added_and_a_removed_file() {
    let d = tempfile::tempdir().expect("tempdir");
    let s = d.path().join("s");
    generate(&opts(2, 1, 0.2), &s).expect("generate");
    let m = Manifest::load(&s.join(MANIFEST_NAME)).expect("manifest");
    assert!(m.verify(&s).expect("verify").ok());
    let victim = s.join("otel_logs_raw.tsv");
    let mut bytes = std::fs::read(&victim).expect("read");
    bytes[100] ^= 1;
    std::fs::write(&victim, bytes).expect("write");
    std::fs::write(s.join("alerts/extra.json"), "[]").expect("add");
    std::fs::remove_file(s.join("k8s_events_raw.tsv")).expect("rm");
    let r = m.verify(&s).expect("verify");
    assert_eq!(r.changed, ["otel_logs_raw.tsv"]);
    assert_eq!(r.added, ["alerts/extra.json"]);
    assert_eq!(r.missing, ["k8s_events_raw.tsv"]);
}

#[test]
fn malformed_snapshots_give_clear_errors() {
    let d = tempfile::tempdir().expect("tempdir");
    let fresh = |name: &str| {
        let s = d.path().join(name);
        generate(&opts(2, 1, 0.1), &s).expect("generate");
        s
    };
    type Breaker = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Breaker, &str)> = vec![
        (
            "empty-alert",
            Box::new(|s: &Path| {
                let f = list_files(s)
                    .expect("l")
                    .into_iter()
                    .find(|f| f.role == Role::Alerts)
                    .expect("alert");
                std::fs::write(&f.path, "").expect("w");
            }),
            "empty alert file",
        ),
        (
            "bad-alert",
            Box::new(|s: &Path| {
                let f = list_files(s)
                    .expect("l")
                    .into_iter()
                    .find(|f| f.role == Role::Alerts)
                    .expect("alert");
                std::fs::write(&f.path, "[{\"labels\":").expect("w");
            }),
            "not valid JSON",
        ),
        (
            "truncated",
            Box::new(|s: &Path| {
                let p = s.join("otel_traces_raw.tsv");
                let text = std::fs::read_to_string(&p).expect("r");
                let cut = text.len() - 200;
                let cut = (0..=cut)
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(0);
                std::fs::write(&p, &text[..cut]).expect("w");
            }),
            "otel_traces_raw.tsv:",
        ),
        (
            "columns",
            Box::new(|s: &Path| {
                let p = s.join("k8s_events_raw.tsv");
                let mut text = std::fs::read_to_string(&p).expect("r");
                text.push_str("2025-01-01 00:00:00\tonly two\n");
                std::fs::write(&p, text).expect("w");
            }),
            "fields, the header has 17",
        ),
        (
            "no-body",
            Box::new(|s: &Path| {
                std::fs::write(s.join("k8s_objects_raw.tsv"), "a\tb\n1\t2\n").expect("w");
            }),
            "no `Timestamp` column",
        ),
        (
            "symlink",
            Box::new(|s: &Path| {
                std::os::unix::fs::symlink("/etc/hostname", s.join("otel_extra_logs.tsv"))
                    .expect("ln");
            }),
            "symlink points outside the snapshot",
        ),
    ];
    for (name, break_it, want) in cases {
        let s = fresh(name);
        break_it(&s);
        let e = Manifest::build(&s).expect_err(name).to_string();
        assert!(e.contains(want), "{name}: {e}");
    }
    let bad_gt = d.path().join("gt.yaml");
    std::fs::write(&bad_gt, "groups:\n  - id: a\n    kind: [\n").expect("w");
    let e = GroundTruth::load(&bad_gt).expect_err("yaml").to_string();
    assert!(e.contains("gt.yaml:"), "{e}");
}
