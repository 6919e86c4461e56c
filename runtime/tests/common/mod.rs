//! Fixtures shared by the sandbox tests: small snapshots written into temporary directories.

#![allow(
    dead_code,
    reason = "each test crate that includes this module uses a part of it"
)]

use std::path::{Path, PathBuf};

use rcabox_runtime::sandbox::{CommandResult, Limits, Runtime, Session, SessionConfig};

/// A temporary snapshot in the ITBench layout, with a ground truth to hide.
pub struct Snap {
    pub dir: tempfile::TempDir,
}

impl Snap {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

pub const GROUND_TRUTH: &str = "groups:\n  - id: g1\n    kind: NetworkPolicy\n    namespace: otel-demo\n    filter: ['frontend-block-all-ports']\n    root_cause: true\n";

/// Writes a small snapshot: alerts, logs with ERROR lines, metrics, a ground truth.
pub fn snapshot() -> Snap {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir_all(p.join("alerts")).expect("mkdir");
    std::fs::create_dir_all(p.join("metrics")).expect("mkdir");
    for (i, t) in [
        "2025-12-15T17-20-00.000000",
        "2025-12-15T17-49-07.250000",
        "2025-12-15T17-30-00.000000",
    ]
    .iter()
    .enumerate()
    {
        let body = if i == 0 {
            "[]".to_string()
        } else {
            format!(
                "[{{\"labels\":{{\"alertname\":\"RequestErrorRate\",\"service_name\":\"checkout\",\"n\":{i}}}}}]"
            )
        };
        std::fs::write(p.join("alerts").join(format!("alerts_at_{t}.json")), body).expect("write");
    }
    let mut logs = String::from("Timestamp\tSeverityText\tServiceName\tBody\n");
    for i in 0..2000 {
        let sev = if i % 7 == 0 { "ERROR" } else { "INFO" };
        logs.push_str(&format!(
            "2025-12-15 17:{:02}:00.000\t{sev}\tsvc{}\t\"msg {i} with \"\"quotes\"\"\"\n",
            i % 60,
            i % 5
        ));
    }
    std::fs::write(p.join("otel_logs_raw.tsv"), logs).expect("write");
    for svc in ["frontend", "cart", "ad"] {
        std::fs::write(
            p.join("metrics").join(format!("service_{svc}_raw.tsv")),
            "metric_name\ttimestamp\tvalue\n",
        )
        .expect("write");
    }
    std::fs::write(p.join("ground_truth.yaml"), GROUND_TRUTH).expect("write");
    Snap { dir }
}

pub fn runtime() -> std::sync::Arc<Runtime> {
    Runtime::shared().expect("the sandbox runtime starts")
}

pub fn session_with(snap: &Path, limits: Limits) -> Session {
    let mut cfg = SessionConfig::for_snapshot(snap);
    cfg.limits = limits;
    Session::new(runtime(), cfg).expect("session opens")
}

pub fn session(snap: &Path) -> Session {
    session_with(snap, Limits::default())
}

pub fn out(r: &CommandResult) -> String {
    String::from_utf8_lossy(&r.stdout).into_owned()
}

pub fn err(r: &CommandResult) -> String {
    String::from_utf8_lossy(&r.stderr).into_owned()
}

/// Budget a command held at its peak, in MiB.
pub fn peak_mib(r: &CommandResult) -> f64 {
    r.peak_memory_bytes as f64 / (1u64 << 20) as f64
}

/// Every file under `dir` with its bytes, to prove a directory did not change.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                v.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    v.sort();
    v
}

/// A bundled snapshot, `Scenario-<N>`, materialized from snapshots/bundle.json on first use.
pub fn bundled(name: &str) -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../snapshots");
    rcabox_runtime::snapshot::bundle::materialize(&root.join("bundle.json"), &root)
        .expect("bundled snapshots");
    root.join(name)
}
