//! The guest shell's parser (brush-parser, the version and options the guest uses), built
//! natively: any command text an agent sends parses or fails with an error, never a panic; a
//! program that parses prints as text that parses to the same tree (source positions aside, and
//! `a; b` printed as two lines); and when GNU bash accepts the input (`bash -n`), it accepts the
//! printed text too, as brush's own fuzzing holds its printer to bash. Subshells receive trees,
//! not text, but `declare -f` and error messages print them. The guest refuses parentheses
//! nested more than 1,000 deep before parsing (a recursive descent's stack), so inputs are
//! capped at that depth here too.
#![no_main]

use std::io::Write;
use std::process::{Command, Stdio};

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn parse(src: &str) -> Option<brush_parser::ast::Program> {
    let options = brush_parser::ParserOptions::default();
    let mut p = brush_parser::Parser::new(std::io::BufReader::new(src.as_bytes()), &options);
    p.parse_program().ok()
}

/// The program's items in order, without source positions.
fn shape(p: &brush_parser::ast::Program) -> Value {
    fn strip(v: &mut Value) {
        if ["start", "end"].iter().all(|k| v[k]["index"].is_u64()) {
            *v = Value::Null;
            return;
        }
        // `|&` parses to a `2>&1` whose target is the number 1; printed, it reads back as the
        // word `1`: the same redirection.
        if let Some(fd) = v.get("Fd").and_then(Value::as_u64) {
            *v = serde_json::json!({"Duplicate": {"value": fd.to_string()}});
            return;
        }
        // A command of redirections alone keeps `|&`'s `2>&1` as a suffix, which printed reads
        // back as one more prefix item: the same command.
        if let Value::Object(m) = v
            && !m.contains_key("word_or_name")
            && let Some(Value::Array(suffix)) = m.remove("suffix")
        {
            let prefix = m.entry("prefix").or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(p) = prefix {
                p.extend(suffix);
            }
        }
        match v {
            Value::Object(m) => {
                m.remove("loc");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let items: Vec<_> = p.complete_commands.iter().flat_map(|c| &c.0).collect();
    let mut v = serde_json::to_value(items).unwrap_or(Value::Null);
    strip(&mut v);
    v
}

/// Whether GNU bash parses `src` (`bash -n`, nothing run).
fn bash_accepts(src: &str) -> bool {
    let Ok(mut child) = Command::new("bash")
        .arg("-n")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return true;
    };
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(src.as_bytes());
    }
    child.wait().is_ok_and(|s| s.success())
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let (mut depth, mut max) = (0usize, 0usize);
    for c in src.chars() {
        match c {
            '(' | '{' | '[' => {
                depth += 1;
                max = max.max(depth);
            }
            ')' | '}' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if max > 200 {
        return;
    }
    let Some(prog) = parse(src) else { return };
    let text = prog.to_string();
    // bash drops NUL bytes from its input (`>\0>f` is `>>f` to it) where brush keeps them as
    // word characters, and the two split other control characters (form feed in a here-doc
    // tag) differently: they read different programs, so bash is no judge there.
    if src.chars().any(|c| c.is_control() && c != '\n' && c != '\t') || !bash_accepts(src) {
        // brush accepts more than bash (and bash -n rejects some valid runtime forms); the
        // printer is held to bash only where bash agrees the input is a program.
        return;
    }
    let again = parse(&text)
        .unwrap_or_else(|| panic!("{src:?} printed as {text:?}, which does not parse"));
    assert_eq!(shape(&prog), shape(&again), "{src:?} printed as {text:?}");
    assert!(bash_accepts(&text), "bash accepts {src:?} but not its print {text:?}");
});
