//! The `fd_*` and `path_*` functions of WASI p1.

use std::borrow::Cow;
use std::sync::Arc;

use rcabox_proto::{STATUS_KILLED, STATUS_TERM};
use wasmtime::Result;
use wasmtime::{Caller, Linker};

use super::{Fail, P1, R, iovecs, read_str, ret, slice, slice_mut, split, write_u32, write_u64};
use crate::sandbox::ErrorKind;
use crate::sandbox::fdtable::{Backing, OpenFile};
use crate::sandbox::pipe::PipeError;
use crate::sandbox::process::{Exit, ProcState, sigpipe};
use crate::sandbox::vfs::{Errno, FileType, Loc, Stat, normalize};

const O_CREAT: i32 = 1;
const O_DIRECTORY: i32 = 2;
const O_EXCL: i32 = 4;
const O_TRUNC: i32 = 8;
const FDFLAG_APPEND: i32 = 1;
const RIGHT_FD_WRITE: i64 = 1 << 6;
const RIGHT_FD_ALLOCATE: i64 = 1 << 8;
const RIGHT_FD_FILESTAT_SET_SIZE: i64 = 1 << 22;
const FST_ATIM: i32 = 1;
const FST_ATIM_NOW: i32 = 2;
const FST_MTIM: i32 = 4;
const FST_MTIM_NOW: i32 = 8;
/// Descriptor of the one preopened directory, `/`.
pub const ROOT_FD: u32 = 3;

fn pipe_fail(e: PipeError, st: &ProcState) -> Fail {
    match e {
        PipeError::Broken => Fail::Trap(sigpipe()),
        PipeError::Cancelled if !st.ctx.cancel.is_set() => Fail::Trap(Exit(STATUS_TERM).into()),
        PipeError::Cancelled => Fail::Trap(Exit(STATUS_KILLED).into()),
    }
}

/// What stops a blocked pipe read or write: the command's cancel, or the process's timeout.
fn stopper(st: &ProcState) -> impl Fn() -> bool + '_ {
    move || st.ctx.cancel.is_set() || st.spec.deadline.as_ref().is_some_and(|d| d.expired())
}

fn filetype_code(k: FileType) -> u8 {
    match k {
        FileType::Dir => 3,
        FileType::File => 4,
        FileType::CharDevice => 2,
    }
}

/// Current time of a process: its virtual start time plus its virtual clock. Virtual time
/// saturates at the end of u64 nanoseconds (2554-07-21) instead of wrapping to 1970 (threat
/// H-TIME: `sleep 16700000000; date`).
pub(crate) fn now(st: &ProcState) -> u64 {
    st.start_ns.saturating_add(st.clock_ns)
}

/// An in-memory filesystem change's outcome, with a refusal for lack of quota reported as the
/// command's `disk_quota` whichever call met it (write, truncate, create, mkdir, rename).
fn charged<T>(st: &ProcState, r: Result<T, Errno>) -> R<T> {
    if r.as_ref().is_err_and(|e| *e == Errno::Nospc) {
        st.ctx.soft_error(ErrorKind::DiskQuota);
    }
    Ok(r?)
}

/// Reads from an open file at its offset (or from a pipe).
pub(crate) fn read_file(f: &OpenFile, out: &mut [u8], st: &ProcState) -> R<usize> {
    if !f.readable {
        return Err(Errno::Badf.into());
    }
    match &f.backing {
        Backing::Null => Ok(0),
        Backing::Zero => {
            out.fill(0);
            Ok(out.len())
        }
        Backing::PipeRead(r) => {
            // Counted as blocked only once the read waits (the stopper is asked only then).
            let blocked = st.ctx.blocked();
            let stop = stopper(st);
            r.read(out, &|| {
                blocked.mark();
                stop()
            })
            .map_err(|e| pipe_fail(e, st))
        }
        Backing::Sink(_) | Backing::PipeWrite(_) => Err(Errno::Badf.into()),
        Backing::Dir { .. } => Err(Errno::Isdir.into()),
        Backing::Host { .. } | Backing::Mem(_) | Backing::Bytes(_) => {
            let mut pos = f.pos();
            let n = f.pread(out, *pos)?;
            *pos += n as u64;
            Ok(n)
        }
    }
}

