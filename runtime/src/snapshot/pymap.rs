//! Python-literal text for map columns.
//!
//! The ITBench recorder dumps ClickHouse `Map` and `Array` columns (`ResourceAttributes`,
//! `SpanAttributes`, metric `tags`, the traces' `Events.*`) through Python, so real snapshots
//! hold `{'k8s.namespace.name': 'otel-demo', ...}` rather than JSON. The generator writes that
//! text ([`to_text`]) and readers accept either form ([`parse`]). Written by hand because no
//! crate reads Python literals without an interpreter; the grammar needed is small: dicts,
//! lists, tuples, strings, numbers, `True`, `False`, `None`.

use serde_json::{Map, Number, Value};

/// Nesting a parsed literal may have: the recorder's maps are one or two levels deep, and a
/// bound keeps a hostile snapshot from exhausting the host stack.
const MAX_DEPTH: usize = 64;

/// The Python `repr` of a JSON value: what `str(dict)` prints for the same data.
pub fn to_text(v: &Value) -> String {
    let mut out = String::new();
    write(v, &mut out);
    out
}

fn write(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => repr_str(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                repr_str(k, out);
                out.push_str(": ");
                write(x, out);
            }
            out.push('}');
        }
    }
}

/// Python's `repr(str)`: single quotes unless the text holds `'` and no `"`.
fn repr_str(s: &str, out: &mut String) {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(q);
}

/// Reads a map column: JSON, or Python-literal text.
pub fn parse(text: &str) -> Result<Value, String> {
    if let Ok(v) = serde_json::from_str(text) {
        return Ok(v);
    }
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("unexpected text at byte {}", p.i));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        self.ws();
        match self.s.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut m = Map::new();
                while !self.eat(b'}') {
                    let Value::String(k) = self.value(depth + 1)? else {
                        return Err(format!("a dict key at byte {} is not a string", self.i));
                    };
                    if !self.eat(b':') {
                        return Err(format!("expected ':' at byte {}", self.i));
                    }
                    m.insert(k, self.value(depth + 1)?);
                    if !self.eat(b',') && !self.peek(b'}') {
                        return Err(format!("expected ',' or '}}' at byte {}", self.i));
                    }
                }
                Ok(Value::Object(m))
            }
            Some(&open @ (b'[' | b'(')) => {
                self.i += 1;
                let close = if open == b'[' { b']' } else { b')' };
                let mut a = Vec::new();
                while !self.eat(close) {
                    a.push(self.value(depth + 1)?);
                    if !self.eat(b',') && !self.peek(close) {
                        return Err(format!("expected ',' at byte {}", self.i));
                    }
                }
                Ok(Value::Array(a))
            }
            Some(&q @ (b'\'' | b'"')) => self.string(q),
            Some(_) => self.atom(),
            None => Err("unexpected end of text".into()),
        }
    }

    fn peek(&mut self, c: u8) -> bool {
        self.ws();
        self.s.get(self.i) == Some(&c)
    }

    fn string(&mut self, q: u8) -> Result<Value, String> {
        let start = self.i;
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let Some(&c) = self.s.get(self.i) else {
                return Err(format!("string at byte {start} is not closed"));
            };
            self.i += 1;
            match c {
                c if c == q => break,
                b'\\' => {
                    let e = *self.s.get(self.i).ok_or("dangling backslash")?;
                    self.i += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'x' => {
                            let hex = self.s.get(self.i..self.i + 2).ok_or("short \\x escape")?;
                            let n = u8::from_str_radix(&String::from_utf8_lossy(hex), 16)
                                .map_err(|_| "bad \\x escape".to_string())?;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(char::from(n).encode_utf8(&mut buf).as_bytes());
                            self.i += 2;
                        }
                        other => out.push(other),
                    }
                }
                c => out.push(c),
            }
        }
        String::from_utf8(out)
            .map(Value::String)
            .map_err(|_| format!("string at byte {start} is not UTF-8"))
    }

    fn atom(&mut self) -> Result<Value, String> {
        let start = self.i;
        while self
            .s
            .get(self.i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || b"+-._".contains(c))
        {
            self.i += 1;
        }
        let word = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
        match word {
            "True" => Ok(Value::Bool(true)),
            "False" => Ok(Value::Bool(false)),
            "None" => Ok(Value::Null),
            _ => {
                if let Ok(n) = word.parse::<i64>() {
                    return Ok(Value::Number(n.into()));
                }
                word.parse::<f64>()
                    .ok()
                    .and_then(Number::from_f64)
                    .map(Value::Number)
                    .ok_or_else(|| format!("unexpected `{word}` at byte {start}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_what_python_prints() {
        let v = json!({"host.name": "otel-collector-564d9c7987-jdgrk", "n": 3, "ok": true, "x": null,
            "q": "it's", "both": "a'b\"c", "tab": "a\tb\\", "l": [1.5, "s"]});
        // `print(dict)` in CPython 3.11 for the same data, keys in this (sorted) order.
        assert_eq!(
            to_text(&v),
            r#"{'both': 'a\'b"c', 'host.name': 'otel-collector-564d9c7987-jdgrk', 'l': [1.5, 's'], 'n': 3, 'ok': True, 'q': "it's", 'tab': 'a\tb\\', 'x': None}"#
        );
    }

    #[test]
    fn reads_both_forms_back() {
        let v = json!({"a": {"b": [1, -2, 3.25, "x'y", "z\"w", "\n"]}, "t": true, "f": false, "n": null});
        assert_eq!(parse(&to_text(&v)), Ok(v.clone()));
        assert_eq!(parse(&v.to_string()), Ok(v));
        assert_eq!(parse("('a', 1)"), Ok(json!(["a", 1])));
        assert_eq!(parse("{'a': '\\x41'}"), Ok(json!({"a": "A"})));
    }

    #[test]
    fn bad_text_is_an_error_not_a_panic() {
        for bad in [
            "{'a'",
            "{'a': }",
            "{1: 2}",
            "'open",
            "{'a': 1} x",
            "\\",
            "{'a': '\\x4'}",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).unwrap_err().contains("nested deeper"));
    }
}
