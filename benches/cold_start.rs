//! The first command on a machine: `rcabox exec --snapshot S true` as a new process, with an
//! empty module cache and no build-time artifact (`RCABOX_BUILT_IN=0`: Cranelift compiles the
//! tool module), with an empty cache and the artifact built into the binary, and warm (the
//! cache filled); then the first `python3` (compiled on first use) and a warm one. Wall time
//! and peak RSS of each process, in one run (`cargo bench --bench cold_start`).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Runs one `rcabox exec`; returns (seconds, peak RSS in MB).
#[allow(
    clippy::zombie_processes,
    reason = "the child is reaped by `wait4`, which std's `Child::wait` cannot do (it drops the rusage)"
)]
fn exec(cache: &Path, built_in: bool, cmd: &str, snapshot: &Path) -> (f64, f64) {
    let t = Instant::now();
    let mut c = Command::new(env!("CARGO_BIN_EXE_rcabox"));
    c.args(["exec", "--snapshot"])
        .arg(snapshot)
        .arg(cmd)
        .env("RCABOX_CACHE_DIR", cache)
        .stdout(std::process::Stdio::null());
    if !built_in {
        c.env("RCABOX_BUILT_IN", "0");
    }
    let child = c.spawn().expect("rcabox runs");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are to live locals.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4");
    assert_eq!(status, 0, "{cmd} failed");
    (t.elapsed().as_secs_f64(), usage.ru_maxrss as f64 / 1024.0)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    rcabox_runtime::snapshot::bundle::materialize(&root.join("bundle.json"), &root)
        .expect("bundled snapshots");
    let snapshot = root.join("Scenario-2");
    let work = tempfile::tempdir().expect("tempdir");
    let row = |label: &str, (s, mb): (f64, f64)| {
        println!("{label:<58} {:>9.0} ms {mb:>8.0} MB", s * 1e3);
    };
    println!("{:<58} {:>12} {:>11}", "first command", "wall", "peak RSS");
    let compile = work.path().join("compile");
    row(
        "true, empty cache, no build-time artifact (compiles)",
        exec(&compile, false, "true", &snapshot),
    );
    let built = work.path().join("built-in");
    row(
        "true, empty cache, build-time artifact",
        exec(&built, true, "true", &snapshot),
    );
    row("true, warm cache", exec(&built, true, "true", &snapshot));
    row(
        "python3 -c 'print(1)', first on the machine (compiles)",
        exec(&built, true, "python3 -c 'print(1)'", &snapshot),
    );
    row(
        "python3 -c 'print(1)', warm cache",
        exec(&built, true, "python3 -c 'print(1)'", &snapshot),
    );
}
