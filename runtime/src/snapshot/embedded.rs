//! The generator's inputs built into the binary: ITBench's scenario specs (`data/itbench/`)
//! and the bundled set's recipe (`snapshots/bundle.json`). A binary run from its source tree
//! reads them there; one installed anywhere else (a Python wheel, a copied binary) writes its
//! built-in copy once into the cache directory and reads that.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::SnapshotError;

include!(concat!(env!("OUT_DIR"), "/embedded_data.rs"));

/// The source tree this crate was built from.
const SOURCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// A folder laid out as the repository is (`data/itbench/`, `snapshots/bundle.json`): the
/// source tree when it is still there, else the built-in copy in the cache directory.
pub fn root() -> Result<PathBuf, SnapshotError> {
    let source = Path::new(SOURCE);
    if source.join("data/itbench").is_dir() && source.join("snapshots/bundle.json").is_file() {
        return Ok(source.to_path_buf());
    }
    let cache = crate::sandbox::default_cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join(format!("data-{}", &digest()[..16]));
    if !cache.join("snapshots/bundle.json").is_file() {
        unpack(&cache)?;
    }
    Ok(cache)
}

/// ITBench's scenario specs: `scenario_<N>/{scenario.yaml,groundtruth_v1.yaml}`.
pub fn itbench() -> Result<PathBuf, SnapshotError> {
    Ok(root()?.join("data/itbench"))
}

/// SHA-256 over the built-in files' names and contents: the cache folder's name, so a newer
/// binary never reads an older copy.
fn digest() -> String {
    let mut h = Sha256::new();
    for (name, bytes) in FILES {
        h.update(name.as_bytes());
        h.update([0]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    hex::encode(h.finalize())
}

/// Writes the files under a temporary sibling of `dest`, then renames it into place, so a
/// process that stops half way, or two at once, never leave a partial copy behind.
fn unpack(dest: &Path) -> Result<(), SnapshotError> {
    let parent = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| SnapshotError::io(parent, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".data-")
        .tempdir_in(parent)
        .map_err(|e| SnapshotError::io(parent, e))?;
    for (name, bytes) in FILES {
        let path = tmp.path().join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| SnapshotError::io(dir, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| SnapshotError::io(&path, e))?;
    }
    match std::fs::rename(tmp.path(), dest) {
        Ok(()) => Ok(()),
        // Another process put the same copy there first.
        Err(_) if dest.join("snapshots/bundle.json").is_file() => Ok(()),
        Err(e) => Err(SnapshotError::io(dest, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_copy_unpacks_to_the_tree_it_was_built_from() {
        let d = tempfile::tempdir().expect("tempdir");
        let dest = d.path().join("data-x");
        unpack(&dest).expect("unpack");
        unpack(&dest).expect("a second unpack finds the first");
        for (name, bytes) in FILES {
            assert_eq!(
                std::fs::read(dest.join(name)).expect("file"),
                *bytes,
                "{name}"
            );
            assert_eq!(
                std::fs::read(Path::new(SOURCE).join(name)).expect("source"),
                *bytes
            );
        }
        assert!(
            FILES
                .iter()
                .any(|(n, _)| *n == "data/itbench/scenario_2/scenario.yaml")
        );
    }
}
