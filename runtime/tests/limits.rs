//! Every limit, hit on purpose: each ends the command (or just the excess) with its named
//! error kind, and the host neither crashes nor hangs.

use std::time::Duration;

use rcabox_runtime::sandbox::{ErrorKind, Limits, Session};

mod common;
use common::*;

#[test]
fn wall_time_limit() {
    let snap = snapshot();
    let mut s = session_with(
        snap.path(),
        Limits {
            timeout: Duration::from_millis(500),
            ..Limits::default()
        },
    );
    // A reader blocked on a pipe that never closes must be stopped too, not only busy loops.
    for cmd in [
        "while true; do :; done",
        "(while :; do :; done) | cat",
        "yes > /dev/null",
    ] {
        let r = s.run(cmd);
        assert_eq!(r.error_kind, Some(ErrorKind::Timeout), "{cmd}");
        assert_eq!(r.exit_code, 124, "{cmd}");
    }
    assert_eq!(out(&s.run("echo still alive")), "still alive\n");
}

#[test]
fn cpu_limit() {
    let snap = snapshot();
    let mut s = session_with(
        snap.path(),
        Limits {
            cpu: Duration::from_millis(300),
            ..Limits::default()
        },
    );
    let r = s.run("i=0; while true; do i=$((i+1)); done");
    assert_eq!(r.error_kind, Some(ErrorKind::CpuLimit));
    assert_ne!(r.exit_code, 0);
}

#[test]
fn memory_limit() {
    let snap = snapshot();
    let mut s = session_with(
        snap.path(),
        Limits {
            memory_bytes: 32 << 20,
            ..Limits::default()
        },
    );
    let r = s.run("awk 'BEGIN { s = \"xxxxxxxxxxxxxxxx\"; while (1) s = s s }'");
    assert_eq!(
        r.error_kind,
        Some(ErrorKind::MemoryLimit),
        "exit {} {}",
        r.exit_code,
        err(&r)
    );
    assert_ne!(r.exit_code, 0);
    assert_eq!(out(&s.run("echo ok")), "ok\n");
}

/// Runaway recursion in a tool ends at the stack limit (the host's wasm stack or the guest's
/// own, whichever comes first), reported as a memory limit; deep but finite recursion, a
/// 20,000-term sum as `paste -sd+` builds it, fits under the limit as it does natively.
#[test]
fn stack_limit() {
    let snap = snapshot();
    let mut s = session(snap.path());
    for cmd in [
        "awk 'function f(n) { return f(n + 1) } BEGIN { f(1) }'",
        "jq -n 'def f: 1 + f; f'",
        "printf '(%.0s' $(seq 100000) | bc",
    ] {
        let r = s.run(cmd);
        assert_eq!(
            r.error_kind,
            Some(ErrorKind::MemoryLimit),
            "{cmd}: {}",
            err(&r)
        );
        assert_ne!(r.exit_code, 0, "{cmd}");
    }
    let sum = "$(seq 1 20000 | paste -sd+)";
    for cmd in [
        format!("echo $(( {sum} ))"),
        format!("awk \"BEGIN {{ print {sum} }}\""),
        format!("echo {sum} | bc"),
        // jaq recurses deeper per operator than jq: about 10,000 terms fit (COMPATIBILITY.md).
        "jq -n \"$(seq 1 5000 | paste -sd+) + 187507500\"".to_string(),
    ] {
        let r = s.run(&cmd);
        assert_eq!(out(&r), "200010000\n", "{cmd}: {}", err(&r));
    }
    assert_eq!(out(&s.run("echo ok")), "ok\n");
}

/// jq parses its inputs one value at a time: 2 million records (27 MB of JSON text) go
/// through a 64 MiB process limit, while slurping the same records (the control) hits it.
#[test]
fn jq_streams_inputs_under_the_memory_limit() {
    let snap = snapshot();
    let mut s = session_with(
        snap.path(),
        Limits {
            memory_bytes: 64 << 20,
            ..Limits::default()
        },
    );
    let r = s.run(
        "seq 1 2000000 | awk '{print \"{\\\"n\\\":\" $1 \"}\"}' > /tmp/r.json; wc -c < /tmp/r.json",
    );
    assert_eq!(out(&r), "26888896\n", "{}", err(&r));
    for (filter, want) in [
        (
            "jq -n 'reduce inputs as $r (0; . + $r.n)'",
            "2000001000000\n",
        ),
        (
            "jq -c 'select(.n % 700000 == 0)'",
            "{\"n\":700000}\n{\"n\":1400000}\n",
        ),
    ] {
        let r = s.run(&format!("{filter} /tmp/r.json"));
        assert_eq!(
            (out(&r), r.exit_code),
            (want.to_string(), 0),
            "{filter}: {}",
            err(&r)
        );
    }
    let r = s.run("jq -s length /tmp/r.json");
    assert_eq!(r.error_kind, Some(ErrorKind::MemoryLimit), "{}", err(&r));
}

