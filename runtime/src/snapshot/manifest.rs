//! The manifest: every file's size and SHA-256, a content hash of the whole, the capture
//! window and what the snapshot holds. `verify` recomputes the hashes and names any file that
//! changed, appeared or disappeared.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::layout::{MANIFEST_NAME, Role, SnapFile, list_files};
use super::tsv::TsvReader;
use super::{SnapshotError, alert_file_time};

/// One file's entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path relative to the snapshot root.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
}

/// What a snapshot holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Alert files.
    pub alert_files: u64,
    /// Firing alerts summed over the alert files.
    pub alerts: u64,
    /// Distinct alert names.
    pub alert_names: Vec<String>,
    /// Kubernetes event records.
    pub events: u64,
    /// Kubernetes object records.
    pub objects: u64,
    /// Log records.
    pub log_lines: u64,
    /// Span records.
    pub spans: u64,
    /// Metric files.
    pub metric_files: u64,
    /// Distinct (file, metric name, label set) series.
    pub metric_series: u64,
    /// Metric samples.
    pub metric_samples: u64,
}

/// The capture window, from the alert file names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// First alert file's time (UTC, RFC 3339).
    pub start: String,
    /// Last alert file's time.
    pub end: String,
}

/// A snapshot's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Manifest format version.
    pub format: u32,
    /// SHA-256 over the sorted `sha256  size  path` lines of every file.
    pub content_hash: String,
    /// Whether a ground truth is present (its hash is among `files`).
    pub has_ground_truth: bool,
    /// Capture window, when there are alert files.
    pub window: Option<Window>,
    /// Record counts.
    pub counts: Counts,
    /// Every file but the manifest itself, in path order.
    pub files: Vec<FileEntry>,
}

/// What `verify` found.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Files whose size or hash differ.
    pub changed: Vec<String>,
    /// Files not in the manifest.
    pub added: Vec<String>,
    /// Manifest files not on disk.
    pub missing: Vec<String>,
}

impl VerifyReport {
    /// True when nothing differs.
    pub fn ok(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.missing.is_empty()
    }
}

