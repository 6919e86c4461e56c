//! README's examples are run: every ```console block of README.md is a shell session whose
//! `$ ` lines are run in order with `sh -c` and whose other lines are the output they must
//! print (stdout then stderr). `target/release/rcabox` stands for the binary under test and
//! `/tmp/snap` for a directory of this test's own (and back in the output); `"duration_ms":N` and
//! `"peak_memory_bytes":N`, measurements that differ between runs and builds, are compared as a shape.

use std::path::Path;
use std::process::Command;

/// The console blocks of a Markdown text: each is a list of (command, expected output).
fn sessions(markdown: &str) -> Vec<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut block: Option<Vec<(String, String)>> = None;
    for line in markdown.lines() {
        match (&mut block, line.trim_end()) {
            (None, "```console") => block = Some(Vec::new()),
            (Some(_), "```") => out.extend(block.take()),
            (Some(b), l) => match l.strip_prefix("$ ") {
                Some(cmd) => b.push((cmd.to_string(), String::new())),
                None => {
                    let (_, expected) = b.last_mut().expect("a console block starts with `$ `");
                    expected.push_str(l);
                    expected.push('\n');
                }
            },
            (None, _) => {}
        }
    }
    out
}

/// Fields whose numbers are measurements, compared as a shape.
const MEASURED: [&str; 2] = ["\"duration_ms\":", "\"peak_memory_bytes\":"];

/// Replaces the digits of every measured field (`"duration_ms":N`, ...) with `N`.
fn mask_measured(s: &str) -> String {
    MEASURED.iter().fold(s.to_string(), |s, key| {
        let mut out = String::new();
        let mut rest = s.as_str();
        while let Some(i) = rest.find(key) {
            out.push_str(&rest[..i + key.len()]);
            rest =
                rest[i + key.len()..].trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
            out.push('N');
        }
        out.push_str(rest);
        out
    })
}

#[test]
fn readme_examples_print_what_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let sessions = sessions(&text);
    assert!(!sessions.is_empty(), "README.md has console examples");
    for session in sessions {
        let dir = tempfile::tempdir().expect("tempdir");
        let snap = dir.path().join("snap");
        for (cmd, expected) in session {
            let real = cmd
                .replace("target/release/rcabox", env!("CARGO_BIN_EXE_rcabox"))
                .replace("/tmp/snap", snap.to_str().expect("utf-8"));
            let o = Command::new("sh")
                .args(["-c", &real])
                .current_dir(root)
                .output()
                .expect("sh runs");
            let got = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
            .replace(snap.to_str().expect("utf-8"), "/tmp/snap");
            assert_eq!(
                mask_measured(&got),
                mask_measured(expected.as_str()),
                "README: `{cmd}` printed something else"
            );
        }
    }
}

#[test]
fn console_blocks_parse() {
    let md = "x\n```console\n$ echo a\na\n$ true\n```\n```sh\n$ no\n```\n";
    assert_eq!(
        sessions(md),
        vec![vec![
            ("echo a".to_string(), "a\n".to_string()),
            ("true".to_string(), String::new())
        ]]
    );
    assert_eq!(
        mask_measured("{\"duration_ms\":2.069,\"peak_memory_bytes\":13303808}"),
        "{\"duration_ms\":N,\"peak_memory_bytes\":N}"
    );
}
