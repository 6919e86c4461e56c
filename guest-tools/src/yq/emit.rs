//! Values written as YAML in the block style yq (go-yaml v3) writes: `key: value`, nested
//! mappings and sequences indented by `-I` (sequences inside mappings too), `- ` items, `{}`
//! and `[]` for empty ones, strings quoted only when plain text would read back as something
//! else, multi-line strings as `|-` blocks. yq keeps each scalar's style from its input; styles
//! are not kept here (see docs/COMPATIBILITY.md).

use jaq_json::Val;

/// Whether `s` must be quoted to read back as this string.
fn needs_quotes(s: &str) -> bool {
    if s.is_empty() || s.trim() != s {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    let special = [
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", ".nan",
    ];
    if special.contains(&lower.as_str())
        || s.parse::<f64>().is_ok()
        || s.starts_with("0x")
        || s.starts_with("0o")
    {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "?:,[]{}#&*!|>'\"%@`".contains(first)
        || s == "-"
        || s.starts_with("- ")
        || s.starts_with("---")
    {
        return true;
    }
    s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars().any(|c| c.is_control() && c != '\n')
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn text(v: &Val) -> String {
    match v {
        Val::TStr(b) | Val::BStr(b) => String::from_utf8_lossy(b).into_owned(),
        other => other.to_string(),
    }
}

/// A scalar on one line (after `key: ` or `- `), or a `|-` block for a multi-line string.
fn scalar(out: &mut String, v: &Val, pad: usize) {
    match v {
        Val::Null => out.push_str("null"),
        Val::TStr(_) | Val::BStr(_) => {
            let s = text(v);
            if s.contains('\n') && !s.chars().any(|c| c.is_control() && c != '\n') {
                out.push_str(if s.ends_with('\n') { "|" } else { "|-" });
                for line in s.trim_end_matches('\n').split('\n') {
                    out.push('\n');
                    if !line.is_empty() {
                        out.push_str(&" ".repeat(pad));
                        out.push_str(line);
                    }
                }
            } else if needs_quotes(&s) {
                out.push_str(&quoted(&s));
            } else {
                out.push_str(&s);
            }
        }
        other => out.push_str(&other.to_string()),
    }
}

fn is_block(v: &Val) -> bool {
    match v {
        Val::Arr(a) => !a.is_empty(),
        Val::Obj(o) => !o.is_empty(),
        _ => false,
    }
}

/// Writes `v` at column `col` (the caller has written the indentation of the first line).
fn block(out: &mut String, v: &Val, col: usize, ind: usize) {
    match v {
        Val::Obj(o) if !o.is_empty() => {
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    out.push_str(&" ".repeat(col));
                }
                let key = text(k);
                out.push_str(&if needs_quotes(&key) {
                    quoted(&key)
                } else {
                    key
                });
                out.push(':');
                if is_block(x) {
                    out.push('\n');
                    out.push_str(&" ".repeat(col + ind));
                    block(out, x, col + ind, ind);
                } else {
                    out.push(' ');
                    scalar(out, x, col + ind);
                    out.push('\n');
                }
            }
        }
        Val::Arr(a) if !a.is_empty() => {
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(&" ".repeat(col));
                }
                out.push_str("- ");
                if is_block(x) {
                    block(out, x, col + 2, ind);
                } else {
                    scalar(out, x, col + 2);
                    out.push('\n');
                }
            }
        }
        Val::Obj(_) => out.push_str("{}\n"),
        Val::Arr(_) => out.push_str("[]\n"),
        other => {
            scalar(out, other, col + ind);
            out.push('\n');
        }
    }
}

/// One result as yq prints it; a string alone is printed bare when `unwrap`.
pub fn yaml(v: &Val, indent: usize, unwrap: bool) -> String {
    let mut out = String::new();
    match v {
        Val::TStr(_) | Val::BStr(_) if unwrap => {
            out.push_str(&text(v));
            out.push('\n');
        }
        _ => block(&mut out, v, 0, indent.max(1)),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(j: &str) -> Val {
        jaq_json::read::parse_single(j.as_bytes()).expect("json")
    }

    #[test]
    fn block_style() {
        let x = v(
            r#"{"kind":"Pod","spec":{"containers":[{"name":"a","ports":[80]}],"x":[]},"v":"123","e":""}"#,
        );
        assert_eq!(
            yaml(&x, 2, true),
            "kind: Pod\nspec:\n  containers:\n    - name: a\n      ports:\n        - 80\n  x: []\nv: \"123\"\ne: \"\"\n"
        );
        assert_eq!(yaml(&v(r#""a: b""#), 2, true), "a: b\n");
        assert_eq!(yaml(&v(r#"["x\ny"]"#), 2, true), "- |-\n  x\n  y\n");
    }
}
