//! Arguments, environment, clocks, randomness, polling and exit.
//!
//! Clocks are virtual: a process starts at the snapshot's capture time and its clock advances
//! by [`CLOCK_STEP`] per reading and by the full timeout of every sleep, which therefore
//! returns at once. The same command prints the same times on every machine, and `sleep 60`
//! costs an agent nothing.

use wasmtime::Result;
use wasmtime::{Caller, Linker};

use super::fs::now;
use super::{Fail, P1, R, read_u32, read_u64, ret, slice, slice_mut, split, write_u32, write_u64};
use crate::sandbox::fdtable::Backing;
use crate::sandbox::process::{Exit, ProcState, splitmix};
use crate::sandbox::vfs::Errno;
use rcabox_proto::STATUS_TERM;

/// Virtual nanoseconds a clock reading costs, so successive readings still differ.
pub const CLOCK_STEP: u64 = 1_000;

/// Monotonic clocks start here rather than at 0, as a booted machine's would.
const MONOTONIC_BASE: u64 = 1_000_000_000_000;

fn write_strings(mem: &mut [u8], list: &[Vec<u8>], ptrs: i32, buf: i32) -> R {
    let mut at = buf;
    for (i, s) in list.iter().enumerate() {
        write_u32(mem, ptrs + 4 * i as i32, at as u32)?;
        let dst = slice_mut(mem, at, s.len() as i32 + 1)?;
        dst[..s.len()].copy_from_slice(s);
        dst[s.len()] = 0;
        at += s.len() as i32 + 1;
    }
    Ok(())
}

fn sizes(mem: &mut [u8], list: &[Vec<u8>], count: i32, size: i32) -> R {
    write_u32(mem, count, list.len() as u32)?;
    write_u32(mem, size, list.iter().map(|s| s.len() as u32 + 1).sum())
}

fn clock(st: &mut ProcState, id: i32) -> R<u64> {
    st.clock_ns = st.clock_ns.saturating_add(CLOCK_STEP);
    match id {
        0 => Ok(now(st)),
        1 => Ok(MONOTONIC_BASE.saturating_add(st.clock_ns)),
        2 | 3 => Ok(st.clock_ns),
        _ => Err(Errno::Inval.into()),
    }
}

/// How long every other process must stay blocked, with none of them going on, before a
/// sleep past the deadline ends the command: a reader woken by a writer still counts as
/// blocked until it runs, which on a loaded machine can take a few milliseconds.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(50);

/// How often a parked sleeper looks at the other processes.
const PARK_POLL: std::time::Duration = std::time::Duration::from_millis(1);

/// Holds a sleep that reaches its deadline until the deadline may fire: when every process
/// of the command has been blocked for [`SETTLE`] (nothing else can still finish first), or
/// when the wall clock reaches the deadline; the command's end, or its shell's, stops it
/// meanwhile. So `sleep 1e10` in the foreground ends the command at once, and `sleep infinity
/// &` beside a foreground job waits in the background, as it would in bash.
fn park_until_stopped(st: &ProcState, d: &crate::sandbox::process::Deadline) -> R<()> {
    let blocked = st.ctx.blocked();
    blocked.mark();
    let mut stuck_since = None::<(std::time::Instant, u64)>;
    loop {
        if st.ctx.cancel.is_set() || st.ctx.root_finished() {
            return Err(Fail::Trap(Exit(rcabox_proto::STATUS_KILLED).into()));
        }
        if d.expired() {
            return Ok(());
        }
        let progress = st.ctx.progress();
        stuck_since = match stuck_since {
            _ if !st.ctx.everyone_blocked() => None,
            Some((t, p)) if p == progress => {
                if t.elapsed() >= SETTLE {
                    return Ok(());
                }
                Some((t, p))
            }
            _ => Some((std::time::Instant::now(), progress)),
        };
        std::thread::sleep(PARK_POLL);
    }
}

