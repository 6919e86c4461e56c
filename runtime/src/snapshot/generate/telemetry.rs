//! The incident's plan, and the telemetry the application emits under it: logs, traces and
//! metrics, minute by minute. Alerts, objects and events have their own modules.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use super::Options;
use super::faults::{Effects, Evidence, Injection};
use super::world::World;
use crate::snapshot::SnapshotError;
use crate::snapshot::groundtruth::GroundTruth;
use crate::snapshot::{pymap, tsv};

/// Minutes recorded.
pub(super) const MINUTES: i64 = 30;
/// Minute the fault is injected.
pub(super) const INJECT_MIN: i64 = 10;
/// Minute of the unrelated rollout restart (a red herring).
pub(super) const ROLLOUT_MIN: i64 = 4;
/// Minute of a second unrelated rollout, still before the fault.
pub(super) const SECOND_ROLLOUT_MIN: i64 = 7;

/// Columns of the logs, events and objects TSVs (ITBench-Lite v0.2; v0.1 lacks `EventName`).
pub const LOG_COLUMNS: [&str; 17] = [
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
    "EventName",
];
/// Columns of the traces TSV (v0.2; v0.1 stops at `StatusMessage`).
pub const TRACE_COLUMNS: [&str; 22] = [
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
    "Events.Timestamp",
    "Events.Name",
    "Events.Attributes",
    "Links.TraceId",
    "Links.SpanId",
    "Links.TraceState",
    "Links.Attributes",
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
/// Columns of a service metrics TSV (v0.2; v0.1 has `... namespace status_code tags`).
pub const SERVICE_METRIC_COLUMNS: [&str; 9] = [
    "metric_name",
    "timestamp",
    "value",
    "service_name",
    "namespace",
    "bucket_le",
    "tags",
    "metric_type",
    "status_code",
];
/// Upper bounds of the span-duration histogram, in milliseconds.
const BUCKETS_MS: [f64; 8] = [5.0, 10.0, 50.0, 100.0, 500.0, 1000.0, 5000.0, f64::INFINITY];

/// The timeline and effects of one generated incident.
pub struct Plan {
    /// First minute of the window.
    pub(super) start: NaiveDateTime,
    scale: f64,
    /// The ground truth's alerts: (name, service).
    pub(super) alerts: Vec<(String, String)>,
    pub(super) injections: Vec<Injection>,
    pub(super) evidence: Vec<Evidence>,
    /// Effects per service after the injection.
    pub(super) effects: BTreeMap<String, Effects>,
    /// Services along the propagation, root cause first.
    pub(super) chain: Vec<String>,
}

type Writer = csv::Writer<BufWriter<File>>;

pub(super) fn open(path: &Path, header: &[&str]) -> Result<Writer, SnapshotError> {
    let f = File::create(path).map_err(|e| SnapshotError::io(path, e))?;
    let mut w = tsv::writer(BufWriter::with_capacity(1 << 16, f));
    w.write_record(header).map_err(|e| csv_err(path, e))?;
    Ok(w)
}

pub(super) fn csv_err(path: &Path, e: csv::Error) -> SnapshotError {
    SnapshotError::io(path, std::io::Error::other(e.to_string()))
}

fn ts(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.9f").to_string()
}
fn ts_sec(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}
/// A row of the objects or events TSV: the recorder's k8sobjects receiver leaves the trace,
/// severity and scope columns empty and puts the object in `Body`.
pub(super) fn k8s_row(t: NaiveDateTime, body: &Value, attrs: &str) -> [String; 17] {
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
        empty(),
    ]
}