/// A session allowing `total` processes per command and `live` (or the default) at once.
fn processes(snap: &std::path::Path, total: usize, live: Option<usize>) -> Session {
    let d = Limits::default();
    session_with(
        snap,
        Limits {
            max_processes: total,
            max_live_processes: live.unwrap_or(d.max_live_processes),
            ..d
        },
    )
}

#[test]
fn process_limit_and_fork_bomb() {
    let snap = snapshot();
    let mut s = processes(snap.path(), 10, None);
    let r = s.run("for i in 1 2 3 4 5 6 7 8 9 10 11 12; do cat /dev/null; done");
    assert_eq!(r.error_kind, Some(ErrorKind::ProcessLimit));
    stops_at_the_live_process_limit(snap.path(), "f() { f | f; }; f");
}

/// Runs `cmd` where at most 16 processes may live at once: it must stop with the process
/// limit, and the session must go on.
fn stops_at_the_live_process_limit(snap: &std::path::Path, cmd: &str) {
    let mut s = processes(snap, 200, Some(16));
    let r = s.run(cmd);
    assert_eq!(r.error_kind, Some(ErrorKind::ProcessLimit), "{}", err(&r));
    assert_eq!(out(&s.run("echo survived")), "survived\n");
}

/// awk's `system()` and command pipes start sandbox processes, so the same limits stop them:
/// a loop of `system()`, and a pipe that re-runs awk inside itself.
#[test]
fn awk_commands_are_sandbox_processes_under_the_process_limit() {
    let snap = snapshot();
    let mut s = processes(snap.path(), 20, None);
    let r = s.run("awk 'BEGIN { for (i = 0; i < 1000; i++) system(\"true\") }'");
    assert_eq!(r.error_kind, Some(ErrorKind::ProcessLimit), "{}", err(&r));
    let r = s.run("awk 'BEGIN { print \"ok\" | \"cat\"; \"echo hi\" | getline v; print v }'");
    assert_eq!(
        (out(&r), r.error_kind),
        ("ok\nhi\n".to_string(), None),
        "{}",
        err(&r)
    );
    // Each process's children are charged to the command: a self-replicating awk stops.
    stops_at_the_live_process_limit(
        snap.path(),
        "echo 'BEGIN { system(\"awk -f /tmp/p.awk\") }' > /tmp/p.awk; awk -f /tmp/p.awk",
    );
}

#[test]
fn grep_perl_backtracking_is_bounded() {
    // `grep -P` patterns the regex crate refuses run on fancy-regex, which backtracks; its
    // step limit turns an exponential search into an error with status 2 (as GNU grep treats
    // PCRE2's limit), well inside the CPU limit, and the next search still runs.
    let snap = snapshot();
    let mut s = session(snap.path());
    let r = s.run(&format!(
        "grep -P '^(a|aa)+(?=b)\\1' <<< '{}c'",
        "a".repeat(60)
    ));
    assert_eq!(r.exit_code, 2, "{}", err(&r));
    assert!(err(&r).contains("backtracking"), "{}", err(&r));
    assert_eq!(r.error_kind, None);
    assert_eq!(out(&s.run("grep -oP 'x=\\K\\d+' <<< 'x=42'")), "42\n");
}

#[test]
fn output_limit_keeps_head_and_tail() {
    let snap = snapshot();
    let mut s = session_with(
        snap.path(),
        Limits {
            output_bytes: 1000,
            ..Limits::default()
        },
    );
    let r = s.run("seq 1 100000");
    assert_eq!(r.error_kind, Some(ErrorKind::OutputLimit));
    assert!(r.stdout_truncated && !r.stderr_truncated);
    let o = out(&r);
    assert!(o.starts_with("1\n2\n3\n"), "{o}");
    assert!(o.ends_with("99999\n100000\n"), "{o}");
    assert!(o.contains("truncated from an original 588895 bytes"), "{o}");
    assert_eq!(r.exit_code, 0, "the program must not notice the cut");
}

