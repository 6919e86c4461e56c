//! Which file of a snapshot directory plays which part.
//!
//! Matching is lenient, as the published snapshots vary: `*events*.tsv`, `*objects*.tsv`,
//! `*traces*.tsv`, `*logs*.tsv` at the root; alert files in `alerts/` or at the root; metrics
//! under `metrics/` as `pod_<pod>_raw.tsv` and `service_<svc>_raw.tsv`.

use std::path::{Path, PathBuf};

use super::SnapshotError;

/// Ground-truth file names: read by the scorer, never mounted.
pub const GROUND_TRUTH_NAMES: &[&str] = &["ground_truth.yaml", "groundtruth_v1.yaml"];

/// The manifest rcabox writes into a snapshot (hidden from agents like the ground truth).
pub const MANIFEST_NAME: &str = "rcabox-manifest.json";

/// What a file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// `alerts_at_<UTC>.json` or `alerts_in_alerting_state_<UTC>.json`.
    Alerts,
    /// Kubernetes events TSV.
    Events,
    /// Kubernetes objects TSV.
    Objects,
    /// OpenTelemetry logs TSV.
    Logs,
    /// OpenTelemetry traces TSV.
    Traces,
    /// `metrics/pod_<pod>_raw.tsv`.
    PodMetrics,
    /// `metrics/service_<svc>_raw.tsv`.
    ServiceMetrics,
    /// `app/arch.json` or `topology.json`.
    Topology,
    /// The answer key.
    GroundTruth,
    /// Provenance and other files.
    Other,
}

/// One file of a snapshot, with its path relative to the snapshot root (`/` separated).
#[derive(Debug, Clone)]
pub struct SnapFile {
    /// Relative path.
    pub rel: String,
    /// Absolute path.
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// Its role.
    pub role: Role,
}

/// Classifies a relative path.
pub fn role_of(rel: &str) -> Role {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let top = !rel.contains('/');
    if GROUND_TRUTH_NAMES.contains(&name) && top {
        return Role::GroundTruth;
    }
    let in_alerts = top || rel.starts_with("alerts/");
    if in_alerts
        && (name.starts_with("alerts_at_") || name.starts_with("alerts_in_alerting_state"))
        && name.ends_with(".json")
    {
        return Role::Alerts;
    }
    if rel.starts_with("metrics/") && name.ends_with(".tsv") {
        if name.starts_with("pod_") {
            return Role::PodMetrics;
        }
        if name.starts_with("service_") {
            return Role::ServiceMetrics;
        }
    }
    if rel == "app/arch.json" || rel == "topology.json" {
        return Role::Topology;
    }
    if top && name.ends_with(".tsv") {
        for (needle, role) in [
            ("events", Role::Events),
            ("objects", Role::Objects),
            ("traces", Role::Traces),
            ("logs", Role::Logs),
        ] {
            if name.contains(needle) {
                return role;
            }
        }
    }
    Role::Other
}

/// Lists a snapshot's regular files in path order. A symlink is followed only when it stays
/// inside the snapshot; one that points outside is an error, since the sandbox would not show
/// it and the manifest must not hash a file outside the snapshot.
pub fn list_files(root: &Path) -> Result<Vec<SnapFile>, SnapshotError> {
    let meta = std::fs::metadata(root).map_err(|e| SnapshotError::io(root, e))?;
    if !meta.is_dir() {
        return Err(SnapshotError::Malformed {
            path: root.display().to_string(),
            line: 0,
            message: "not a directory; a snapshot is a directory with alerts/, metrics/ and TSVs"
                .into(),
        });
    }
    let canon_root = root
        .canonicalize()
        .map_err(|e| SnapshotError::io(root, e))?;
    let mut out = Vec::new();
    walk(root, &canon_root, "", &mut out)?;
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

fn walk(
    dir: &Path,
    root: &Path,
    prefix: &str,
    out: &mut Vec<SnapFile>,
) -> Result<(), SnapshotError> {
    let rd = std::fs::read_dir(dir).map_err(|e| SnapshotError::io(dir, e))?;
    for entry in rd {
        let entry = entry.map_err(|e| SnapshotError::io(dir, e))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            return Err(SnapshotError::Malformed {
                path: path.display().to_string(),
                line: 0,
                message: "file name is not UTF-8".into(),
            });
        };
        let rel = format!("{prefix}{name}");
        let ft = entry.file_type().map_err(|e| SnapshotError::io(&path, e))?;
        if ft.is_symlink() {
            let target = path
                .canonicalize()
                .map_err(|e| SnapshotError::io(&path, e))?;
            if !target.starts_with(root) {
                return Err(SnapshotError::Malformed {
                    path: path.display().to_string(),
                    line: 0,
                    message: format!(
                        "symlink points outside the snapshot (to {}); copy the file in instead",
                        target.display()
                    ),
                });
            }
        }
        let meta = std::fs::metadata(&path).map_err(|e| SnapshotError::io(&path, e))?;
        if meta.is_dir() {
            if !ft.is_symlink() {
                walk(&path, root, &format!("{rel}/"), out)?;
            }
        } else if meta.is_file() {
            out.push(SnapFile {
                role: role_of(&rel),
                rel,
                path,
                size: meta.len(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_the_lenient_names() {
        let cases = [
            (
                "alerts/alerts_at_2025-12-15T17-34-49.528434.json",
                Role::Alerts,
            ),
            (
                "alerts_in_alerting_state_2025-12-15T17-34-49.json",
                Role::Alerts,
            ),
            ("k8s_events_raw.tsv", Role::Events),
            ("k8s_events.tsv", Role::Events),
            ("k8s_objects_raw.tsv", Role::Objects),
            ("otel_traces.tsv", Role::Traces),
            ("otel_logs_raw.tsv", Role::Logs),
            ("metrics/pod_ad-5d9f-x2x9z_raw.tsv", Role::PodMetrics),
            ("metrics/service_ad_raw.tsv", Role::ServiceMetrics),
            ("app/arch.json", Role::Topology),
            ("ground_truth.yaml", Role::GroundTruth),
            ("alerts/ground_truth.yaml", Role::Other),
            ("PROVENANCE.md", Role::Other),
        ];
        for (rel, role) in cases {
            assert_eq!(role_of(rel), role, "{rel}");
        }
    }
}
