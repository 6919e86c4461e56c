//! H-*: exhaustion of the host through the guest: CPU (in wasm and in host imports), memory
//! (guest and host side), processes, descriptors, output, disk (data, names, nodes, renames),
//! virtual time, locks and waits, and parser depth.

use std::time::Duration;

use rcabox_runtime::sandbox::ErrorKind::*;

use super::harness::{Category::*, Probe, Want::*, p};

pub fn cpu() -> Vec<Probe> {
    let mut v = Vec::new();
    for cmd in [
        "while :; do :; done",
        "i=0; while true; do i=$((i+1)); done",
        "awk 'BEGIN { while (1) x++ }'",
        "jq -n 'def f: f; f'",
        "jq -n 'last(range(1000000000000))'",
        "sed ':a;ba' <<< x",
        "yes > /dev/null",
        "seq 1 100000000000 > /dev/null",
        "awk 'BEGIN { for (;;) ; }'",
        "find / -name x -o -name y > /dev/null; while :; do :; done",
    ] {
        v.push(p("H-CPU", Cpu, cmd, &[Kind(CpuLimit)]).with(|l| l.cpu = Duration::from_secs(2)));
    }
    // A line that never ends: the tool's own memory gives out first, as natively.
    for cmd in ["cat /dev/zero | tr '\\0' a | grep -c b", "sort /dev/zero"] {
        v.push(p("H-MEM-GUEST", Cpu, cmd, &[Kind(MemoryLimit)]));
    }
    v.push(p("H-CPU", Cpu, "bc <<< '2^100000000' | wc -c", &[]));
    // Regular-expression engines with catastrophic patterns: linear engines finish, the
    // backtracking one (-P) is bounded.
    let redos = "x=$(printf 'a%.0s' $(seq 1 3000)); ";
    for cmd in [
        "echo \"$x\" | grep -cE '(a*)*b'",
        "echo \"$x\" | grep -cE '(a|aa)+$b'",
        "echo \"$x\" | rg -c '(a*)*b'",
        "echo \"$x\" | sed -n '/\\(a*\\)*b/p' | wc -l",
        "echo \"$x\" | awk '/(a*)*b/' | wc -l",
        "echo \"$x\" | jq -R 'test(\"(a*)*b\")'",
        "echo \"$x\" | grep -cP '(a+)+b'",
    ] {
        v.push(p("H-CPU-REGEX", Cpu, format!("{redos}{cmd}"), &[]));
    }
    // Host time inside imports is charged: a listing of a large directory, again and again.
    v.push(
        p(
            "H-CPU-HOST",
            Cpu,
            "mkdir /tmp/big && cd /tmp/big && seq 1 20000 | xargs touch && while :; do ls -f > /dev/null; done",
            &[Kind(CpuLimit)],
        )
        .with(|l| l.cpu = Duration::from_secs(2)),
    );
    // Row 4: a directory renamed into a deep destination beside many files: quick now.
    v.push(p(
        "H-CPU-RENAME",
        Cpu,
        "cd /tmp && seq 1 30000 | xargs touch && mkdir -p $(printf 'd/%.0s' $(seq 1 1000)) && mkdir m && mv m $(printf 'd/%.0s' $(seq 1 1000)) && echo moved",
        &[Out("moved\n"), Clean],
    ));
    // Row 10: a listing of 40,000 entries, read a few at a time by the guest, is linear.
    v.push(p(
        "H-CPU-READDIR",
        Cpu,
        "cd /tmp && seq 1 40000 | xargs touch && ls | wc -l",
        &[Out("40000\n"), Clean],
    ));
    v
}

