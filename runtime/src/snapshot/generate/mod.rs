//! The snapshot generator: from a real ITBench scenario spec and its v1 ground truth, write a
//! full snapshot in the recorder's layout and column sets.
//!
//! The ground truth decides the story: its root-cause groups name the faulty objects (the
//! spec's object is renamed when the ground truth's pattern names it differently, because the
//! ground truth was written from the recorded snapshot), its propagation edges decide which
//! services fail after the root cause, and its alerts fire on those services. The spec's fault
//! family decides the evidence ([`faults`]). Around it runs an ordinary application: every
//! service logs, calls its dependencies along the real topology and reports metrics, with
//! red herrings (an unrelated CPU-throttling alert, a flaky liveness probe, slow queries).
//!
//! Output is deterministic for (scenario, seed, scale), and written minute by minute, so memory
//! stays bounded at any `--scale`.

mod alerts;
mod churn;
pub mod cluster;
mod events;
pub mod faults;
mod objects;
mod telemetry;
pub mod world;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::SnapshotError;
use super::groundtruth::{GroundTruth, Group};
use super::manifest::Manifest;
use crate::score::Matcher;
use crate::score::names::{CHAOS_KINDS, WORKLOAD_KINDS, kind_in};
use faults::Injection;
use world::World;

/// The `--scale` that gives a real ITBench scenario's volume of logs and spans (0.5-1 GB a
/// scenario; measured figures in docs/SNAPSHOTS.md).
pub const REAL_SCALE: f64 = 1000.0;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Folder holding `scenario_<N>/{scenario.yaml,groundtruth_v1.yaml}`.
    pub itbench: PathBuf,
    /// Scenario number.
    pub scenario: u32,
    /// Random seed.
    pub seed: u64,
    /// Size: 1.0 is about 1.5 MB of logs and spans, which grow linearly; metrics sample more
    /// often up to Prometheus' 30 s; the cluster's objects and events are the same at any scale.
    pub scale: f64,
}

/// What was generated.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    /// The manifest of the written snapshot.
    pub content_hash: String,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// The fault objects, `namespace/Kind/name`.
    pub faults: Vec<String>,
}

fn bad(path: &Path, message: String) -> SnapshotError {
    SnapshotError::Malformed {
        path: path.display().to_string(),
        line: 0,
        message,
    }
}

