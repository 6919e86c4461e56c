//! jq 1.6's output format: string escapes (all of non-ASCII too under `-a`), indentation,
//! `--sort-keys`; numbers as `jaq_json::Num` displays them (patched to jq 1.6's rendering).

use super::args::Opts;
use jaq_json::Val;
use std::io::Write;

/// A string as jq writes it: invalid UTF-8 as U+FFFD (each bad sequence once, as
/// `from_utf8_lossy` does), control characters escaped, non-ASCII too under `-a`.
fn write_str(out: &mut Vec<u8>, b: &[u8], ascii: bool) {
    out.push(b'"');
    for chunk in b.utf8_chunks() {
        write_valid(out, chunk.valid(), ascii);
        if !chunk.invalid().is_empty() {
            write_valid(out, "\u{fffd}", ascii);
        }
    }
    out.push(b'"');
}

/// Copies runs of characters that need no escape in one go: this runs for every string jq
/// prints, and most of them need none.
fn write_valid(out: &mut Vec<u8>, s: &str, ascii: bool) {
    let plain = |c: u8| c >= 0x20 && c != b'"' && c != b'\\' && c != 0x7f && !(ascii && c >= 0x80);
    let mut rest = s;
    while !rest.is_empty() {
        let n = rest.bytes().position(|c| !plain(c)).unwrap_or(rest.len());
        out.extend_from_slice(&rest.as_bytes()[..n]);
        let Some(c) = rest[n..].chars().next() else {
            break;
        };
        rest = &rest[n + c.len_utf8()..];
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\x08' => out.extend_from_slice(b"\\b"),
            '\x0c' => out.extend_from_slice(b"\\f"),
            c => {
                // A control character, or (under `-a`) any non-ASCII one as UTF-16 units.
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
        }
    }
}

fn newline(out: &mut Vec<u8>, o: &Opts, level: usize) {
    if !o.compact {
        out.push(b'\n');
        for _ in 0..level {
            out.extend_from_slice(o.indent.as_bytes());
        }
    }
}

pub fn write_val(out: &mut Vec<u8>, v: &Val, o: &Opts, level: usize) {
    match v {
        Val::Null => out.extend_from_slice(b"null"),
        Val::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Val::Num(n) => {
            let _ = write!(out, "{n}");
        }
        Val::TStr(b) | Val::BStr(b) => write_str(out, b, o.ascii),
        Val::Arr(a) => {
            if a.is_empty() {
                out.extend_from_slice(b"[]");
                return;
            }
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(out, o, level + 1);
                write_val(out, x, o, level + 1);
            }
            newline(out, o, level);
            out.push(b']');
        }
        Val::Obj(m) => {
            if m.is_empty() {
                out.extend_from_slice(b"{}");
                return;
            }
            out.push(b'{');
            let mut entries: Vec<(&Val, &Val)> = m.iter().collect();
            if o.sort_keys {
                entries.sort_by(|a, b| a.0.cmp(b.0));
            }
            for (i, (k, x)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(out, o, level + 1);
                match k {
                    Val::TStr(b) | Val::BStr(b) => write_str(out, b, o.ascii),
                    other => write_val(out, other, o, level + 1),
                }
                out.push(b':');
                if !o.compact {
                    out.push(b' ');
                }
                write_val(out, x, o, level + 1);
            }
            newline(out, o, level);
            out.push(b'}');
        }
    }
}
