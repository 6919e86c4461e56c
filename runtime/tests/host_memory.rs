//! The host memory budget of the whole process (threat H-MEM in docs/SECURITY.md), shared by
//! every session: a command that would cross it ends with `memory_limit`, the others go on, and
//! everything is given back. Its own test binary, because the budget is process-wide.

use std::time::{Duration, Instant};

use rcabox_runtime::sandbox::{
    Cancel, ErrorKind, Limits, host_memory_for_guests, host_memory_limit, host_memory_used,
    set_host_memory_limit,
};

mod common;
use common::*;

/// The process's resident memory at its peak, in bytes (Linux; 0 elsewhere).
fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// A command holding `n` here-strings of a 10 MB variable: while `busy`, until it is stopped.
fn holder(n: usize, busy: bool) -> String {
    // One descriptor each, so all are held at once (a descriptor redirected again drops the
    // contents it held).
    let heredocs: String = (0..n).map(|i| format!(" {}<<<\"$x\"", 3 + i)).collect();
    // `sleep` spends virtual time, so the holder keeps a core busy instead.
    let hold = if busy { "while :; do :; done" } else { "true" };
    format!("x=$(head -c 10000000 /dev/zero | tr '\\0' a); {hold}{heredocs}; echo held")
}

#[test]
fn sessions_share_the_process_budget_and_only_the_command_crossing_it_stops() {
    let started = Instant::now();
    const LIMIT: u64 = 428 << 20;
    set_host_memory_limit(LIMIT);
    assert_eq!(host_memory_limit(), LIMIT);
    // Guests' charges take 321 MiB of it: one holder (200 MB and its variable) fits, two do not.
    assert_eq!(host_memory_for_guests(), LIMIT / 4 * 3);
    let snap = snapshot();
    // Each command alone fits its own budget (2 GiB) and the process's.
    let limits = Limits {
        timeout: Duration::from_secs(30),
        ..Limits::default()
    };
    let stop = Cancel::default();
    let first = std::thread::scope(|scope| {
        let first = scope.spawn(|| {
            session_with(snap.path(), limits.clone())
                .run_interruptible(&holder(20, true), Some(&stop))
        });
        // Wait for the first command to hold its here-strings, then run a second like it.
        let deadline = Instant::now() + Duration::from_secs(20);
        // Making the variable passes through less; two samples apart rule a passing peak out.
        let holds = || host_memory_used().0 >= 200_000_000;
        while !(holds() && {
            std::thread::sleep(Duration::from_millis(200));
            holds()
        }) {
            assert!(
                Instant::now() < deadline,
                "the first command never held its here-strings ({} bytes held)",
                host_memory_used().0
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut second = session_with(snap.path(), limits.clone());
        let r = second.run(&holder(20, false));
        assert_eq!(
            r.error_kind,
            Some(ErrorKind::MemoryLimit),
            "exit {}: {}",
            r.exit_code,
            err(&r)
        );
        // The session itself goes on, and so does a small command beside the holder, which
        // still holds what it had.
        assert_eq!(out(&second.run("echo small")), "small\n");
        assert!(
            host_memory_used().0 >= 150 << 20,
            "the first command still holds"
        );
        stop.set(ErrorKind::Interrupted);
        first.join().expect("first command's thread")
    });
    // Stopped by the test, not by the budget.
    assert_eq!(
        first.error_kind,
        Some(ErrorKind::Interrupted),
        "{}",
        err(&first)
    );
    // Alone, the same command fits.
    let alone = session_with(snap.path(), limits.clone()).run(&holder(20, false));
    assert_eq!(alone.error_kind, None, "{}", err(&alone));
    assert_eq!(out(&alone), "held\n");
    let (used, peak) = host_memory_used();
    assert_eq!(used, 0, "every charge is given back");
    assert!(
        peak <= host_memory_for_guests(),
        "peak {peak} within the guests' share"
    );
    // The bounds this test holds itself to: host memory and time.
    assert!(
        peak_rss() < 1 << 30,
        "peak resident memory {} MB",
        peak_rss() >> 20
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}