/// Writes all of `data` to an open file (or pipe, or captured stream).
pub(crate) fn write_file(f: &OpenFile, data: &[u8], st: &ProcState, at: Option<u64>) -> R<usize> {
    if !f.writable {
        return Err(Errno::Badf.into());
    }
    match &f.backing {
        Backing::Null | Backing::Zero => Ok(data.len()),
        Backing::Sink(_) => {
            super::write_to(f, data, &st.ctx);
            Ok(data.len())
        }
        Backing::PipeWrite(w) => {
            let mut off = 0;
            let blocked = st.ctx.blocked();
            let stop = stopper(st);
            while off < data.len() {
                off += w
                    .write(&data[off..], &|| {
                        blocked.mark();
                        stop()
                    })
                    .map_err(|e| pipe_fail(e, st))?;
            }
            Ok(data.len())
        }
        Backing::Mem(ino) => {
            let vfs = f.vfs.as_ref().ok_or(Errno::Badf)?;
            // Lock order (threat H-LOCK): an open file's offset, then the filesystem, as
            // `read_file`, `fd_seek` and `OpenFile::size` take them.
            let mut pos = f.pos();
            let mut mem = vfs.mem();
            let start = match at {
                Some(p) => p,
                None if f.append => mem.stat(*ino).map(|s| s.1).ok_or(Errno::Badf)?,
                None => *pos,
            };
            let n = charged(st, mem.write(*ino, start, data, now(st)))?;
            if at.is_none() {
                *pos = start + n as u64;
            }
            Ok(n)
        }
        Backing::Host { .. } | Backing::Bytes(_) | Backing::PipeRead(_) => Err(Errno::Badf.into()),
        Backing::Dir { .. } => Err(Errno::Isdir.into()),
    }
}

/// The absolute path of directory descriptor `fd`.
fn dir_path(st: &ProcState, fd: i32) -> R<String> {
    match &st.spec.fds.get(fd as u32)?.backing {
        Backing::Dir { path, .. } => Ok(path.clone()),
        _ => Err(Errno::Notdir.into()),
    }
}

/// Resolves `path` relative to directory descriptor `fd` into an absolute path.
fn abs_path(c: &mut Caller<'_, ProcState>, fd: i32, path: i32, len: i32) -> R<String> {
    let (mem, st) = split(c)?;
    let p = read_str(mem, path, len)?;
    if p.is_empty() {
        return Err(Errno::Noent.into());
    }
    Ok(normalize(&dir_path(st, fd)?, &p)?)
}

fn stat_of(st: &ProcState, f: &OpenFile) -> R<Stat> {
    match &f.backing {
        Backing::Host { .. } | Backing::Mem(_) | Backing::Dir { .. } => {
            let loc = match &f.backing {
                Backing::Host { .. } => return Ok(f.host_stat.ok_or(Errno::Badf)?),
                Backing::Mem(ino) => Loc::Mem(*ino),
                Backing::Dir { loc, .. } => loc.clone(),
                _ => return Err(Errno::Badf.into()),
            };
            Ok(st.ctx.vfs.stat(&loc)?)
        }
        _ => Ok(f.stat()?),
    }
}

fn write_filestat(mem: &mut [u8], buf: i32, s: &Stat) -> R {
    let b = slice_mut(mem, buf, 64)?;
    b.fill(0);
    b[0..8].copy_from_slice(&s.dev.to_le_bytes());
    b[8..16].copy_from_slice(&s.ino.to_le_bytes());
    b[16] = filetype_code(s.kind);
    b[24..32].copy_from_slice(&1u64.to_le_bytes());
    b[32..40].copy_from_slice(&s.size.to_le_bytes());
    for at in [40, 48, 56] {
        b[at..at + 8].copy_from_slice(&s.mtime.to_le_bytes());
    }
    Ok(())
}