#[test]
fn disk_quota() {
    let snap = snapshot();
    let mut s = session_with(
        snap.path(),
        Limits {
            disk_bytes: 1 << 20,
            ..Limits::default()
        },
    );
    let r = s.run("seq 1 1000000 > /tmp/big");
    assert_eq!(r.error_kind, Some(ErrorKind::DiskQuota));
    assert_ne!(r.exit_code, 0);
    assert!(err(&r).contains("No space left on device"), "{}", err(&r));
    // Freeing space makes room again.
    let r = s.run("rm /tmp/big && echo small > /tmp/ok && cat /tmp/ok");
    assert_eq!(out(&r), "small\n");
}

#[test]
fn a_reader_that_stops_stops_the_writer() {
    let snap = snapshot();
    let big = snap.path().join("big.tsv");
    let line = "x".repeat(99) + "\n";
    std::fs::write(&big, line.repeat(100_000)).expect("write 10 MB");
    let mut s = session(snap.path());
    // cat is ended by SIGPIPE (141) as soon as head has its lines: it did not read 10 MB.
    let r = s.run("cat big.tsv | head -5 | wc -l; echo ${PIPESTATUS[@]}");
    assert_eq!(out(&r), "5\n141 0 0\n");
    let r = s.run("yes | head -2; echo ${PIPESTATUS[@]}");
    assert_eq!(out(&r), "y\ny\n141 0\n");
}

#[test]
fn malformed_commands_fail_cleanly() {
    let snap = snapshot();
    let mut s = session(snap.path());
    for cmd in [
        "if then fi",
        "echo \"unterminated",
        "((",
        "$(",
        "case x in",
        &"(".repeat(5000),
        &"a".repeat(200_000),
    ] {
        let r = s.run(cmd);
        assert_ne!(r.exit_code, 0, "{:?}", &cmd[..cmd.len().min(20)]);
    }
    // Control characters and NULs: whatever the status, the session goes on.
    s.run("\u{0}\u{1}\u{2}\u{7f}");
    assert_eq!(out(&s.run("echo ok")), "ok\n");
    let r = s.run("nosuchtool --x");
    assert_eq!(r.exit_code, 127);
    assert!(
        err(&r).contains("nosuchtool: command not found") && err(&r).contains("grep"),
        "{}",
        err(&r)
    );
}

/// `timeout` is a per-process-tree limit: the host stops the command's processes at the
/// deadline, whether they sleep (virtual time, so deterministic), compute (wall time) or wait
/// on a pipe; the command around it goes on.
#[test]
fn timeout_stops_only_its_command() {
    let snap = snapshot();
    let mut s = session_with(snap.path(), Limits::default());
    // A sleep past the deadline ends at the deadline: the clock moves 1 s, not 5.
    let r = s.run("a=$(date +%s); timeout 1 sleep 5; st=$?; b=$(date +%s); echo $st $((b - a))");
    assert_eq!(out(&r), "124 1\n");
    assert_eq!(r.error_kind, None);
    // A shell under timeout stops with its child, before running the next command.
    assert_eq!(
        out(&s.run("timeout 1 sh -c 'sleep 3; echo not reached'; echo $?")),
        "124\n"
    );
    // Busy loops and blocked pipe readers are stopped by wall time.
    for cmd in [
        "timeout 0.3 sh -c 'while :; do :; done'; echo $?",
        "timeout 0.3 sh -c 'yes | (while :; do :; done)'; echo $?",
        "timeout 0.3 sh -c '(while :; do :; done) | cat'; echo $?",
    ] {
        assert_eq!(out(&s.run(cmd)), "124\n", "{cmd}");
    }
    // Nested: the shorter deadline wins; a command that finishes in time keeps its status.
    assert_eq!(out(&s.run("timeout 5 timeout 1 sleep 3; echo $?")), "124\n");
    assert_eq!(out(&s.run("timeout 1 timeout 5 sleep 3; echo $?")), "124\n");
    assert_eq!(out(&s.run("timeout 5 sh -c 'exit 3'; echo $?")), "3\n");
    assert_eq!(
        out(&s.run("timeout --preserve-status 1 sleep 2; echo $?")),
        "143\n"
    );
    assert_eq!(out(&s.run("timeout bogus true; echo $?")), "125\n");
    assert_eq!(out(&s.run("echo still alive")), "still alive\n");
}
