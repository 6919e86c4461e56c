//! Writing the telemetry: alerts, objects, events, logs, traces and metrics, minute by minute.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use super::Options;
use super::faults::{Effects, Evidence, Injection, deployment, uid};
use super::world::World;
use crate::snapshot::SnapshotError;
use crate::snapshot::groundtruth::GroundTruth;
use crate::snapshot::tsv;

/// Minutes recorded.
const MINUTES: i64 = 30;
/// Minute the fault is injected.
const INJECT_MIN: i64 = 10;
/// Minute of the unrelated rollout restart (a red herring).
const ROLLOUT_MIN: i64 = 4;

/// Columns of the logs, events and objects TSVs.
pub const LOG_COLUMNS: [&str; 16] = [
    "Timestamp",
    "TimestampTime",
    "TraceId",
    "SpanId",
    "TraceFlags",
    "SeverityText",
    "SeverityNumber",
    "ServiceName",
    "Body",
    "ResourceSchemaUrl",
    "ResourceAttributes",
    "ScopeSchemaUrl",
    "ScopeName",
    "ScopeVersion",
    "ScopeAttributes",
    "LogAttributes",
];
/// Columns of the traces TSV.
pub const TRACE_COLUMNS: [&str; 15] = [
    "Timestamp",
    "TraceId",
    "SpanId",
    "ParentSpanId",
    "TraceState",
    "SpanName",
    "SpanKind",
    "ServiceName",
    "ResourceAttributes",
    "ScopeName",
    "ScopeVersion",
    "SpanAttributes",
    "Duration",
    "StatusCode",
    "StatusMessage",
];
/// Columns of a pod metrics TSV.
pub const POD_METRIC_COLUMNS: [&str; 6] = [
    "metric_name",
    "timestamp",
    "value",
    "pod_name",
    "namespace",
    "tags",
];
/// Columns of a service metrics TSV.
pub const SERVICE_METRIC_COLUMNS: [&str; 7] = [
    "metric_name",
    "timestamp",
    "value",
    "service_name",
    "namespace",
    "status_code",
    "tags",
];

/// The timeline and effects of one generated incident.
pub struct Plan {
    start: NaiveDateTime,
    scale: f64,
    alerts: Vec<(String, String)>,
    injections: Vec<Injection>,
    evidence: Vec<Evidence>,
    /// Effects per service after the injection.
    effects: BTreeMap<String, Effects>,
    chain: Vec<String>,
}

type Writer = csv::Writer<BufWriter<File>>;

fn open(path: &Path, header: &[&str]) -> Result<Writer, SnapshotError> {
    let f = File::create(path).map_err(|e| SnapshotError::io(path, e))?;
    let mut w = tsv::writer(BufWriter::with_capacity(1 << 16, f));
    w.write_record(header).map_err(|e| csv_err(path, e))?;
    Ok(w)
}

fn csv_err(path: &Path, e: csv::Error) -> SnapshotError {
    SnapshotError::io(path, std::io::Error::other(e.to_string()))
}

fn ts(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.9f").to_string()
}
fn ts_sec(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}
fn rfc(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
/// A row of the objects or events TSV: the recorder's k8sobjects receiver leaves the trace,
/// severity and scope columns empty and puts the object in `Body`.
fn k8s_row(t: NaiveDateTime, body: &Value, attrs: &str) -> [String; 16] {
    let empty = String::new;
    [
        ts(t),
        ts_sec(t),
        empty(),
        empty(),
        "0".into(),
        empty(),
        "0".into(),
        empty(),
        body.to_string(),
        empty(),
        "{}".into(),
        empty(),
        empty(),
        empty(),
        "{}".into(),
        attrs.to_string(),
    ]
}

/// Python-dict text, as the recorder writes metric label sets.
fn pydict(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("'{k}': '{v}'")).collect();
    format!("{{{}}}", inner.join(", "))
}

