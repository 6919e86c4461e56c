//! Files from the host side of a session: how a harness (Stirrup's code-exec provider,
//! Inspect's sandbox, the Python package) uploads inputs and collects outputs without running a
//! command. The view and the rules are the guest's: the snapshot read-only with its ground
//! truth hidden, `/workspace` and `/tmp` writable within the session's disk quota, nothing of
//! the host's filesystem. Relative paths start where commands start (`/snapshot` when a
//! snapshot is mounted, else `/workspace`).

use std::io::Read;

use super::Session;
use super::vfs::{Errno, FileType, Loc, memfs::MemFs, normalize};

/// Why a file operation failed; each names the guest path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// Nothing exists at the path.
    #[error("{0}: No such file or directory")]
    NotFound(String),
    /// A directory where a file was wanted.
    #[error("{0}: Is a directory")]
    IsADirectory(String),
    /// A file where a directory was wanted (also a file in the middle of the path).
    #[error("{0}: Not a directory")]
    NotADirectory(String),
    /// A write outside `/workspace` and `/tmp` (the snapshot and the rest are read-only).
    #[error("{0}: Read-only file system (only /workspace and /tmp are writable)")]
    ReadOnly(String),
    /// The session's disk quota is spent.
    #[error("{0}: No space left on device (the session's /workspace and /tmp quota)")]
    NoSpace(String),
    /// A file larger than the caller's read limit.
    #[error("{path}: {size} bytes is more than the limit of {limit} bytes")]
    TooLarge {
        /// The path read.
        path: String,
        /// Its size.
        size: u64,
        /// The limit given.
        limit: u64,
    },
    /// A path the sandbox cannot hold (too long, an empty or over-long name).
    #[error("{path}: {reason}")]
    Invalid {
        /// The path given.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The snapshot file could not be read on the host.
    #[error("{path}: {reason}")]
    Io {
        /// The path read.
        path: String,
        /// The host's error.
        reason: String,
    },
}

impl FileError {
    fn from_errno(path: &str, e: Errno) -> Self {
        let p = path.to_string();
        match e {
            Errno::Noent => FileError::NotFound(p),
            Errno::Isdir => FileError::IsADirectory(p),
            Errno::Notdir => FileError::NotADirectory(p),
            Errno::Rofs | Errno::Perm | Errno::Acces => FileError::ReadOnly(p),
            Errno::Nospc => FileError::NoSpace(p),
            Errno::Nametoolong => FileError::Invalid {
                path: p,
                reason: "File name too long (names at most 255 bytes, paths 4096)".into(),
            },
            other => FileError::Invalid {
                path: p,
                reason: format!("cannot be used here ({other:?})"),
            },
        }
    }
}

/// What is at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file (or a device that reads as one).
    File,
    /// A directory.
    Dir,
}