fn fd_read(
    c: &mut Caller<'_, ProcState>,
    fd: i32,
    iovs: i32,
    n: i32,
    nread: i32,
    at: Option<u64>,
) -> R {
    let (mem, st) = split(c)?;
    let f = st.spec.fds.get(fd as u32)?.clone();
    let vecs = iovecs(mem, iovs, n)?;
    let mut total = 0usize;
    for (ptr, len) in vecs {
        if len == 0 {
            continue;
        }
        let buf = slice_mut(mem, ptr, len)?;
        let got = match at {
            Some(off) => f.pread(buf, off + total as u64)?,
            None => read_file(&f, buf, st)?,
        };
        total += got;
        // One short read is the answer; further iovecs would block on a pipe for no reason.
        if got < len as usize || !f.seekable() {
            break;
        }
    }
    write_u32(mem, nread, total as u32)
}

fn fd_write(
    c: &mut Caller<'_, ProcState>,
    fd: i32,
    iovs: i32,
    n: i32,
    nwritten: i32,
    at: Option<u64>,
) -> R {
    let (mem, st) = split(c)?;
    let f = st.spec.fds.get(fd as u32)?.clone();
    // Each iovec is written straight from guest memory: gathering them first let 1,024
    // iovecs over the same guest buffer make the host allocate 1,024 times its size (threat
    // H-MEM-IOVEC). A failure after some bytes went out is a short write, as POSIX has it.
    let mut total = 0usize;
    for (ptr, len) in iovecs(mem, iovs, n)? {
        let data = slice(mem, ptr, len)?;
        let off = at.map(|a| a.saturating_add(total as u64));
        let n = match write_file(&f, data, st, off) {
            Ok(n) => n,
            Err(_) if total > 0 => break,
            Err(e) => return Err(e),
        };
        total += n;
        if n < data.len() {
            break;
        }
    }
    write_u32(mem, nwritten, total as u32)
}

#[allow(
    clippy::too_many_arguments,
    reason = "the arguments of WASI's path_open, as the guest passes them"
)]
fn path_open(
    c: &mut Caller<'_, ProcState>,
    fd: i32,
    path: i32,
    len: i32,
    oflags: i32,
    rights: i64,
    fdflags: i32,
    out: i32,
) -> R {
    let abs = abs_path(c, fd, path, len)?;
    let (mem, st) = split(c)?;
    let vfs = st.ctx.vfs.clone();
    let write = rights & (RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE) != 0
        || oflags & (O_CREAT | O_TRUNC) != 0;
    let loc = match vfs.resolve(&abs) {
        Ok(_) if oflags & O_CREAT != 0 && oflags & O_EXCL != 0 => return Err(Errno::Exist.into()),
        Ok(loc) => loc,
        Err(Errno::Noent) if oflags & O_CREAT != 0 => {
            let (parent, name) = vfs.mem_parent(&abs)?;
            let now = now(st);
            let created = vfs.mem().create(parent, &name, false, now);
            Loc::Mem(charged(st, created)?)
        }
        Err(e) => return Err(e.into()),
    };
    let stat = vfs.stat(&loc)?;
    if oflags & O_DIRECTORY != 0 && stat.kind != FileType::Dir {
        return Err(Errno::Notdir.into());
    }
    if stat.kind == FileType::Dir && write {
        return Err(Errno::Isdir.into());
    }
    let read = !write || rights & (1 << 1) != 0;
    let file = match loc {
        Loc::VirtDir(_) | Loc::Snap(_) | Loc::Mem(_) if stat.kind == FileType::Dir => {
            OpenFile::new(Backing::Dir { path: abs, loc }, true, false)
        }
        Loc::Fd(n) => st.spec.fds.get(n)?.clone(),
        Loc::Null => OpenFile::new(Backing::Null, true, true),
        Loc::Zero => OpenFile::new(Backing::Zero, true, true),
        _ if write && !matches!(loc, Loc::Mem(_)) => return Err(Errno::Rofs.into()),
        Loc::Tool(_) => OpenFile::new(Backing::Bytes(Cow::Borrowed(&[])), true, false),
        Loc::Lib(bytes) => {
            let mut of = OpenFile::raw(Backing::Bytes(Cow::Borrowed(bytes)), true, false);
            of.host_stat = Some(stat);
            Arc::new(of)
        }
        Loc::Snap(rel) => {
            let snap = vfs.snap().ok_or(Errno::Noent)?;
            let Some(crate::sandbox::vfs::snapfs::SnapEntry::File { host, size, id }) =
                snap.get(&rel)
            else {
                return Err(Errno::Noent.into());
            };
            let file = snap.open_file(host, *id).map_err(|_| Errno::Acces)?;
            let mut of = OpenFile::raw(Backing::Host { file, size: *size }, true, false);
            of.host_stat = Some(stat);
            Arc::new(of)
        }
        Loc::Mem(ino) => {
            if oflags & O_TRUNC != 0 {
                charged(st, vfs.mem().truncate(ino, 0, now(st)))?;
            }
            let mut of = OpenFile::raw(Backing::Mem(ino), read, write);
            of.append = fdflags & FDFLAG_APPEND != 0;
            of.vfs = Some(vfs.clone());
            Arc::new(of)
        }
        Loc::VirtDir(_) => return Err(Errno::Isdir.into()),
    };
    let new = st.spec.fds.insert(file)?;
    write_u32(mem, out, new)
}

