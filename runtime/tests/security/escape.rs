//! ESC-*: paths out of the sandbox, host data, writes to the read-only snapshot, sockets and
//! the host environment. The snapshot is hostile (links out of it, see `main.rs`).

use super::harness::{Category::Escape, Probe, Want::*, p};

/// Text of the host's /etc/passwd that must never show.
const PASSWD: &str = "root:x:0";
/// The canary file beside the snapshot.
const OUTSIDE: &str = "SECRET-OUTSIDE";

pub fn probes() -> Vec<Probe> {
    let mut v = Vec::new();
    // The sandbox's own /etc/passwd (its one user, agent): every spelling that reaches /etc
    // shows that, never the host's.
    for cmd in [
        "cat /etc/passwd",
        "cat ../../../../etc/passwd",
        "cat /snapshot/../../etc/passwd",
        "cat /snapshot/../etc/passwd",
        "cd /; cd ..; cd ..; cat etc/passwd",
    ] {
        v.push(p(
            "ESC-PATH",
            Escape,
            cmd,
            &[
                Out("agent:x:1000:1000:agent:/workspace:/bin/bash\n"),
                Never(PASSWD),
                Never(OUTSIDE),
            ],
        ));
    }
    for cmd in [
        "cat passwd",
        "cat etc/passwd",
        "cat ./etc/../etc/passwd",
        "grep root passwd",
        "head -1 /etc/shadow",
        "cat /proc/self/environ",
        "cat /proc/1/cmdline",
        "ls /proc",
        "ls /sys",
        "ls /home",
        "ls /root",
        "cat /dev/tcp/127.0.0.1/22",
        "echo x > /dev/tcp/127.0.0.1/80",
        "exec 3<>/dev/tcp/127.0.0.1/80",
    ] {
        v.push(p(
            "ESC-PATH",
            Escape,
            cmd,
            &[Fails, Never(PASSWD), Never(OUTSIDE)],
        ));
    }
    for cmd in [
        "cat outside",
        "cat ../outside/secret.txt",
        "ls ../outside",
        "find / -name 'secret*'",
        "grep -r SECRET-OUTSIDE / 2>/dev/null",
        "rg -uu SECRET-OUTSIDE / 2>/dev/null",
        "cat loop",
        "readlink -f etc",
    ] {
        v.push(p("ESC-LINK", Escape, cmd, &[Never(OUTSIDE), Never(PASSWD)]));
    }
    for cmd in [
        "echo x > otel_logs_raw.tsv",
        "echo x >> otel_logs_raw.tsv",
        "touch /snapshot/new",
        "rm otel_logs_raw.tsv",
        "mv otel_logs_raw.tsv x.tsv",
        "mkdir /snapshot/d2",
        "truncate -s 0 otel_logs_raw.tsv",
        "cp otel_logs_raw.tsv alerts/",
        "ln -s /etc/passwd /snapshot/p",
        "sed -i s/ERROR/OK/ otel_logs_raw.tsv",
        "rmdir alerts",
        "echo x | tee /snapshot/t",
    ] {
        v.push(p("ESC-RO", Escape, cmd, &[Fails]));
    }
    v.push(p(
        "ESC-ENV",
        Escape,
        "env | cut -d= -f1 | sort | tr '\\n' ' '",
        &[Out("HOME HOSTNAME LANG LOGNAME PATH PWD SHELL TZ USER ")],
    ));
    // The tools under /usr/bin are names, not host binaries: reading one gives nothing.
    v.push(p(
        "ESC-PATH",
        Escape,
        "cat /usr/bin/sh | wc -c",
        &[Out("0\n")],
    ));
    v.push(p(
        "ESC-ENV",
        Escape,
        "ls /",
        &[Out("bin\ndev\netc\nsnapshot\ntmp\nusr\nworkspace\n")],
    ));
    v.push(p(
        "ESC-ENV",
        Escape,
        "uname -n; hostname 2>/dev/null; echo $HOSTNAME",
        &[Never("rcabox-host")],
    ));
    v
}
