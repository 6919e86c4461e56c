//! `gzip`, `gunzip`, `zcat` on flate2 (pure-Rust miniz_oxide backend).

use std::ffi::OsString;
use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;

/// Entry point; `name` picks the default mode.
pub fn main(name: &str, args: Vec<OsString>) -> i32 {
    let args = crate::sys::utf8_args(args);
    let (mut decompress, mut stdout, mut keep, mut level) =
        (name != "gzip", name == "zcat", false, 6u32);
    let mut files = Vec::new();
    for a in &args {
        match a.as_str() {
            "-d" | "--decompress" | "--uncompress" => decompress = true,
            "-c" | "--stdout" | "--to-stdout" => stdout = true,
            "-k" | "--keep" => keep = true,
            "-f" | "--force" | "-q" | "--quiet" | "-n" | "--no-name" => {}
            s if s.len() == 2 && s.starts_with('-') && s.as_bytes()[1].is_ascii_digit() => {
                level = u32::from(s.as_bytes()[1] - b'0')
            }
            s if s.starts_with('-')
                && s.len() > 1
                && s[1..].chars().all(|c| "dckfqn".contains(c)) =>
            {
                decompress |= s.contains('d');
                stdout |= s.contains('c');
                keep |= s.contains('k');
            }
            s if s.starts_with('-') && s.len() > 1 => {
                eprintln!("{name}: invalid option -- '{}'", &s[1..]);
                return 1;
            }
            _ => files.push(a.clone()),
        }
    }
    if files.is_empty() {
        files.push("-".into());
    }
    let mut status = 0;
    for f in &files {
        let input: Box<dyn Read> = if f == "-" {
            Box::new(std::io::stdin())
        } else {
            match std::fs::File::open(f) {
                Ok(h) => Box::new(h),
                Err(e) => {
                    eprintln!("{name}: {f}: {}", crate::io_message::io_message(&e));
                    status = 1;
                    continue;
                }
            }
        };
        let to_stdout = stdout || f == "-";
        let target = if to_stdout {
            None
        } else if decompress {
            match f.strip_suffix(".gz") {
                Some(t) => Some(t.to_string()),
                None => {
                    eprintln!("{name}: {f}: unknown suffix -- ignored");
                    status = 2;
                    continue;
                }
            }
        } else {
            Some(format!("{f}.gz"))
        };
        let mut out: Box<dyn Write> = match &target {
            None => Box::new(std::io::stdout().lock()),
            Some(t) => match std::fs::File::create(t) {
                Ok(h) => Box::new(h),
                Err(e) => {
                    eprintln!("{name}: {t}: {}", crate::io_message::io_message(&e));
                    status = 1;
                    continue;
                }
            },
        };
        let r = if decompress {
            std::io::copy(&mut MultiGzDecoder::new(input), &mut out).map(|_| ())
        } else {
            let mut enc = GzEncoder::new(out, Compression::new(level));
            let r = std::io::copy(&mut { input }, &mut enc).and_then(|_| enc.finish().map(|_| ()));
            out = Box::new(std::io::sink());
            r
        };
        let _ = out.flush();
        match r {
            Ok(()) => {
                if target.is_some() && !keep && f != "-" {
                    let _ = std::fs::remove_file(f);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => {
                let what = if e.kind() == std::io::ErrorKind::InvalidInput
                    || e.kind() == std::io::ErrorKind::InvalidData
                {
                    "not in gzip format".to_string()
                } else {
                    crate::io_message::io_message(&e)
                };
                eprintln!("{name}: {f}: {what}");
                status = 1;
            }
        }
    }
    status
}