/// Python-dict text of string pairs, as the recorder writes map columns.
fn pydict(pairs: &[(&str, &str)]) -> String {
    let m: serde_json::Map<String, Value> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), json!(v)))
        .collect();
    pymap::to_text(&Value::Object(m))
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

    /// The services whose Deployments get the unrelated rollouts: the first two, in name
    /// order, that the fault does not touch.
    pub(super) fn rollout_herrings(&self, w: &World) -> Vec<String> {
        w.services
            .keys()
            .filter(|s| {
                !self.effects.contains_key(*s)
                    && !self.chain.contains(s)
                    && !self
                        .injections
                        .iter()
                        .any(|i| &i.victim == *s || i.name == **s)
            })
            .take(2)
            .cloned()
            .collect()
    }

    /// Time of minute `m` of the window.
    pub(super) fn minute(&self, m: i64) -> NaiveDateTime {
        self.start + Duration::minutes(m)
    }

    /// RFC 3339 time `secs` seconds from the window's start.
    pub(super) fn stamp_offset(&self, secs: i64) -> String {
        (self.start + Duration::seconds(secs))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }

    /// Writes every file of the snapshot into `out`.
    pub fn write(&self, w: &mut World, out: &Path) -> Result<(), SnapshotError> {
        let cluster = self.cluster(w);
        // The collector pod that stamps `host.name` on every log and span.
        let collector = cluster
            .pods
            .iter()
            .find(|p| p.owner.1.starts_with("otel-collector-") && p.owner.0 == "ReplicaSet")
            .map(|p| p.name.clone())
            .unwrap_or_default();
        self.write_alerts(w, out)?;
        self.write_objects(&cluster, out)?;
        self.write_events(&cluster, w, out)?;
        self.write_logs(w, out, &collector)?;
        self.write_traces(w, out, &collector)?;
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

    /// `ResourceAttributes` of a service's logs and spans, as the collector's k8sattributes
    /// processor fills them (`host.name` is the collector's own pod).
    fn resource(&self, w: &World, svc: &str, collector: &str) -> String {
        let s = w.services.get(svc);
        let pod = s.map_or("", |s| s.pod.as_str());
        let lang = s
            .map(|s| {
                s.language
                    .split(' ')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        pymap::to_text(
            &json!({"host.name": collector, "k8s.deployment.name": svc, "k8s.namespace.name": w.namespace,
            "k8s.node.name": s.map_or("", |s| s.node.as_str()), "k8s.pod.name": pod, "service.name": svc,
            "service.namespace": "opentelemetry-demo", "service.version": "2.1.3",
            "telemetry.sdk.language": lang, "telemetry.sdk.name": "opentelemetry"}),
        )
    }

    fn after(&self, m: i64) -> bool {
        m >= INJECT_MIN
    }

    fn write_logs(&self, w: &mut World, out: &Path, collector: &str) -> Result<(), SnapshotError> {
        let path = out.join("otel_logs_raw.tsv");
        let mut tw = open(&path, &LOG_COLUMNS)?;
        let per_min = (20.0 * self.scale).ceil() as usize;
        let quiet = self.evidence.iter().all(|e| e.quiet);
        let entry = w.entry_service();
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
            if quiet && m == INJECT_MIN + 3 {
                // A failing flag turns calls into error statuses that only spans and span
                // metrics show; the one trace in the logs is a retry warning.
                let victim = self.chain.first().cloned().unwrap_or_default();
                rows.push((
                    self.minute(m) + Duration::milliseconds(i64::from(w.rng_u32() % 60_000)),
                    entry.to_string(),
                    "WARN",
                    format!("request to {victim} failed, retrying (attempt 2 of 3)"),
                ));
            }
            if self.after(m) {
                for (inj, ev) in self.injections.iter().zip(&self.evidence) {
                    if ev.quiet {
                        continue;
                    }
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
                    if !quiet && w.unit() < 0.3 {
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
                let (sev, num) = severity(w, &svc, sev);
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
                    self.resource(w, &svc, collector),
                    String::new(),
                    svc.clone(),
                    String::new(),
                    "{}".into(),
                    "{}".into(),
                    String::new(),
                ];
                tw.write_record(&row).map_err(|e| csv_err(&path, e))?;
            }
        }
        tw.flush().map_err(|e| SnapshotError::io(&path, e))
    }

    fn write_traces(
        &self,
        w: &mut World,
        out: &Path,
        collector: &str,
    ) -> Result<(), SnapshotError> {
        let path = out.join("otel_traces_raw.tsv");
        let mut tw = open(&path, &TRACE_COLUMNS)?;
        let per_min = (8.0 * self.scale).ceil() as usize;
        let entry = w.entry_service();
        for m in 0..MINUTES {
            let mut rows: Vec<[String; 22]> = Vec::new();
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
                    let start = t0 + Duration::microseconds(i as i64 * 150);
                    let (code, msg) = match failed_at {
                        Some(f) if i == f => ("Error".to_string(), self.span_error(svc)),
                        Some(_) => ("Error".to_string(), format!("{} call failed", path[i + 1])),
                        None => (
                            if i == 0 { "Ok" } else { "Unset" }.to_string(),
                            String::new(),
                        ),
                    };
                    // A failed span records the exception as a span event.
                    let (ev_ts, ev_name, ev_attrs) = if code == "Error" {
                        let at = start + Duration::nanoseconds(total[i] - 1000);
                        (
                            pymap::to_text(&json!([ts(at)])),
                            "['exception']".to_string(),
                            pymap::to_text(
                                &json!([{"exception.message": msg, "exception.type": "RpcException"}]),
                            ),
                        )
                    } else {
                        ("[]".into(), "[]".into(), "[]".into())
                    };
                    let attrs = pymap::to_text(
                        &json!({"rpc.system": "grpc", "rpc.service": span_service(svc), "net.peer.name": path.get(i + 1).cloned().unwrap_or_default()}),
                    );
                    rows.push([
                        ts(start),
                        trace.clone(),
                        span.clone(),
                        parent.clone(),
                        String::new(),
                        span_name(svc),
                        "Server".into(),
                        svc.clone(),
                        self.resource(w, svc, collector),
                        "opentelemetry.instrumentation.grpc".into(),
                        "0.48b0".into(),
                        attrs,
                        total[i].to_string(),
                        code,
                        msg,
                        ev_ts,
                        ev_name,
                        ev_attrs,
                        "[]".into(),
                        "[]".into(),
                        "[]".into(),
                        "[]".into(),
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

    /// Seconds between two metric samples: Prometheus scrapes every 30 s; smaller scales
    /// keep one sample every three minutes so a bundled snapshot stays small.
    fn sample_secs(&self) -> i64 {
        ((60.0 / self.scale).clamp(30.0, 180.0) / 15.0).round() as i64 * 15
    }

    fn write_metrics(&self, w: &mut World, out: &Path) -> Result<(), SnapshotError> {
        let ns = w.namespace.clone();
        let step = self.sample_secs();
        let samples: Vec<i64> = (0..=MINUTES * 60 / step).map(|k| k * step).collect();
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
            let mut last_restart = -1;
            for &sec in &samples {
                let m = sec / 60;
                let after = self.after(m);
                if after && e.down && e.cpu == 0.0 {
                    break;
                }
                let t = self.start + Duration::seconds(sec);
                let f_cpu = if after { e.cpu } else { 1.0 };
                let f_mem = if after { e.mem } else { 1.0 };
                cpu += base_cpu * f_cpu * step as f64 * (0.8 + 0.4 * w.unit());
                if after && e.restarts && m % 3 == 0 && m != last_restart {
                    restarts += 1;
                    last_restart = m;
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
            tw.flush().map_err(|e| SnapshotError::io(&path, e))?;

            let path = out
                .join("metrics")
                .join(format!("service_{}_raw.tsv", s.name));
            let mut tw = open(&path, &SERVICE_METRIC_COLUMNS)?;
            let (mut ok, mut err) = (0u64, 0u64);
            let mut buckets = [0u64; BUCKETS_MS.len()];
            let rate = (20.0 + 100.0 * w.unit()) * step as f64 / 60.0;
            let base_ms = 5.0 + 30.0 * w.unit();
            for &sec in &samples {
                let after = self.after(sec / 60);
                let t = ts(self.start + Duration::seconds(sec));
                let er = if after { e.error_rate } else { 0.002 };
                let mean = base_ms + if after { e.latency_ms } else { 0.0 };
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
                        &t,
                        &v.to_string(),
                        &s.name,
                        &ns,
                        "",
                        &tags,
                        "sum",
                        code,
                    ])
                    .map_err(|e| csv_err(&path, e))?;
                }
                // Exponentially distributed durations around the mean: the share of calls
                // under each bound, accumulated as Prometheus histogram buckets are.
                for (b, le) in buckets.iter_mut().zip(BUCKETS_MS) {
                    let share = if le.is_finite() {
                        1.0 - (-le / mean).exp()
                    } else {
                        1.0
                    };
                    *b += (calls as f64 * share).round() as u64;
                }
                for (b, le) in buckets.iter().zip(BUCKETS_MS) {
                    let le = if le.is_finite() {
                        format!("{le}")
                    } else {
                        "+Inf".into()
                    };
                    let tags = pydict(&[
                        ("le", &le),
                        ("service_name", &s.name),
                        ("span_kind", "SPAN_KIND_SERVER"),
                    ]);
                    tw.write_record([
                        "traces_span_metrics_duration_milliseconds_bucket",
                        &t,
                        &b.to_string(),
                        &s.name,
                        &ns,
                        &le,
                        &tags,
                        "histogram",
                        "",
                    ])
                    .map_err(|e| csv_err(&path, e))?;
                }
            }
            tw.flush().map_err(|e| SnapshotError::io(&path, e))?;
        }
        Ok(())
    }
}

/// How a service's logs arrive: SDKs with a log bridge map error to `ERROR`; services whose
/// stdout the collector's filelog receiver picks up carry no severity.
fn severity<'a>(w: &World, svc: &str, sev: &'a str) -> (&'a str, &'static str) {
    let lang = w.services.get(svc).map_or("", |s| s.language.as_str());
    let bridged = ["Go", "Java", "Kotlin", ".NET", "Python", "Rust", "Ruby"]
        .iter()
        .any(|l| lang.starts_with(l));
    if !bridged {
        return ("", "0");
    }
    let num = match sev {
        "ERROR" => "17",
        "WARN" => "13",
        "DEBUG" => "5",
        _ => "9",
    };
    (sev, num)
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
