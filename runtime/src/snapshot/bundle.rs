//! The bundled set: a recipe committed as `snapshots/bundle.json` (scenario, seed, scale and the
//! content hash of each snapshot), materialized on first use.
//!
//! Why a recipe and not the files: a realistic cluster (hundreds of objects pulled every five
//! minutes, a thousand events) is about 3.5 MB a scenario before any log line, 99 MB for the
//! set, while the generator is deterministic and the content hash pins every byte. A clone stays
//! small, and a set that does not reproduce the pinned hash is refused rather than used.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::SnapshotError;
use super::generate::{Options, generate};
use super::layout::MANIFEST_NAME;
use super::manifest::Manifest;

/// The recipe's file name inside the bundle folder.
pub const BUNDLE_NAME: &str = "bundle.json";

/// The bundled set's recipe.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bundle {
    /// Folder of the real ITBench specs, relative to the recipe's folder.
    pub itbench: String,
    /// One entry a snapshot, written as `Scenario-<N>/`.
    pub scenarios: Vec<Entry>,
}

/// One bundled snapshot.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// ITBench scenario number.
    pub scenario: u32,
    /// Generator seed.
    pub seed: u64,
    /// Generator scale.
    pub scale: f64,
    /// The manifest content hash the generated snapshot must have.
    pub content_hash: String,
}

impl Entry {
    /// The snapshot's folder name.
    pub fn dir_name(&self) -> String {
        format!("Scenario-{}", self.scenario)
    }
}

fn malformed(path: &Path, message: String) -> SnapshotError {
    SnapshotError::Malformed {
        path: path.display().to_string(),
        line: 0,
        message,
    }
}

impl Bundle {
    /// Reads a recipe.
    pub fn load(path: &Path) -> Result<Self, SnapshotError> {
        let text = std::fs::read_to_string(path).map_err(|e| SnapshotError::io(path, e))?;
        serde_json::from_str(&text).map_err(|e| malformed(path, e.to_string()))
    }

    /// Writes the recipe (pretty JSON, one entry a line group, trailing newline).
    pub fn save(&self, path: &Path) -> Result<(), SnapshotError> {
        let mut text =
            serde_json::to_string_pretty(self).map_err(|e| malformed(path, e.to_string()))?;
        text.push('\n');
        std::fs::write(path, text).map_err(|e| SnapshotError::io(path, e))
    }

    fn options(&self, recipe: &Path, e: &Entry) -> Options {
        let base = recipe.parent().unwrap_or(Path::new("."));
        Options {
            itbench: base.join(&self.itbench),
            scenario: e.scenario,
            seed: e.seed,
            scale: e.scale,
        }
    }
}

/// Whether `dir` already holds the entry's snapshot (its manifest names the pinned hash).
fn present(dir: &Path, e: &Entry) -> bool {
    Manifest::load(&dir.join(MANIFEST_NAME)).is_ok_and(|m| m.content_hash == e.content_hash)
}

/// Writes every snapshot of the recipe at `recipe` that `out` does not hold yet and returns the
/// snapshot folders in recipe order.
///
/// Each snapshot is generated into a temporary sibling, checked against its pinned hash and
/// renamed into place, so concurrent callers (parallel tests, pods of one Job on a shared
/// volume) never see a half-written snapshot; a stale folder from an older generator (it carries
/// rcabox's provenance file) is replaced, anything else in the way is an error.
pub fn materialize(recipe: &Path, out: &Path) -> Result<Vec<PathBuf>, SnapshotError> {
    let bundle = Bundle::load(recipe)?;
    std::fs::create_dir_all(out).map_err(|e| SnapshotError::io(out, e))?;
    let mut dirs = Vec::with_capacity(bundle.scenarios.len());
    for e in &bundle.scenarios {
        let dir = out.join(e.dir_name());
        if !present(&dir, e) {
            write_one(&bundle, recipe, e, out, &dir)?;
        }
        dirs.push(dir);
    }
    Ok(dirs)
}

