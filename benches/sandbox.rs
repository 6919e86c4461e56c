//! Latency and throughput of commands in the sandbox against native GNU tools, in one run.
//!
//! `cargo bench --bench sandbox` builds a 100 MB TSV and a 100 MB JSON-lines file, then times
//! each command in a sandbox session (`Session::run`, the same path `rcabox exec` and the
//! episodes take) and as `bash -c` over the same directory (LC_ALL=C.UTF-8, as the
//! compatibility runner uses), and prints medians, fastest runs and both ratios. The sandbox
//! and native runs alternate, so a slow spell of a shared machine falls on both sides. The
//! first table is per-command latency; the second is throughput over the 100 MB inputs
//! (grep, sort, cut, awk, jq, rg, python3). Figures belong in notes and docs, never in tests.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rcabox_runtime::sandbox::{Runtime, Session, SessionConfig};

/// Median and fastest run, in milliseconds.
fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (ms(v[v.len() / 2]), ms(v[0]))
}

fn write_fixture(dir: &Path, mb: usize) {
    use std::io::Write;
    let mut f =
        std::io::BufWriter::new(std::fs::File::create(dir.join("big.tsv")).expect("create"));
    let mut i = 0u64;
    let mut written = 0;
    while written < mb << 20 {
        let sev = if i.is_multiple_of(13) {
            "ERROR"
        } else {
            "INFO"
        };
        let line = format!(
            "2025-12-15 17:{:02}:{:02}.000\t{sev}\tsvc{}\tmessage number {i} with some padding text\n",
            i % 60,
            i % 60,
            i % 17
        );
        written += line.len();
        f.write_all(line.as_bytes()).expect("write");
        i += 1;
    }
    // The same records as JSON lines, for jq.
    let mut j =
        std::io::BufWriter::new(std::fs::File::create(dir.join("big.jsonl")).expect("create"));
    let (mut i, mut written) = (0u64, 0);
    while written < mb << 20 {
        let sev = if i.is_multiple_of(13) {
            "ERROR"
        } else {
            "INFO"
        };
        let line = format!(
            "{{\"ts\":\"2025-12-15 17:{:02}:{:02}.000\",\"sev\":\"{sev}\",\"svc\":\"svc{}\",\"n\":{i},\"ms\":{}.5}}\n",
            i % 60,
            i % 60,
            i % 17,
            i % 997
        );
        written += line.len();
        j.write_all(line.as_bytes()).expect("write");
        i += 1;
    }
    drop(j);
    std::fs::write(
        dir.join("small.json"),
        r#"[{"labels":{"alertname":"RequestErrorRate","service_name":"checkout"}}]"#,
    )
    .expect("write");
}

fn main() {
    let iters: usize = std::env::var("RCABOX_BENCH_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let mb: usize = std::env::var("RCABOX_BENCH_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let dir = tempfile::tempdir().expect("tempdir");
    write_fixture(dir.path(), mb);
    let t0 = Instant::now();
    let rt = Runtime::shared().expect("runtime");
    eprintln!(
        "runtime ready in {:.1} ms (module cache)",
        t0.elapsed().as_secs_f64() * 1e3
    );
    let t0 = Instant::now();
    rt.python().expect("python3 module");
    eprintln!(
        "python3 module ready in {:.1} ms (compiled, or loaded from the module cache)",
        t0.elapsed().as_secs_f64() * 1e3
    );
    let mut s = Session::new(rt, SessionConfig::for_snapshot(dir.path())).expect("session");
    println!("latency");
    table(
        &mut s,
        dir.path(),
        &[
            "true",
            "cat small.json",
            "cat big.tsv | head -5",
            "python3 -c 'print(1)'",
            "python3 -c 'import json, csv, collections'",
            "head -1000 big.tsv | python3 -c 'import sys; print(sum(1 for _ in sys.stdin))'",
        ],
        iters,
    );
    println!("\nthroughput over {mb} MB inputs");
    table(
        &mut s,
        dir.path(),
        &[
            "grep -c ERROR big.tsv",
            "grep -E -c 'svc1[0-3]|ERROR|number 4' big.tsv",
            "sort big.tsv | tail -1",
            "sort --parallel=1 big.tsv | tail -1",
            "sort -t$'\\t' -k3,3 -k1,1 big.tsv | tail -1",
            "sort --parallel=1 -t$'\\t' -k3,3 -k1,1 big.tsv | tail -1",
            "cut -f3 big.tsv | tail -1",
            "cut -f3 big.tsv | sort | uniq -c | sort -rn | head -3",
            "awk -F'\\t' '{c[$3]++} END{for(k in c) n++; print n}' big.tsv",
            "awk -F'\\t' '$2==\"ERROR\"{s+=length($4)} END{print s}' big.tsv",
            "jq -c 'select(.sev == \"ERROR\") | .svc' big.jsonl | tail -1",
            "jq -n 'reduce inputs as $r (0; . + $r.ms)' big.jsonl",
            "rg -c ERROR big.tsv",
            "wc -l big.tsv",
            "python3 -c \"import csv, collections; print(collections.Counter(r[2] for r in csv.reader(open('big.tsv'), delimiter='\\t')).most_common(1))\"",
        ],
        iters.min(5),
    );
}

/// Times each command `n` times in the sandbox and natively, alternating; prints one row per
/// command. On a shared virtual machine the same command moves by 10-30% between runs, and
/// more in slow spells; the ratio of the fastest runs is the steadier of the two.
fn table(s: &mut Session, dir: &Path, cmds: &[&str], n: usize) {
    println!(
        "{:<64} {:>12} {:>12} {:>12} {:>12} {:>8} {:>8}",
        "command", "rcabox p50", "rcabox min", "bash p50", "bash min", "ratio", "min/min"
    );
    for &cmd in cmds {
        let (mut sandbox, mut native) = (Vec::new(), Vec::new());
        for _ in 0..n {
            let t = Instant::now();
            // pipefail: a stage that fails (a memory limit hit) must not hide behind `tail`.
            let r = s.run(&format!("set -o pipefail; {cmd}"));
            // 141: an early stage stopped by `head` closing the pipe, as with GNU.
            assert!(
                matches!(r.exit_code, 0 | 141),
                "{cmd}: {}",
                String::from_utf8_lossy(&r.stderr)
            );
            sandbox.push(t.elapsed());
            let t = Instant::now();
            let o = Command::new("bash")
                .arg("-c")
                .arg(format!("set -o pipefail; {cmd}"))
                .current_dir(dir)
                .env("LC_ALL", "C.UTF-8")
                .output()
                .expect("bash");
            assert!(matches!(o.status.code(), Some(0 | 141)), "native {cmd}");
            native.push(t.elapsed());
        }
        let (sp50, smin) = stats(sandbox);
        let (np50, nmin) = stats(native);
        println!(
            "{cmd:<64} {sp50:>10.2}ms {smin:>10.2}ms {np50:>10.2}ms {nmin:>10.2}ms {:>7.2}x {:>7.2}x",
            sp50 / np50,
            smin / nmin
        );
    }
}
