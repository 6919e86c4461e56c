//! The `rcabox` import module: how a guest starts programs, makes pipes and waits.
//!
//! It is a `posix_spawn` rather than a `fork`: the shell names the program, its arguments,
//! environment, working directory and which of its own descriptors the child gets as which
//! numbers. A subshell is the shell program started again with its state in `state`.
//!
//! | import | signature | does |
//! |---|---|---|
//! | `spawn` | `(req, req_len, pid_out) -> errno` | start a process from an encoded [`SpawnRequest`] |
//! | `wait` | `(pid, status_out) -> errno` | wait for a child; status is bash's `$?` (128+n for signals) |
//! | `pipe` | `(fds_out) -> errno` | make a pipe; writes the read and write descriptors |
//! | `dup` | `(fd, fd_out) -> errno` | a second descriptor on the same open file |
//! | `memfd` | `(data, len, fd_out) -> errno` | a readable descriptor over bytes (heredocs) |
//! | `state` | `(buf, len) -> size` | copy this process's start state; returns its full size |
//! | `exec` | `(req, req_len) -> errno` | become the requested program in place (a shell's last command) |

use rcabox_proto::{IMPORT_MODULE, SpawnRequest, imports};
use wasmtime::Result;
use wasmtime::{Caller, Linker};

use super::fs::ROOT_FD;
use super::{R, ret, slice, slice_mut, split, write_u32};
use crate::sandbox::fdtable::{Backing, FdTable, OpenFile};
use crate::sandbox::pipe::pipe;
use crate::sandbox::process::{Deadline, ProcSpec, ProcState};
use crate::sandbox::vfs::{Errno, FileType, Loc, normalize};
use std::sync::Arc;
use std::time::Duration;

/// The descriptor table every process starts from: the root directory at [`ROOT_FD`].
pub fn base_fds() -> FdTable {
    let mut t = FdTable::default();
    // The first descriptor of an empty table always fits.
    let _ = t.set(
        ROOT_FD,
        OpenFile::new(
            Backing::Dir {
                path: "/".into(),
                loc: Loc::VirtDir("/"),
            },
            true,
            false,
        ),
    );
    t
}

/// Reads and checks the request at `req..req+len` as what a new process starts with: its
/// working directory must be a directory and its descriptors the caller's own.
fn checked_spec(mem: &[u8], st: &ProcState, req: i32, len: i32) -> R<ProcSpec> {
    if !(0..=64 << 20).contains(&len) {
        return Err(Errno::Inval.into());
    }
    // The request's bytes (argv, environment, start state) stay in host memory while the
    // program runs: charged to the command before they are copied (threat H-MEM-SPAWN).
    let charge = st.ctx.charge_memory(len as u64)?;
    let req = SpawnRequest::decode(slice(mem, req, len)?).map_err(|_| Errno::Inval)?;
    let cwd = normalize(
        "/",
        std::str::from_utf8(&req.cwd).map_err(|_| Errno::Inval)?,
    )?;
    let vfs = &st.ctx.vfs;
    if vfs.stat(&vfs.resolve(&cwd)?)?.kind != FileType::Dir {
        return Err(Errno::Notdir.into());
    }
    let mut fds = base_fds();
    for (child, parent) in &req.fds {
        if *child == ROOT_FD {
            return Err(Errno::Inval.into());
        }
        fds.set(*child, st.spec.fds.get(*parent)?.clone())?;
    }
    let inherited = st.spec.deadline.clone();
    let deadline = if req.timeout_ns > 0 {
        let now = super::fs::now(st);
        Some(Arc::new(Deadline::new(now, req.timeout_ns, inherited)))
    } else {
        inherited
    };
    Ok(ProcSpec {
        charge: Some(charge),
        argv: req.argv,
        env: req.env,
        cwd,
        fds,
        state: req.state,
        deadline,
    })
}

fn spawn(c: &mut Caller<'_, ProcState>, req: i32, len: i32, out: i32) -> R {
    let (mem, st) = split(c)?;
    let spec = checked_spec(mem, st, req, len)?;
    let pid = st.ctx.spawn(spec).map_err(|_| Errno::Again)?;
    st.children.push(pid);
    write_u32(mem, out, pid)
}

