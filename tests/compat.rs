//! The shell-compatibility corpora: every command runs through `rcabox exec` and through GNU
//! bash with the reference tools over the same snapshot, and stdout bytes and exit status must
//! agree (stderr is recorded, not compared).
//!
//! The snapshot is written by tests/compat/make_snapshot.py (deterministic, RFC 4180 TSVs with
//! embedded tabs, quotes and newlines). Native commands run as `nobody` (when the tests run as
//! root) in a read-only copy of it with the ground truth left out, with the copy's path written
//! as `/snapshot` in their output. Each worker has its own scratch directory standing for
//! `/tmp`: a command's `/tmp` paths are rewritten to it natively and back in its output, so two
//! runs of the corpora at once never meet (rcabox gives every command a fresh in-memory /tmp).
//! Needs python3 and the reference tools: GNU bash, coreutils, grep, sed, gawk, jq, findutils,
//! diffutils, bc, ripgrep, bsdextrautils (`.ci/run` installs them).

use std::fmt::Write as _;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

mod common;

/// Seconds a command may run on either side before it counts as a time-out.
const TIMEOUT_S: &str = "30";
/// Parallel workers: each runs one command at a time on both sides.
const WORKERS: usize = 2;

/// One command's result on one side: stdout and exit status (`None`: killed by a signal).
type Outcome = (Vec<u8>, Option<i32>);

/// The fixture and the native copy, shared by every command of a corpus run.
struct Fixture {
    _work: tempfile::TempDir,
    snapshot: PathBuf,
    copy: PathBuf,
    home: PathBuf,
    scratch: Vec<PathBuf>,
}

fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Copies `from` to `to` without the ground truth, read-only: 0555 directories, 0444 files.
fn read_only_copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .expect("read_dir")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_name() == "ground_truth.yaml" {
            continue;
        }
        if e.file_type().expect("type").is_dir() {
            read_only_copy(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).expect("copy");
            chmod(&dst, 0o444);
        }
    }
    chmod(to, 0o555);
}

fn fixture() -> Fixture {
    let work = tempfile::Builder::new()
        .prefix("rcabox-compat-")
        .tempdir()
        .expect("tempdir");
    chmod(work.path(), 0o755);
    let snapshot = work.path().join("snapshot");
    let maker = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat/make_snapshot.py");
    let ok = Command::new("python3")
        .arg(&maker)
        .arg(&snapshot)
        .status()
        .expect("python3 runs tests/compat/make_snapshot.py");
    assert!(ok.success(), "make_snapshot.py failed");
    let native = work.path().join("native");
    std::fs::create_dir(&native).expect("mkdir");
    chmod(&native, 0o755);
    let copy = native.join("snapshot");
    read_only_copy(&snapshot, &copy);
    let home = work.path().join("home");
    std::fs::create_dir(&home).expect("mkdir");
    chmod(&home, 0o777);
    let scratch = (0..WORKERS)
        .map(|w| work.path().join(format!("tmp{w}")))
        .collect();
    Fixture {
        _work: work,
        snapshot,
        copy,
        home,
        scratch,
    }
}

/// Replaces every occurrence of `from` that is a whole path component prefix (followed by `/`,
/// a non-name character or the end) with `to`.
fn replace_path(text: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i..].starts_with(from) {
            let next = text.get(i + from.len()).copied();
            if next
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.'))
            {
                out.extend_from_slice(to);
                i += from.len();
                continue;
            }
        }
        out.push(text[i]);
        i += 1;
    }
    out
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

fn status(s: std::process::ExitStatus) -> Option<i32> {
    s.code()
}

/// Runs `cmd` natively with GNU bash in the read-only copy, `/tmp` standing for `scratch`.
fn native(f: &Fixture, cmd: &str, scratch: &Path, root: bool) -> Outcome {
    let _ = std::fs::remove_dir_all(scratch);
    std::fs::create_dir(scratch).expect("scratch");
    chmod(scratch, 0o1777);
    let s = scratch.to_str().expect("utf-8 path");
    let cmd = String::from_utf8(replace_path(cmd.as_bytes(), b"/tmp", s.as_bytes()))
        .expect("utf-8 command");
    let mut c = Command::new("timeout");
    c.args(["-k", "2", TIMEOUT_S, "bash", "-c", &cmd])
        .current_dir(&f.copy)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("LC_ALL", "C.UTF-8")
        .env("LANG", "C.UTF-8")
        .env("TZ", "UTC")
        .env("HOME", &f.home)
        .env("USER", "agent")
        .env("TMPDIR", scratch);
    if root {
        // So that the read-only copy is really read-only to the command; std drops the
        // supplementary groups too when it leaves root.
        use std::os::unix::process::CommandExt;
        c.uid(65534).gid(65534);
    }
    let o = c.output().expect("bash runs");
    let copy = f.copy.to_str().expect("utf-8 path").as_bytes();
    let out = replace_path(&o.stdout, copy, b"/snapshot");
    (replace_path(&out, s.as_bytes(), b"/tmp"), status(o.status))
}