/// Host bytes one cached directory entry costs beside its name (the tuple and the String).
const LISTING_ENTRY_COST: usize = 48;

fn fd_readdir(
    c: &mut Caller<'_, ProcState>,
    fd: i32,
    buf: i32,
    buf_len: i32,
    cookie: i64,
    used: i32,
) -> R {
    let (mem, st) = split(c)?;
    let f = st.spec.fds.get(fd as u32)?.clone();
    let Backing::Dir { loc, .. } = &f.backing else {
        return Err(Errno::Notdir.into());
    };
    let entries = {
        let mut cached = f.listing.lock().unwrap_or_else(|e| e.into_inner());
        match cached.as_ref() {
            Some((l, _)) if cookie > 0 => l.clone(),
            _ => {
                *cached = None;
                let vfs = &st.ctx.vfs;
                let me = vfs.stat(loc)?;
                let mut entries = vec![
                    (".".to_string(), me.ino, FileType::Dir),
                    ("..".to_string(), me.ino, FileType::Dir),
                ];
                entries.extend(vfs.list(loc)?);
                let bytes: usize = entries.iter().map(|e| e.0.len() + LISTING_ENTRY_COST).sum();
                let charge = st.ctx.charge_memory(bytes as u64)?;
                let l = Arc::new(entries);
                *cached = Some((l.clone(), charge));
                l
            }
        }
    };
    let out = slice_mut(mem, buf, buf_len)?;
    let mut w = 0usize;
    for (i, (name, ino, kind)) in entries.iter().enumerate().skip(cookie.max(0) as usize) {
        let mut ent = [0u8; 24];
        ent[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        ent[8..16].copy_from_slice(&ino.to_le_bytes());
        ent[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
        ent[20] = filetype_code(*kind);
        // Entries are cut at the buffer's end, as the ABI says; the caller retries larger.
        for b in ent.iter().chain(name.as_bytes()) {
            if w == out.len() {
                return write_u32(mem, used, w as u32);
            }
            out[w] = *b;
            w += 1;
        }
    }
    write_u32(mem, used, w as u32)
}

fn set_times(st: &ProcState, loc: &Loc, mtim: i64, flags: i32) -> R {
    let Loc::Mem(ino) = loc else {
        return Err(Errno::Rofs.into());
    };
    let t = if flags & FST_MTIM_NOW != 0 {
        now(st)
    } else if flags & FST_MTIM != 0 {
        mtim as u64
    } else if flags & (FST_ATIM | FST_ATIM_NOW) != 0 {
        return Ok(()); // access times are not kept
    } else {
        now(st)
    };
    st.ctx.vfs.mem().touch(*ino, t);
    Ok(())
}

fn remove(c: &mut Caller<'_, ProcState>, fd: i32, path: i32, len: i32, dir: bool) -> R {
    let abs = abs_path(c, fd, path, len)?;
    let (_, st) = split(c)?;
    let vfs = st.ctx.vfs.clone();
    vfs.resolve(&abs)?;
    let (parent, name) = vfs.mem_parent(&abs)?;
    Ok(vfs.mem().remove(parent, &name, dir)?)
}

/// Calls that may wait on a pipe: their time is waiting, not work, and is not charged.
/// Host time in one import past which the import's CPU is charged at once rather than at the
/// next epoch tick: a rename or a listing over a huge tree is seen by the CPU limit as soon as
/// it returns (threat H-CPU-HOST). Reading the thread's CPU clock costs a system call, too
/// much for every small read and write.
const LONG_CALL: std::time::Duration = std::time::Duration::from_millis(1);

/// Links one p1 function, charging the CPU of a long call at once (see [`LONG_CALL`]).
macro_rules! wrap {
    ($linker:ident, $name:literal, |$c:ident $(, $a:ident : $t:ty)*| $body:expr) => {
        $linker.func_wrap(P1, $name, |mut $c: Caller<'_, ProcState> $(, $a: $t)*| -> Result<i32> {
            let started = std::time::Instant::now();
            let $c = &mut $c;
            let r = ret(|| -> R { $body });
            if started.elapsed() > LONG_CALL {
                $c.data_mut().charge_cpu(false);
            }
            r
        })?;
    };
}

/// Adds the filesystem functions.
pub(super) fn add(l: &mut Linker<ProcState>) -> Result<()> {
    wrap!(l, "fd_read", |c, fd: i32, iovs: i32, n: i32, nread: i32| {
        fd_read(c, fd, iovs, n, nread, None)
    });
    wrap!(l, "fd_pread", |c,
                          fd: i32,
                          iovs: i32,
                          n: i32,
                          off: i64,
                          nread: i32| fd_read(
        c,
        fd,
        iovs,
        n,
        nread,
        Some(off as u64)
    ));
    wrap!(l, "fd_write", |c, fd: i32, iovs: i32, n: i32, nw: i32| {
        fd_write(c, fd, iovs, n, nw, None)
    });
    wrap!(l, "fd_pwrite", |c,
                           fd: i32,
                           iovs: i32,
                           n: i32,
                           off: i64,
                           nw: i32| fd_write(
        c,
        fd,
        iovs,
        n,
        nw,
        Some(off as u64)
    ));
    wrap!(l, "fd_close", |c, fd: i32| {
        let (_, st) = split(c)?;
        Ok(st.spec.fds.close(fd as u32)?)
    });
    wrap!(l, "fd_renumber", |c, from: i32, to: i32| {
        let (_, st) = split(c)?;
        Ok(st.spec.fds.renumber(from as u32, to as u32)?)
    });
    wrap!(l, "fd_seek", |c,
                         fd: i32,
                         off: i64,
                         whence: i32,
                         out: i32| {
        let (mem, st) = split(c)?;
        let f = st.spec.fds.get(fd as u32)?.clone();
        if !f.seekable() {
            return Err(Errno::Spipe.into());
        }
        let mut pos = f.pos();
        let base = match whence {
            0 => 0,
            1 => *pos as i64,
            2 => f.size()? as i64,
            _ => return Err(Errno::Inval.into()),
        };
        let new = base
            .checked_add(off)
            .filter(|p| *p >= 0)
            .ok_or(Errno::Inval)?;
        *pos = new as u64;
        write_u64(mem, out, new as u64)
    });
    wrap!(l, "fd_tell", |c, fd: i32, out: i32| {
        let (mem, st) = split(c)?;
        let f = st.spec.fds.get(fd as u32)?.clone();
        if !f.seekable() {
            return Err(Errno::Spipe.into());
        }
        let p = *f.pos();
        write_u64(mem, out, p)
    });
    wrap!(l, "fd_fdstat_get", |c, fd: i32, buf: i32| {
        let (mem, st) = split(c)?;
        let f = st.spec.fds.get(fd as u32)?.clone();
        let b = slice_mut(mem, buf, 24)?;
        b.fill(0);
        b[0] = f.filetype();
        b[2..4].copy_from_slice(&(if f.append { 1u16 } else { 0 }).to_le_bytes());
        let mut rights: u64 = (1 << 30) - 1;
        if !f.seekable() {
            rights &= !((1 << 2) | (1 << 5)); // no seek, no tell
        }
        b[8..16].copy_from_slice(&rights.to_le_bytes());
        b[16..24].copy_from_slice(&rights.to_le_bytes());
        Ok(())
    });
    wrap!(l, "fd_fdstat_set_flags", |c, fd: i32, _flags: i32| {
        let (_, st) = split(c)?;
        st.spec.fds.get(fd as u32)?;
        Ok(())
    });
    wrap!(l, "fd_fdstat_set_rights", |c, fd: i32, _b: i64, _i: i64| {
        let (_, st) = split(c)?;
        st.spec.fds.get(fd as u32)?;
        Ok(())
    });
    wrap!(l, "fd_filestat_get", |c, fd: i32, buf: i32| {
        let (mem, st) = split(c)?;
        let f = st.spec.fds.get(fd as u32)?.clone();
        let s = stat_of(st, &f)?;
        write_filestat(mem, buf, &s)
    });
    wrap!(l, "fd_filestat_set_size", |c, fd: i32, size: i64| {
        let (_, st) = split(c)?;
        let f = st.spec.fds.get(fd as u32)?.clone();
        match (&f.backing, f.writable) {
            (Backing::Mem(ino), true) => {
                let r = st.ctx.vfs.mem().truncate(*ino, size.max(0) as u64, now(st));
                charged(st, r)
            }
            _ => Err(Errno::Badf.into()),
        }
    });
    wrap!(
        l,
        "fd_filestat_set_times",
        |c, fd: i32, _a: i64, m: i64, flags: i32| {
            let (_, st) = split(c)?;
            let f = st.spec.fds.get(fd as u32)?.clone();
            match &f.backing {
                Backing::Mem(ino) => set_times(st, &Loc::Mem(*ino), m, flags),
                Backing::Dir { loc, .. } => set_times(st, loc, m, flags),
                _ => Err(Errno::Rofs.into()),
            }
        }
    );
    for name in ["fd_sync", "fd_datasync"] {
        l.func_wrap(
            P1,
            name,
            |mut c: Caller<'_, ProcState>, fd: i32| -> Result<i32> {
                ret(|| -> R {
                    let (_, st) = split(&mut c)?;
                    st.spec.fds.get(fd as u32)?;
                    Ok(())
                })
            },
        )?;
    }
    wrap!(l, "fd_advise", |c, fd: i32, _o: i64, _l: i64, _a: i32| {
        let (_, st) = split(c)?;
        st.spec.fds.get(fd as u32)?;
        Ok(())
    });
    wrap!(l, "fd_allocate", |c, fd: i32, _o: i64, _l: i64| {
        let (_, st) = split(c)?;
        st.spec.fds.get(fd as u32)?;
        Ok(())
    });
    wrap!(l, "fd_prestat_get", |c, fd: i32, buf: i32| {
        let (mem, _) = split(c)?;
        if fd as u32 != ROOT_FD {
            return Err(Errno::Badf.into());
        }
        write_u32(mem, buf, 0)?;
        write_u32(mem, buf + 4, 1)
    });
    wrap!(
        l,
        "fd_prestat_dir_name",
        |c, fd: i32, path: i32, len: i32| {
            let (mem, _) = split(c)?;
            if fd as u32 != ROOT_FD {
                return Err(Errno::Badf.into());
            }
            if len < 1 {
                return Err(Errno::Nametoolong.into());
            }
            slice_mut(mem, path, 1)?.copy_from_slice(b"/");
            Ok(())
        }
    );
    wrap!(l, "fd_readdir", |c,
                            fd: i32,
                            buf: i32,
                            len: i32,
                            cookie: i64,
                            used: i32| {
        fd_readdir(c, fd, buf, len, cookie, used)
    });
    wrap!(l, "path_open", |c,
                           fd: i32,
                           _dirflags: i32,
                           path: i32,
                           len: i32,
                           oflags: i32,
                           rights: i64,
                           _inh: i64,
                           fdflags: i32,
                           out: i32| {
        path_open(c, fd, path, len, oflags, rights, fdflags, out)
    });
    wrap!(
        l,
        "path_filestat_get",
        |c, fd: i32, _flags: i32, path: i32, len: i32, buf: i32| {
            let abs = abs_path(c, fd, path, len)?;
            let (mem, st) = split(c)?;
            let vfs = &st.ctx.vfs;
            let s = vfs.stat(&vfs.resolve(&abs)?)?;
            write_filestat(mem, buf, &s)
        }
    );
    wrap!(
        l,
        "path_filestat_set_times",
        |c, fd: i32, _flags: i32, path: i32, len: i32, _a: i64, m: i64, fst: i32| {
            let abs = abs_path(c, fd, path, len)?;
            let (_, st) = split(c)?;
            let loc = st.ctx.vfs.resolve(&abs)?;
            set_times(st, &loc, m, fst)
        }
    );
    wrap!(
        l,
        "path_create_directory",
        |c, fd: i32, path: i32, len: i32| {
            let abs = abs_path(c, fd, path, len)?;
            let (_, st) = split(c)?;
            let vfs = st.ctx.vfs.clone();
            if vfs.resolve(&abs).is_ok() {
                return Err(Errno::Exist.into());
            }
            let (parent, name) = vfs.mem_parent(&abs)?;
            let now = now(st);
            let created = vfs.mem().create(parent, &name, true, now);
            charged(st, created).map(drop)
        }
    );
    wrap!(l, "path_unlink_file", |c, fd: i32, path: i32, len: i32| {
        remove(c, fd, path, len, false)
    });
    wrap!(
        l,
        "path_remove_directory",
        |c, fd: i32, path: i32, len: i32| remove(c, fd, path, len, true)
    );
    wrap!(
        l,
        "path_rename",
        |c, fd: i32, old: i32, old_len: i32, new_fd: i32, new: i32, new_len: i32| {
            let from = abs_path(c, fd, old, old_len)?;
            let to = abs_path(c, new_fd, new, new_len)?;
            let (_, st) = split(c)?;
            let vfs = st.ctx.vfs.clone();
            vfs.resolve(&from)?;
            let (fp, fname) = vfs.mem_parent(&from)?;
            let (tp, tname) = vfs.mem_parent(&to)?;
            let renamed = vfs.mem().rename(fp, &fname, tp, &tname);
            charged(st, renamed)
        }
    );
    wrap!(
        l,
        "path_readlink",
        |c, fd: i32, path: i32, len: i32, _buf: i32, _blen: i32, _used: i32| {
            let abs = abs_path(c, fd, path, len)?;
            let (_, st) = split(c)?;
            st.ctx.vfs.resolve(&abs)?;
            Err(Errno::Inval.into()) // nothing in the tree is a symlink
        }
    );
    wrap!(l, "path_symlink", |c,
                              _old: i32,
                              _ol: i32,
                              _fd: i32,
                              _new: i32,
                              _nl: i32| {
        let _ = c;
        Err(Errno::Notsup.into())
    });
    wrap!(l, "path_link", |c,
                           _fd: i32,
                           _f: i32,
                           _o: i32,
                           _ol: i32,
                           _nfd: i32,
                           _n: i32,
                           _nl: i32| {
        let _ = c;
        Err(Errno::Notsup.into())
    });
    Ok(())
}