/// Generates scenario `opts.scenario` into `out` (created; must not exist or be empty).
pub fn generate(opts: &Options, out: &Path) -> Result<Summary, SnapshotError> {
    if !(0.01..=100_000.0).contains(&opts.scale) {
        return Err(bad(
            out,
            format!("--scale {} is out of range 0.01..100000", opts.scale),
        ));
    }
    let dir = opts.itbench.join(format!("scenario_{}", opts.scenario));
    let spec_path = dir.join("scenario.yaml");
    let gt_path = dir.join("groundtruth_v1.yaml");
    let spec_text =
        std::fs::read_to_string(&spec_path).map_err(|e| SnapshotError::io(&spec_path, e))?;
    let gt_text = std::fs::read_to_string(&gt_path).map_err(|e| {
        bad(
            &gt_path,
            format!(
                "{e}: scenario {} has no v1 ground truth to generate from",
                opts.scenario
            ),
        )
    })?;
    let spec: Value =
        serde_yaml_ng::from_str(&spec_text).map_err(|e| bad(&spec_path, e.to_string()))?;
    let gt = GroundTruth::parse(&gt_text, &gt_path.display().to_string())
        .map_err(|e| bad(&gt_path, e.to_string()))?;

    if out.exists()
        && std::fs::read_dir(out)
            .map_err(|e| SnapshotError::io(out, e))?
            .next()
            .is_some()
    {
        return Err(bad(
            out,
            "output directory exists and is not empty; give a new directory".into(),
        ));
    }
    let app = if spec.pointer("/spec/applications/bookinfo").is_some()
        || spec.pointer("/spec/applications/bookInfo").is_some()
    {
        "book-info"
    } else {
        "otel-demo"
    };
    // Seed mixes in the scenario so two scenarios with one seed differ.
    let mut world = World::new(
        app,
        opts.seed
            .wrapping_mul(1_000_003)
            .wrapping_add(u64::from(opts.scenario)),
    );
    let chain = service_chain(&gt, &world);
    let mut injections = injections(&spec, &world, &chain);
    let retargets = retarget(&gt, &mut injections, &world);
    let mut evidence: Vec<_> = injections
        .iter()
        .map(|i| faults::evidence(i, &mut world))
        .collect();
    let mut retargets = retargets;
    retargets.extend(rename_objects(&gt, &injections, &mut evidence, &world));

    std::fs::create_dir_all(out.join("alerts")).map_err(|e| SnapshotError::io(out, e))?;
    std::fs::create_dir_all(out.join("metrics")).map_err(|e| SnapshotError::io(out, e))?;
    std::fs::create_dir_all(out.join("app")).map_err(|e| SnapshotError::io(out, e))?;
    let faults = fault_objects(&gt, &injections, &evidence, &world);
    let plan = telemetry::Plan::new(opts, &gt, &injections, evidence, chain, &world);
    plan.write(&mut world, out)?;

    let write = |name: &str, text: &str| {
        let p = out.join(name);
        std::fs::write(&p, text).map_err(|e| SnapshotError::io(&p, e))
    };
    write("ground_truth.yaml", &gt_text)?;
    let sha = |t: &str| hex::encode(Sha256::digest(t.as_bytes()));
    let provenance = json!({
        "generator": format!("rcabox {}", env!("CARGO_PKG_VERSION")),
        "command": format!("rcabox snapshot generate --scenario {} --seed {} --scale {}", opts.scenario, opts.seed, opts.scale),
        "source": "github.com/itbench-hub/ITBench @ 8949d5b2eae4901ff3f141e538c8594b5bff8afa, scenarios/sre (Apache-2.0)",
        "scenario": opts.scenario,
        "scenario_yaml_sha256": sha(&spec_text),
        "groundtruth_v1_sha256": sha(&gt_text),
        "injections": injections.iter().map(|i| json!({"id": i.id, "object": format!("{}/{}/{}", i.namespace, i.kind, i.name), "victim": i.victim})).collect::<Vec<_>>(),
        "root_cause_objects": faults,
        "retargeted": retargets,
        "note": "synthetic telemetry shaped like the ITBench recorder's; the spec and ground truth are real",
    });
    write("rcabox-provenance.json", &format!("{:#}\n", provenance))?;
    let manifest = Manifest::build(out)?;
    manifest.save(&out.join(super::layout::MANIFEST_NAME))?;
    Ok(Summary {
        content_hash: manifest.content_hash.clone(),
        files: manifest.files.len(),
        bytes: manifest.files.iter().map(|f| f.size).sum(),
        faults,
    })
}

/// The service a ground-truth group denotes, if it is one of the application's.
pub(crate) fn group_service(g: &Group, w: &World) -> Option<String> {
    let pat = g.filter.first().or(g.name.as_ref())?;
    let mut s = pat
        .trim_start_matches('^')
        .trim_end_matches('$')
        .replace("\\b", "");
    for suffix in ["-.*", ".*", "-*"] {
        if let Some(x) = s.strip_suffix(suffix) {
            s = x.to_string();
        }
    }
    let s = s.trim_start_matches(".*").to_string();
    let s = s.strip_suffix("-v1").map(str::to_string).unwrap_or(s);
    w.services.contains_key(&s).then_some(s)
}

/// Services along the ground truth's propagation edges, breadth first from the root causes.
fn service_chain(gt: &GroundTruth, w: &World) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    let mut frontier: Vec<String> = gt.root_causes().map(|g| g.id.clone()).collect();
    let mut seen: Vec<String> = frontier.clone();
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for id in &frontier {
            if let Some(s) = gt.group(id).and_then(|g| group_service(g, w))
                && !order.contains(&s)
            {
                order.push(s);
            }
            for p in gt.propagations.iter().filter(|p| &p.source == id) {
                if !seen.contains(&p.target) {
                    seen.push(p.target.clone());
                    next.push(p.target.clone());
                }
            }
        }
        frontier = next;
    }
    if order.is_empty() {
        order.extend(
            gt.alerts
                .iter()
                .filter_map(|a| gt.group(a.group_id.as_deref()?))
                .filter_map(|g| group_service(g, w)),
        );
    }
    order
}

