//! A large `sort` runs in two sandbox processes (guest-tools/vendor/uu_sort/src/helper.rs): the
//! output must be GNU sort's, and the one-process output, for orders whose ties matter (`-s`,
//! `-u`, `-r`, numeric and several keys), and when the helper cannot be started; both when the
//! helper reads its part of the shared file and when its part is piped to it (standard input).
//! The input (12 MB, above the two-process threshold) is generated with many equal keys, so
//! that ties fall between the parts. Needs GNU sort (on the base image).

use std::fmt::Write as _;
use std::process::Command;

/// `md5sum` of the output of `script`, natively (GNU, C.UTF-8) or in the sandbox.
fn digest(dir: &std::path::Path, script: &str, sandbox: Option<&[&str]>) -> String {
    let script = format!("{script} | md5sum");
    let out = match sandbox {
        None => Command::new("bash")
            .args(["-c", &script])
            .current_dir(dir)
            .env("LC_ALL", "C.UTF-8")
            .output(),
        Some(flags) => Command::new(env!("CARGO_BIN_EXE_rcabox"))
            .args(["exec", "--memory-mb", "1024"])
            .args(flags)
            .arg("--snapshot")
            .arg(dir)
            .arg(&script)
            .output(),
    }
    .expect("runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A 12 MB file of tab-separated lines with many equal keys, in `dir` as `big.txt`.
fn write_input(dir: &std::path::Path) -> String {
    let mut text = String::new();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while text.len() < 12 << 20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let _ = writeln!(
            text,
            "svc{}\t{}\t{}",
            x % 23,
            (x >> 8) % 5000,
            ["GET /a", "POST /b", "get /a", " PUT /c"][(x >> 20) as usize % 4]
        );
    }
    std::fs::write(dir.join("big.txt"), &text).expect("write");
    text
}

#[test]
fn two_process_sort_equals_gnu_and_one_process() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_input(dir.path());
    for opts in [
        "",
        "-r",
        "-n -t$'\\t' -k2,2",
        "-s -t$'\\t' -k1,1",
        "-u -t$'\\t' -k1,1 -k3,3",
        "-f -u -t$'\\t' -k3,3",
        "-t$'\\t' -k3,3 -k2,2nr",
    ] {
        let gnu = digest(dir.path(), &format!("sort {opts} big.txt"), None);
        assert_eq!(gnu.len(), 36, "GNU sort {opts}: {gnu}");
        let shared = digest(dir.path(), &format!("sort {opts} big.txt"), Some(&[]));
        let piped = digest(dir.path(), &format!("cat big.txt | sort {opts}"), Some(&[]));
        let one = digest(
            dir.path(),
            &format!("sort --parallel=1 {opts} big.txt"),
            Some(&[]),
        );
        assert_eq!(shared, gnu, "sort {opts} in two processes, the file shared");
        assert_eq!(piped, gnu, "sort {opts} in two processes, the input piped");
        assert_eq!(one, gnu, "sort --parallel=1 {opts}");
        // bash and sort fill the limit: no helper, the first process sorts alone. Nothing
        // else in the command: a helper may start before a later pipeline stage and take
        // its place.
        let script = format!("sort {opts} big.txt");
        let alone = Command::new(env!("CARGO_BIN_EXE_rcabox"))
            .args(["exec", "--memory-mb", "1024", "--max-processes", "2"])
            .args(["--max-output", "67108864", "--snapshot"])
            .arg(dir.path())
            .arg(&script)
            .output()
            .expect("runs");
        let native = Command::new("bash")
            .args(["-c", &script])
            .current_dir(dir.path())
            .env("LC_ALL", "C.UTF-8")
            .output()
            .expect("runs");
        assert!(!native.stdout.is_empty(), "GNU {script}");
        assert!(alone.stdout == native.stdout, "{script} without a helper");
    }
}

/// The helper finds its first line in a shared file by itself: a file whose last line has no
/// line end, one separated by NUL bytes (`-z`), and one whose lines are all one long line
/// around the middle must give GNU sort's output.
#[test]
fn shared_file_parts_meet_at_a_line_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = write_input(dir.path());
    let p = dir.path();
    std::fs::write(p.join("open.txt"), text.trim_end()).expect("write");
    std::fs::write(p.join("nul.txt"), text.replace('\n', "\0")).expect("write");
    // A 4 MB line across the middle: the helper's scan for a line end crosses many blocks.
    let half = text.len() / 2;
    let cut = text[..half].rfind('\n').map_or(0, |i| i + 1);
    let long = format!("{}{}\n{}", &text[..cut], "x".repeat(4 << 20), &text[cut..]);
    std::fs::write(p.join("long.txt"), long).expect("write");
    for script in [
        "sort open.txt",
        "sort -z nul.txt",
        "sort -u -z -t$'\\t' -k1,1 nul.txt",
        "sort long.txt",
        "sort -r long.txt",
    ] {
        let gnu = digest(p, script, None);
        assert_eq!(gnu.len(), 36, "GNU {script}: {gnu}");
        assert_eq!(digest(p, script, Some(&[])), gnu, "{script}");
    }
}