fn write_one(
    bundle: &Bundle,
    recipe: &Path,
    e: &Entry,
    out: &Path,
    dir: &Path,
) -> Result<(), SnapshotError> {
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.", e.dir_name()))
        .tempdir_in(out)
        .map_err(|err| SnapshotError::io(out, err))?;
    let made = generate(&bundle.options(recipe, e), tmp.path())?;
    if made.content_hash != e.content_hash {
        return Err(malformed(
            recipe,
            format!(
                "{} generated with content hash {}, but the recipe pins {}: the generator \
                 changed; if that was intended, run snapshots/generate.sh to update the recipe",
                e.dir_name(),
                made.content_hash,
                e.content_hash
            ),
        ));
    }
    if dir.exists() {
        if present(dir, e) {
            return Ok(()); // another process finished first
        }
        remove_stale(dir, e)?;
    }
    let kept = tmp.keep();
    match std::fs::rename(&kept, dir) {
        Ok(()) => Ok(()),
        Err(_) if present(dir, e) => {
            let _ = std::fs::remove_dir_all(&kept);
            Ok(())
        }
        Err(err) => {
            let _ = std::fs::remove_dir_all(&kept);
            Err(SnapshotError::io(dir, err))
        }
    }
}

/// Removes an earlier generation of `e` at `dir`; anything rcabox did not write (it lacks the
/// provenance file) is left alone and reported.
fn remove_stale(dir: &Path, e: &Entry) -> Result<(), SnapshotError> {
    if !dir.join("rcabox-provenance.json").is_file() {
        return Err(malformed(
            dir,
            format!(
                "is in the way of the bundled {} and was not written by rcabox; move it away",
                e.dir_name()
            ),
        ));
    }
    std::fs::remove_dir_all(dir).map_err(|err| SnapshotError::io(dir, err))
}

/// Regenerates every snapshot of the recipe into `out` and rewrites the pinned hashes: the
/// maintainer's step after an intended generator change. Returns the entries whose hash moved.
pub fn update(recipe: &Path, out: &Path) -> Result<Vec<String>, SnapshotError> {
    let mut bundle = Bundle::load(recipe)?;
    std::fs::create_dir_all(out).map_err(|e| SnapshotError::io(out, e))?;
    let mut moved = Vec::new();
    for i in 0..bundle.scenarios.len() {
        let e = bundle.scenarios[i].clone();
        let dir = out.join(e.dir_name());
        if dir.exists() {
            remove_stale(&dir, &e)?;
        }
        let made = generate(&bundle.options(recipe, &e), &dir)?;
        if made.content_hash != e.content_hash {
            moved.push(e.dir_name());
            bundle.scenarios[i].content_hash = made.content_hash;
        }
    }
    bundle.save(recipe)?;
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipe(dir: &Path, hash: &str) -> PathBuf {
        let itbench = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/itbench");
        let b = Bundle {
            itbench: itbench.to_string(),
            scenarios: vec![Entry {
                scenario: 2,
                seed: 1,
                scale: 0.05,
                content_hash: hash.to_string(),
            }],
        };
        let p = dir.join(BUNDLE_NAME);
        b.save(&p).expect("save");
        p
    }

    #[test]
    fn a_wrong_pin_is_refused_and_update_fixes_it() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = recipe(d.path(), "0000");
        let e = materialize(&p, d.path())
            .expect_err("pin mismatch")
            .to_string();
        assert!(e.contains("pins 0000") && e.contains("generate.sh"), "{e}");
        assert!(
            !d.path().join("Scenario-2").exists(),
            "nothing half-written"
        );
        let moved = update(&p, d.path()).expect("update");
        assert_eq!(moved, ["Scenario-2"]);
        let dirs = materialize(&p, d.path()).expect("materialize");
        assert!(dirs[0].join("otel_logs_raw.tsv").is_file());
    }

    #[test]
    fn a_foreign_folder_in_the_way_is_not_deleted() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = recipe(d.path(), "0000");
        update(&p, &d.path().join("gen")).expect("update pins the hash");
        std::fs::create_dir(d.path().join("Scenario-2")).expect("mkdir");
        std::fs::write(d.path().join("Scenario-2/mine.txt"), "keep").expect("write");
        let e = materialize(&p, d.path())
            .expect_err("in the way")
            .to_string();
        assert!(e.contains("move it away"), "{e}");
        assert!(d.path().join("Scenario-2/mine.txt").is_file());
    }
}
