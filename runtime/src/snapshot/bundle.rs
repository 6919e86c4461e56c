//! The bundled set: a recipe committed as `snapshots/bundle.json` (scenario, seed, scale and the
//! content hash of each snapshot; FinOps' under `finops` with scenario, seed and weeks),
//! materialized on first use.
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
    /// FinOps snapshots, written as `FinOps-<N>/` beside the SRE ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finops: Vec<FinopsEntry>,
    /// CISO scenarios, written as `k8s-opa-static-cis-<control>/` beside the others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ciso: Vec<CisoEntry>,
}

/// One bundled CISO scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CisoEntry {
    /// The CIS control, e.g. `5.1.1` (one of [`crate::domain::ciso::controls::CONTROLS`]).
    pub control: String,
    /// Generator seed.
    pub seed: u64,
    /// The content hash ([`super::manifest::hash`]) the generated scenario must have.
    pub content_hash: String,
}

/// What rcabox writes beside a generated CISO scenario (which has no manifest), so that an
/// older generation is known as rcabox's and may be replaced.
const PROVENANCE: &str = "rcabox-provenance.json";

impl CisoEntry {
    /// The scenario's folder name, as ITBench-Lite names them.
    pub fn dir_name(&self) -> String {
        format!("k8s-opa-static-cis-{}", self.control)
    }

    fn pinned(&self) -> Pinned {
        let (control, seed) = (self.control.clone(), self.seed);
        Pinned {
            dir_name: self.dir_name(),
            content_hash: self.content_hash.clone(),
            make: Box::new(move |dir| {
                let c = crate::domain::ciso::controls::find(&control).ok_or_else(|| {
                    malformed(
                        dir,
                        format!(
                            "the recipe names CIS control {control}, which rcabox does not know"
                        ),
                    )
                })?;
                crate::domain::ciso::generate::generate(c, seed, dir)
                    .map_err(|e| malformed(dir, e.to_string()))?;
                let p = dir.join(PROVENANCE);
                let text = format!(
                    "{{\"generator\": \"rcabox ciso\", \"control\": \"{control}\", \"seed\": {seed}}}\n"
                );
                std::fs::write(&p, text).map_err(|e| SnapshotError::io(&p, e))?;
                super::manifest::hash(dir)
            }),
        }
    }
}

/// One bundled FinOps snapshot.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FinopsEntry {
    /// Scenario number (picks the anomaly's kind).
    pub scenario: u32,
    /// Generator seed.
    pub seed: u64,
    /// Weeks of history.
    pub weeks: u32,
    /// The manifest content hash the generated snapshot must have.
    pub content_hash: String,
}

impl FinopsEntry {
    /// The snapshot's folder name.
    pub fn dir_name(&self) -> String {
        format!("FinOps-{}", self.scenario)
    }

    fn pinned(&self) -> Pinned {
        let o = crate::domain::finops::generate::Options {
            scenario: self.scenario,
            seed: self.seed,
            weeks: self.weeks,
        };
        Pinned {
            dir_name: self.dir_name(),
            content_hash: self.content_hash.clone(),
            make: Box::new(move |dir| {
                crate::domain::finops::generate::generate(&o, dir).map(|s| s.content_hash)
            }),
        }
    }
}

/// Writes one snapshot into a folder and returns its content hash.
type Make = Box<dyn Fn(&Path) -> Result<String, SnapshotError>>;

/// One snapshot of the recipe, whatever its domain: its folder, its pin and how to make it.
struct Pinned {
    dir_name: String,
    content_hash: String,
    make: Make,
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

    /// Every snapshot of the recipe in order: SRE's, then FinOps'.
    fn pinned(&self, recipe: &Path) -> Vec<Pinned> {
        let mut out: Vec<Pinned> = self
            .scenarios
            .iter()
            .map(|e| {
                let o = self.options(recipe, e);
                Pinned {
                    dir_name: e.dir_name(),
                    content_hash: e.content_hash.clone(),
                    make: Box::new(move |dir| generate(&o, dir).map(|s| s.content_hash)),
                }
            })
            .collect();
        out.extend(self.finops.iter().map(FinopsEntry::pinned));
        out.extend(self.ciso.iter().map(CisoEntry::pinned));
        out
    }
}

/// Whether `dir` already holds the entry's snapshot: its manifest names the pinned hash, or,
/// for a scenario without one (CISO's, a few small files), its files hash to it.
fn present(dir: &Path, e: &Pinned) -> bool {
    match Manifest::load(&dir.join(MANIFEST_NAME)) {
        Ok(m) => m.content_hash == e.content_hash,
        Err(_) => {
            dir.join(PROVENANCE).is_file()
                && super::manifest::hash(dir).is_ok_and(|h| h == e.content_hash)
        }
    }
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
    let pinned = bundle.pinned(recipe);
    let mut dirs = Vec::with_capacity(pinned.len());
    for e in &pinned {
        let dir = out.join(&e.dir_name);
        if !present(&dir, e) {
            write_one(recipe, e, out, &dir)?;
        }
        dirs.push(dir);
    }
    Ok(dirs)
}

fn write_one(recipe: &Path, e: &Pinned, out: &Path, dir: &Path) -> Result<(), SnapshotError> {
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.", e.dir_name))
        .tempdir_in(out)
        .map_err(|err| SnapshotError::io(out, err))?;
    let made = (e.make)(tmp.path())?;
    if made != e.content_hash {
        return Err(malformed(
            recipe,
            format!(
                "{} generated with content hash {}, but the recipe pins {}: the generator \
                 changed; if that was intended, run snapshots/generate.sh to update the recipe",
                e.dir_name, made, e.content_hash
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
fn remove_stale(dir: &Path, e: &Pinned) -> Result<(), SnapshotError> {
    if !dir.join("rcabox-provenance.json").is_file() {
        return Err(malformed(
            dir,
            format!(
                "is in the way of the bundled {} and was not written by rcabox; move it away",
                e.dir_name
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
    let n = bundle.scenarios.len();
    let m = bundle.finops.len();
    let pinned = bundle.pinned(recipe);
    for (i, e) in pinned.iter().enumerate() {
        let dir = out.join(&e.dir_name);
        if dir.exists() {
            remove_stale(&dir, e)?;
        }
        let made = (e.make)(&dir)?;
        if made != e.content_hash {
            moved.push(e.dir_name.clone());
            match bundle.scenarios.get_mut(i) {
                Some(s) => s.content_hash = made,
                None if i - n < m => {
                    if let Some(f) = bundle.finops.get_mut(i - n) {
                        f.content_hash = made;
                    }
                }
                None => {
                    if let Some(c) = bundle.ciso.get_mut(i - n - m) {
                        c.content_hash = made;
                    }
                }
            }
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
            finops: vec![FinopsEntry {
                scenario: 2,
                seed: 1,
                weeks: 3,
                content_hash: hash.to_string(),
            }],
            ciso: vec![CisoEntry {
                control: "5.1.1".into(),
                seed: 1,
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
        assert_eq!(
            moved,
            ["Scenario-2", "FinOps-2", "k8s-opa-static-cis-5.1.1"]
        );
        let dirs = materialize(&p, d.path()).expect("materialize");
        assert!(dirs[0].join("otel_logs_raw.tsv").is_file());
        assert!(dirs[1].join("data.csv").is_file());
        assert!(dirs[2].join("problem.md").is_file());
        assert!(crate::domain::ciso::is_scenario(&dirs[2]));
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