/// Turns the calling process into the requested program: what a shell does for its last
/// command, which then needs no instance of its own. The memory, pid and children stay; the
/// rest is set as a fresh process of that program would have it, so its output is the same
/// bytes a spawned one would give. The interpreter is another module, so `python3` is refused
/// (`ENOTSUP`) and the caller spawns it instead; on any error nothing has changed.
fn exec(c: &mut Caller<'_, ProcState>, req: i32, len: i32) -> R {
    let (mem, st) = split(c)?;
    let spec = checked_spec(mem, st, req, len)?;
    if spec
        .argv
        .first()
        .is_none_or(|a| crate::sandbox::python::is_python(a))
    {
        return Err(Errno::Notsup.into());
    }
    let pid = st.ctx.claim_pid().map_err(|_| Errno::Again)?;
    // The old table goes here: the shell's own pipe ends and files close, as at exec.
    st.spec = spec;
    st.rng = crate::sandbox::process::rng_seed(st.ctx.seed, pid);
    st.start_ns = st.ctx.vfs.now_ns();
    st.clock_ns = 0;
    Ok(())
}

fn wait(c: &mut Caller<'_, ProcState>, pid: i32, out: i32) -> R {
    let (mem, st) = split(c)?;
    let pid = pid as u32;
    let at = st
        .children
        .iter()
        .position(|p| *p == pid)
        .ok_or(Errno::Inval)?;
    let done = st.ctx.done(pid).ok_or(Errno::Inval)?;
    // Once the command is cancelled every process dies at its next epoch tick or pipe poll;
    // a child that still does not finish within the grace period is reported killed.
    let blocked = st.ctx.blocked();
    blocked.mark();
    let status = done
        .wait(&st.ctx.cancel, Duration::from_secs(5))
        .unwrap_or(rcabox_proto::STATUS_KILLED);
    drop(blocked);
    st.children.remove(at);
    // A shell under `timeout` whose child was stopped is stopped too, before it runs on.
    if st.spec.deadline.as_ref().is_some_and(|d| d.expired()) {
        return Err(super::Fail::Trap(
            crate::sandbox::process::Exit(rcabox_proto::STATUS_TERM).into(),
        ));
    }
    write_u32(mem, out, status as u32)
}

/// Adds the process imports.
pub(super) fn add(l: &mut Linker<ProcState>) -> Result<()> {
    let m = IMPORT_MODULE;
    l.func_wrap(
        m,
        imports::SPAWN,
        |mut c: Caller<'_, ProcState>, req: i32, len: i32, out: i32| {
            ret(|| spawn(&mut c, req, len, out))
        },
    )?;
    l.func_wrap(
        m,
        imports::EXEC,
        |mut c: Caller<'_, ProcState>, req: i32, len: i32| ret(|| exec(&mut c, req, len)),
    )?;
    l.func_wrap(
        m,
        imports::WAIT,
        |mut c: Caller<'_, ProcState>, pid: i32, out: i32| ret(|| wait(&mut c, pid, out)),
    )?;
    l.func_wrap(
        m,
        imports::PIPE,
        |mut c: Caller<'_, ProcState>, out: i32| {
            ret(|| {
                let (mem, st) = split(&mut c)?;
                let charge = st
                    .ctx
                    .charge_memory(crate::sandbox::pipe::PIPE_CAPACITY as u64)?;
                let (r, w) = pipe();
                r.hold(charge);
                let rfd = st
                    .spec
                    .fds
                    .insert(OpenFile::new(Backing::PipeRead(r), true, false))?;
                let wfd = st
                    .spec
                    .fds
                    .insert(OpenFile::new(Backing::PipeWrite(w), false, true))?;
                write_u32(mem, out, rfd)?;
                write_u32(mem, out + 4, wfd)
            })
        },
    )?;
    l.func_wrap(
        m,
        imports::MEMFD,
        |mut c: Caller<'_, ProcState>, data: i32, len: i32, out: i32| {
            ret(|| {
                let (mem, st) = split(&mut c)?;
                // Heredoc contents live on the host as long as a descriptor is open on them:
                // charged first (threat H-MEM-MEMFD: 150 copies of 10 MB reached 1.5 GB).
                let src = slice(mem, data, len)?;
                let charge = st.ctx.charge_memory(src.len() as u64)?;
                let mut of = OpenFile::raw(Backing::Bytes(src.to_vec().into()), true, false);
                of.charge = Some(charge);
                let fd = st.spec.fds.insert(Arc::new(of))?;
                write_u32(mem, out, fd)
            })
        },
    )?;
    l.func_wrap(
        m,
        imports::STATE,
        |mut c: Caller<'_, ProcState>, buf: i32, len: i32| -> Result<i32> {
            let r = (|| -> R<i32> {
                let (mem, st) = split(&mut c)?;
                let n = st.spec.state.len().min(len.max(0) as usize);
                let bytes = st.spec.state[..n].to_vec();
                slice_mut(mem, buf, n as i32)?.copy_from_slice(&bytes);
                Ok(st.spec.state.len() as i32)
            })();
            match r {
                Ok(n) => Ok(n),
                Err(super::Fail::Errno(_)) => Ok(-1),
                Err(super::Fail::Trap(t)) => Err(t),
            }
        },
    )?;
    Ok(())
}