pub fn memory() -> Vec<Probe> {
    let mut v = Vec::new();
    for cmd in [
        "awk 'BEGIN { s = \"x\"; while (1) s = s s }'",
        "jq -n '[range(100000000)] | length'",
        "s=x; while :; do s=$s$s; done",
        "head -c 600000000 /dev/zero | sort | wc -c",
        "x=$(head -c 400000000 /dev/zero | tr '\\0' a); echo ${#x}",
        "x=$(yes | head -c 300000000); echo ${#x}",
        "tail -c 500000000 /dev/zero | wc -c",
    ] {
        v.push(p("H-MEM-GUEST", Memory, cmd, &[Kind(MemoryLimit)]));
    }
    // Devices are skipped when recursing, as GNU grep and ripgrep skip them: a search of the
    // whole tree ends instead of reading /dev/zero until the memory limit.
    for cmd in [
        "grep -rl zzq-none / 2>&1; echo $?",
        "grep -r -c zzq-none /dev; echo $?",
        "cd /; rg -uuu -l zzq-none; echo $?",
    ] {
        v.push(p("H-MEM-GUEST", Memory, cmd, &[Out("1\n"), Clean]));
    }
    // Row 2: heredoc contents held by the host are charged; 150 copies of 10 MB stop at the
    // command's budget instead of reaching 1.5 GB.
    let heredocs: String = (0..150).map(|_| " 3<<<\"$x\"").collect();
    v.push(p(
        "H-MEM-MEMFD",
        Memory,
        format!("x=$(head -c 10000000 /dev/zero | tr '\\0' a); true{heredocs}"),
        &[Kind(MemoryLimit)],
    ));
    // Row 6: eight parallel 300 MB tails are held to the command's total.
    v.push(
        p(
            "H-MEM-TOTAL",
            Memory,
            "for i in $(seq 8); do head -c 300000000 /dev/zero | tail -c 300000000 | wc -c & done; wait",
            &[Kind(MemoryLimit)],
        )
        .with(|l| l.memory_bytes = 512 << 20),
    );
    // Spawn requests (argv, environment) are charged until the child ends.
    v.push(
        p(
            "H-MEM-SPAWN",
            Memory,
            "x=$(head -c 30000000 /dev/zero | tr '\\0' a); for i in 1 2 3 4 5 6 7 8 9 10; do sleep 1000 \"$x\" & done; wait",
            &[Kind(MemoryLimit)],
        ),
    );
    v.push(
        p(
            "H-MEM-SPAWN",
            Memory,
            "export X=$(head -c 60000000 /dev/zero | tr '\\0' a); true; echo $?",
            &[],
        )
        .with(|l| l.timeout = Duration::from_secs(10)),
    );
    v
}

pub fn processes() -> Vec<Probe> {
    let mut v = Vec::new();
    for cmd in [
        ":(){ :|:& };:",
        "for i in $(seq 10000); do true & done; wait",
        "for i in $(seq 2000); do (sleep 100) & done; wait",
        "yes | yes | yes | yes | yes | yes | yes | yes | head -1",
        "f() { echo $(f); }; f",
        // Each level's shell becomes the next (`exec`): one process a level, still counted.
        "echo 'bash /tmp/s' > /tmp/s; bash /tmp/s",
        "echo 'cat /tmp/s | bash' > /tmp/s; bash /tmp/s",
    ] {
        v.push(p("H-PROC", Processes, cmd, &[]));
    }
    v.push(p(
        "H-PROC",
        Processes,
        "sleep 100 & sleep 100 & echo started",
        &[Out("started\n")],
    ));
    v.push(
        p(
            "H-PROC",
            Processes,
            "for i in $(seq 600); do ls > /dev/null; done; echo ran",
            &[Kind(ProcessLimit)],
        )
        .with(|l| l.max_processes = 100),
    );
    v
}

pub fn descriptors() -> Vec<Probe> {
    let mut v = Vec::new();
    for cmd in [
        "for i in $(seq 3000); do exec {fd}<otel_logs_raw.tsv || break; done; echo done",
        "for i in $(seq 3000); do exec {fd}</dev/null || break; done; echo done",
        "echo x >&1000000",
        "exec 1023>/dev/null; echo ok",
        "exec 99999>/dev/null",
        "cat <&77",
        "for i in $(seq 1500); do exec {a}< <(true) || break; done; echo done",
    ] {
        v.push(p("H-FD", Descriptors, cmd, &[]));
    }
    v
}

pub fn output() -> Vec<Probe> {
    let mut v = Vec::new();
    // Floods of stderr are cut the same way; this one runs until its CPU is spent.
    v.push(
        p("H-OUT", Output, "yes 1>&2", &[Kind(CpuLimit)]).with(|l| l.cpu = Duration::from_secs(2)),
    );
    for cmd in [
        "yes | head -c 100000000",
        "cat /dev/zero | head -c 50000000",
        "seq 1 100000000",
    ] {
        v.push(p("H-OUT", Output, cmd, &[Kind(OutputLimit)]).with(|l| {
            // Time is not the subject: room for a CI machine twice as slow as a laptop.
            l.cpu = Duration::from_secs(20);
            l.timeout = Duration::from_secs(30);
        }));
    }
    for cmd in [
        "yes | true; echo $?",
        "yes | head -1",
        "cat otel_logs_raw.tsv | head -1 | cut -c1-9",
        "head -c 100000000 /dev/zero | wc -c",
    ] {
        v.push(p("H-PIPE", Output, cmd, &[Clean]));
    }
    v
}

