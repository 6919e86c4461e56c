//! A large `sort` runs in two sandbox processes (guest-tools/vendor/uu_sort/src/helper.rs): the
//! output must be GNU sort's, and the one-process output, for orders whose ties matter (`-s`,
//! `-u`, `-r`, numeric and several keys), and when the helper cannot be started. The input
//! (12 MB, above the two-process threshold) is generated with many equal keys, so that ties
//! fall between the halves. Needs GNU sort (on the base image).

use std::fmt::Write as _;
use std::process::Command;

/// `md5sum` of `sort ARGS big.txt`, natively (GNU, C.UTF-8) or in the sandbox.
fn digest(dir: &std::path::Path, sort: &str, sandbox: Option<&[&str]>) -> String {
    let script = format!("{sort} big.txt | md5sum");
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

#[test]
fn two_process_sort_equals_gnu_and_one_process() {
    let dir = tempfile::tempdir().expect("tempdir");
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
    std::fs::write(dir.path().join("big.txt"), text).expect("write");
    for opts in [
        "",
        "-r",
        "-n -t$'\\t' -k2,2",
        "-s -t$'\\t' -k1,1",
        "-u -t$'\\t' -k1,1 -k3,3",
        "-f -u -t$'\\t' -k3,3",
        "-t$'\\t' -k3,3 -k2,2nr",
    ] {
        let gnu = digest(dir.path(), &format!("sort {opts}"), None);
        assert_eq!(gnu.len(), 36, "GNU sort {opts}: {gnu}");
        let two = digest(dir.path(), &format!("sort {opts}"), Some(&[]));
        let one = digest(dir.path(), &format!("sort --parallel=1 {opts}"), Some(&[]));
        assert_eq!(two, gnu, "sort {opts} in two processes");
        assert_eq!(one, gnu, "sort --parallel=1 {opts}");
        // bash, sort and md5sum fill the limit: no helper, the first process sorts alone.
        let alone = digest(
            dir.path(),
            &format!("sort {opts}"),
            Some(&["--max-processes", "3"]),
        );
        assert_eq!(alone, gnu, "sort {opts} without a helper");
    }
}
