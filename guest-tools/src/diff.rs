//! `diff` and `cmp` on uutils diffutils' library: its `diff` command is in its binary only,
//! so this is that front end (the same steps: parse, read both inputs, format, exit 0/1/2).

use std::io::{Read, Write};

use diffutilslib::params::{Format, parse_params};
use diffutilslib::{context_diff, ed_diff, normal_diff, side_diff, unified_diff};

fn read(path: &std::ffi::OsStr) -> std::io::Result<Vec<u8>> {
    if path == "-" {
        let mut v = Vec::new();
        std::io::stdin().read_to_end(&mut v).map(|_| v)
    } else {
        std::fs::read(path)
    }
}

/// `diff`; reads the process arguments directly, as diffutils' parser requires.
pub fn diff_main() -> i32 {
    let params = match parse_params(std::env::args_os().peekable()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let mut inputs = Vec::new();
    for p in [&params.from, &params.to] {
        match read(p) {
            Ok(v) => inputs.push(v),
            Err(e) => {
                eprintln!(
                    "diff: {}: {}",
                    p.to_string_lossy(),
                    crate::io_message::io_message(&e)
                );
                return 2;
            }
        }
    }
    let (a, b) = (&inputs[0], &inputs[1]);
    let mut stdout = std::io::stdout().lock();
    let result = match params.format {
        Format::Normal => single_line_ranges(normal_diff::diff(a, b, &params)),
        Format::Unified => unified_diff::diff(a, b, &params),
        Format::Context => context_diff::diff(a, b, &params),
        Format::Ed => match ed_diff::diff(a, b, &params) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{e}");
                return 2;
            }
        },
        Format::SideBySide => side_diff::diff(a, b, &mut stdout, &params),
    };
    let differ = !result.is_empty() || (matches!(params.format, Format::SideBySide) && a != b);
    if params.brief && differ {
        let _ = writeln!(
            stdout,
            "Files {} and {} differ",
            params.from.to_string_lossy(),
            params.to.to_string_lossy()
        );
    } else {
        let _ = stdout.write_all(&result);
    }
    if !differ && params.report_identical_files {
        let _ = writeln!(
            stdout,
            "Files {} and {} are identical",
            params.from.to_string_lossy(),
            params.to.to_string_lossy()
        );
    }
    let _ = stdout.flush();
    i32::from(differ)
}

/// GNU writes a one-line range as `2d1`; diffutils' normal format writes `2,2d1`. Rewrites the
/// change headers (the only lines that start with a digit) to GNU's form.
fn single_line_ranges(out: Vec<u8>) -> Vec<u8> {
    let Ok(header) = regex::bytes::Regex::new(r"^(\d+)(?:,(\d+))?([acd])(\d+)(?:,(\d+))?$") else {
        return out;
    };
    let range = |a: &[u8], b: Option<&[u8]>| -> Vec<u8> {
        match b {
            Some(b) if b != a => [a, b",", b].concat(),
            _ => a.to_vec(),
        }
    };
    let mut fixed = Vec::with_capacity(out.len());
    for line in out.split_inclusive(|&c| c == b'\n') {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        match header.captures(body) {
            Some(c) if body.first().is_some_and(u8::is_ascii_digit) => {
                let g = |i| c.get(i).map(|m: regex::bytes::Match<'_>| m.as_bytes());
                fixed.extend(range(g(1).unwrap_or_default(), g(2)));
                fixed.extend(g(3).unwrap_or_default());
                fixed.extend(range(g(4).unwrap_or_default(), g(5)));
                fixed.extend(&line[body.len()..]);
            }
            _ => fixed.extend_from_slice(line),
        }
    }
    fixed
}

/// `cmp`.
pub fn cmp_main() -> i32 {
    use std::process::ExitCode;
    // ExitCode has no stable accessor; cmp only ever returns 0, 1 or 2.
    match diffutilslib::cmp::main(std::env::args_os().peekable()) {
        c if c == ExitCode::SUCCESS => 0,
        c if c == ExitCode::from(1) => 1,
        _ => 2,
    }
}
