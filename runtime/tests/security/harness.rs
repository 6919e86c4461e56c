//! How a probe runs and what every probe must show, whatever it attacks: the expected result
//! inside the sandbox, the expected error kind, host memory (RSS, and its peak) under
//! [`HOST_RSS_MAX`], wall time within the command's deadline plus [`OVERRUN_MAX`], the snapshot
//! and a canary directory beside it unchanged, and the next command of the same session
//! working.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rcabox_runtime::sandbox::{CommandResult, ErrorKind, Limits, Runtime, Session, SessionConfig};

/// Host resident memory the whole probe suite may reach (issue: under 1 GB).
pub const HOST_RSS_MAX: u64 = 1 << 30;
/// How far past its deadline a stopped command may return.
pub const OVERRUN_MAX: Duration = Duration::from_secs(1);

/// What a probe's command must produce.
#[derive(Clone, Copy, Debug)]
pub enum Want {
    /// stdout is exactly this.
    Out(&'static str),
    /// stdout contains this.
    Has(&'static str),
    /// Neither stream contains this (hidden or host data).
    Never(&'static str),
    /// This exit status.
    Status(i32),
    /// A non-zero exit status.
    Fails,
    /// This error kind.
    Kind(ErrorKind),
    /// No error kind: the command ran to its end within every limit.
    Clean,
}

/// A threat category of docs/SECURITY.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Escape,
    Hidden,
    Cpu,
    Memory,
    Processes,
    Descriptors,
    Output,
    Disk,
    Time,
    Locks,
    Parser,
}

/// One probe: a threat ID of docs/SECURITY.md, a command and what it must give.
pub struct Probe {
    pub id: &'static str,
    pub category: Category,
    pub cmd: String,
    pub want: Vec<Want>,
    /// Limits for the probe's session (small ones, so limit probes end quickly).
    pub limits: Limits,
}

/// The limits probes run under unless they say otherwise.
pub fn probe_limits() -> Limits {
    Limits {
        timeout: Duration::from_secs(6),
        cpu: Duration::from_secs(3),
        memory_bytes: 256 << 20,
        // Well under the suite's 1 GB bound on host RSS: freed buffers are not all returned
        // to the system at once, and with 768 MiB the peak reached 1,074 MB on a loaded machine.
        memory_total_bytes: 512 << 20,
        max_processes: 512,
        max_live_processes: 64,
        output_bytes: 1 << 20,
        disk_bytes: 32 << 20,
    }
}

/// A probe with the default limits.
pub fn p(id: &'static str, category: Category, cmd: impl Into<String>, want: &[Want]) -> Probe {
    Probe {
        id,
        category,
        cmd: cmd.into(),
        want: want.to_vec(),
        limits: probe_limits(),
    }
}

impl Probe {
    /// The same probe under other limits.
    pub fn with(mut self, f: impl FnOnce(&mut Limits)) -> Self {
        f(&mut self.limits);
        self
    }
}

/// The host memory of this process: (resident now, peak resident), in bytes.
pub fn host_rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Every file under `dir` with its bytes, in order: what "unchanged" compares.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<_> = rd.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let ft = e.file_type().expect("file type");
            if ft.is_dir() {
                stack.push(p.clone());
                out.push((p, Vec::new()));
            } else if ft.is_symlink() {
                let target = std::fs::read_link(&p).expect("readlink");
                out.push((p, target.into_os_string().into_encoded_bytes()));
            } else {
                let bytes = std::fs::read(&p).unwrap_or_default();
                out.push((p, bytes));
            }
        }
    }
    out
}

fn check(r: &CommandResult, w: Want) -> Result<(), String> {
    let (o, e) = (
        String::from_utf8_lossy(&r.stdout),
        String::from_utf8_lossy(&r.stderr),
    );
    let ok = match w {
        Want::Out(s) => o == s,
        Want::Has(s) => o.contains(s),
        Want::Never(s) => !o.contains(s) && !e.contains(s),
        Want::Status(s) => r.exit_code == s,
        Want::Fails => r.exit_code != 0,
        Want::Kind(k) => r.error_kind == Some(k),
        Want::Clean => r.error_kind.is_none(),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("wanted {w:?}"))
    }
}

/// Host directories no probe may change, each with its files and their bytes.
pub type Watched = Vec<(PathBuf, Vec<(PathBuf, Vec<u8>)>)>;

/// Runs `probe` in `session` and checks everything; returns a description of each failure.
pub fn run(session: &mut Session, probe: &Probe, watched: &Watched) -> Vec<String> {
    let mut fails = Vec::new();
    let started = Instant::now();
    let r = session.run(&probe.cmd);
    let took = started.elapsed();
    for w in &probe.want {
        if let Err(m) = check(&r, *w) {
            fails.push(m);
        }
    }
    if took > probe.limits.timeout + OVERRUN_MAX {
        fails.push(format!(
            "took {took:?}, past its deadline plus {OVERRUN_MAX:?}"
        ));
    }
    let (now, peak) = host_rss();
    if now > HOST_RSS_MAX || peak > HOST_RSS_MAX {
        fails.push(format!("host RSS {} MB, peak {} MB", now >> 20, peak >> 20));
    }
    for (dir, before) in watched {
        if &tree(dir) != before {
            fails.push(format!("{} changed on the host", dir.display()));
        }
    }
    let next = session.run("echo alive");
    if next.stdout != b"alive\n" || next.exit_code != 0 {
        fails.push(format!(
            "the next command of the session failed: {:?}",
            String::from_utf8_lossy(&next.stderr)
        ));
    }
    if !fails.is_empty() {
        fails.push(format!(
            "exit {} kind {:?} in {took:?}; stdout {:?}; stderr {:?}",
            r.exit_code,
            r.error_kind,
            String::from_utf8_lossy(&r.stdout[..r.stdout.len().min(300)]),
            String::from_utf8_lossy(&r.stderr[..r.stderr.len().min(300)])
        ));
    }
    fails
}

/// A session over `snapshot` with `limits`.
pub fn session(runtime: &std::sync::Arc<Runtime>, snapshot: &Path, limits: Limits) -> Session {
    let mut cfg = SessionConfig::for_snapshot(snapshot);
    cfg.limits = limits;
    Session::new(runtime.clone(), cfg).expect("session opens")
}
