//! The read-only `/snapshot` mount: an index of a host directory, built once per session.
//!
//! Indexing up front (rather than passing the guest's paths through to the host) is what makes
//! three guarantees cheap and certain: hidden files (the ground truth) are absent from the index,
//! so no path spelling, `..` or symlink can reach them; listings come from a sorted map, so they
//! are the same on every host filesystem; and only regular files found inside the directory are
//! ever opened, through `cap-std`, so a symlink cannot lead outside the snapshot.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::{Dir, MetadataExt};

use super::super::SandboxError;

/// File names never shown to a guest, wherever they stand in the snapshot (threat LEAK-NAME).
pub const DEFAULT_HIDDEN: &[&str] = &[
    "ground_truth.yaml",
    "groundtruth.yaml",
    "groundtruth_v1.yaml",
    "groundtruth_v2.yaml",
    // rcabox's own files in a snapshot: the manifest and a generated snapshot's provenance
    // (which names the injected fault).
    "rcabox-manifest.json",
    "rcabox-provenance.json",
];

/// Entries a snapshot may hold; bounds the index's memory for a mis-pointed `--snapshot /` or
/// a hostile snapshot of millions of files.
pub const MAX_ENTRIES: usize = 1_000_000;

/// One indexed file or directory.
#[derive(Debug, Clone)]
pub enum SnapEntry {
    /// A directory and its sorted child names.
    Dir(Vec<String>),
    /// A regular file: its size, its path relative to the snapshot root on the host, and its
    /// identity (device, inode) when indexed, checked again when it is opened.
    File {
        /// Bytes, when indexed.
        size: u64,
        /// Path relative to the snapshot root on the host.
        host: PathBuf,
        /// (device, inode) when indexed.
        id: (u64, u64),
    },
}

/// The indexed snapshot directory.
pub struct SnapFs {
    root: Dir,
    /// Keyed by the path relative to the root, `""` for the root itself.
    entries: BTreeMap<String, SnapEntry>,
    /// Index position of each path, used as a stable inode number.
    inos: BTreeMap<String, u64>,
}

