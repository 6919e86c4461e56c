//! The filesystem a guest sees: one tree, assembled from mounts, with nothing of the host in it.
//!
//! ```text
//! /                 virtual, read-only
//! ├── snapshot/     the snapshot directory, indexed, read-only, ground truth left out
//! ├── workspace/    in memory, writable, kept across the commands of one session
//! ├── tmp/          in memory, writable, same quota as /workspace
//! ├── dev/          null, stdin, stdout, stderr, fd/N
//! ├── etc/          passwd, group, hostname, os-release: the sandbox's own, read-only
//! ├── bin/, usr/bin/  one empty entry per tool, so `ls /usr/bin` and `which` agree with PATH
//! └── usr/local/lib/python314.zip  python3's standard library, read-only
//! ```
//! Paths are resolved lexically (`..` above `/` stays at `/`); the snapshot index holds no
//! symlinks, so lexical and physical resolution agree everywhere.

pub mod memfs;
pub mod snapfs;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use memfs::{Ino, MemFs};
use snapfs::{SnapEntry, SnapFs};

use super::SandboxError;

/// WASI p1 error numbers used by the host (values from `wasi_snapshot_preview1.witx`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
#[allow(missing_docs, reason = "the WASI preview 1 errno names say it all")]
pub enum Errno {
    Acces = 2,
    Again = 6,
    Badf = 8,
    Exist = 20,
    Fault = 21,
    Fbig = 22,
    Inval = 28,
    Io = 29,
    Isdir = 31,
    Mfile = 33,
    Nametoolong = 37,
    Noent = 44,
    Nomem = 48,
    Nospc = 51,
    Nosys = 52,
    Notdir = 54,
    Notempty = 55,
    Notsup = 58,
    Perm = 63,
    Pipe = 64,
    Rofs = 69,
    Spipe = 70,
    Xdev = 75,
}

/// Longest path a guest may pass, as Linux's `PATH_MAX`.
pub const PATH_MAX: usize = 4096;

/// Where a path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loc {
    /// A virtual directory (`/`, `/dev`, `/dev/fd`, `/usr`, `/bin`, `/usr/bin`).
    VirtDir(&'static str),
    /// `/dev/null`.
    Null,
    /// `/dev/zero`.
    Zero,
    /// `/dev/stdin`, `/dev/fd/N` and friends: the opener's own descriptor N.
    Fd(u32),
    /// A tool's entry under `/usr/bin` or `/bin`.
    Tool(String),
    /// A path inside `/snapshot`, relative to its root.
    Snap(String),
    /// A node of the in-memory tree.
    Mem(Ino),
    /// A read-only file built into rcabox (python3's standard library).
    Lib(&'static [u8]),
}

/// File type as WASI reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    /// A directory.
    Dir,
    /// A regular file.
    File,
    /// A character device (`/dev/null`).
    CharDevice,
}

/// What `stat` tells about a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    /// Device number: 1 snapshot, 2 memory, 3 virtual.
    pub dev: u64,
    /// Stable inode number.
    pub ino: u64,
    /// File type.
    pub kind: FileType,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime: u64,
}

/// One session's filesystem.
pub struct Vfs {
    snap: Option<SnapFs>,
    /// A name under `/workspace` where the snapshot appears too (read-only), for harnesses
    /// whose input files sit in the working directory (Stirrup's `input_files`).
    alias: Option<String>,
    mem: Mutex<MemFs>,
    tools: Vec<String>,
    /// Time shown for every snapshot and virtual file: the snapshot's capture time.
    pub epoch_ns: u64,
    /// Virtual time the session's sleeps have added; a process starts at `epoch_ns` plus this,
    /// so `sleep 90; date` shows the time 90 s later, with no real waiting.
    pub slept_ns: std::sync::atomic::AtomicU64,
}

/// `/etc`: what programs look up about the system, describing the sandbox itself (its one
/// user, `agent`, whose home is /workspace); nothing of the host's.
const ETC: &[(&str, &[u8])] = &[
    ("group", b"agent:x:1000:\n"),
    ("hostname", b"rcabox\n"),
    (
        "os-release",
        b"NAME=\"rcabox\"\nID=rcabox\nPRETTY_NAME=\"rcabox sandbox (WebAssembly, WASI)\"\n",
    ),
    ("passwd", b"agent:x:1000:1000:agent:/workspace:/bin/bash\n"),
];

const VIRT_DIRS: &[(&str, &[&str])] = &[
    (
        "/",
        &["bin", "dev", "etc", "snapshot", "tmp", "usr", "workspace"],
    ),
    ("/etc", &["group", "hostname", "os-release", "passwd"]),
    ("/dev", &["fd", "null", "stderr", "stdin", "stdout", "zero"]),
    ("/usr", &["bin", "local"]),
    ("/usr/local", &["lib"]),
    ("/usr/local/lib", &["python314.zip"]),
];

