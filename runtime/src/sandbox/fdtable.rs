//! Open files and per-process descriptor tables.
//!
//! An [`OpenFile`] is what Unix calls an open file description: descriptors that share one
//! (after `dup`, or a child started with a parent's descriptor) share its offset, as a
//! subshell reading `{ read a; read b; } < file` expects. Pipe ends live inside open files,
//! so a pipe reaches end of file exactly when the last descriptor on its writer is closed.

use std::collections::BTreeMap;
use std::os::unix::fs::FileExt;
use std::sync::{Arc, Mutex};

use super::output::Sink;
use super::pipe::{PipeReader, PipeWriter};
use super::vfs::memfs::Ino;
use super::vfs::{Errno, FileType, Loc, Stat, Vfs};

/// Most descriptors one process may hold open: a loop of `exec {fd}<file` or of pipes ends
/// here with `EMFILE` (threat H-FD).
pub const MAX_FDS: usize = 1024;

/// What an open file reads from or writes to.
pub enum Backing {
    /// `/dev/null`: reads end at once, writes vanish.
    Null,
    /// `/dev/zero`: reads fill the buffer with zeros, writes vanish.
    Zero,
    /// A captured output stream of the command.
    Sink(Arc<Sink>),
    /// The read end of a pipe.
    PipeRead(PipeReader),
    /// The write end of a pipe.
    PipeWrite(PipeWriter),
    /// A snapshot file.
    Host { file: std::fs::File, size: u64 },
    /// A file of the in-memory tree.
    Mem(Ino),
    /// Bytes given by the guest itself (a heredoc), or built into rcabox (python3's standard
    /// library), read-only.
    Bytes(std::borrow::Cow<'static, [u8]>),
    /// A directory, by its absolute path.
    Dir { path: String, loc: Loc },
}

/// One open file description.
pub struct OpenFile {
    /// Where the bytes go.
    pub backing: Backing,
    /// Current offset, shared by all descriptors on this description.
    pub pos: Mutex<u64>,
    /// Whether reads are allowed.
    pub readable: bool,
    /// Whether writes are allowed.
    pub writable: bool,
    /// Whether every write goes to the end (`>>`).
    pub append: bool,
    /// The session's filesystem, for in-memory files.
    pub vfs: Option<Arc<Vfs>>,
    /// Status of a snapshot file, taken when it was opened.
    pub host_stat: Option<Stat>,
    /// Host memory its contents hold against the command's budget (heredocs).
    pub charge: Option<super::budget::Charge>,
    /// A directory's listing, taken when it is read from the start and kept for the reads
    /// that continue it (threat H-CPU-READDIR: each read rebuilt the whole listing).
    /// Its host memory is charged to the command's budget while it is kept.
    pub listing: Mutex<Option<(Arc<Listing>, super::budget::Charge)>>,
}

/// A directory's entries: name, inode number, type.
pub type Listing = Vec<(String, u64, FileType)>;

impl OpenFile {
    /// An open file with offset 0.
    pub fn new(backing: Backing, readable: bool, writable: bool) -> Arc<Self> {
        Arc::new(Self::raw(backing, readable, writable))
    }

    /// An open file with offset 0, not yet shared.
    pub fn raw(backing: Backing, readable: bool, writable: bool) -> Self {
        OpenFile {
            backing,
            pos: Mutex::new(0),
            readable,
            writable,
            append: false,
            vfs: None,
            host_stat: None,
            charge: None,
            listing: Mutex::new(None),
        }
    }

    /// Locks the offset.
    pub fn pos(&self) -> std::sync::MutexGuard<'_, u64> {
        self.pos.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads at an explicit offset (files only).
    pub fn pread(&self, out: &mut [u8], at: u64) -> Result<usize, Errno> {
        match &self.backing {
            Backing::Host { file, .. } => file.read_at(out, at).map_err(|_| Errno::Io),
            Backing::Mem(ino) => self
                .vfs
                .as_ref()
                .ok_or(Errno::Badf)?
                .mem()
                .read(*ino, at, out),
            Backing::Bytes(b) => {
                let start = usize::try_from(at).unwrap_or(usize::MAX).min(b.len());
                let n = out.len().min(b.len() - start);
                out[..n].copy_from_slice(&b[start..start + n]);
                Ok(n)
            }
            Backing::Dir { .. } => Err(Errno::Isdir),
            Backing::Null => Ok(0),
            Backing::Zero => {
                out.fill(0);
                Ok(out.len())
            }
            _ => Err(Errno::Spipe),
        }
    }

