//! `column` (util-linux): `-t` tables with `-s`/`-o` separators, or fill into columns.
//! Ours: no crate provides util-linux's column, and it is a table layout of a few lines.

use std::ffi::OsString;
use std::io::{Read, Write};

/// Entry point.
pub fn main(args: Vec<OsString>) -> i32 {
    let args = crate::sys::utf8_args(args);
    let (mut table, mut seps, mut out_sep, mut files) =
        (false, " \t".to_string(), "  ".to_string(), Vec::new());
    let mut width: usize = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(80);
    // Whether `-s` named the separators (see the table below).
    let mut explicit = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let val = |i: &mut usize| {
            *i += 1;
            args.get(*i).cloned().unwrap_or_default()
        };
        match a {
            "-t" | "--table" => table = true,
            "-s" | "--separator" => (seps, explicit) = (val(&mut i), true),
            "-o" | "--output-separator" => out_sep = val(&mut i),
            "-c" | "--output-width" => width = val(&mut i).parse().unwrap_or(80),
            "-x" | "-n" | "-e" | "-L" => {}
            s if s.starts_with("-s") && s.len() > 2 => {
                (seps, explicit) = (s[2..].to_string(), true)
            }
            s if s.starts_with("-o") && s.len() > 2 => out_sep = s[2..].to_string(),
            s if s.starts_with('-')
                && s.len() > 1
                && s[1..].chars().all(|c| "txneL".contains(c)) =>
            {
                table |= s.contains('t')
            }
            s if s.starts_with('-') && s.len() > 1 => {
                eprintln!("column: invalid option -- '{}'", &s[1..]);
                return 1;
            }
            _ => files.push(a.to_string()),
        }
        i += 1;
    }
    let mut text = Vec::new();
    if files.is_empty() {
        let _ = std::io::stdin().read_to_end(&mut text);
    }
    for f in &files {
        match std::fs::read(f) {
            Ok(b) => text.extend(b),
            Err(e) => {
                eprintln!(
                    "column: cannot open {f}: {}",
                    crate::io_message::io_message(&e)
                );
                return 1;
            }
        }
    }
    let text = String::from_utf8_lossy(&text);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let w = |s: &str| s.chars().count();
    if table {
        let rows: Vec<Vec<&str>> = lines
            .iter()
            .map(|l| {
                // util-linux merges runs of blanks by default; with `-s` every separator
                // counts, so empty fields keep their column (`a,,b`, TSV with empty cells).
                l.split(|c| seps.contains(c))
                    .filter(|f| explicit || !f.is_empty())
                    .collect()
            })
            .collect();
        let ncol = rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..ncol)
            .map(|c| {
                rows.iter()
                    .filter_map(|r| r.get(c))
                    .map(|f| w(f))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for r in &rows {
            let mut line = String::new();
            for (c, f) in r.iter().enumerate() {
                line.push_str(f);
                if c + 1 < r.len() {
                    line.push_str(&" ".repeat(widths[c] - w(f)));
                    line.push_str(&out_sep);
                }
            }
            let _ = writeln!(out, "{line}");
        }
    } else if !lines.is_empty() {
        // Fill columns first, each as wide as the longest entry rounded up to a tab stop.
        let colw = (lines.iter().map(|l| w(l)).max().unwrap_or(0) / 8 + 1) * 8;
        let ncols = (width / colw).max(1);
        let nrows = lines.len().div_ceil(ncols);
        for r in 0..nrows {
            let mut line = String::new();
            for c in 0..ncols {
                let Some(item) = lines.get(c * nrows + r) else {
                    break;
                };
                line.push_str(item);
                if lines.get((c + 1) * nrows + r).is_some() {
                    let pad = colw - w(item);
                    line.push_str(&"\t".repeat(pad.div_ceil(8)));
                }
            }
            let _ = writeln!(out, "{line}");
        }
    }
    let _ = out.flush();
    0
}