impl Vfs {
    /// Builds the tree over an optional snapshot directory.
    pub fn new(
        snapshot: Option<&Path>,
        hidden: &[String],
        quota: u64,
        tools: Vec<String>,
        epoch_ns: u64,
    ) -> Result<Arc<Self>, SandboxError> {
        Self::with_alias(snapshot, None, hidden, quota, tools, epoch_ns)
    }

    /// [`Vfs::new`], with the snapshot also at `/workspace/<alias>` when `alias` is given.
    pub fn with_alias(
        snapshot: Option<&Path>,
        alias: Option<&str>,
        hidden: &[String],
        quota: u64,
        tools: Vec<String>,
        epoch_ns: u64,
    ) -> Result<Arc<Self>, SandboxError> {
        let snap = snapshot.map(|p| SnapFs::open(p, hidden)).transpose()?;
        if let Some(name) = alias {
            let bad = name.is_empty()
                || name == "."
                || name == ".."
                || name.len() > memfs::NAME_MAX
                || name.contains(['/', '\0']);
            if bad || snapshot.is_none() {
                return Err(SandboxError::Snapshot {
                    path: snapshot.map(Path::to_path_buf).unwrap_or_default(),
                    reason: format!(
                        "cannot show the snapshot as /workspace/{name}: give a snapshot and one \
                         file name (not . or .., no '/', at most 255 bytes)"
                    ),
                });
            }
        }
        let mut tools = tools;
        tools.sort();
        tools.dedup();
        Ok(Arc::new(Vfs {
            snap,
            alias: alias.map(str::to_string),
            mem: Mutex::new(MemFs::new(quota, epoch_ns)),
            tools,
            epoch_ns,
            slept_ns: Default::default(),
        }))
    }