pub fn disk() -> Vec<Probe> {
    let mut v = Vec::new();
    for cmd in [
        "head -c 100000000 /dev/zero > /tmp/x",
        "yes > /workspace/y",
        "truncate -s 1G /tmp/t",
        "cat /dev/zero > /tmp/z",
        "cd /tmp && seq 1 100000 | xargs touch 2>/dev/null",
        "cd /tmp && mkdir {1..200000} 2>/dev/null",
        "cd /tmp && y=$(printf 'y/%.0s' $(seq 1 200)) && for i in $(seq 100); do mkdir -p d$i/$y || break; done",
    ] {
        v.push(p("H-DISK", Disk, cmd, &[Kind(DiskQuota)]).with(|l| {
            // 200,000 directories take 1.5 s of CPU here: room for a slower machine.
            l.cpu = Duration::from_secs(20);
            l.timeout = Duration::from_secs(30);
            l.disk_bytes = 2 << 20;
        }));
    }
    // Row 3: renames to long names, then removals, round after round: the counter stays
    // exact, so the quota still admits what fits and refuses what does not.
    v.push(
        p(
            "H-DISK-NAMES",
            Disk,
            "cd /tmp; n=$(printf 'n%.0s' $(seq 1 250)); for r in $(seq 20); do for i in $(seq 50); do touch f$i; mv f$i $n$i; done; rm -f n*; done; \
             head -c 20000000 /dev/zero > ok && echo fits; head -c 40000000 /dev/zero > no; echo $?",
            &[Has("fits\n1\n"), Kind(DiskQuota)],
        )
        .with(|l| {
            l.max_processes = 5000;
            l.cpu = Duration::from_secs(20);
            l.timeout = Duration::from_secs(25);
        }),
    );
    v.push(p(
        "H-DISK-NAMES",
        Disk,
        format!("touch /tmp/{}", "a".repeat(256)),
        &[Fails],
    ));
    v.push(p(
        "H-DISK-NAMES",
        Disk,
        format!("touch /tmp/{}; echo $?", "a".repeat(255)),
        &[Out("0\n")],
    ));
    v.push(p(
        "H-DISK-NAMES",
        Disk,
        format!("mkdir -p /tmp/{}", "d/".repeat(2100)),
        &[Fails],
    ));
    v.push(p(
        "H-DISK-NAMES",
        Disk,
        format!("touch /tmp/a; mv /tmp/a /tmp/{}", "b".repeat(300)),
        &[Fails],
    ));
    // Row 5: removed files are freed (the host check is the suite's RSS bound).
    v.push(
        p(
            "H-MEM-NODES",
            Disk,
            "cd /tmp; for r in $(seq 10); do seq 1 20000 | xargs touch; seq 1 20000 | xargs rm; done; ls | wc -l",
            &[Out("0\n"), Clean],
        )
        .with(|l| {
            l.cpu = Duration::from_secs(20);
            l.timeout = Duration::from_secs(25);
        }),
    );
    v
}

pub fn time() -> Vec<Probe> {
    let mut v = Vec::new();
    // Row 11: a sleep past the command's time limit ends the command at once, as the wall
    // clock would have: the virtual clock moves to the limit only, so it never wraps to 1970
    // and nothing after the sleep runs.
    v.push(p(
        "H-TIME",
        Time,
        "sleep 16700000000; date +%Y",
        &[Out(""), Kind(Timeout), Status(124)],
    ));
    v.push(p(
        "H-TIME",
        Time,
        "sleep 16700000000; sleep 16700000000; date +%Y",
        &[Out(""), Kind(Timeout), Status(124)],
    ));
    v.push(p(
        "H-TIME",
        Time,
        "sleep infinity & sleep 1; echo ok",
        &[Out("ok\n")],
    ));
    v.push(p(
        "H-TIME",
        Time,
        "timeout 1 sleep 1000000; echo $?",
        &[Out("124\n")],
    ));
    v.push(p(
        "H-TIME",
        Time,
        "timeout 18446744073 sleep 1; echo $?",
        &[Out("0\n")],
    ));
    v.push(p(
        "H-TIME",
        Time,
        "date -d @99999999999999 2>&1; echo $?",
        &[],
    ));
    v.push(
        p(
            "H-TIME",
            Time,
            "while :; do sleep 0.001; done",
            &[Kind(Timeout), Status(124)],
        )
        .with(|l| l.timeout = Duration::from_secs(2)),
    );
    v.push(p("H-TIME", Time, "cat", &[Clean]).with(|l| l.timeout = Duration::from_secs(2)));
    v.push(
        p(
            "H-TIME",
            Time,
            "yes | (while read l; do :; done)",
            &[Kind(Timeout)],
        )
        .with(|l| {
            l.timeout = Duration::from_secs(2);
            l.cpu = Duration::from_secs(10);
        }),
    );
    v
}

