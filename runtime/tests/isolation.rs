//! The sandbox's filesystem contract: the snapshot is read-only, the ground truth invisible,
//! and nothing of the host reachable, whatever path spelling, symlink or tool is tried.

mod common;
use common::*;

#[test]
fn snapshot_is_read_only_and_host_dir_unchanged() {
    let snap = snapshot();
    let before = tree(snap.path());
    let mut s = session(snap.path());
    for cmd in [
        "echo x > otel_logs_raw.tsv",
        "echo x >> otel_logs_raw.tsv",
        "echo x > newfile",
        "touch newfile",
        "mkdir newdir",
        "rm otel_logs_raw.tsv",
        "mv otel_logs_raw.tsv /tmp/x",
        "cp otel_logs_raw.tsv alerts/copy",
        "rmdir metrics",
        "sed -i s/INFO/X/ otel_logs_raw.tsv",
        "echo x > /snapshot/alerts/new.json",
        "truncate -s 0 otel_logs_raw.tsv",
    ] {
        let r = s.run(cmd);
        assert_ne!(r.exit_code, 0, "{cmd:?} succeeded: {}", err(&r));
        assert!(r.error_kind.is_none(), "{cmd:?}: {:?}", r.error_kind);
    }
    let r = s.run("echo x > otel_logs_raw.tsv");
    assert!(
        err(&r).contains("Read-only file system"),
        "clear error expected: {}",
        err(&r)
    );
    assert_eq!(
        tree(snap.path()),
        before,
        "the host snapshot directory changed"
    );
}

#[test]
fn ground_truth_is_never_visible() {
    let snap = snapshot();
    std::os::unix::fs::symlink("ground_truth.yaml", snap.path().join("gt_link.txt"))
        .expect("symlink");
    std::fs::create_dir(snap.path().join("sub")).expect("mkdir");
    std::fs::write(
        snap.path().join("sub/ground_truth.yaml"),
        common::GROUND_TRUTH,
    )
    .expect("write");
    let mut s = session(snap.path());
    for cmd in [
        "cat ground_truth.yaml",
        "cat /snapshot/ground_truth.yaml",
        "cat ./alerts/../ground_truth.yaml",
        "cat gt_link.txt",
        "cat sub/ground_truth.yaml",
        "head -c 10 /snapshot//./ground_truth.yaml",
    ] {
        let r = s.run(cmd);
        assert_eq!(r.exit_code, 1, "{cmd:?} must fail");
        assert!(r.stdout.is_empty(), "{cmd:?} printed {}", out(&r));
        assert!(
            err(&r).contains("No such file or directory"),
            "{cmd:?}: {}",
            err(&r)
        );
    }
    for cmd in [
        "ls -la; ls -R",
        "find / -name '*'",
        "grep -r root_cause / ; echo done",
        "rg -l frontend-block /snapshot; echo done",
    ] {
        let r = s.run(cmd);
        let o = out(&r);
        assert!(
            !o.contains("ground_truth") && !o.contains("gt_link") && !o.contains("root_cause"),
            "{cmd:?} revealed: {o}"
        );
    }
}

#[test]
fn no_host_path_is_reachable() {
    let snap = snapshot();
    std::os::unix::fs::symlink("/etc/passwd", snap.path().join("passwd")).expect("symlink");
    std::os::unix::fs::symlink("../../../../../../etc", snap.path().join("etc")).expect("symlink");
    let mut s = session(snap.path());
    for cmd in [
        "cat passwd",
        "cat etc/passwd",
        "cat /etc/shadow",
        "ls /proc/self",
        "cat /proc/self/environ",
        "ls /root",
    ] {
        let r = s.run(cmd);
        assert_ne!(r.exit_code, 0, "{cmd:?} succeeded with {}", out(&r));
        assert!(!out(&r).contains("root:"), "{cmd:?} leaked /etc/passwd");
    }
    // /etc is the sandbox's own: its one user, never the host's accounts.
    for cmd in [
        "cat /etc/passwd",
        "cat ../../../../etc/passwd",
        "cd /; cd ..; cd ..; cat etc/passwd",
    ] {
        assert_eq!(
            out(&s.run(cmd)),
            "agent:x:1000:1000:agent:/workspace:/bin/bash\n",
            "{cmd}"
        );
    }
    let r = s.run("ls /");
    assert_eq!(out(&r), "bin\ndev\netc\nsnapshot\ntmp\nusr\nworkspace\n");
    let r = s.run("env | sort | cut -d= -f1 | tr '\\n' ' '");
    assert_eq!(
        out(&r),
        "HOME HOSTNAME LANG LOGNAME PATH PWD SHELL TZ USER "
    );
}

#[test]
fn workspace_persists_within_a_session_only() {
    let snap = snapshot();
    let mut s = session(snap.path());
    assert_eq!(
        s.run("echo kept > /workspace/note; mkdir -p /tmp/d && echo t > /tmp/d/f")
            .exit_code,
        0
    );
    assert_eq!(out(&s.run("cat /workspace/note /tmp/d/f")), "kept\nt\n");
    assert_eq!(out(&s.run("cd; pwd; ls")), "/workspace\nnote\n");
    let mut other = session(snap.path());
    let r = other.run("cat /workspace/note");
    assert_eq!(r.exit_code, 1, "another session saw this one's workspace");
}

#[test]
fn workspace_directory_round_trips() {
    let snap = snapshot();
    let ws = tempfile::tempdir().expect("tempdir");
    std::fs::write(ws.path().join("old.txt"), "before").expect("write");
    std::fs::write(ws.path().join("gone.txt"), "x").expect("write");
    let mut s = session(snap.path());
    s.load_workspace(ws.path()).expect("load");
    let r = s.run("cat /workspace/old.txt; rm /workspace/gone.txt; mkdir -p /workspace/d; echo new > /workspace/d/n");
    assert_eq!(out(&r), "before");
    s.save_workspace(ws.path()).expect("save");
    assert_eq!(
        std::fs::read_to_string(ws.path().join("d/n"))
            .ok()
            .as_deref(),
        Some("new\n")
    );
    assert!(!ws.path().join("gone.txt").exists());
}

/// Every program proto's `TOOLS` names is one the guest's dispatch knows: the shell finds it by
/// that list, so a name missing from main.rs would be found and then fail as an unknown tool.
#[test]
fn every_listed_tool_is_dispatched_by_the_guest() {
    let snap = snapshot();
    let mut s = session(snap.path());
    let names: Vec<&str> = rcabox_proto::TOOLS
        .iter()
        .copied()
        .filter(|t| !t.starts_with("python"))
        .collect();
    // No arguments and empty input: each tool prints usage, an error or a little output;
    // `head` stops the ones that never end (`yes`).
    let cmd = format!(
        "for t in {}; do \"$t\" </dev/null 2>&1 | head -c 300 | grep -q 'unknown tool' && echo \"$t\"; done; echo done",
        names
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let r = s.run(&cmd);
    assert_eq!(String::from_utf8_lossy(&r.stdout), "done\n", "{r:?}");
}