    /// Moves the session's virtual clock on by `ns`, saturating (threat H-TIME).
    pub fn sleep(&self, ns: u64) {
        use std::sync::atomic::Ordering;
        let _ = self
            .slept_ns
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| {
                Some(t.saturating_add(ns))
            });
    }

    /// The session's virtual time now: capture time plus what its sleeps added.
    pub fn now_ns(&self) -> u64 {
        self.epoch_ns
            .saturating_add(self.slept_ns.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// Locks the in-memory tree.
    pub fn mem(&self) -> MutexGuard<'_, MemFs> {
        // Every MemFs method leaves the tree consistent before it can panic, so a poisoned
        // lock still guards a usable tree.
        self.mem.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The snapshot index, if one is mounted.
    pub fn snap(&self) -> Option<&SnapFs> {
        self.snap.as_ref()
    }

    /// Whether `name` is a tool the guest binary provides.
    pub fn is_tool(&self, name: &str) -> bool {
        self.tools
            .binary_search_by(|t| t.as_str().cmp(name))
            .is_ok()
    }

    /// Resolves an absolute, normalised path.
    pub fn resolve(&self, path: &str) -> Result<Loc, Errno> {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            [] => Ok(Loc::VirtDir("/")),
            ["snapshot", rest @ ..] => self.resolve_snap(rest),
            ["workspace", name, rest @ ..] if self.alias.as_deref() == Some(*name) => {
                self.resolve_snap(rest)
            }
            [m, rest @ ..] if MemFs::mount_root(m).is_some() => {
                let root = MemFs::mount_root(m).ok_or(Errno::Noent)?;
                self.mem().lookup(root, rest).map(Loc::Mem)
            }
            ["dev"] => Ok(Loc::VirtDir("/dev")),
            ["dev", "fd"] => Ok(Loc::VirtDir("/dev/fd")),
            ["dev", "null"] => Ok(Loc::Null),
            ["dev", "zero"] => Ok(Loc::Zero),
            ["dev", "stdin"] => Ok(Loc::Fd(0)),
            ["dev", "stdout"] => Ok(Loc::Fd(1)),
            ["dev", "stderr"] => Ok(Loc::Fd(2)),
            ["dev", "fd", n] => n.parse().map(Loc::Fd).map_err(|_| Errno::Noent),
            ["etc"] => Ok(Loc::VirtDir("/etc")),
            ["etc", f] => ETC
                .iter()
                .find(|e| e.0 == *f)
                .map(|e| Loc::Lib(e.1))
                .ok_or(Errno::Noent),
            ["usr"] => Ok(Loc::VirtDir("/usr")),
            ["usr", "bin"] => Ok(Loc::VirtDir("/usr/bin")),
            ["usr", "local"] => Ok(Loc::VirtDir("/usr/local")),
            ["usr", "local", "lib"] => Ok(Loc::VirtDir("/usr/local/lib")),
            ["usr", "local", "lib", "python314.zip"] => Ok(Loc::Lib(super::python::STDLIB_ZIP)),
            ["bin"] => Ok(Loc::VirtDir("/bin")),
            ["usr", "bin", t] | ["bin", t] if self.is_tool(t) => Ok(Loc::Tool(t.to_string())),
            _ => Err(Errno::Noent),
        }
    }

    /// The snapshot entry at the components `rest` below its root.
    fn resolve_snap(&self, rest: &[&str]) -> Result<Loc, Errno> {
        let snap = self.snap.as_ref().ok_or(Errno::Noent)?;
        let rel = rest.join("/");
        // A prefix that names a file makes the rest "not a directory", as on Linux.
        for i in 1..rest.len() {
            if let Some(SnapEntry::File { .. }) = snap.get(&rest[..i].join("/")) {
                return Err(Errno::Notdir);
            }
        }
        snap.get(&rel).map(|_| Loc::Snap(rel)).ok_or(Errno::Noent)
    }

    /// The name under `/workspace` where the snapshot appears too, if any.
    pub fn alias(&self) -> Option<&str> {
        self.alias.as_deref()
    }

    /// File status of a location.
    pub fn stat(&self, loc: &Loc) -> Result<Stat, Errno> {
        let virt = |ino: u64, kind, size| Stat {
            dev: 3,
            ino,
            kind,
            size,
            mtime: self.epoch_ns,
        };
        Ok(match loc {
            Loc::VirtDir(name) => virt(
                100 + VIRT_DIRS.iter().position(|d| d.0 == *name).unwrap_or(9) as u64,
                FileType::Dir,
                4096,
            ),
            // Reported as regular files: uutils built for WASI, which cannot test for character
            // devices or FIFOs, refuse to read a named path that is neither a file nor a
            // directory (`cat /dev/null`, `diff <(a) <(b)`).
            Loc::Null => virt(2, FileType::File, 0),
            Loc::Zero => virt(4, FileType::File, 0),
            Loc::Fd(_) => virt(3, FileType::File, 0),
            Loc::Tool(t) => virt(
                1000 + self.tools.iter().position(|x| x == t).unwrap_or(0) as u64,
                FileType::File,
                0,
            ),
            Loc::Lib(bytes) => {
                // Each built-in file its own inode: python3's library 5, /etc's from 10.
                let etc = ETC.iter().position(|e| std::ptr::eq(e.1, *bytes));
                virt(
                    etc.map_or(5, |i| 10 + i as u64),
                    FileType::File,
                    bytes.len() as u64,
                )
            }
            Loc::Snap(rel) => {
                let snap = self.snap.as_ref().ok_or(Errno::Noent)?;
                let (kind, size) = match snap.get(rel).ok_or(Errno::Noent)? {
                    SnapEntry::Dir(_) => (FileType::Dir, 4096),
                    SnapEntry::File { size, .. } => (FileType::File, *size),
                };
                Stat {
                    dev: 1,
                    ino: snap.ino(rel),
                    kind,
                    size,
                    mtime: self.epoch_ns,
                }
            }
            Loc::Mem(ino) => {
                let (is_dir, size, mtime) = self.mem().stat(*ino).ok_or(Errno::Noent)?;
                let (kind, size) = if is_dir {
                    (FileType::Dir, 4096)
                } else {
                    (FileType::File, size)
                };
                Stat {
                    dev: 2,
                    ino: *ino as u64 + 1,
                    kind,
                    size,
                    mtime,
                }
            }
        })
    }

    /// Sorted entries of a directory, with their inode numbers and types.
    pub fn list(&self, loc: &Loc) -> Result<Vec<(String, u64, FileType)>, Errno> {
        match loc {
            Loc::VirtDir("/usr/bin" | "/bin") => Ok(self
                .tools
                .iter()
                .enumerate()
                .map(|(i, t)| (t.clone(), 1000 + i as u64, FileType::File))
                .collect()),
            Loc::VirtDir("/dev/fd") => Ok(Vec::new()),
            Loc::VirtDir(name) => {
                let (_, names) = VIRT_DIRS
                    .iter()
                    .find(|d| d.0 == *name)
                    .ok_or(Errno::Notdir)?;
                let base = if *name == "/" {
                    String::new()
                } else {
                    name.to_string()
                };
                names
                    .iter()
                    .map(|n| {
                        let loc = self.resolve(&format!("{base}/{n}"))?;
                        let st = self.stat(&loc)?;
                        Ok((n.to_string(), st.ino, st.kind))
                    })
                    .collect()
            }
            Loc::Snap(rel) => {
                let snap = self.snap.as_ref().ok_or(Errno::Noent)?;
                match snap.get(rel) {
                    Some(SnapEntry::Dir(names)) => Ok(names
                        .iter()
                        .map(|n| {
                            let child = if rel.is_empty() {
                                n.clone()
                            } else {
                                format!("{rel}/{n}")
                            };
                            let kind = match snap.get(&child) {
                                Some(SnapEntry::Dir(_)) => FileType::Dir,
                                _ => FileType::File,
                            };
                            (n.clone(), snap.ino(&child), kind)
                        })
                        .collect()),
                    Some(_) => Err(Errno::Notdir),
                    None => Err(Errno::Noent),
                }
            }
            Loc::Mem(ino) => {
                let mem = self.mem();
                let entries = mem.list(*ino)?;
                let mut out: Vec<(String, u64, FileType)> = entries
                    .into_iter()
                    .filter(|(n, _)| !self.is_alias(*ino, n))
                    .map(|(n, i)| {
                        let dir = matches!(mem.stat(i), Some((true, _, _)));
                        (
                            n,
                            i as u64 + 1,
                            if dir { FileType::Dir } else { FileType::File },
                        )
                    })
                    .collect();
                if let (Some(name), Some(snap)) = (&self.alias, &self.snap)
                    && Some(*ino) == MemFs::mount_root("workspace")
                {
                    let at = out.partition_point(|e| e.0.as_str() < name.as_str());
                    out.insert(at, (name.clone(), snap.ino(""), FileType::Dir));
                }
                Ok(out)
            }
            _ => Err(Errno::Notdir),
        }
    }

    /// Splits an absolute path into its in-memory parent directory and final name, for
    /// operations that create or remove; anything outside `/workspace` and `/tmp` is read-only.
    pub fn mem_parent(&self, path: &str) -> Result<(Ino, String), Errno> {
        let (parent, name) = path.rsplit_once('/').ok_or(Errno::Inval)?;
        if name.is_empty() {
            return Err(Errno::Exist);
        }
        match self.resolve(if parent.is_empty() { "/" } else { parent })? {
            // The snapshot's name in /workspace is a read-only mount point: it cannot be
            // removed, renamed, or replaced.
            Loc::Mem(ino) if self.is_alias(ino, name) => Err(Errno::Rofs),
            Loc::Mem(ino) => Ok((ino, name.to_string())),
            Loc::Snap(_) | Loc::VirtDir(_) | Loc::Tool(_) | Loc::Lib(_) => Err(Errno::Rofs),
            _ => Err(Errno::Notdir),
        }
    }
}