fn injections(spec: &Value, w: &World, chain: &[String]) -> Vec<Injection> {
    let mut out = Vec::new();
    let faults = spec
        .pointer("/spec/faults")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for f in faults {
        for inj in f
            .get("injections")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            let args = inj.get("args").cloned().unwrap_or(json!({}));
            let obj = args.get("kubernetesObject").cloned().unwrap_or(json!({}));
            let kind = obj
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("Deployment")
                .to_string();
            let name = obj
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("unknown")
                .to_string();
            let namespace = obj
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or(&w.namespace)
                .to_string();
            let selected = args
                .pointer("/scheduleSpec")
                .and_then(|s| s.as_object())
                .and_then(|s| {
                    s.values().find_map(|v| {
                        v.pointer("/selector/labelSelectors/app.kubernetes.io~1component")
                    })
                })
                .and_then(Value::as_str)
                .map(str::to_string);
            let own = name
                .strip_suffix("-v1")
                .or(name.strip_suffix("-v3"))
                .unwrap_or(&name)
                .to_string();
            let victim = selected
                .or_else(|| {
                    (matches!(kind.as_str(), "Deployment" | "Service")
                        && w.services.contains_key(&own))
                    .then(|| own.clone())
                })
                .or_else(|| chain.first().cloned())
                .unwrap_or_else(|| w.services.keys().next().cloned().unwrap_or_default());
            out.push(Injection {
                id: inj
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                args,
                kind,
                name,
                namespace,
                victim,
            });
        }
    }
    out
}

/// A concrete name a group's first pattern accepts, as a Kubernetes object would be named.
fn name_for(g: &Group) -> String {
    if let Some(n) = &g.name {
        return n.clone();
    }
    let f = g.filter.first().map(String::as_str).unwrap_or("unknown");
    let s = f
        .trim_start_matches('^')
        .trim_end_matches('$')
        .replace("\\b", "")
        .replace("-*", "");
    let s = s.strip_suffix("-.*").map(str::to_string).unwrap_or(s);
    match s.strip_prefix(".*") {
        Some(rest) if rest.starts_with('-') => format!("otel-demo{rest}"),
        Some(rest) => format!("otel-demo-{rest}"),
        None => s.replace(".*", ""),
    }
}

/// Renames fault objects the ground truth names differently; returns what was renamed.
fn retarget(gt: &GroundTruth, injections: &mut [Injection], w: &World) -> Vec<Value> {
    let m = Matcher::new(gt);
    let claims = |inj: &Injection, gid: &str| {
        let mut names = vec![format!("{}/{}/{}", inj.namespace, inj.kind, inj.name)];
        if let Some(s) = w.services.get(&inj.victim) {
            names.push(format!("{}/Pod/{}", w.namespace, s.pod));
            names.push(format!("{}/Deployment/{}", w.namespace, inj.victim));
        }
        names
            .iter()
            .any(|n| m.decide(n).root_cause.as_deref() == Some(gid))
    };
    let mut renamed = Vec::new();
    for gid in m.cause_classes() {
        let Some(g) = gt.group(&gid) else { continue };
        if injections.iter().any(|i| claims(i, &gid)) {
            continue;
        }
        let compatible = |i: &Injection| {
            i.kind.eq_ignore_ascii_case(&g.kind)
                || (kind_in(&i.kind, WORKLOAD_KINDS) && kind_in(&g.kind, WORKLOAD_KINDS))
                || (kind_in(&i.kind, CHAOS_KINDS) && kind_in(&g.kind, CHAOS_KINDS))
        };
        if let Some(inj) = injections.iter_mut().find(|i| compatible(i)) {
            let to = name_for(g);
            renamed.push(json!({"group": gid, "from": inj.name, "to": to}));
            if kind_in(&inj.kind, WORKLOAD_KINDS) && w.services.contains_key(&to) {
                inj.victim = to.clone();
            }
            inj.name = to;
            if let Some(ns) = &g.namespace {
                inj.namespace = ns.clone();
            }
        }
    }
    renamed
}

/// `namespace/Kind/name` of a Kubernetes object body.
fn object_name(v: &Value, default_ns: &str) -> String {
    let ns = v
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or(default_ns);
    let kind = v["kind"].as_str().unwrap_or("");
    let name = v
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    format!("{ns}/{kind}/{name}")
}

