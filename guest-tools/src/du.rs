//! `du`: disk usage as GNU reports it on ext4 (4 KiB blocks per file and per directory).
//! Ours: uutils `du` needs `std::os::unix`, absent on wasm32-wasip1, and WASI reports no block
//! counts, so usage is the apparent size rounded up to 4 KiB blocks.

use std::ffi::OsString;
use std::io::Write;

struct Opts {
    summarize: bool,
    all: bool,
    human: bool,
    total: bool,
    apparent: bool,
    unit: u64,
    max_depth: Option<usize>,
}

/// Bytes a file of `len` bytes uses on ext4 (4 KiB blocks), or `len` itself if `apparent`;
/// `stat`'s block count is the same figure.
pub fn usage(len: u64, apparent: bool) -> u64 {
    if apparent {
        len
    } else {
        len.div_ceil(4096) * 4096
    }
}

/// GNU's `-h`: one decimal below 10, rounded up, units K M G T.
fn human(bytes: u64) -> String {
    if bytes < 1024 {
        return bytes.to_string();
    }
    let mut v = bytes as f64;
    let mut unit = ' ';
    for u in ['K', 'M', 'G', 'T', 'P'] {
        v /= 1024.0;
        unit = u;
        if v < 1024.0 {
            break;
        }
    }
    if v < 10.0 {
        let r = (v * 10.0).ceil() / 10.0;
        if r >= 10.0 {
            format!("{}{unit}", r.ceil() as u64)
        } else {
            format!("{r:.1}{unit}")
        }
    } else {
        format!("{}{unit}", v.ceil() as u64)
    }
}

fn show(o: &Opts, bytes: u64, path: &str, out: &mut impl Write) {
    let s = if o.human {
        human(bytes)
    } else {
        bytes.div_ceil(o.unit).to_string()
    };
    let _ = writeln!(out, "{s}\t{path}");
}

fn walk(o: &Opts, path: &str, depth: usize, out: &mut impl Write, status: &mut i32) -> u64 {
    let m = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            eprintln!(
                "du: cannot access '{path}': {}",
                crate::io_message::io_message(&e)
            );
            *status = 1;
            return 0;
        }
    };
    if !m.is_dir() {
        let u = usage(m.len(), o.apparent);
        if depth == 0 || (o.all && !o.summarize && o.max_depth.is_none_or(|d| depth <= d)) {
            show(o, u, path, out);
        }
        return u;
    }
    let mut total = usage(4096, o.apparent);
    let names = crate::sys::sorted_names(path).unwrap_or_default();
    for n in names {
        let child = if path.ends_with('/') {
            format!("{path}{n}")
        } else {
            format!("{path}/{n}")
        };
        total += walk(o, &child, depth + 1, out, status);
    }
    if depth == 0 || (!o.summarize && o.max_depth.is_none_or(|d| depth <= d)) {
        show(o, total, path, out);
    }
    total
}

/// Entry point.
pub fn main(args: Vec<OsString>) -> i32 {
    let args = crate::sys::utf8_args(args);
    let mut o = Opts {
        summarize: false,
        all: false,
        human: false,
        total: false,
        apparent: false,
        unit: 1024,
        max_depth: None,
    };
    let mut paths = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--summarize" => o.summarize = true,
            "--all" => o.all = true,
            "--human-readable" => o.human = true,
            "--total" => o.total = true,
            "--apparent-size" => o.apparent = true,
            "--bytes" => (o.apparent, o.unit) = (true, 1),
            "-d" | "--max-depth" => {
                i += 1;
                o.max_depth = args.get(i).and_then(|v| v.parse().ok());
            }
            s if s.starts_with("--max-depth=") => o.max_depth = s[12..].parse().ok(),
            s if s.starts_with('-') && s.len() > 1 && !s.starts_with("--") => {
                for c in s[1..].chars() {
                    match c {
                        's' => o.summarize = true,
                        'a' => o.all = true,
                        'h' => o.human = true,
                        'c' => o.total = true,
                        'k' => o.unit = 1024,
                        'm' => o.unit = 1 << 20,
                        'b' => (o.apparent, o.unit) = (true, 1),
                        'L' | 'x' | 'P' | 'H' | 'D' => {}
                        _ => {
                            eprintln!("du: invalid option -- '{c}'");
                            return 1;
                        }
                    }
                }
            }
            _ => paths.push(a.to_string()),
        }
        i += 1;
    }
    if paths.is_empty() {
        paths.push(".".into());
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut status = 0;
    let mut grand = 0;
    for p in &paths {
        grand += walk(&o, p, 0, &mut out, &mut status);
    }
    if o.total {
        show(&o, grand, "total", &mut out);
    }
    let _ = out.flush();
    status
}
