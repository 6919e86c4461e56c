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
                    crate::grep::io_message(&e)
                );
                return 2;
            }
        }
    }
    let (a, b) = (&inputs[0], &inputs[1]);
    let mut stdout = std::io::stdout().lock();
    let result = match params.format {
        Format::Normal => normal_diff::diff(a, b, &params),
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