/// Every fault object name the snapshot holds: injection targets, their pods, evidence objects.
fn candidate_names(
    injections: &[Injection],
    evidence: &[faults::Evidence],
    w: &World,
) -> Vec<String> {
    let mut names = Vec::new();
    for i in injections {
        names.push(format!("{}/{}/{}", i.namespace, i.kind, i.name));
        if let Some(s) = w.services.get(&i.victim) {
            names.push(format!("{}/Pod/{}", w.namespace, s.pod));
            names.push(format!("{}/Deployment/{}", w.namespace, i.victim));
        }
    }
    for e in evidence {
        for (_, o) in e.objects.iter().chain(&e.deleted) {
            names.push(object_name(o, &w.namespace));
        }
    }
    names
}

/// The names in the snapshot that claim a root cause of the ground truth.
fn fault_objects(
    gt: &GroundTruth,
    injections: &[Injection],
    evidence: &[faults::Evidence],
    w: &World,
) -> Vec<String> {
    let m = Matcher::new(gt);
    let names = candidate_names(injections, evidence, w);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut out: Vec<String> = m
        .decide_all(&refs)
        .into_iter()
        .filter(|d| d.root_cause.is_some())
        .map(|d| d.submitted)
        .collect();
    let mut seen = std::collections::HashSet::new();
    out.retain(|n| seen.insert(n.clone()));
    out
}

/// Renames evidence objects (a NetworkPolicy, a ResourceQuota, a PodDisruptionBudget) that the
/// ground truth names differently from the fault's defaults.
fn rename_objects(
    gt: &GroundTruth,
    injections: &[Injection],
    evidence: &mut [faults::Evidence],
    w: &World,
) -> Vec<Value> {
    let m = Matcher::new(gt);
    let mut renamed = Vec::new();
    for gid in m.cause_classes() {
        let Some(g) = gt.group(&gid) else { continue };
        let names = candidate_names(injections, evidence, w);
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        if m.decide_all(&refs)
            .iter()
            .any(|d| d.root_cause.as_deref() == Some(gid.as_str()))
        {
            continue;
        }
        let slot = evidence
            .iter_mut()
            .flat_map(|e| e.objects.iter_mut())
            .find(|(_, o)| {
                o["kind"]
                    .as_str()
                    .is_some_and(|k| k.eq_ignore_ascii_case(&g.kind))
                    && m.decide(&object_name(o, &w.namespace)).root_cause.is_none()
            });
        if let Some((_, o)) = slot {
            let current = o
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("x")
                .to_string();
            let to = if glob_only(g) {
                glob_name(&g.filter[0], &current)
            } else {
                name_for(g)
            };
            renamed.push(json!({"group": gid, "from": o.pointer("/metadata/name"), "to": to}));
            o["metadata"]["name"] = json!(to);
            if let Some(ns) = &g.namespace
                && o.pointer("/metadata/namespace").is_some()
            {
                o["metadata"]["namespace"] = json!(ns);
            }
        } else if let Some(e) = evidence.first_mut() {
            // The ground truth blames an object the fault family does not make (an Istio
            // gateway's Service, a namespace): the snapshot still holds it, as the real one did.
            let name = name_for(g);
            let ns = g.namespace.clone().unwrap_or_else(|| w.namespace.clone());
            let plural = format!("{}s", g.kind.to_ascii_lowercase());
            let mut body = json!({"apiVersion": "v1", "kind": g.kind, "metadata": {"name": name, "namespace": ns}});
            if g.kind == "Namespace" {
                body["metadata"] =
                    json!({"name": name, "labels": {"kubernetes.io/metadata.name": name}});
            }
            renamed.push(json!({"group": gid, "added": object_name(&body, &ns)}));
            e.objects.push((plural, body));
        }
    }
    renamed
}

/// Whether a group's only pattern is a glob (not a valid regex), like scenario 38's `*.*`.
fn glob_only(g: &Group) -> bool {
    g.filter.len() == 1 && regex::Regex::new(&g.filter[0]).is_err()
}

/// A name a glob accepts: the first `*` becomes the object's own name, the others `hpa`
/// (Kubernetes names may hold dots, so `*.*` gives `frontend.hpa`).
fn glob_name(glob: &str, own: &str) -> String {
    glob.replacen('*', own, 1)
        .replace('*', "hpa")
        .replace('?', "x")
}
