//! A shell's last program replaces the shell (guest `sh::tail`, host import `exec`): one
//! instance fewer per command, and nothing else a command can see changes.

mod common;
use common::*;
use rcabox_runtime::sandbox::{ErrorKind, Limits};

#[test]
fn the_last_program_runs_in_the_shells_instance() {
    let snap = snapshot();
    let mut s = session(snap.path());
    // `; true` keeps the shell after `cat` (a builtin ends the script), so `cat` is spawned.
    let replaced = s.run("cat otel_logs_raw.tsv");
    let beside = s.run("cat otel_logs_raw.tsv; true");
    assert_eq!(replaced.stdout, beside.stdout);
    // One instance's initial memory is over 12 MiB; the spawned `cat` held a second.
    assert!(
        peak_mib(&replaced) + 10.0 < peak_mib(&beside),
        "{} MiB vs {} MiB",
        peak_mib(&replaced),
        peak_mib(&beside)
    );
    // `yes` runs until `head` has read its line, so both stages are alive at once: beside a
    // shell that stays, three instances; with the shell become `head`, two. (Stages that may
    // end before the next starts, like `head -3 f | cut`, do not always overlap.)
    let piped = s.run("yes | head -1");
    let piped_beside = s.run("yes | head -1; true");
    assert_eq!(piped.stdout, piped_beside.stdout);
    assert!(
        peak_mib(&piped) + 10.0 < peak_mib(&piped_beside),
        "{} MiB vs {} MiB",
        peak_mib(&piped),
        peak_mib(&piped_beside)
    );
}

#[test]
fn replaced_or_not_the_output_is_the_same_bytes() {
    let snap = snapshot();
    // Random streams, pids and clocks are those a spawned program would get: each command in
    // a fresh session, with and without a builtin after it.
    for cmd in [
        "shuf -e a b c d e f g h",
        "mktemp",
        "date +%s.%N",
        "od -An -N8 -tx1 /dev/urandom",
        "printenv | sort",
        "X=1 printenv X",
        "cd alerts && pwd && ls | head -2",
        "ls /nonexistent",
        "grep -c ERROR otel_logs_raw.tsv",
        "sort -r otel_logs_raw.tsv | head -2 | cut -c1-40",
        "timeout 1 sleep 5",
        "ls --no-such-option",
        "cat <<EOF\nheredoc $HOME\nEOF",
        "diff <(seq 3) <(seq 4)",
        "python3 -c 'print(6*7)'",
    ] {
        let mut a = session(snap.path());
        let mut b = session(snap.path());
        let replaced = a.run(cmd);
        let spawned = b.run(&format!("{cmd}\ntrue"));
        assert_eq!(replaced.stdout, spawned.stdout, "{cmd}");
        assert_eq!(replaced.stderr, spawned.stderr, "{cmd}");
        let mut c = session(snap.path());
        let status = c.run(&format!("{cmd}\necho $?")).stdout;
        let status = String::from_utf8_lossy(&status);
        assert_eq!(
            status.lines().last().unwrap_or(""),
            replaced.exit_code.to_string(),
            "{cmd}"
        );
    }
}

#[test]
fn what_the_shell_did_after_its_program_still_happens() {
    let snap = snapshot();
    let mut s = session(snap.path());
    // The stages before the last run to their end: the shell waits for them at exit.
    let r = s.run("{ sleep 1; echo late > /tmp/late; } | cat /dev/null");
    assert_eq!(r.exit_code, 0, "{}", err(&r));
    assert_eq!(out(&s.run("cat /tmp/late")), "late\n");
    // So do background jobs.
    let r = s.run("{ sleep 1; echo bg > /tmp/bg; } & cat /dev/null");
    assert_eq!(r.exit_code, 0, "{}", err(&r));
    assert_eq!(out(&s.run("cat /tmp/bg")), "bg\n");
    // A last stage that stops reading ends the stages before it, as its exit did.
    let r = s.run("yes | head -2");
    assert_eq!((out(&r).as_str(), r.exit_code), ("y\ny\n", 0));
    let r = s.run("seq 1 1000000 | head -1; echo ${PIPESTATUS[*]}");
    assert_eq!(out(&r), "1\n141 0\n");
    // What runs after the program keeps the shell: traps, `!`, `pipefail`.
    let r = s.run("trap 'echo bye' EXIT; echo hi; cat /dev/null");
    assert_eq!(out(&r), "hi\nbye\n");
    assert_eq!(s.run("! grep -q x /dev/null").exit_code, 0);
    assert_eq!(s.run("set -o pipefail; false | cat").exit_code, 1);
    assert_eq!(s.run("false | cat").exit_code, 0);
}

#[test]
fn a_script_that_runs_itself_ends_at_a_limit() {
    let snap = snapshot();
    let mut s = session(snap.path());
    // Each `bash /tmp/self.sh` replaces the shell before it, so the levels nest in one
    // instance: they end at its stack (a trap, reported as the memory limit), or at the
    // command's process count, which counts each exec as the spawn it saves.
    let r = s.run("echo 'bash /tmp/self.sh' > /tmp/self.sh; bash /tmp/self.sh");
    assert_ne!(r.exit_code, 0);
    assert!(
        matches!(
            r.error_kind,
            Some(ErrorKind::MemoryLimit | ErrorKind::ProcessLimit)
        ),
        "{r:?}"
    );
    let mut few = session_with(
        snap.path(),
        Limits {
            max_processes: 20,
            ..Limits::default()
        },
    );
    let r = few.run("echo 'bash /tmp/self.sh' > /tmp/self.sh; bash /tmp/self.sh");
    assert_eq!(r.error_kind, Some(ErrorKind::ProcessLimit), "{r:?}");
}