fn poll_oneoff(c: &mut Caller<'_, ProcState>, input: i32, output: i32, n: i32, nevents: i32) -> R {
    let (mem, st) = split(c)?;
    if n <= 0 || n > 4096 {
        return Err(Errno::Inval.into());
    }
    let mut sleep = None::<u64>;
    let mut events = Vec::new();
    for i in 0..n {
        let sub = input + 48 * i;
        let userdata = read_u64(mem, sub)?;
        let tag = slice(mem, sub + 8, 1)?[0];
        match tag {
            0 => {
                let id = read_u32(mem, sub + 16)?;
                let timeout = read_u64(mem, sub + 24)?;
                let flags =
                    u16::from_le_bytes([slice(mem, sub + 40, 1)?[0], slice(mem, sub + 41, 1)?[0]]);
                let wait = if flags & 1 != 0 {
                    let t = if id == 0 {
                        now(st)
                    } else {
                        MONOTONIC_BASE.saturating_add(st.clock_ns)
                    };
                    timeout.saturating_sub(t)
                } else {
                    timeout
                };
                if sleep.is_none_or(|s| wait < s) {
                    sleep = Some(wait);
                }
                events.push((userdata, 0u16, 0u8));
            }
            1 | 2 => {
                let fd = read_u32(mem, sub + 16)?;
                let ready = match st.spec.fds.get(fd) {
                    Ok(f) => match &f.backing {
                        Backing::PipeRead(r) => r.ready(),
                        _ => true,
                    },
                    Err(_) => true,
                };
                let err = if st.spec.fds.get(fd).is_err() {
                    Errno::Badf as u16
                } else {
                    0
                };
                if ready {
                    events.insert(0, (userdata, err, tag));
                }
            }
            _ => return Err(Errno::Inval.into()),
        }
    }
    // Descriptor events that are ready win; otherwise the earliest timer fires, after
    // advancing the virtual clock instead of blocking.
    let fd_ready = events.iter().any(|e| e.2 != 0);
    let fired: Vec<_> = if fd_ready {
        events.into_iter().filter(|e| e.2 != 0).collect()
    } else {
        if let Some(d) = st.spec.deadline.clone() {
            // A sleep that reaches the `timeout` deadline ends there: the clock moves only to
            // the deadline and the process stops as if sent SIGTERM.
            let (at, stop) = (now(st), d.earliest_virt());
            if d.expired() || sleep.is_some_and(|w| at.saturating_add(w) >= stop) {
                park_until_stopped(st, &d)?;
                let w = stop.saturating_sub(at);
                st.clock_ns = st.clock_ns.saturating_add(w);
                st.ctx.vfs.sleep(w);
                d.fire();
                return Err(Fail::Trap(Exit(STATUS_TERM).into()));
            }
        }
        if let Some(w) = sleep {
            st.clock_ns = st.clock_ns.saturating_add(w);
            st.ctx.vfs.sleep(w);
        } else {
            // Only unready pipes: wait for one by reading nothing; poll again on wake.
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        events.into_iter().take(1).collect()
    };
    for (i, (userdata, err, tag)) in fired.iter().enumerate() {
        let ev = output + 32 * i as i32;
        let b = slice_mut(mem, ev, 32)?;
        b.fill(0);
        b[0..8].copy_from_slice(&userdata.to_le_bytes());
        b[8..10].copy_from_slice(&err.to_le_bytes());
        b[10] = *tag;
    }
    write_u32(mem, nevents, fired.len() as u32)
}

/// Adds the non-filesystem functions.
pub(super) fn add(l: &mut Linker<ProcState>) -> Result<()> {
    l.func_wrap(
        P1,
        "args_sizes_get",
        |mut c: Caller<'_, ProcState>, count: i32, size: i32| {
            ret(|| {
                let (mem, st) = split(&mut c)?;
                sizes(mem, &st.spec.argv, count, size)
            })
        },
    )?;
    l.func_wrap(
        P1,
        "args_get",
        |mut c: Caller<'_, ProcState>, ptrs: i32, buf: i32| {
            ret(|| {
                let (mem, st) = split(&mut c)?;
                write_strings(mem, &st.spec.argv, ptrs, buf)
            })
        },
    )?;
    l.func_wrap(
        P1,
        "environ_sizes_get",
        |mut c: Caller<'_, ProcState>, count: i32, size: i32| {
            ret(|| {
                let (mem, st) = split(&mut c)?;
                sizes(mem, &st.spec.env, count, size)
            })
        },
    )?;
    l.func_wrap(
        P1,
        "environ_get",
        |mut c: Caller<'_, ProcState>, ptrs: i32, buf: i32| {
            ret(|| {
                let (mem, st) = split(&mut c)?;
                write_strings(mem, &st.spec.env, ptrs, buf)
            })
        },
    )?;
    l.func_wrap(
        P1,
        "clock_res_get",
        |mut c: Caller<'_, ProcState>, id: i32, out: i32| {
            ret(|| {
                let (mem, _) = split(&mut c)?;
                if !(0..=3).contains(&id) {
                    return Err(Errno::Inval.into());
                }
                write_u64(mem, out, CLOCK_STEP)
            })
        },
    )?;
    l.func_wrap(
        P1,
        "clock_time_get",
        |mut c: Caller<'_, ProcState>, id: i32, _precision: i64, out: i32| {
            ret(|| {
                let (mem, st) = split(&mut c)?;
                let t = clock(st, id)?;
                write_u64(mem, out, t)
            })
        },
    )?;
    l.func_wrap(
        P1,
        "random_get",
        |mut c: Caller<'_, ProcState>, buf: i32, len: i32| {
            ret(|| {
                let (mem, st) = split(&mut c)?;
                for chunk in slice_mut(mem, buf, len)?.chunks_mut(8) {
                    st.rng = splitmix(st.rng);
                    chunk.copy_from_slice(&st.rng.to_le_bytes()[..chunk.len()]);
                }
                Ok(())
            })
        },
    )?;
    l.func_wrap(
        P1,
        "poll_oneoff",
        |mut c: Caller<'_, ProcState>, i: i32, o: i32, n: i32, ne: i32| {
            ret(|| poll_oneoff(&mut c, i, o, n, ne))
        },
    )?;
    l.func_wrap(P1, "sched_yield", || -> Result<i32> {
        std::thread::yield_now();
        Ok(0)
    })?;
    l.func_wrap(P1, "proc_exit", |code: i32| -> Result<()> {
        Err(Exit(code & 0xff).into())
    })?;
    l.func_wrap(P1, "proc_raise", |_sig: i32| -> Result<i32> {
        Ok(Errno::Nosys as i32)
    })?;
    // No sockets exist in the sandbox; these fail the way a closed network would.
    l.func_wrap(
        P1,
        "sock_accept",
        |_fd: i32, _f: i32, _o: i32| -> Result<i32> { Ok(Errno::Notsup as i32) },
    )?;
    l.func_wrap(
        P1,
        "sock_recv",
        |_fd: i32, _a: i32, _b: i32, _c: i32, _d: i32, _e: i32| -> Result<i32> {
            Ok(Errno::Notsup as i32)
        },
    )?;
    l.func_wrap(
        P1,
        "sock_send",
        |_fd: i32, _a: i32, _b: i32, _c: i32, _d: i32| -> Result<i32> { Ok(Errno::Notsup as i32) },
    )?;
    l.func_wrap(P1, "sock_shutdown", |_fd: i32, _h: i32| -> Result<i32> {
        Ok(Errno::Notsup as i32)
    })?;
    Ok(())
}
