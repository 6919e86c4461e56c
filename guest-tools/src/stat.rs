//! `stat`: GNU's default report, `-c`/`--format`, `--printf` and `-t`.
//! Ours: uutils `stat` needs `std::os::unix` and does not build for wasm32-wasip1. WASI's file
//! status has sizes, types and times, no owners, modes, devices or block counts, so those are
//! the sandbox's fixed values, the same `ls -l` shows (owner `agent`, uid 1000; mode 0444 or
//! 0555 under the read-only mounts, 0644 or 0755 under `/tmp` and `/workspace`; 4 KiB
//! blocks as `du` counts them).

use std::ffi::OsString;
use std::fs::Metadata;
use std::io::Write;
use std::time::SystemTime;

/// GNU's default report, `%` directives filled per file.
const DEFAULT: &str = "  File: %n\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\nDevice: %Hd,%Ld\tInode: %-11i Links: %h\nAccess: (%04a/%A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n Birth: %w\n";
/// `-t`: the same facts on one line.
const TERSE: &str = "%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o\n";

/// Entry point.
pub fn main(args: Vec<OsString>) -> i32 {
    let args = crate::sys::utf8_args(args);
    let (mut format, mut escapes, mut files) = (None, false, Vec::new());
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-c" | "--format" | "--printf" => {
                let Some(f) = args.get(i + 1) else {
                    eprintln!("stat: option requires an argument -- '{}'", &a[1..]);
                    return 1;
                };
                escapes = a == "--printf";
                format = Some(if escapes { f.clone() } else { format!("{f}\n") });
                i += 1;
            }
            "-t" | "--terse" => format = Some(TERSE.into()),
            "-L" | "--dereference" => {}
            "--" => {
                files.extend(args[i + 1..].iter().cloned());
                break;
            }
            s if s.starts_with("--format=") => format = Some(format!("{}\n", &s[9..])),
            s if s.starts_with("--printf=") => (format, escapes) = (Some(s[9..].into()), true),
            s if s.starts_with("-c") && s.len() > 2 => format = Some(format!("{}\n", &s[2..])),
            s if s.starts_with('-') && s.len() > 1 => {
                eprintln!("stat: invalid option -- '{}'", &s[1..]);
                eprintln!("Try 'stat --help' for more information.");
                return 1;
            }
            _ => files.push(a.to_string()),
        }
        i += 1;
    }
    if files.is_empty() {
        eprintln!("stat: missing operand\nTry 'stat --help' for more information.");
        return 1;
    }
    let format = format.unwrap_or_else(|| DEFAULT.into());
    let mut out = std::io::stdout().lock();
    let mut status = 0;
    for f in &files {
        match std::fs::metadata(f) {
            Ok(md) => {
                let text = render(&format, f, &md, escapes);
                if out.write_all(text.as_bytes()).is_err() {
                    return 1;
                }
            }
            Err(e) => {
                let why = crate::io_message::io_message(&e);
                eprintln!("stat: cannot statx '{f}': {why}");
                status = 1;
            }
        }
    }
    status
}

/// Fills `format`'s directives for one file; `escapes` interprets `\n`, `\t`, `\\` (`--printf`).
fn render(format: &str, name: &str, md: &Metadata, escapes: bool) -> String {
    let mut s = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if escapes => match chars.next() {
                Some('n') => s.push('\n'),
                Some('t') => s.push('\t'),
                Some('\\') => s.push('\\'),
                Some('"') => s.push('"'),
                Some(o) => {
                    s.push('\\');
                    s.push(o);
                }
                None => s.push('\\'),
            },
            '%' => {
                // printf-style flags, width and precision, as GNU stat accepts them.
                let mut spec = String::new();
                while let Some(&d) = chars.peek() {
                    if d.is_ascii_digit() || "-.#+ 0".contains(d) {
                        spec.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                let Some(d) = chars.next() else {
                    s.push('%');
                    break;
                };
                // `%Hd`/`%Ld`: the device's major and minor number.
                let d = match (d, chars.peek()) {
                    ('H' | 'L', Some('d' | 'r')) => {
                        chars.next();
                        'd'
                    }
                    _ => d,
                };
                match directive(d, name, md) {
                    Some(v) => s.push_str(&pad(&v, &spec, d)),
                    None => {
                        s.push('?');
                    }
                }
            }
            c => s.push(c),
        }
    }
    s
}