impl Session {
    /// The directory commands start in, against which relative paths resolve.
    pub fn cwd(&self) -> &'static str {
        let in_workspace =
            self.config.start_in_workspace || self.config.snapshot_in_workspace.is_some();
        if self.config.snapshot.is_some() && !in_workspace {
            "/snapshot"
        } else {
            "/workspace"
        }
    }

    /// `path` made absolute against [`Session::cwd`] and normalised, as the guest would.
    pub fn absolute(&self, path: &str) -> Result<String, FileError> {
        normalize(self.cwd(), path).map_err(|e| FileError::from_errno(path, e))
    }

    fn locate(&self, path: &str) -> Result<(String, Loc), FileError> {
        let abs = self.absolute(path)?;
        let loc = self
            .vfs
            .resolve(&abs)
            .map_err(|e| FileError::from_errno(path, e))?;
        Ok((abs, loc))
    }

    /// What is at `path`, or `None` when nothing is (hidden files are nothing).
    pub fn kind(&self, path: &str) -> Result<Option<Kind>, FileError> {
        match self.locate(path) {
            Ok((_, loc)) => {
                let st = self
                    .vfs
                    .stat(&loc)
                    .map_err(|e| FileError::from_errno(path, e))?;
                Ok(Some(match st.kind {
                    FileType::Dir => Kind::Dir,
                    _ => Kind::File,
                }))
            }
            Err(FileError::NotFound(_) | FileError::NotADirectory(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The sorted names in the directory at `path`, each with its kind.
    pub fn list_dir(&self, path: &str) -> Result<Vec<(String, Kind)>, FileError> {
        let (_, loc) = self.locate(path)?;
        let entries = self
            .vfs
            .list(&loc)
            .map_err(|e| FileError::from_errno(path, e))?;
        Ok(entries
            .into_iter()
            .map(|(name, _, t)| {
                (
                    name,
                    if t == FileType::Dir {
                        Kind::Dir
                    } else {
                        Kind::File
                    },
                )
            })
            .collect())
    }

    /// The bytes of the file at `path`, refused when larger than `limit` bytes (the caller's
    /// bound on what it will hold in memory).
    pub fn read_file(&self, path: &str, limit: u64) -> Result<Vec<u8>, FileError> {
        let (_, loc) = self.locate(path)?;
        let st = self
            .vfs
            .stat(&loc)
            .map_err(|e| FileError::from_errno(path, e))?;
        if st.kind == FileType::Dir {
            return Err(FileError::IsADirectory(path.to_string()));
        }
        let too_large = |size| FileError::TooLarge {
            path: path.to_string(),
            size,
            limit,
        };
        if st.size > limit {
            return Err(too_large(st.size));
        }
        match loc {
            Loc::Mem(ino) => {
                let mem = self.vfs.mem();
                let mut buf = vec![0; st.size as usize];
                let n = mem
                    .read(ino, 0, &mut buf)
                    .map_err(|e| FileError::from_errno(path, e))?;
                buf.truncate(n);
                Ok(buf)
            }
            Loc::Snap(rel) => {
                let io = |e: std::io::Error| FileError::Io {
                    path: path.to_string(),
                    reason: e.to_string(),
                };
                let Some(super::vfs::snapfs::SnapEntry::File { host, id, .. }) =
                    self.vfs.snap().and_then(|s| s.get(&rel))
                else {
                    return Err(FileError::NotFound(path.to_string()));
                };
                let file = self
                    .vfs
                    .snap()
                    .ok_or_else(|| FileError::NotFound(path.to_string()))?
                    .open_file(host, *id)
                    .map_err(io)?;
                // The file may have grown since it was indexed: read one byte past the limit
                // to tell, never more.
                let mut buf = Vec::new();
                file.take(limit.saturating_add(1))
                    .read_to_end(&mut buf)
                    .map_err(io)?;
                if buf.len() as u64 > limit {
                    return Err(too_large(buf.len() as u64));
                }
                Ok(buf)
            }
            Loc::Lib(bytes) => Ok(bytes.to_vec()),
            Loc::Null | Loc::Zero | Loc::Tool(_) => Ok(Vec::new()),
            Loc::Fd(_) => Err(FileError::Invalid {
                path: path.to_string(),
                reason: "a descriptor of a running command, not a file".into(),
            }),
            Loc::VirtDir(_) => Err(FileError::IsADirectory(path.to_string())),
        }
    }

    /// Writes `data` to the file at `path` (created, or replaced whole), making its parent
    /// directories as `mkdir -p` would; only under `/workspace` and `/tmp`, within the quota.
    pub fn write_file(&self, path: &str, data: &[u8]) -> Result<(), FileError> {
        let abs = self.absolute(path)?;
        let err = |e| FileError::from_errno(path, e);
        let parts: Vec<&str> = abs.split('/').filter(|p| !p.is_empty()).collect();
        let in_alias =
            parts.len() > 1 && parts[0] == "workspace" && self.vfs.alias() == Some(parts[1]);
        let Some(root) = parts
            .first()
            .and_then(|m| MemFs::mount_root(m))
            .filter(|_| !in_alias)
        else {
            return Err(FileError::ReadOnly(path.to_string()));
        };
        let Some((name, dirs)) = parts[1..].split_last() else {
            return Err(FileError::IsADirectory(path.to_string()));
        };
        let now = self.vfs.now_ns();
        let mut mem = self.vfs.mem();
        let mut dir = root;
        for d in dirs {
            dir = match mem.lookup(dir, &[d]) {
                Ok(ino) => ino,
                Err(Errno::Noent) => mem.create(dir, d, true, now).map_err(err)?,
                Err(e) => return Err(err(e)),
            };
        }
        let ino = match mem.lookup(dir, &[name]) {
            Ok(ino) => {
                mem.truncate(ino, 0, now).map_err(err)?;
                ino
            }
            Err(Errno::Noent) => mem.create(dir, name, false, now).map_err(err)?,
            Err(e) => return Err(err(e)),
        };
        mem.write(ino, 0, data, now).map_err(err)?;
        Ok(())
    }
}
