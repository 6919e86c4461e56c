//! `timeout DURATION COMMAND...`: the host stops the command and its descendants at the
//! deadline (`SpawnRequest::timeout_ns`); this front end parses GNU's arguments and maps the
//! stopped command's status to 124 as GNU does. Sandbox time is virtual, so `timeout 1 sleep 5`
//! ends at once with 124 and the clock moved by one second, not five.

use std::ffi::OsString;

/// Entry point for `timeout`.
pub fn main(args: Vec<OsString>) -> i32 {
    let args = crate::sys::utf8_args(args);
    let mut preserve = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--preserve-status" => preserve = true,
            "--foreground" | "-v" | "--verbose" => {}
            "-s" | "--signal" | "-k" | "--kill-after" => i += 1,
            _ if a.starts_with("--signal=") || a.starts_with("--kill-after=") => {}
            _ if a.starts_with("-s") || a.starts_with("-k") => {}
            "--" => {
                i += 1;
                break;
            }
            _ if a.starts_with('-')
                && a.len() > 1
                && !a[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.') =>
            {
                eprintln!(
                    "timeout: invalid option -- '{}'\nTry 'timeout --help' for more information.",
                    &a[1..]
                );
                return 125;
            }
            _ => break,
        }
        i += 1;
    }
    let Some(dur) = args.get(i) else {
        eprintln!("timeout: missing operand\nTry 'timeout --help' for more information.");
        return 125;
    };
    let Some(ns) = duration_ns(dur) else {
        eprintln!(
            "timeout: invalid time interval '{dur}'\nTry 'timeout --help' for more information."
        );
        return 125;
    };
    let command = &args[i + 1..];
    if command.is_empty() {
        eprintln!("timeout: missing operand\nTry 'timeout --help' for more information.");
        return 125;
    }
    let st = crate::sys::run_tool_within("timeout", command, vec![(0, 0), (1, 1), (2, 2)], ns);
    match st {
        rcabox_proto::STATUS_TERM if ns > 0 && !preserve => 124,
        // GNU: 126 when the command cannot run, 127 when it is not found.
        s => s,
    }
}

/// GNU's interval: a number (fractions allowed) with an optional s, m, h or d suffix.
fn duration_ns(s: &str) -> Option<u64> {
    let (num, unit) = match s.char_indices().last()? {
        (i, c @ ('s' | 'm' | 'h' | 'd')) => (&s[..i], c),
        _ => (s, 's'),
    };
    let x: f64 = num
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite() && *x >= 0.0)?;
    let mult = match unit {
        's' => 1.0,
        'm' => 60.0,
        'h' => 3600.0,
        _ => 86400.0,
    };
    Some((x * mult * 1e9).min(u64::MAX as f64 / 2.0) as u64)
}
