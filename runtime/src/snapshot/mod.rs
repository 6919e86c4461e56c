//! Snapshots: the incident data an agent investigates.
//!
//! [`layout`] says which file plays which part (lenient about the published variants),
//! [`tsv`] reads and writes the recorder's TSVs with the `csv` crate, [`manifest`] hashes and
//! counts a snapshot and verifies it later, [`groundtruth`] parses the answer key that only the
//! scorer reads, [`questions`] finds the snapshots under a path (one snapshot, a folder of
//! them, or an ITBench-AA tree), and [`generate`] writes realistic snapshots from the real
//! scenario specs; [`bundle`] materializes the bundled set from its committed recipe.

pub mod bundle;
pub mod embedded;
pub mod generate;
pub mod groundtruth;
pub mod layout;
pub mod manifest;
pub mod pymap;
pub mod questions;
pub mod tsv;

use std::path::Path;

/// A snapshot could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// A file is malformed; `line` is 0 when it does not apply.
    #[error("{path}:{line}: {message}")]
    Malformed {
        /// The file.
        path: String,
        /// The line, from 1; 0 for the whole file.
        line: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
}

impl SnapshotError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        SnapshotError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

use chrono::NaiveDateTime;

/// Capture time used when a snapshot has no alert files: 2025-01-01T00:00:00Z.
pub const DEFAULT_CAPTURE_NS: u64 = 1_735_689_600_000_000_000;

/// The snapshot's capture time in nanoseconds since the epoch: the newest
/// `alerts_at_<UTC>.json` name (in `alerts/` or at the root), else [`DEFAULT_CAPTURE_NS`].
pub fn capture_time_ns(dir: &Path) -> u64 {
    let mut newest: Option<NaiveDateTime> = None;
    for sub in [dir.join("alerts"), dir.to_path_buf()] {
        let Ok(rd) = std::fs::read_dir(&sub) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name();
            if let Some(t) = name
                .to_str()
                .and_then(alert_file_time)
                .filter(|t| newest.is_none_or(|n| *t > n))
            {
                newest = Some(t);
            }
        }
    }
    newest
        .and_then(|t| t.and_utc().timestamp_nanos_opt())
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(DEFAULT_CAPTURE_NS)
}

/// Parses the UTC time in `alerts_at_2025-12-15T17-34-49.528434.json`.
pub fn alert_file_time(name: &str) -> Option<NaiveDateTime> {
    let stamp = name.strip_prefix("alerts_at_")?.strip_suffix(".json")?;
    NaiveDateTime::parse_from_str(stamp, "%Y-%m-%dT%H-%M-%S%.f").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_alert_file_sets_the_clock() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(d.path().join("alerts")).expect("mkdir");
        for n in [
            "alerts_at_2025-12-15T17-20-00.000000.json",
            "alerts_at_2025-12-15T17-49-00.500000.json",
            "x.json",
        ] {
            std::fs::write(d.path().join("alerts").join(n), "[]").expect("write");
        }
        assert_eq!(capture_time_ns(d.path()), 1_765_820_940_500_000_000);
        assert_eq!(
            capture_time_ns(&d.path().join("missing")),
            DEFAULT_CAPTURE_NS
        );
    }
}