pub fn locks() -> Vec<Probe> {
    let mut v = Vec::new();
    // Row 1: a reader and a writer on one open file of /tmp, the offset lock and the
    // filesystem lock taken in opposite orders before.
    v.push(
        p(
            "H-LOCK",
            Locks,
            ": > /tmp/f; { (while :; do read -r l; done) & while :; do echo x >&0; done; } 0<>/tmp/f",
            &[],
        )
        .with(|l| {
            l.timeout = Duration::from_secs(3);
            l.cpu = Duration::from_secs(30);
        }),
    );
    v.push(
        p(
            "H-LOCK",
            Locks,
            ": > /tmp/f; for i in 1 2 3 4; do (while :; do echo x >> /tmp/f; cat /tmp/f > /dev/null; : > /tmp/f; done) & done; wait",
            &[],
        )
        .with(|l| {
            l.timeout = Duration::from_secs(3);
            l.cpu = Duration::from_secs(30);
        }),
    );
    v
}

pub fn parser() -> Vec<Probe> {
    let mut v = Vec::new();
    for cmd in [
        "eval \"$(printf '(%.0s' $(seq 1 100000))\"",
        "echo $(( $(printf '(%.0s' $(seq 1 100000))1 ))",
        "echo {1..10}{1..10}{1..10}{1..10}{1..10}{1..10}{1..10} | wc -c",
        "echo {1..100000000} | wc -c",
        "echo /*/*/*/*/*/*/* | wc -c",
        "x=$(printf 'a%.0s' $(seq 1 100000)); eval \"echo ${x}\" | wc -c",
        "awk \"BEGIN { x = $(printf '(%.0s' $(seq 1 100000))1 }\"",
        "jq -n \"$(printf '[%.0s' $(seq 1 100000))\"",
        "bc <<< \"$(printf '(%.0s' $(seq 1 100000))\"",
        "printf '%s' \"$(printf 'x%.0s' $(seq 1 100000))\" | xargs -n1 echo | wc -l",
        "echo \"unterminated",
        "f() { f; }; f",
        "echo $'\\xff\\xfe' | wc -c",
        "eval \"$(yes 'echo x;' | head -c 5000000)\" | wc -l",
        "cat <<EOF\n$(head -c 5000000 /dev/zero | tr '\\0' a)\nEOF",
    ] {
        v.push(p("H-PARSE", Parser, cmd, &[]).with(|l| {
            l.cpu = Duration::from_secs(5);
            l.timeout = Duration::from_secs(8);
        }));
    }
    // Found by fuzz/fuzz_targets/sh_parse.rs (artifact oom-e651afc6..., now a seed of that
    // target): brush-parser 0.4.0's tokenizer looped, allocating, on an empty here-document tag
    // at the end of the input. The vendored parser (guest-tools/vendor/brush-parser) reports an
    // unterminated here-document instead, so the shell gives a syntax error at once.
    for cmd in ["<< \r\r||\r-R; ((ii; ", "cat << \r (( ", "cat << \r ${ "] {
        v.push(p("H-PARSE", Parser, cmd, &[Status(2), Clean]));
    }
    // Found by the same target (artifact timeout-a4c2e8d9..., a seed now): an arithmetic
    // command of unmatched parentheses took time exponential in their depth; the vendored
    // parser memoises the rule, so 27 (which ran past 20 s) and 200 end at once.
    // And a panic: a descriptor number too large for an int (`7777...7<>`) unwrapped a parse
    // error. It is a word now, as in bash.
    v.push(p(
        "H-PARSE",
        Parser,
        "echo 99999999999999999999>/tmp/zz; cat /tmp/zz",
        &[Out("99999999999999999999\n"), Clean],
    ));
    for depth in [27, 200] {
        let cmd = format!("{}\r~c~)", "(".repeat(depth));
        v.push(p("H-PARSE", Parser, cmd, &[Status(2), Clean]).with(|l| {
            l.cpu = Duration::from_secs(1);
        }));
    }
    v
}