fn hash_file(f: &SnapFile) -> Result<String, SnapshotError> {
    let mut file = std::fs::File::open(&f.path).map_err(|e| SnapshotError::io(&f.path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| SnapshotError::io(&f.path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

fn hashed(dir: &Path) -> Result<Vec<FileEntry>, SnapshotError> {
    list_files(dir)?
        .iter()
        .filter(|f| f.rel != MANIFEST_NAME)
        .map(|f| {
            Ok(FileEntry {
                path: f.rel.clone(),
                size: f.size,
                sha256: hash_file(f)?,
            })
        })
        .collect()
}

fn content_hash(files: &[FileEntry]) -> String {
    let mut h = Sha256::new();
    for f in files {
        h.update(format!("{}  {}  {}\n", f.sha256, f.size, f.path));
    }
    hex::encode(h.finalize())
}

/// The content hash of a snapshot: every file but the manifest.
pub fn hash(dir: &Path) -> Result<String, SnapshotError> {
    Ok(content_hash(&hashed(dir)?))
}

/// The alerts in one alert file: a JSON array, or `{"data":{"alerts":[..]}}`, or
/// `{"alerts":[..]}`.
pub fn read_alerts(path: &Path) -> Result<Vec<serde_json::Value>, SnapshotError> {
    let text = std::fs::read_to_string(path).map_err(|e| SnapshotError::io(path, e))?;
    let bad = |line: usize, message: String| SnapshotError::Malformed {
        path: path.display().to_string(),
        line,
        message,
    };
    if text.trim().is_empty() {
        return Err(bad(
            1,
            "empty alert file; an alert file holds a JSON array of firing alerts (`[]` when none)"
                .into(),
        ));
    }
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(e.line(), format!("not valid JSON: {e}")))?;
    let list = v
        .as_array()
        .or_else(|| v.pointer("/data/alerts").and_then(|a| a.as_array()))
        .or_else(|| v.get("alerts").and_then(|a| a.as_array()))
        .ok_or_else(|| {
            bad(
                1,
                "expected a JSON array of alerts, {\"data\":{\"alerts\":[..]}} or {\"alerts\":[..]}"
                    .into(),
            )
        })?;
    Ok(list.clone())
}

/// Counts the records of one TSV, checking the columns its role needs.
fn count_tsv(f: &SnapFile, counts: &mut Counts) -> Result<(), SnapshotError> {
    let mut r = TsvReader::open(&f.path)?;
    let need: &[&str] = match f.role {
        Role::Events | Role::Objects | Role::Logs => &["Timestamp", "Body"],
        Role::Traces => &["Timestamp", "ServiceName", "SpanName"],
        _ => &["metric_name", "timestamp", "value"],
    };
    for col in need {
        if r.column(col).is_none() {
            return Err(SnapshotError::Malformed {
                path: f.path.display().to_string(),
                line: 1,
                message: format!(
                    "no `{col}` column (header: {}); see FORMATS.md for this file's columns",
                    r.header().join(" ")
                ),
            });
        }
    }
    let metric = r.column("metric_name");
    let tags = r.column("tags");
    let mut series: HashSet<(String, String)> = HashSet::new();
    let mut rec = csv::StringRecord::new();
    let mut n = 0u64;
    while r.next_record(&mut rec)? {
        n += 1;
        if let Some(m) = metric {
            let t = tags.and_then(|t| rec.get(t)).unwrap_or("");
            let key = (rec.get(m).unwrap_or("").to_string(), t.to_string());
            if !series.contains(&key) {
                series.insert(key);
            }
        }
    }
    match f.role {
        Role::Events => counts.events += n,
        Role::Objects => counts.objects += n,
        Role::Logs => counts.log_lines += n,
        Role::Traces => counts.spans += n,
        _ => {
            counts.metric_files += 1;
            counts.metric_samples += n;
            counts.metric_series += series.len() as u64;
        }
    }
    Ok(())
}

impl Manifest {
    /// Builds the manifest of a snapshot directory, reading every file once.
    pub fn build(dir: &Path) -> Result<Manifest, SnapshotError> {
        let listed = list_files(dir)?;
        let mut counts = Counts::default();
        let mut names: BTreeMap<String, ()> = BTreeMap::new();
        let mut times = Vec::new();
        for f in &listed {
            match f.role {
                Role::Alerts => {
                    let alerts = read_alerts(&f.path)?;
                    counts.alert_files += 1;
                    counts.alerts += alerts.len() as u64;
                    for a in &alerts {
                        if let Some(n) = a.pointer("/labels/alertname").and_then(|n| n.as_str()) {
                            names.insert(n.to_string(), ());
                        }
                    }
                    let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
                    times.extend(alert_file_time(name));
                }
                Role::Events
                | Role::Objects
                | Role::Logs
                | Role::Traces
                | Role::PodMetrics
                | Role::ServiceMetrics => count_tsv(f, &mut counts)?,
                _ => {}
            }
        }
        counts.alert_names = names.into_keys().collect();
        times.sort();
        let fmt =
            |t: &chrono::NaiveDateTime| t.and_utc().format("%Y-%m-%dT%H:%M:%S%.fZ").to_string();
        let window = match (times.first(), times.last()) {
            (Some(a), Some(b)) => Some(Window {
                start: fmt(a),
                end: fmt(b),
            }),
            _ => None,
        };
        let files = hashed(dir)?;
        Ok(Manifest {
            format: 1,
            content_hash: content_hash(&files),
            has_ground_truth: listed.iter().any(|f| f.role == Role::GroundTruth),
            window,
            counts,
            files,
        })
    }

    /// Reads a manifest file.
    pub fn load(path: &Path) -> Result<Manifest, SnapshotError> {
        let text = std::fs::read_to_string(path).map_err(|e| SnapshotError::io(path, e))?;
        serde_json::from_str(&text).map_err(|e| SnapshotError::Malformed {
            path: path.display().to_string(),
            line: e.line(),
            message: format!("not an rcabox manifest: {e}"),
        })
    }

    /// Writes the manifest as pretty JSON with a final newline.
    pub fn save(&self, path: &Path) -> Result<(), SnapshotError> {
        let mut text =
            serde_json::to_string_pretty(self).map_err(|e| SnapshotError::Malformed {
                path: path.display().to_string(),
                line: 0,
                message: e.to_string(),
            })?;
        text.push('\n');
        std::fs::write(path, text).map_err(|e| SnapshotError::io(path, e))
    }

    /// Compares a snapshot directory against this manifest.
    pub fn verify(&self, dir: &Path) -> Result<VerifyReport, SnapshotError> {
        let now = hashed(dir)?;
        let want: BTreeMap<&str, &FileEntry> =
            self.files.iter().map(|f| (f.path.as_str(), f)).collect();
        let have: BTreeMap<&str, &FileEntry> = now.iter().map(|f| (f.path.as_str(), f)).collect();
        let mut r = VerifyReport::default();
        for (p, f) in &have {
            match want.get(p) {
                None => r.added.push(p.to_string()),
                Some(w) if w != f => r.changed.push(p.to_string()),
                Some(_) => {}
            }
        }
        r.missing = want
            .keys()
            .filter(|p| !have.contains_key(*p))
            .map(|p| p.to_string())
            .collect();
        Ok(r)
    }
}