/// Runs `cmd` through `rcabox exec`; returns its outcome and stderr.
fn sandboxed(f: &Fixture, cmd: &str) -> (Outcome, Vec<u8>) {
    let o = Command::new("timeout")
        .args(["-k", "2", "60", env!("CARGO_BIN_EXE_rcabox"), "exec"])
        .args(["--timeout", TIMEOUT_S, "--snapshot"])
        .arg(&f.snapshot)
        .arg(cmd)
        .output()
        .expect("rcabox exec runs");
    ((o.stdout, status(o.status)), o.stderr)
}

/// Runs every command of `corpus` on both sides; fails when fewer than `min_rate` agree.
/// The reference programs the corpora compare against (besides bash and coreutils), with
/// the Debian package of each.
const REFERENCE_TOOLS: &[(&str, &str)] = &[
    ("gawk", "gawk"),
    ("jq", "jq"),
    ("bc", "bc"),
    ("column", "bsdextrautils"),
    ("rg", "ripgrep"),
    ("python3", "python3"),
];

fn run_corpus(corpus: &Path, min_rate: f64) {
    for (tool, package) in REFERENCE_TOOLS {
        common::require_tool(tool, package);
    }
    let text = std::fs::read_to_string(corpus).expect("corpus");
    let cmds: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}: {l}", corpus.display()))
        })
        .collect();
    let f = fixture();
    let root = is_root();
    let next = AtomicUsize::new(0);
    let mut rows: Vec<(usize, String)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| {
                let (f, cmds, next) = (&f, &cmds, &next);
                s.spawn(move || {
                    let mut rows = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(cmd) = cmds.get(i) else { break };
                        let n = native(f, cmd, &f.scratch[w], root);
                        let (r, err) = sandboxed(f, cmd);
                        if n != r {
                            rows.push((i + 1, report_row(i + 1, cmd, &n, &r, &err)));
                        }
                    }
                    rows
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    rows.sort();
    let failed = rows.len();
    let passed = cmds.len() - failed;
    for (_, row) in &rows {
        println!("{row}");
    }
    println!("compat: {passed} passed, {failed} failed");
    assert!(
        passed as f64 >= min_rate * cmds.len() as f64,
        "{}: {passed} of {} agree, below {min_rate}",
        corpus.display(),
        cmds.len()
    );
}

fn report_row(i: usize, cmd: &str, n: &Outcome, r: &Outcome, err: &[u8]) -> String {
    let show = |b: &[u8]| String::from_utf8_lossy(&b[..b.len().min(2000)]).into_owned();
    let mut s = format!(
        "#{i} differs (exit native {:?}, rcabox {:?}):\n  {cmd}\n",
        n.1, r.1
    );
    let _ = write!(
        s,
        "--- native stdout\n{}\n--- rcabox stdout\n{}\n--- rcabox stderr\n{}",
        show(&n.0),
        show(&r.0),
        show(err)
    );
    s
}

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/compat")
        .join(name)
}

/// Shell features and tools (tests/compat/agent.jsonl). Known differences are in
/// docs/COMPATIBILITY.md; every command agrees today.
#[test]
fn agent_corpus() {
    run_corpus(&corpus("agent.jsonl"), 1.0);
}

/// Investigations of the snapshot: rg, grep, awk, jq, sort, bc, timeout, ...
#[test]
fn investigation_corpus() {
    run_corpus(&corpus("investigate.jsonl"), 1.0);
}

/// Python as agents write it (tests/compat/python.jsonl): csv over the snapshot's TSVs, json
/// over alerts, collections, datetime, re, heredoc scripts, pipelines both ways, exit statuses
/// and missing third-party modules, against the native CPython the runner installs. Known
/// differences are in docs/COMPATIBILITY.md.
#[test]
fn python_corpus() {
    run_corpus(&corpus("python.jsonl"), 1.0);
}

/// The development corpus kept beside the repository (`../shared/compat/commands.jsonl`, or
/// the file `RCABOX_EXTRA_CORPUS` names) runs too when it is there; a clone without it has
/// nothing to run here.
#[test]
fn extra_corpus() {
    let path = std::env::var_os("RCABOX_EXTRA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/compat/commands.jsonl")
        });
    if path.is_file() {
        run_corpus(&path, 1.0);
    } else {
        println!("no extra corpus at {}: nothing to compare", path.display());
    }
}

#[test]
fn tmp_paths_are_rewritten_as_whole_components() {
    let r = replace_path(b"cat /tmp/x /tmpfoo /tmp; ls /tmp/", b"/tmp", b"/s/t0");
    assert_eq!(r, b"cat /s/t0/x /tmpfoo /s/t0; ls /s/t0/");
}