/// The value of one directive, `None` for a letter GNU stat does not know.
fn directive(d: char, name: &str, md: &Metadata) -> Option<String> {
    let dir = md.is_dir();
    let mode = match (dir, writable(name)) {
        (true, true) => 0o755,
        (true, false) => 0o555,
        (false, true) => 0o644,
        (false, false) => 0o444,
    };
    let ftype = if dir { 0o040000 } else { 0o100000 };
    let blocks = crate::du::usage(md.len(), false) / 512;
    Some(match d {
        '%' => "%".into(),
        'n' => name.into(),
        'N' => format!("'{name}'"),
        's' => md.len().to_string(),
        'b' => blocks.to_string(),
        'B' => "512".into(),
        'o' => "4096".into(),
        // `metadata` follows links, so a link reports what it points to, as `stat -L` does.
        'F' => if dir {
            "directory"
        } else if md.len() == 0 {
            "regular empty file"
        } else {
            "regular file"
        }
        .into(),
        'a' => format!("{mode:o}"),
        'A' => permissions(mode, dir),
        'f' => format!("{:x}", ftype | mode),
        'h' => if dir { "2" } else { "1" }.into(),
        'i' | 'd' | 'D' | 't' | 'T' | 'W' => "0".into(),
        'u' | 'g' => "1000".into(),
        'U' | 'G' => "agent".into(),
        'm' => "/".into(),
        'x' => human(md.accessed().ok()),
        'y' | 'z' => human(md.modified().ok()),
        'w' => "-".into(),
        'X' => seconds(md.accessed().ok()).to_string(),
        'Y' | 'Z' => seconds(md.modified().ok()).to_string(),
        _ => return None,
    })
}

/// Whether `path` lies under a writable mount (`/tmp`, `/workspace`), the one fact that decides
/// a mode in the sandbox (vendored uu_ls's `rcabox_permissions` decides the same way).
fn writable(path: &str) -> bool {
    let abs = if path.starts_with('/') {
        std::path::PathBuf::from(path)
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let top = abs.components().find_map(|c| match c {
        std::path::Component::Normal(n) => n.to_str().map(str::to_owned),
        _ => None,
    });
    matches!(top.as_deref(), Some("tmp" | "workspace"))
}

/// `ls -l`'s mode string for `mode`.
fn permissions(mode: u32, dir: bool) -> String {
    let mut s = String::from(if dir { "d" } else { "-" });
    for shift in [6, 3, 0] {
        let b = (mode >> shift) & 7;
        s.push(if b & 4 != 0 { 'r' } else { '-' });
        s.push(if b & 2 != 0 { 'w' } else { '-' });
        s.push(if b & 1 != 0 { 'x' } else { '-' });
    }
    s
}

/// Applies a directive's width, `-` (left-justify), `0` (zero-fill, numbers) and precision
/// (the first characters of a string).
fn pad(v: &str, spec: &str, d: char) -> String {
    let (flags_width, precision) = spec.split_once('.').unwrap_or((spec, ""));
    let left = flags_width.contains('-');
    let width: usize = flags_width
        .trim_start_matches(['-', '#', '+', ' ', '0'])
        .parse()
        .unwrap_or(0);
    let zero = flags_width.starts_with('0') || flags_width.contains("-0");
    let mut v = v.to_string();
    if !precision.is_empty() && "nNFAUGm".contains(d) {
        v = v.chars().take(precision.parse().unwrap_or(0)).collect();
    }
    let n = v.chars().count();
    if n >= width {
        return v;
    }
    let fill = width - n;
    if left {
        format!("{v}{}", " ".repeat(fill))
    } else if zero && v.chars().all(|c| c.is_ascii_digit()) {
        format!("{}{v}", "0".repeat(fill))
    } else {
        format!("{}{v}", " ".repeat(fill))
    }
}

fn seconds(t: Option<SystemTime>) -> i64 {
    t.and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64)
}

/// `2025-12-15 17:49:00.000000000 +0000`: the sandbox's clock is UTC.
fn human(t: Option<SystemTime>) -> String {
    let Some(d) = t.and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok()) else {
        return "-".into();
    };
    let Ok(ts) = jiff::Timestamp::from_second(d.as_secs() as i64) else {
        return "-".into();
    };
    let nanos = d.subsec_nanos();
    format!("{}.{nanos:09} +0000", ts.strftime("%Y-%m-%d %H:%M:%S"))
}