impl Plan {
    /// Lays out the incident.
    pub fn new(
        opts: &Options,
        gt: &GroundTruth,
        injections: &[Injection],
        evidence: Vec<Evidence>,
        chain: Vec<String>,
        w: &World,
    ) -> Plan {
        let day = NaiveDate::from_ymd_opt(2025, 12, 1)
            .and_then(|d| d.and_hms_opt(14, 0, 0))
            .unwrap_or_default();
        let start = day
            + Duration::days(i64::from(opts.scenario % 28))
            + Duration::minutes((opts.seed % 240) as i64);
        let mut effects: BTreeMap<String, Effects> = BTreeMap::new();
        for (inj, ev) in injections.iter().zip(&evidence) {
            effects.insert(inj.victim.clone(), ev.effects.clone());
        }
        // Services after the first along the chain see a weaker echo of the failure.
        for (i, svc) in chain.iter().enumerate().skip(1) {
            effects.entry(svc.clone()).or_insert(Effects {
                error_rate: 0.4 / i as f64,
                latency_ms: 200.0,
                cpu: 1.0,
                mem: 1.0,
                ..Effects::default()
            });
        }
        let alerts = gt
            .alerts
            .iter()
            .filter_map(|a| {
                let g = gt.group(a.group_id.as_deref()?)?;
                let svc = super::group_service(g, w).unwrap_or_else(|| g.id.clone());
                Some((a.id.clone(), svc))
            })
            .collect();
        Plan {
            start,
            scale: opts.scale,
            alerts,
            injections: injections.to_vec(),
            evidence,
            effects,
            chain,
        }
    }

    /// The service whose Deployment gets the unrelated rollout: the first, in name order, that
    /// the fault does not touch (no random draw, so adding it kept the other draws unchanged).
    fn rollout_herring(&self, w: &World) -> Option<String> {
        w.services
            .keys()
            .find(|s| {
                !self.effects.contains_key(*s)
                    && !self.chain.contains(s)
                    && !self
                        .injections
                        .iter()
                        .any(|i| &i.victim == *s || i.name == **s)
            })
            .cloned()
    }

    fn minute(&self, m: i64) -> NaiveDateTime {
        self.start + Duration::minutes(m)
    }

    /// Writes every file of the snapshot into `out`.
    pub fn write(&self, w: &mut World, out: &Path) -> Result<(), SnapshotError> {
        self.write_alerts(w, out)?;
        self.write_objects(w, out)?;
        self.write_events(w, out)?;
        self.write_logs(w, out)?;
        self.write_traces(w, out)?;
        self.write_metrics(w, out)?;
        let arch: BTreeMap<&String, Value> = w
            .services
            .iter()
            .map(|(n, s)| (n, json!({"calls": s.calls, "language": s.language})))
            .collect();
        let p = out.join("app/arch.json");
        std::fs::write(
            &p,
            format!(
                "{:#}\n",
                json!({"namespace": w.namespace, "services": arch})
            ),
        )
        .map_err(|e| SnapshotError::io(&p, e))
    }

    fn write_alerts(&self, w: &mut World, out: &Path) -> Result<(), SnapshotError> {
        let herring = w
            .services
            .keys()
            .find(|s| !self.chain.contains(s) && !self.effects.contains_key(*s))
            .cloned()
            .unwrap_or_default();
        for m in 0..=MINUTES {
            let t = self.minute(m) + Duration::microseconds(i64::from(w.rng_u32() % 1_000_000));
            let mut firing = vec![
                json!({"labels": {"alertname": "CPUThrottlingHigh", "namespace": w.namespace, "service_name": herring, "severity": "info"},
                "annotations": {"description": format!("{:.0}% throttling of CPU in namespace {} for container {herring}.", 25.0 + 10.0 * w.unit(), w.namespace)},
                "state": "firing", "activeAt": rfc(self.start - Duration::minutes(45)), "value": format!("{:.3}", 0.25 + 0.1 * w.unit())}),
            ];
            for (i, (name, svc)) in self.alerts.iter().enumerate() {
                let from = INJECT_MIN + 2 + i as i64;
                if m >= from {
                    firing.push(json!({"labels": {"alertname": name, "namespace": w.namespace, "service_name": svc, "severity": "warning"},
                        "annotations": {"description": format!("{name} is firing for service {svc}")},
                        "state": "firing", "activeAt": rfc(self.minute(from)), "value": format!("{:.3}", 0.2 + 0.7 * w.unit())}));
                }
            }
            let p = out.join("alerts").join(format!(
                "alerts_at_{}.json",
                t.format("%Y-%m-%dT%H-%M-%S%.6f")
            ));
            let text = serde_json::to_string_pretty(&firing).unwrap_or_default();
            std::fs::write(&p, text + "\n").map_err(|e| SnapshotError::io(&p, e))?;
        }
        Ok(())
    }

