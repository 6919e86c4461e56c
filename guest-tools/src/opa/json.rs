//! Rego values as OPA's Go code writes them: `encoding/json` with its defaults, which OPA's
//! `--format json` (an `Encoder` indented by two spaces) and `--format raw` (`json.Marshal`)
//! both use. What differs from serde_json: `<`, `>` and `&` are escaped as `\u003c`, `\u003e`
//! and `\u0026` (Go's HTML escaping, on by default), U+2028 and U+2029 are escaped, and
//! object keys are sorted by their bytes after non-string keys became their JSON text (OPA's
//! `ast.JSON` does that before Go sorts the map).

use regorus::Value;

/// Appends `s` as a Go JSON string literal.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Go 1.22 and later write these two short forms.
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The members of an object as Go writes them: string keys, sorted by bytes.
fn members(v: &Value) -> Vec<(String, &Value)> {
    let Value::Object(o) = v else {
        return Vec::new();
    };
    let mut m: Vec<(String, &Value)> = o
        .iter()
        .map(|(k, v)| match k {
            Value::String(s) => (s.to_string(), v),
            k => (compact(k), v),
        })
        .collect();
    // Stable: of two keys with the same text (1 and "1"), the later one wins in Go's map.
    m.sort_by(|a, b| a.0.cmp(&b.0));
    m.dedup_by(|later, earlier| {
        if later.0 == earlier.0 {
            earlier.1 = later.1;
            true
        } else {
            false
        }
    });
    m
}

/// The elements of an array or a set (sets are written as arrays, in their order).
fn elements(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Set(s) => s.iter().collect(),
        _ => Vec::new(),
    }
}

fn write_scalar(out: &mut String, v: &Value) -> bool {
    match v {
        Value::Null | Value::Undefined => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.format_decimal()),
        Value::String(s) => write_str(out, s),
        _ => return false,
    }
    true
}

/// `v` as `json.Marshal` writes it: no spaces.
pub fn compact(v: &Value) -> String {
    let mut out = String::new();
    write_compact(&mut out, v);
    out
}

fn write_compact(out: &mut String, v: &Value) {
    if write_scalar(out, v) {
        return;
    }
    if let Value::Object(_) = v {
        out.push('{');
        for (i, (k, v)) in members(v).into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_str(out, &k);
            out.push(':');
            write_compact(out, v);
        }
        out.push('}');
    } else {
        out.push('[');
        for (i, e) in elements(v).into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_compact(out, e);
        }
        out.push(']');
    }
}

/// `v` as an `Encoder` with `SetIndent("", "  ")` writes it, with its closing newline.
pub fn indented(v: &Value) -> String {
    let mut out = String::new();
    write_indented(&mut out, v, 0);
    out.push('\n');
    out
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn write_indented(out: &mut String, v: &Value, depth: usize) {
    if write_scalar(out, v) {
        return;
    }
    if let Value::Object(_) = v {
        let m = members(v);
        if m.is_empty() {
            out.push_str("{}");
            return;
        }
        out.push('{');
        for (i, (k, v)) in m.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            newline(out, depth + 1);
            write_str(out, &k);
            out.push_str(": ");
            write_indented(out, v, depth + 1);
        }
        newline(out, depth);
        out.push('}');
    } else {
        let e = elements(v);
        if e.is_empty() {
            out.push_str("[]");
            return;
        }
        out.push('[');
        for (i, x) in e.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            newline(out, depth + 1);
            write_indented(out, x, depth + 1);
        }
        newline(out, depth);
        out.push(']');
    }
}

/// A JSON object whose members keep the order given (Go structs write fields in declaration
/// order, not sorted), for OPA's result and error envelopes.
pub enum Doc {
    /// A Rego value, written as Go writes an `interface{}` holding it.
    Val(Value),
    /// A struct: fields in this order.
    Fields(Vec<(&'static str, Doc)>),
    /// A slice.
    List(Vec<Doc>),
}

impl Doc {
    /// The document indented as OPA's `presentation.JSON` writes it, with the closing newline.
    pub fn indented(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, depth: usize) {
        match self {
            Doc::Val(v) => write_indented(out, v, depth),
            Doc::Fields(f) if f.is_empty() => out.push_str("{}"),
            Doc::List(l) if l.is_empty() => out.push_str("[]"),
            Doc::Fields(f) => {
                out.push('{');
                for (i, (k, v)) in f.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    write_str(out, k);
                    out.push_str(": ");
                    v.write(out, depth + 1);
                }
                newline(out, depth);
                out.push('}');
            }
            Doc::List(l) => {
                out.push('[');
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    v.write(out, depth + 1);
                }
                newline(out, depth);
                out.push(']');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(json: &str) -> Value {
        Value::from_json_str(json).expect("test JSON")
    }

    #[test]
    fn go_escapes() {
        let mut s = String::new();
        write_str(&mut s, "a<b>&\"\\\n\u{1}\u{8}\u{2028}é");
        assert_eq!(s, r#""a\u003cb\u003e\u0026\"\\\n\u0001\b\u2028é""#);
    }

    #[test]
    fn indentation_matches_go() {
        let x = v(r#"{"b": [1, {"c": []}], "a": {}}"#);
        assert_eq!(
            indented(&x),
            "{\n  \"a\": {},\n  \"b\": [\n    1,\n    {\n      \"c\": []\n    }\n  ]\n}\n"
        );
        assert_eq!(compact(&x), r#"{"a":{},"b":[1,{"c":[]}]}"#);
    }
}