    /// Whether the file has an offset (`lseek` works). `/dev/null` has one, as on Linux:
    /// WASI's `isatty` is "a character device that cannot seek", so without it
    /// `python3 < /dev/null` believed its stdin was a terminal. `/dev/zero` has none, so that
    /// tools keep reading it as the endless stream it is (`tail -c N /dev/zero` must not seek
    /// to an end it does not have).
    pub fn seekable(&self) -> bool {
        matches!(
            self.backing,
            Backing::Host { .. }
                | Backing::Mem(_)
                | Backing::Bytes(_)
                | Backing::Dir { .. }
                | Backing::Null
        )
    }

    /// Size of a seekable file.
    pub fn size(&self) -> Result<u64, Errno> {
        match &self.backing {
            Backing::Host { size, .. } => Ok(*size),
            Backing::Bytes(b) => Ok(b.len() as u64),
            Backing::Mem(ino) => {
                let vfs = self.vfs.as_ref().ok_or(Errno::Badf)?;
                vfs.mem().stat(*ino).map(|s| s.1).ok_or(Errno::Badf)
            }
            _ => Ok(0),
        }
    }

    /// File status for `fd_filestat_get`.
    pub fn stat(&self) -> Result<Stat, Errno> {
        let fifo = |ino| Stat {
            dev: 4,
            ino,
            kind: FileType::CharDevice,
            size: 0,
            mtime: 0,
        };
        // Inode numbers as `Vfs::stat` gives the same devices by path.
        let device = |ino| Stat {
            dev: 3,
            ino,
            kind: FileType::CharDevice,
            size: 0,
            mtime: 0,
        };
        match &self.backing {
            Backing::Null => Ok(device(2)),
            Backing::Zero => Ok(device(4)),
            Backing::Sink(_) | Backing::PipeRead(_) | Backing::PipeWrite(_) => Ok(fifo(1)),
            Backing::Bytes(b) => Ok(Stat {
                dev: 4,
                ino: 2,
                kind: FileType::File,
                size: b.len() as u64,
                mtime: 0,
            }),
            Backing::Host { .. } | Backing::Mem(_) | Backing::Dir { .. } => Err(Errno::Notsup),
        }
    }

    /// WASI file type of the description.
    pub fn filetype(&self) -> u8 {
        match &self.backing {
            Backing::Null | Backing::Zero => 2,
            Backing::Host { .. } | Backing::Mem(_) | Backing::Bytes(_) => 4,
            Backing::Dir { .. } => 3,
            // Pipes and captured streams: "unknown", which guests treat as not a terminal.
            _ => 0,
        }
    }
}

/// One process's descriptors.
#[derive(Default)]
pub struct FdTable {
    fds: BTreeMap<u32, Arc<OpenFile>>,
}

impl FdTable {
    /// The open file behind `fd`.
    pub fn get(&self, fd: u32) -> Result<&Arc<OpenFile>, Errno> {
        self.fds.get(&fd).ok_or(Errno::Badf)
    }

    /// Puts `file` at `fd`, closing whatever was there; a new descriptor past [`MAX_FDS`]
    /// open ones is refused (threat H-FD: a spawn request could name any number of them).
    pub fn set(&mut self, fd: u32, file: Arc<OpenFile>) -> Result<(), Errno> {
        if !self.fds.contains_key(&fd) && self.fds.len() >= MAX_FDS {
            return Err(Errno::Mfile);
        }
        self.fds.insert(fd, file);
        Ok(())
    }

    /// Puts `file` at the lowest free descriptor from 3 up (0-2 are the standard streams and
    /// 3 the root preopen, so guests never get them by accident).
    pub fn insert(&mut self, file: Arc<OpenFile>) -> Result<u32, Errno> {
        if self.fds.len() >= MAX_FDS {
            return Err(Errno::Mfile);
        }
        let mut fd = 4;
        while self.fds.contains_key(&fd) {
            fd += 1;
        }
        self.fds.insert(fd, file);
        Ok(fd)
    }

    /// Closes `fd`.
    pub fn close(&mut self, fd: u32) -> Result<(), Errno> {
        self.fds.remove(&fd).map(|_| ()).ok_or(Errno::Badf)
    }

    /// Moves `from` onto `to` (WASI's `fd_renumber`).
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<(), Errno> {
        let f = self.fds.remove(&from).ok_or(Errno::Badf)?;
        self.fds.insert(to, f);
        Ok(())
    }

    /// Drops every descriptor, so pipe ends close as soon as a process exits.
    pub fn clear(&mut self) {
        self.fds.clear();
    }
}