    fn baseline_objects(&self, w: &mut World) -> Vec<(String, Value)> {
        let ns = w.namespace.clone();
        let mut objs = vec![(
            "namespaces".to_string(),
            json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": ns, "uid": uid(w), "labels": {"kubernetes.io/metadata.name": ns, "istio.io/dataplane-mode": "ambient"}}}),
        )];
        for n in w.nodes.clone() {
            objs.push(("nodes".into(), json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": n, "uid": uid(w), "labels": {"kubernetes.io/arch": "amd64", "node-role.kubernetes.io/worker": ""}},
                "spec": {}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}})));
        }
        for (name, s) in w.services.clone() {
            objs.push(("deployments".into(), deployment(w, &s.deployment, |_| {})));
            objs.push(("services".into(), json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns, "uid": uid(w)},
                "spec": {"type": "ClusterIP", "ports": [{"name": "tcp-service", "port": 8080, "protocol": "TCP", "targetPort": 8080}], "selector": {"opentelemetry.io/name": name}}})));
            objs.push(("pods".into(), json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": s.pod, "namespace": ns, "uid": uid(w),
                "labels": {"opentelemetry.io/name": name, "pod-template-hash": s.rs_hash}, "ownerReferences": [{"kind": "ReplicaSet", "name": format!("{name}-{}", s.rs_hash)}]},
                "spec": {"nodeName": s.node, "containers": [{"name": name}]}, "status": {"phase": "Running", "containerStatuses": [{"name": name, "ready": true, "restartCount": 0}]}})));
        }
        if ns == "otel-demo" {
            let off: serde_json::Map<String, Value> = ["adFailure", "cartFailure", "paymentFailure", "productCatalogFailure"]
                .iter()
                .map(|f| ((*f).to_string(), json!({"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"})))
                .collect();
            objs.push(("configmaps".into(), json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "flagd-config", "namespace": ns, "uid": uid(w)},
                "data": {"demo.flagd.json": serde_json::to_string_pretty(&json!({"flags": off})).unwrap_or_default()}})));
        }
        objs.push(("networkpolicies".into(), json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "allow-same-namespace", "namespace": ns, "uid": uid(w)},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": [{"podSelector": {}}]}]}})));
        objs
    }

    fn write_objects(&self, w: &mut World, out: &Path) -> Result<(), SnapshotError> {
        let path = out.join("k8s_objects_raw.tsv");
        let mut tw = open(&path, &LOG_COLUMNS)?;
        let base = self.baseline_objects(w);
        let key = |v: &Value| {
            (
                v["kind"].as_str().unwrap_or("").to_string(),
                v.pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            )
        };
        let mut end: Vec<(String, Value)> = base.clone();
        let t_inject = self.minute(INJECT_MIN) + Duration::seconds(17);
        for ev in &self.evidence {
            for (plural, obj) in &ev.objects {
                let mut obj = obj.clone();
                if let Some(slot) = end.iter_mut().find(|(_, b)| key(b) == key(&obj)) {
                    // A change keeps the object's identity and bumps its generation.
                    obj["metadata"]["uid"] = slot.1["metadata"]["uid"].clone();
                    obj["metadata"]["generation"] = json!(2);
                    obj["metadata"]["annotations"] =
                        json!({"deployment.kubernetes.io/revision": "2"});
                    obj["metadata"]["managedFields"] = json!([{"manager": "kubectl-edit", "operation": "Update", "time": rfc(t_inject)}]);
                    slot.1 = obj;
                } else {
                    obj["metadata"]["creationTimestamp"] = json!(rfc(t_inject));
                    end.push((plural.clone(), obj));
                }
            }
            for (_, gone) in &ev.deleted {
                end.retain(|(_, b)| key(b) != key(gone));
            }
        }
        // A red herring: an unrelated Deployment restarted (`kubectl rollout restart`) shortly
        // before the fault, so "what changed" alone does not give the answer.
        if let Some(name) = self.rollout_herring(w) {
            let t = rfc(self.minute(ROLLOUT_MIN));
            let deploy = w
                .services
                .get(&name)
                .map(|s| s.deployment.clone())
                .unwrap_or(name);
            if let Some(slot) = end.iter_mut().find(|(p, b)| {
                p == "deployments"
                    && b.pointer("/metadata/name").and_then(Value::as_str) == Some(deploy.as_str())
            }) {
                slot.1["metadata"]["generation"] = json!(2);
                slot.1["spec"]["template"]["metadata"]["annotations"] =
                    json!({"kubectl.kubernetes.io/restartedAt": t});
                slot.1["metadata"]["annotations"] =
                    json!({"deployment.kubernetes.io/revision": "2"});
            }
        }
        for (t, set) in [(self.start, &base), (self.minute(MINUTES), &end)] {
            for (plural, body) in set {
                let attrs = json!({"k8s.resource.name": plural});
                let row = k8s_row(t, body, &attrs.to_string());
                tw.write_record(&row).map_err(|e| csv_err(&path, e))?;
            }
        }
        tw.flush().map_err(|e| SnapshotError::io(&path, e))
    }

    fn write_events(&self, w: &mut World, out: &Path) -> Result<(), SnapshotError> {
        let path = out.join("k8s_events_raw.tsv");
        let mut tw = open(&path, &LOG_COLUMNS)?;
        let ns = w.namespace.clone();
        let mut rows: Vec<(NaiveDateTime, Value)> = Vec::new();
        let mut push = |t: NaiveDateTime,
                        first: NaiveDateTime,
                        kind_of: &str,
                        reason: &str,
                        msg: String,
                        okind: &str,
                        oname: &str,
                        ons: &str,
                        comp: &str,
                        count: u32,
                        w: &mut World| {
            let body = json!({"object": {"metadata": {"name": format!("{oname}.{}", w.hex(16)), "namespace": ons},
                "involvedObject": {"kind": okind, "name": oname, "namespace": ons}, "reason": reason, "message": msg,
                "firstTimestamp": rfc(first), "lastTimestamp": rfc(t), "eventTime": null, "type": kind_of, "count": count,
                "source": {"component": comp}}, "type": if count > 1 { "MODIFIED" } else { "ADDED" }});
            rows.push((t, body));
        };
        let herring = w
            .services
            .keys()
            .rev()
            .find(|s| !self.effects.contains_key(*s))
            .cloned()
            .unwrap_or_default();
        for s in w.services.values().cloned().collect::<Vec<_>>() {
            let t = self.start + Duration::seconds(i64::from(w.rng_u32() % 120));
            push(
                t,
                t,
                "Normal",
                "Pulled",
                format!(
                    "Container image \"ghcr.io/open-telemetry/demo:2.1.3-{}\" already present on machine",
                    s.name
                ),
                "Pod",
                &s.pod,
                &ns,
                "kubelet",
                1,
                w,
            );
        }
        if let Some(s) = w.services.get(&herring).cloned() {
            for (i, m) in [3, 7, 21].iter().enumerate() {
                let t = self.minute(*m) + Duration::seconds(9);
                push(t, self.minute(3), "Warning", "Unhealthy", "Liveness probe failed: Get \"http://10.244.2.31:8080/health\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)".into(), "Pod", &s.pod, &ns, "kubelet", i as u32 + 1, w);
            }
        }
        if let Some(name) = self.rollout_herring(w) {
            let deploy = w
                .services
                .get(&name)
                .map(|s| s.deployment.clone())
                .unwrap_or(name);
            let t = self.minute(ROLLOUT_MIN) + Duration::seconds(2);
            let rs = format!("{deploy}-{}", w.suffix(10));
            push(
                t,
                t,
                "Normal",
                "ScalingReplicaSet",
                format!("Scaled up replica set {rs} from 0 to 1"),
                "Deployment",
                &deploy,
                &ns,
                "deployment-controller",
                1,
                w,
            );
            let t = t + Duration::seconds(40);
            push(
                t,
                t,
                "Normal",
                "Killing",
                format!("Stopping container {deploy}"),
                "Pod",
                &format!("{rs}-{}", w.suffix(5)),
                &ns,
                "kubelet",
                1,
                w,
            );
        }
        for ev in &self.evidence {
            for spec in &ev.events {
                let first =
                    self.minute(INJECT_MIN) + Duration::seconds(20 + i64::from(w.rng_u32() % 40));
                let times = if spec.repeat {
                    (MINUTES - INJECT_MIN) / 3
                } else {
                    1
                };
                for k in 0..times {
                    let t = first + Duration::minutes(3 * k);
                    push(
                        t,
                        first,
                        spec.kind_of,
                        &spec.reason,
                        spec.message.clone(),
                        &spec.object_kind,
                        &spec.object_name,
                        &spec.namespace,
                        &spec.component,
                        k as u32 + 1,
                        w,
                    );
                }
            }
        }
        rows.sort_by_key(|a| a.0);
        for (t, body) in rows {
            let row = k8s_row(
                t,
                &body,
                &json!({"k8s.resource.name": "events", "event.domain": "k8s"}).to_string(),
            );
            tw.write_record(&row).map_err(|e| csv_err(&path, e))?;
        }
        tw.flush().map_err(|e| SnapshotError::io(&path, e))
    }

    fn resource(&self, w: &World, svc: &str) -> String {
        let s = w.services.get(svc);
        json!({"k8s.deployment.name": svc, "k8s.namespace.name": w.namespace, "k8s.node.name": s.map(|s| s.node.as_str()).unwrap_or(""),
               "k8s.pod.name": s.map(|s| s.pod.as_str()).unwrap_or(""), "service.name": svc,
               "telemetry.sdk.language": s.map(|s| s.language.split(' ').next().unwrap_or("").to_ascii_lowercase()).unwrap_or_default()}).to_string()
    }

    fn after(&self, m: i64) -> bool {
        m >= INJECT_MIN
    }

    fn write_logs(&self, w: &mut World, out: &Path) -> Result<(), SnapshotError> {
        let path = out.join("otel_logs_raw.tsv");
        let mut tw = open(&path, &LOG_COLUMNS)?;
        let per_min = (20.0 * self.scale).ceil() as usize;
        for m in 0..MINUTES {
            let mut rows: Vec<(NaiveDateTime, String, &str, String)> = Vec::new();
            for _ in 0..per_min {
                let svc = w.any_service();
                if self.after(m) && self.effects.get(&svc).is_some_and(|e| e.down) {
                    continue;
                }
                let (sev, body) = background_log(w, &svc, m);
                rows.push((
                    self.minute(m) + Duration::milliseconds(i64::from(w.rng_u32() % 60_000)),
                    svc,
                    sev,
                    body,
                ));
            }
            if self.after(m) {
                for (inj, ev) in self.injections.iter().zip(&self.evidence) {
                    let n = ((4.0 * self.scale * ev.effects.error_rate).ceil() as usize).max(1);
                    for _ in 0..n {
                        let t = self.minute(m)
                            + Duration::milliseconds(i64::from(w.rng_u32() % 60_000));
                        if !ev.effects.down && !ev.victim_log.is_empty() {
                            rows.push((t, inj.victim.clone(), "ERROR", ev.victim_log.clone()));
                        }
                        for caller in w.callers(&inj.victim) {
                            if w.unit() < 0.5 {
                                rows.push((
                                    t + Duration::milliseconds(3),
                                    caller,
                                    "ERROR",
                                    ev.caller_log.replace("{callee}", &inj.victim),
                                ));
                            }
                        }
                    }
                }
                for svc in self.chain.iter().skip(1) {
                    if w.unit() < 0.5 {
                        let t = self.minute(m)
                            + Duration::milliseconds(i64::from(w.rng_u32() % 60_000));
                        rows.push((
                            t,
                            svc.clone(),
                            "WARN",
                            format!(
                                "request failed: upstream returned status 503 (attempt {})",
                                1 + w.rng_u32() % 3
                            ),
                        ));
                    }
                }
            }
            rows.sort_by_key(|a| a.0);
            for (t, svc, sev, body) in rows {
                let num = match sev {
                    "ERROR" => "17",
                    "WARN" => "13",
                    "DEBUG" => "5",
                    _ => "9",
                };
                let row = [
                    ts(t),
                    ts_sec(t),
                    w.hex(32),
                    w.hex(16),
                    "1".into(),
                    sev.into(),
                    num.into(),
                    svc.clone(),
                    body,
                    "https://opentelemetry.io/schemas/1.24.0".into(),
                    self.resource(w, &svc),
                    String::new(),
                    svc.clone(),
                    String::new(),
                    "{}".into(),
                    "{}".into(),
                ];
                tw.write_record(&row).map_err(|e| csv_err(&path, e))?;
            }
        }
        tw.flush().map_err(|e| SnapshotError::io(&path, e))
    }

    fn write_traces(&self, w: &mut World, out: &Path) -> Result<(), SnapshotError> {
        let path = out.join("otel_traces_raw.tsv");
        let mut tw = open(&path, &TRACE_COLUMNS)?;
        let per_min = (8.0 * self.scale).ceil() as usize;
        let entry = if w.namespace == "book-info" {
            "productpage"
        } else {
            "frontend"
        };
        for m in 0..MINUTES {
            let mut rows: Vec<[String; 15]> = Vec::new();
            for _ in 0..per_min {
                let t0 = self.minute(m) + Duration::milliseconds(i64::from(w.rng_u32() % 60_000));
                let trace = w.hex(32);
                // A request walks down the call graph from the entry service.
                let mut path = vec![entry.to_string()];
                while path.len() < 4 {
                    let calls = w
                        .services
                        .get(path.last().map_or("", String::as_str))
                        .map(|s| s.calls.clone())
                        .unwrap_or_default();
                    let calls: Vec<String> = calls
                        .into_iter()
                        .filter(|c| w.services.contains_key(c))
                        .collect();
                    if calls.is_empty() || w.unit() < 0.25 {
                        break;
                    }
                    path.push(calls[w.rng_u32() as usize % calls.len()].clone());
                }
                let mut failed_at: Option<usize> = None;
                let mut durs: Vec<i64> = Vec::new();
                for (i, svc) in path.iter().enumerate() {
                    let mut d = 1_000_000 + i64::from(w.rng_u32() % 40_000_000);
                    if self.after(m)
                        && let Some(e) = self.effects.get(svc)
                    {
                        d += (e.latency_ms * 1e6 * (0.7 + 0.6 * w.unit())) as i64;
                        if failed_at.is_none() && (e.down || w.unit() < e.error_rate) {
                            failed_at = Some(i);
                        }
                    }
                    durs.push(d);
                }
                if let Some(f) = failed_at {
                    path.truncate(f + 1);
                    durs.truncate(f + 1);
                }
                let total: Vec<i64> = (0..durs.len()).map(|i| durs[i..].iter().sum()).collect();
                let mut parent = String::new();
                for (i, svc) in path.iter().enumerate() {
                    let span = w.hex(16);
                    let (code, msg) = match failed_at {
                        Some(f) if i == f => ("Error".to_string(), self.span_error(svc)),
                        Some(_) => ("Error".to_string(), format!("{} call failed", path[i + 1])),
                        None => (
                            if i == 0 { "Ok" } else { "Unset" }.to_string(),
                            String::new(),
                        ),
                    };
                    let attrs = json!({"rpc.system": "grpc", "rpc.service": span_service(svc), "net.peer.name": path.get(i + 1).cloned().unwrap_or_default()});
                    rows.push([
                        ts(t0 + Duration::microseconds(i as i64 * 150)),
                        trace.clone(),
                        span.clone(),
                        parent.clone(),
                        String::new(),
                        span_name(svc),
                        "Server".into(),
                        svc.clone(),
                        self.resource(w, svc),
                        "opentelemetry.instrumentation.grpc".into(),
                        "0.48b0".into(),
                        attrs.to_string(),
                        total[i].to_string(),
                        code,
                        msg,
                    ]);
                    parent = span;
                }
            }
            rows.sort_by(|a, b| a[0].cmp(&b[0]));
            for row in rows {
                tw.write_record(&row).map_err(|e| csv_err(&path, e))?;
            }
        }
        tw.flush().map_err(|e| SnapshotError::io(&path, e))
    }

    fn span_error(&self, svc: &str) -> String {
        self.injections
            .iter()
            .zip(&self.evidence)
            .find(|(i, _)| i.victim == svc)
            .map(|(_, e)| e.span_error.clone())
            .unwrap_or_else(|| "upstream error: status 503".into())
    }

    fn write_metrics(&self, w: &mut World, out: &Path) -> Result<(), SnapshotError> {
        let ns = w.namespace.clone();
        for s in w.services.values().cloned().collect::<Vec<_>>() {
            let path = out.join("metrics").join(format!("pod_{}_raw.tsv", s.pod));
            let mut tw = open(&path, &POD_METRIC_COLUMNS)?;
            let tags = pydict(&[("container", &s.name), ("namespace", &ns), ("pod", &s.pod)]);
            let (base_cpu, base_mem) = (0.02 + 0.2 * w.unit(), 40.0 + 200.0 * w.unit());
            let (mut cpu, mut restarts) = (1000.0 * w.unit(), 0u32);
            let e = self.effects.get(&s.name).cloned().unwrap_or(Effects {
                cpu: 1.0,
                mem: 1.0,
                ..Effects::default()
            });
            let samples = (0.5 * self.scale).ceil().max(1.0) as i64;
            for m in 0..=MINUTES {
                let after = self.after(m);
                if after && e.down && e.cpu == 0.0 {
                    break;
                }
                for k in 0..samples {
                    let t = self.minute(m) + Duration::seconds(60 * k / samples);
                    let f_cpu = if after { e.cpu } else { 1.0 };
                    let f_mem = if after { e.mem } else { 1.0 };
                    cpu += base_cpu * f_cpu * 60.0 / samples as f64 * (0.8 + 0.4 * w.unit());
                    if after && e.restarts && m % 3 == 0 && k == 0 {
                        restarts += 1;
                    }
                    let mem = (base_mem * f_mem * (0.95 + 0.1 * w.unit()) * 1_048_576.0).round();
                    for (name, v) in [
                        ("container_cpu_usage_seconds_total", format!("{cpu:.4}")),
                        ("container_memory_working_set_bytes", format!("{mem:.0}")),
                        (
                            "kube_pod_container_status_restarts_total",
                            restarts.to_string(),
                        ),
                    ] {
                        tw.write_record([name, &ts(t), &v, &s.pod, &ns, &tags])
                            .map_err(|e| csv_err(&path, e))?;
                    }
                }
            }
            tw.flush().map_err(|e| SnapshotError::io(&path, e))?;

            let path = out
                .join("metrics")
                .join(format!("service_{}_raw.tsv", s.name));
            let mut tw = open(&path, &SERVICE_METRIC_COLUMNS)?;
            let (mut ok, mut err) = (0u64, 0u64);
            let rate = 20.0 + 100.0 * w.unit();
            for m in 0..=MINUTES {
                let t = self.minute(m);
                let er = if self.after(m) { e.error_rate } else { 0.002 };
                let calls = (rate * (0.9 + 0.2 * w.unit())) as u64;
                let bad = (calls as f64 * er).round() as u64;
                ok += calls - bad.min(calls);
                err += bad;
                for (code, v) in [("STATUS_CODE_UNSET", ok), ("STATUS_CODE_ERROR", err)] {
                    let tags = pydict(&[
                        ("service_name", &s.name),
                        ("span_kind", "SPAN_KIND_SERVER"),
                        ("status_code", code),
                    ]);
                    tw.write_record([
                        "traces_span_metrics_calls_total",
                        &ts(t),
                        &v.to_string(),
                        &s.name,
                        &ns,
                        code,
                        &tags,
                    ])
                    .map_err(|e| csv_err(&path, e))?;
                }
            }
            tw.flush().map_err(|e| SnapshotError::io(&path, e))?;
        }
        Ok(())
    }
}

