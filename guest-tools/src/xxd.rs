//! `xxd` (vim's hex dump): the default layout, `-p`, `-c`, `-g`, `-l`, `-s`, `-u`, `-r -p`.

use std::ffi::OsString;
use std::io::{Read, Write};

/// Entry point.
pub fn main(args: Vec<OsString>) -> i32 {
    let args = crate::sys::utf8_args(args);
    let (mut plain, mut reverse, mut upper) = (false, false, false);
    let (mut cols, mut group, mut len, mut skip): (
        Option<usize>,
        Option<usize>,
        Option<usize>,
        usize,
    ) = (None, None, None, 0);
    let mut files = Vec::new();
    let mut i = 0;
    let num = |s: &str| -> Option<usize> {
        match s.strip_prefix("0x") {
            Some(h) => usize::from_str_radix(h, 16).ok(),
            None => s.parse().ok(),
        }
    };
    while i < args.len() {
        let a = args[i].as_str();
        let mut val = || {
            i += 1;
            args.get(i).and_then(|v| num(v))
        };
        match a {
            "-p" | "-ps" | "-plain" | "-postscript" => plain = true,
            "-r" | "-revert" => reverse = true,
            "-u" => upper = true,
            "-c" | "-cols" => cols = val(),
            "-g" | "-groupsize" => group = val(),
            "-l" | "-len" => len = val(),
            "-s" | "-seek" => skip = val().unwrap_or(0),
            s if s.starts_with("-l") => len = num(&s[2..]),
            s if s.starts_with("-c") => cols = num(&s[2..]),
            s if s.starts_with('-') && s.len() > 1 => {
                eprintln!("xxd: unknown option {s}");
                return 1;
            }
            _ => files.push(a.to_string()),
        }
        i += 1;
    }
    let mut data = Vec::new();
    let r = match files.first() {
        Some(f) => std::fs::File::open(f).and_then(|mut h| h.read_to_end(&mut data)),
        None => std::io::stdin().read_to_end(&mut data),
    };
    if let Err(e) = r {
        eprintln!(
            "xxd: {}: {}",
            files.first().map(String::as_str).unwrap_or("-"),
            crate::io_message::io_message(&e)
        );
        return 2;
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if reverse {
        let hex: Vec<u8> = data.iter().copied().filter(u8::is_ascii_hexdigit).collect();
        let bytes: Vec<u8> = hex
            .chunks(2)
            .filter(|c| c.len() == 2)
            .filter_map(|c| u8::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
            .collect();
        let _ = out.write_all(&bytes);
        let _ = out.flush();
        return 0;
    }
    let start = skip.min(data.len());
    let end = len
        .map(|l| (start + l).min(data.len()))
        .unwrap_or(data.len());
    let body = &data[start..end];
    let hex = |b: u8| {
        if upper {
            format!("{b:02X}")
        } else {
            format!("{b:02x}")
        }
    };
    if plain {
        for chunk in body.chunks(cols.unwrap_or(30).max(1)) {
            let _ = writeln!(out, "{}", chunk.iter().map(|b| hex(*b)).collect::<String>());
        }
    } else {
        let cols = cols.unwrap_or(16).max(1);
        let group = group.unwrap_or(2);
        let width = if group == 0 {
            cols * 2
        } else {
            cols * 2 + cols.div_ceil(group) - 1
        };
        for (n, chunk) in body.chunks(cols).enumerate() {
            let mut h = String::new();
            for (j, b) in chunk.iter().enumerate() {
                if group > 0 && j > 0 && j % group == 0 {
                    h.push(' ');
                }
                h.push_str(&hex(*b));
            }
            let text: String = chunk
                .iter()
                .map(|b| {
                    if (0x20..0x7f).contains(b) {
                        *b as char
                    } else {
                        '.'
                    }
                })
                .collect();
            let _ = writeln!(out, "{:08x}: {h:<width$}  {text}", start + n * cols);
        }
    }
    let _ = out.flush();
    0
}
