//! `rev` (util-linux): reverse the characters of each line. Too small for a crate of its own.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};

/// Entry point.
pub fn main(args: Vec<OsString>) -> i32 {
    let files: Vec<OsString> = args.into_iter().skip(1).collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut status = 0;
    let mut inputs: Vec<(String, Box<dyn Read>)> = Vec::new();
    if files.is_empty() {
        inputs.push(("-".into(), Box::new(std::io::stdin())));
    }
    for f in files {
        let name = f.to_string_lossy().into_owned();
        match std::fs::File::open(&f) {
            Ok(h) => inputs.push((name, Box::new(h))),
            Err(e) => {
                eprintln!(
                    "rev: cannot open {name}: {}",
                    crate::io_message::io_message(&e)
                );
                status = 1;
            }
        }
    }
    for (_, input) in inputs {
        let mut r = BufReader::new(input);
        let mut line = Vec::new();
        while r.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
            let nl = line.last() == Some(&b'\n');
            if nl {
                line.pop();
            }
            let s: String = String::from_utf8_lossy(&line).chars().rev().collect();
            let _ = out.write_all(s.as_bytes());
            if nl {
                let _ = out.write_all(b"\n");
            }
            line.clear();
        }
    }
    let _ = out.flush();
    status
}

/// `tac` for standard input: uu_tac spools stdin through `std::env::temp_dir()`, which
/// panics on wasm32-wasip1, so plain `cmd | tac` is handled here and files go to uu_tac.
pub fn tac_stdin() -> i32 {
    let mut data = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut data) {
        eprintln!("tac: standard input: {}", crate::io_message::io_message(&e));
        return 1;
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let body = data.strip_suffix(b"\n").unwrap_or(&data);
    let ended = body.len() != data.len();
    let mut lines: Vec<&[u8]> = body.split(|b| *b == b'\n').collect();
    if data.is_empty() {
        lines.clear();
    }
    for (i, l) in lines.iter().rev().enumerate() {
        let _ = out.write_all(l);
        // GNU tac keeps a missing final newline missing: it glues the last line to the next.
        if ended || i > 0 {
            let _ = out.write_all(b"\n");
        }
    }
    let _ = out.flush();
    0
}