impl Vfs {
    /// Whether `name` in the in-memory directory `dir` is the snapshot's mount point.
    fn is_alias(&self, dir: Ino, name: &str) -> bool {
        self.alias.as_deref() == Some(name) && Some(dir) == MemFs::mount_root("workspace")
    }
}

/// Joins `path` onto the absolute directory `base` and normalises `.` and `..` lexically, so
/// no spelling climbs above `/` (threat ESC-PATH).
pub fn normalize(base: &str, path: &str) -> Result<String, Errno> {
    if path.len() > PATH_MAX {
        return Err(Errno::Nametoolong);
    }
    let mut parts: Vec<&str> = Vec::new();
    let full = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{base}/{path}")
    };
    for p in full.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    Ok(format!("/{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_never_climbs_above_root() {
        assert_eq!(
            normalize("/snapshot", "../../../etc/passwd"),
            Ok("/etc/passwd".into())
        );
        assert_eq!(
            normalize("/snapshot/a", "./b/../c"),
            Ok("/snapshot/a/c".into())
        );
        assert_eq!(normalize("/", "/"), Ok("/".into()));
        assert_eq!(
            normalize("/", &"x".repeat(PATH_MAX + 1)),
            Err(Errno::Nametoolong)
        );
    }

    #[test]
    fn host_paths_do_not_exist() {
        let vfs = Vfs::new(None, &[], 1 << 20, vec!["cat".into()], 0).expect("vfs");
        for p in [
            "/etc/shadow",
            "/proc/self/environ",
            "/root",
            "/snapshot",
            "/usr/lib",
        ] {
            assert_eq!(vfs.resolve(p), Err(Errno::Noent), "{p}");
        }
        assert_eq!(vfs.resolve("/usr/bin/cat"), Ok(Loc::Tool("cat".into())));
        // /etc describes the sandbox, not the host.
        let Ok(Loc::Lib(passwd)) = vfs.resolve("/etc/passwd") else {
            panic!("/etc/passwd is built in");
        };
        assert_eq!(passwd, b"agent:x:1000:1000:agent:/workspace:/bin/bash\n");
        assert_eq!(vfs.mem_parent("/usr/bin/x"), Err(Errno::Rofs));
    }
}