impl SnapFs {
    /// Indexes `path`, leaving out files named in `hidden`.
    pub fn open(path: &Path, hidden: &[String]) -> Result<Self, SandboxError> {
        let bad = |what: &str, e: std::io::Error| SandboxError::Snapshot {
            path: path.to_path_buf(),
            reason: format!("{what}: {e}"),
        };
        let root = Dir::open_ambient_dir(path, ambient_authority())
            .map_err(|e| bad("cannot open directory", e))?;
        let hidden: HashSet<&str> = hidden.iter().map(String::as_str).collect();
        // Identities of hidden files, so a symlink pointing at one is left out too.
        let mut hidden_ids = HashSet::new();
        let mut entries = BTreeMap::new();
        let mut stack = vec![String::new()];
        let mut pending_links = Vec::new();
        while let Some(dir_rel) = stack.pop() {
            let dir = if dir_rel.is_empty() {
                root.try_clone()
                    .map_err(|e| bad("cannot open directory", e))?
            } else {
                root.open_dir(&dir_rel)
                    .map_err(|e| bad(&format!("cannot open {dir_rel}"), e))?
            };
            let mut names = Vec::new();
            for ent in dir
                .entries()
                .map_err(|e| bad(&format!("cannot list {dir_rel:?}"), e))?
            {
                let ent = ent.map_err(|e| bad(&format!("cannot list {dir_rel:?}"), e))?;
                let Ok(name) = ent.file_name().into_string() else {
                    continue; // A name that is not UTF-8 cannot be a path in WASI p1.
                };
                let rel = if dir_rel.is_empty() {
                    name.clone()
                } else {
                    format!("{dir_rel}/{name}")
                };
                let ft = ent
                    .file_type()
                    .map_err(|e| bad(&format!("cannot stat {rel}"), e))?;
                if hidden.contains(name.as_str()) {
                    // Everything a hidden name holds is hidden under any other name too
                    // (threat LEAK-LINK: hard links and symlinks into a hidden directory).
                    hidden_identities(&dir, &name, &mut hidden_ids, path)?;
                    continue;
                }
                if ft.is_dir() {
                    stack.push(rel.clone());
                    entries.insert(rel, SnapEntry::Dir(Vec::new()));
                } else if ft.is_file() {
                    let m = ent
                        .metadata()
                        .map_err(|e| bad(&format!("cannot stat {rel}"), e))?;
                    entries.insert(
                        rel.clone(),
                        SnapEntry::File {
                            size: m.len(),
                            host: PathBuf::from(&rel),
                            id: (m.dev(), m.ino()),
                        },
                    );
                } else if ft.is_symlink() {
                    pending_links.push(rel);
                    continue;
                } else {
                    continue; // sockets, fifos, devices: nothing a snapshot should hold
                }
                names.push(name);
                if entries.len() > MAX_ENTRIES {
                    return Err(SandboxError::Snapshot {
                        path: path.to_path_buf(),
                        reason: format!(
                            "more than {MAX_ENTRIES} entries; point --snapshot at one scenario"
                        ),
                    });
                }
            }
            names.sort();
            entries.insert(dir_rel, SnapEntry::Dir(names));
        }
        // A symlink is shown as the regular file it leads to, when that file is inside the
        // snapshot (cap-std refuses any other), no component of its resolved path is a hidden
        // name and it is not hidden content under another name; otherwise it does not exist.
        for rel in pending_links {
            let Ok(m) = root.metadata(&rel) else { continue };
            let through_hidden = root.canonicalize(&rel).map_or(true, |p| {
                p.components()
                    .any(|c| c.as_os_str().to_str().is_some_and(|n| hidden.contains(n)))
            });
            if !m.is_file() || through_hidden {
                continue;
            }
            let (parent, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
            let name = name.to_string();
            if let Some(SnapEntry::Dir(names)) = entries.get_mut(parent) {
                let at = names.binary_search(&name).unwrap_or_else(|i| i);
                names.insert(at, name);
            }
            entries.insert(
                rel.clone(),
                SnapEntry::File {
                    size: m.len(),
                    host: PathBuf::from(&rel),
                    id: (m.dev(), m.ino()),
                },
            );
        }
        // Hard links (and symlinks) to hidden content, found before or after it in the walk.
        let leaked: Vec<String> = entries
            .iter()
            .filter(|(_, e)| matches!(e, SnapEntry::File { id, .. } if hidden_ids.contains(id)))
            .map(|(k, _)| k.clone())
            .collect();
        for rel in leaked {
            entries.remove(&rel);
            let (parent, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
            if let Some(SnapEntry::Dir(names)) = entries.get_mut(parent) {
                names.retain(|n| n != name);
            }
        }
        let inos = entries
            .keys()
            .enumerate()
            .map(|(i, k)| (k.clone(), i as u64 + 1))
            .collect();
        Ok(SnapFs {
            root,
            entries,
            inos,
        })
    }

    /// The entry at `rel` (components joined by `/`, `""` for the root).
    pub fn get(&self, rel: &str) -> Option<&SnapEntry> {
        self.entries.get(rel)
    }

    /// A stable inode number for `rel`.
    pub fn ino(&self, rel: &str) -> u64 {
        self.inos.get(rel).copied().unwrap_or(0)
    }

    /// Opens an indexed regular file for reading; a file that is no longer the one indexed
    /// (replaced after the session started, perhaps by a link to hidden content) is refused.
    pub fn open_file(&self, host: &Path, id: (u64, u64)) -> std::io::Result<std::fs::File> {
        let f = self.root.open(host)?;
        let m = f.metadata()?;
        if (m.dev(), m.ino()) != id || !m.is_file() {
            return Err(std::io::Error::other(
                "the snapshot changed since it was indexed",
            ));
        }
        Ok(f.into_std())
    }
}

/// Records the identity of the hidden entry `name` of `dir` and, when it is a directory, of
/// everything below it (at most [`MAX_ENTRIES`]).
fn hidden_identities(
    dir: &Dir,
    name: &str,
    ids: &mut HashSet<(u64, u64)>,
    snapshot: &Path,
) -> Result<(), SandboxError> {
    let Ok(m) = dir.symlink_metadata(name) else {
        return Ok(());
    };
    ids.insert((m.dev(), m.ino()));
    if !m.is_dir() {
        return Ok(());
    }
    let mut stack = vec![PathBuf::from(name)];
    let mut seen = 0usize;
    while let Some(rel) = stack.pop() {
        let Ok(sub) = dir.open_dir(&rel) else {
            continue;
        };
        let Ok(list) = sub.entries() else { continue };
        for ent in list.flatten() {
            seen += 1;
            if seen > MAX_ENTRIES {
                return Err(SandboxError::Snapshot {
                    path: snapshot.to_path_buf(),
                    reason: format!("a hidden directory holds more than {MAX_ENTRIES} entries"),
                });
            }
            let Ok(m) = ent.metadata() else { continue };
            ids.insert((m.dev(), m.ino()));
            if m.is_dir() {
                stack.push(rel.join(ent.file_name()));
            }
        }
    }
    Ok(())
}
