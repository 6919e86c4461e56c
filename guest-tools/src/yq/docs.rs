//! YAML documents read with yaml_serde (a maintained serde_yaml: YAML 1.2 scalars, so `yes`
//! and `2024-01-01` stay strings as in yq; anchors, aliases and `<<` merge keys resolved; its
//! alias-expansion limit stops "billion laughs" documents) and turned into jaq values with
//! their key order kept.

use jaq_json::Val;
use yaml_serde::Value;

/// Appends `s` as a JSON string.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A mapping key as text: yq prints non-string keys (`1:`, `true:`) as their scalar text.
fn key_text(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Tagged(t) => key_text(&t.value),
        other => yaml_serde::to_string(other)
            .unwrap_or_default()
            .trim_end()
            .to_string(),
    }
}

fn write_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let t = n.to_string();
            // `.inf` and `.nan` have no JSON spelling; jq prints infinity as the largest double.
            match t.as_str() {
                ".inf" => out.push_str("1.7976931348623157e+308"),
                "-.inf" => out.push_str("-1.7976931348623157e+308"),
                ".nan" | ".NaN" => out.push_str("null"),
                _ => out.push_str(&t),
            }
        }
        Value::String(s) => json_str(out, s),
        Value::Sequence(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, x);
            }
            out.push(']');
        }
        Value::Mapping(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_str(out, &key_text(k));
                out.push(':');
                write_json(out, x);
            }
            out.push('}');
        }
        Value::Tagged(t) => write_json(out, &t.value),
    }
}

/// The documents of one YAML (or JSON) text, in order.
pub fn parse(text: &str, name: &str) -> Result<Vec<Val>, String> {
    let mut docs = Vec::new();
    for de in yaml_serde::Deserializer::from_str(text) {
        let mut v: Value = serde::Deserialize::deserialize(de)
            .map_err(|e| format!("Error: bad file '{name}': {e}"))?;
        v.apply_merge()
            .map_err(|e| format!("Error: bad file '{name}': {e}"))?;
        let mut json = String::new();
        write_json(&mut json, &v);
        let val = jaq_json::read::parse_single(json.as_bytes())
            .map_err(|e| format!("Error: bad file '{name}': {e}"))?;
        docs.push(val);
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_anchors_and_order() {
        let d = parse(
            "b: 1\na: {k: yes}\n---\nc: &x {k: yes}\nm: {<<: *x, z: 1}\nd: 2024-01-01\n",
            "t",
        )
        .expect("parses");
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].to_string(), r#"{"b":1,"a":{"k":"yes"}}"#);
        assert_eq!(
            d[1].to_string(),
            r#"{"c":{"k":"yes"},"m":{"z":1,"k":"yes"},"d":"2024-01-01"}"#
        );
    }
}
