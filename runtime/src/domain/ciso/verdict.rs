//! What ITBench-Evaluations reads from one run of `fetch.sh` or `opa eval`, with its words:
//! `ciso.py`'s `_run_fetch_script` and `_run_opa_eval`, so justifications read the same.

use serde_json::Value;

use crate::sandbox::{CommandResult, ErrorKind};

/// The first `n` characters of `bytes` read as text (Python's `stderr[:200]`).
pub fn head_chars(bytes: &[u8], n: usize) -> String {
    String::from_utf8_lossy(bytes).chars().take(n).collect()
}

/// The value of `data.check.result` in `opa eval`'s JSON output, and the justification
/// ITBench-Evaluations writes: `None` when opa failed, printed no result, or gave `null`.
/// Only the first expression of the first result counts, as there.
pub fn read_opa(r: &CommandResult, timeout_s: u64) -> (Option<Value>, String) {
    if r.error_kind == Some(ErrorKind::Timeout) {
        return (None, format!("OPA evaluation timed out after {timeout_s}s"));
    }
    if r.exit_code != 0 {
        return (
            None,
            format!("OPA evaluation failed: {}", head_chars(&r.stderr, 200)),
        );
    }
    let output: Value = match serde_json::from_slice(&r.stdout) {
        Ok(v) => v,
        Err(e) => return (None, format!("Failed to parse OPA output: {e}")),
    };
    // output.get("result", [{}])[0].get("expressions", [{}])[0].get("value")
    let value = match first_of(&output, "result")
        .and_then(|first| first_of(&first, "expressions"))
        .and_then(|expr| get(&expr, "value"))
    {
        Ok(v) => v,
        Err(why) => return (None, why),
    };
    match value {
        None | Some(Value::Null) => (None, "OPA result is null/undefined".to_string()),
        Some(v) => {
            let expected = if v == Value::Bool(false) {
                "false for violations"
            } else {
                "true for compliance"
            };
            let text = format!(
                "OPA result: {} (expected: {expected})",
                crate::snapshot::pymap::to_text(&v)
            );
            (Some(v), text)
        }
    }
}

/// Python's `d.get(key)` on a JSON value: an error (ITBench's generic handler's words) when
/// it is not an object.
fn get(v: &Value, key: &str) -> Result<Option<Value>, String> {
    match v {
        Value::Object(m) => Ok(m.get(key).cloned()),
        other => Err(format!(
            "OPA evaluation error: '{}' object has no attribute 'get'",
            py_type(other)
        )),
    }
}

/// Python's `d.get(key, [{}])[0]`.
fn first_of(v: &Value, key: &str) -> Result<Value, String> {
    match get(v, key)? {
        None => Ok(Value::Object(Default::default())),
        Some(Value::Array(items)) => items
            .into_iter()
            .next()
            .ok_or_else(|| "Failed to parse OPA output: list index out of range".to_string()),
        Some(Value::Object(_)) => Err("Failed to parse OPA output: 0".to_string()),
        Some(other) => Err(format!(
            "OPA evaluation error: '{}' object is not subscriptable",
            py_type(&other)
        )),
    }
}

fn py_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Whether a run of `fetch.sh` hit its time limit.
pub fn timed_out(r: &CommandResult) -> bool {
    r.error_kind == Some(ErrorKind::Timeout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(code: i32, out: &str, err: &str) -> CommandResult {
        CommandResult {
            exit_code: code,
            stdout: out.into(),
            stderr: err.into(),
            stdout_truncated: false,
            stderr_truncated: false,
            error_kind: None,
            duration_ms: 1.0,
            peak_memory_bytes: 0,
        }
    }

    #[test]
    fn reads_the_first_expression_as_itbench_does() {
        let out = r#"{"result":[{"expressions":[{"value":false,"text":"data.check.result","location":{"row":1,"col":1}}]}]}"#;
        let (v, why) = read_opa(&run(0, out, ""), 60);
        assert_eq!(v, Some(json!(false)));
        assert_eq!(why, "OPA result: False (expected: false for violations)");
        let (v, why) = read_opa(&run(0, &out.replace("false", "true"), ""), 60);
        assert_eq!(v, Some(json!(true)));
        assert_eq!(why, "OPA result: True (expected: true for compliance)");
    }

    #[test]
    fn undefined_null_and_failures_give_none() {
        assert_eq!(
            read_opa(&run(0, "{}\n", ""), 60),
            (None, "OPA result is null/undefined".into())
        );
        let null = r#"{"result":[{"expressions":[{"value":null}]}]}"#;
        assert_eq!(read_opa(&run(0, null, ""), 60).0, None);
        let (v, why) = read_opa(&run(1, "", &"e".repeat(500)), 60);
        assert_eq!(v, None);
        assert_eq!(why, format!("OPA evaluation failed: {}", "e".repeat(200)));
        assert!(
            read_opa(&run(0, "not json", ""), 60)
                .1
                .starts_with("Failed to parse OPA output: ")
        );
        assert_eq!(
            read_opa(&run(0, r#"{"result":[]}"#, ""), 60).1,
            "Failed to parse OPA output: list index out of range"
        );
    }

    #[test]
    fn other_values_are_kept_and_printed_as_python_would() {
        let out = r#"{"result":[{"expressions":[{"value":{"a":[1,"it's",null,0.5]}}]}]}"#;
        let (v, why) = read_opa(&run(0, out, ""), 60);
        assert_eq!(v, Some(json!({"a": [1, "it's", null, 0.5]})));
        assert_eq!(
            why,
            r#"OPA result: {'a': [1, "it's", None, 0.5]} (expected: true for compliance)"#
        );
    }
}