/// `product-catalog` -> `ProductCatalogService`.
fn span_service(svc: &str) -> String {
    let camel: String = svc
        .split('-')
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    format!("oteldemo.{camel}Service")
}

fn span_name(svc: &str) -> String {
    let op = match svc {
        "frontend" | "frontend-proxy" | "productpage" => return "GET /api/products".into(),
        "cart" => "GetCart",
        "checkout" => "PlaceOrder",
        "payment" => "Charge",
        "product-catalog" => "GetProduct",
        "recommendation" => "ListRecommendations",
        "shipping" => "GetQuote",
        "currency" => "Convert",
        "ad" => "GetAds",
        "email" => "SendOrderConfirmation",
        _ => "Handle",
    };
    format!("{}/{op}", span_service(svc))
}

fn background_log(w: &mut World, svc: &str, m: i64) -> (&'static str, String) {
    let r = w.unit();
    let id = w.hex(8);
    let line = match svc {
        "accounting" if r < 0.1 => {
            return (
                "WARN",
                format!(
                    "slow query: INSERT INTO orders took {}ms",
                    300 + w.rng_u32() % 700
                ),
            );
        }
        "kafka" if r < 0.05 && m < 8 => {
            return (
                "WARN",
                "[Consumer clientId=consumer-1] Node 1 disconnected; retrying".into(),
            );
        }
        "load-generator" => format!("GET /api/products/{} 200 {}ms", id, 5 + w.rng_u32() % 80),
        "frontend" | "frontend-proxy" | "productpage" => format!(
            "request completed method=GET path=\"/api/cart\" status=200 duration_ms={}",
            3 + w.rng_u32() % 90
        ),
        "cart" | "valkey-cart" => format!("GetCartAsync called with userId={id}"),
        "checkout" => format!("order placed order_id={id} items={}", 1 + w.rng_u32() % 4),
        "payment" => format!("Transaction complete. transactionId={id} cardType=visa"),
        "product-catalog" => format!("Product Found product_id={}", 1 + w.rng_u32() % 10),
        "currency" => "Currency conversion successful from=USD to=EUR".into(),
        "email" => format!("Order confirmation email sent to {id}@example.com"),
        "shipping" => format!("Sending Quote: {:.2}", 10.0 + 50.0 * w.unit()),
        "quote" => format!("Calculated quote: {:.2}", 5.0 + 20.0 * w.unit()),
        "recommendation" => format!("Receive ListRecommendations for product ids:['{id}']"),
        "ad" => "Targeted ad request received for [travel]".into(),
        _ => format!("handled request id={id}"),
    };
    (if r < 0.03 { "DEBUG" } else { "INFO" }, line)
}
