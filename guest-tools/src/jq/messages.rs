//! What jq prints on stderr, in jq 1.6's words: runtime errors, compile errors, input parse
//! errors, and the messages of `debug`, `stderr` and `halt_error`.

use jaq_core::compile::Undefined;
use jaq_core::load;
use jaq_json::Val;

/// A compile error as jq prints it: `jq: error: MSG at <top-level>, line N:` and the program.
fn at(code: &str, part: &str, msg: &str) -> String {
    // `part` is a slice of `code` when jaq points into the program; else the line is unknown.
    let offset = (part.as_ptr() as usize)
        .checked_sub(code.as_ptr() as usize)
        .filter(|o| *o <= code.len())
        .unwrap_or(0);
    let line = 1 + code.as_bytes()[..offset]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    format!("jq: error: {msg} at <top-level>, line {line}:\n{code}")
}

/// What stands at an error's position, as jq's parser names it: a few characters, or `$end`.
fn unexpected(part: &str) -> String {
    let t: String = part
        .trim_start()
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(10)
        .collect();
    if t.is_empty() {
        "$end".into()
    } else {
        format!("'{t}'")
    }
}

/// Syntax errors, jq's `syntax error, unexpected X` followed by what jaq expected.
pub fn load_errors(code: &str, errs: load::Errors<&str, ()>) -> Vec<String> {
    let mut out = Vec::new();
    for (_, e) in errs {
        match e {
            load::Error::Io(es) => out.extend(es.into_iter().map(|(p, m)| at(code, p, &m))),
            load::Error::Lex(es) => out.extend(es.into_iter().map(|(exp, p)| {
                let what = match exp {
                    load::lex::Expect::Delim(d) => format!("a match for {d}"),
                    other => other.as_str().to_string(),
                };
                syntax(code, p, &what)
            })),
            load::Error::Parse(es) => {
                out.extend(es.into_iter().map(|(exp, p)| syntax(code, p, exp.as_str())))
            }
        }
    }
    out
}

/// `syntax error, unexpected X, expecting Y` at `part`.
fn syntax(code: &str, part: &str, expected: &str) -> String {
    let msg = format!(
        "syntax error, unexpected {}, expecting {expected}",
        unexpected(part)
    );
    at(code, part, &msg)
}

/// Names the program uses but nothing defines: `f/1 is not defined`, `$x is not defined`.
pub fn undefined(code: &str, errs: jaq_core::compile::Errors<&str, ()>) -> Vec<String> {
    let each = errs.into_iter().flat_map(|(_, es)| es);
    each.map(|(name, u)| {
        let msg = match u {
            Undefined::Filter(arity) => format!("{name}/{arity} is not defined"),
            Undefined::Var => format!("{name} is not defined"),
            Undefined::Label => format!("$*label-{name} is not defined"),
            // `Undefined` is non-exhaustive: modules, and whatever jaq adds later.
            _ => format!("module not found: {name}"),
        };
        at(code, name, &msg)
    })
    .collect()
}

/// An unparsable input, as jq 1.6 reports it: `parse error: MSG at line L, column C`.
/// `before` is the text read before the error, after `at` lines and columns of earlier text.
pub fn parse_error(before: &[u8], e: &jaq_json::read::Error, at: (usize, usize)) -> String {
    let (lines, column) = advance(at, before);
    format!(
        "parse error: {} at line {}, column {column}",
        e.reason(),
        lines + 1
    )
}

/// Lines and column after `text`, starting from `(lines, column)`.
pub fn advance((lines, column): (usize, usize), text: &[u8]) -> (usize, usize) {
    match text.iter().rposition(|b| *b == b'\n') {
        Some(i) => (
            lines + text.iter().filter(|b| **b == b'\n').count(),
            text.len() - i - 1,
        ),
        None => (lines, column + text.len()),
    }
}

/// What follows `jq: error (at ...)` for a runtime error, as jq 1.6 words it: `error("x")`
/// prints `: x`, an error with another value `(not a string): {...}`, jaq's own errors
/// their message.
pub fn error_text(e: jaq_core::Error<Val>) -> String {
    let shown = e.to_string();
    match e.into_val() {
        // A message of jaq's own comes back as a string equal to its display; a string
        // value displays quoted.
        Val::TStr(b) if b[..] != *shown.as_bytes() => {
            format!(": {}", String::from_utf8_lossy(&b[..]))
        }
        Val::TStr(_) => format!(": {shown}"),
        _ => format!(" (not a string): {shown}"),
    }
}

/// Prints what jaq-std logs: `stderr` and `halt_error` (level error) as their raw text,
/// `debug` (level debug) as jq's `["DEBUG:",value]` line.
pub struct StderrLog;

impl log::Log for StderrLog {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        use std::io::Write as _;
        let mut err = std::io::stderr().lock();
        let _ = match record.level() {
            log::Level::Debug => writeln!(err, "[\"DEBUG:\",{}]", record.args()),
            _ => write!(err, "{}", record.args()),
        };
    }

    fn flush(&self) {}
}
