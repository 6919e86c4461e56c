//! What a new process and many episodes at once cost: the first command's wall time and peak
//! memory, and episodes of the mix on threads of one process.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use rcabox_runtime::sandbox::{Runtime, Session, SessionConfig};

/// Waits for `child`: (its exit status, or -1 after a signal; the peak resident memory of it
/// and the descendants it waited for, in MB). std's `Child::wait` drops the rusage `wait4`
/// gives, so this reaps the child itself.
#[allow(
    clippy::zombie_processes,
    reason = "the child is reaped here by `wait4`, not by `Child::wait`"
)]
pub(super) fn wait_with_peak(child: std::process::Child) -> anyhow::Result<(i32, f64)> {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not yet waited for; both pointers are to live locals.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e).context("waiting for a child process");
        }
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, usage.ru_maxrss as f64 / 1024.0))
}

/// One `rcabox exec --snapshot S true` as a new process: (milliseconds, peak RSS in MB). The
/// peak has this process's own resident size as a floor (a vfork'd child inherits the parent's
/// high-water mark at `exec`), which is why the bench measures these before it opens a runtime.
pub(super) fn first_command(
    snapshot: &Path,
    cache: &Path,
    built_in: bool,
) -> anyhow::Result<(f64, f64)> {
    let t = Instant::now();
    let mut c = Command::new(crate::cli::self_exe()?);
    c.args(["exec", "--snapshot"])
        .arg(snapshot)
        .arg("true")
        .env("RCABOX_CACHE_DIR", cache)
        .stdout(Stdio::null());
    if !built_in {
        c.env("RCABOX_BUILT_IN", "0");
    }
    let child = c.spawn().context("starting rcabox exec")?;
    let (status, peak) = wait_with_peak(child)?;
    if status != 0 {
        bail!("rcabox exec true failed (status {status})");
    }
    Ok((t.elapsed().as_secs_f64() * 1e3, peak))
}

/// This process's resident and peak resident memory, in MB (`/proc/self/status`).
fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// `n` episodes at once, each a session of its own running the mix once, on `n` threads:
/// (commands per second, peak resident MB added per episode).
pub(super) fn episodes_at_once(
    rt: &std::sync::Arc<Runtime>,
    config: &SessionConfig,
    cmds: &[String],
    n: usize,
) -> anyhow::Result<(f64, f64)> {
    use std::sync::Barrier;
    // Writing 5 to clear_refs resets the peak (VmHWM) to the current RSS, so the peak read
    // after the episodes is theirs (Linux 4.0+; elsewhere the peak is the process's).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (before, _) = rss_mb();
    // start: every session is open; done: every mix has run; measured: memory was read.
    let (start, done, measured) = (
        Barrier::new(n + 1),
        Barrier::new(n + 1),
        Barrier::new(n + 1),
    );
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<()> {
                    let mut session = Session::new(rt.clone(), config.clone());
                    start.wait();
                    if let Ok(s) = &mut session {
                        for c in cmds {
                            s.run(c);
                        }
                    }
                    done.wait();
                    measured.wait();
                    session.map(drop).map_err(anyhow::Error::from)
                })
            })
            .collect();
        start.wait();
        let t = Instant::now();
        done.wait();
        let secs = t.elapsed().as_secs_f64();
        let (_, during) = rss_mb();
        measured.wait();
        for h in handles {
            h.join()
                .map_err(|_| anyhow::anyhow!("an episode thread panicked"))??;
        }
        Ok((
            (n * cmds.len()) as f64 / secs,
            ((during - before) / n as f64).max(0.0),
        ))
    })
}
