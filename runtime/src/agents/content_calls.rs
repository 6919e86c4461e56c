//! Tool calls written into a reply's text instead of its `tool_calls` field.
//!
//! Small local models, and servers whose chat template does not map a model's tool-call
//! syntax back to structured calls, return the call as text: Hermes-style
//! `<tool_call>{"name": ..., "arguments": {...}}</tool_call>` blocks (Qwen, SmolLM2, many
//! fine-tunes through chatml templates), or the whole reply as a JSON object (or a list of
//! them), sometimes in a Markdown code fence. Read as prose, such a turn would run nothing; read
//! here, it runs as the model meant it. The text outside the calls stays the reply's content.

use serde_json::Value;

use crate::episode::agent::ToolCall;

/// The calls found in `content`, and the text left around them; `None` when it holds none.
pub fn extract(content: &str) -> Option<(String, Vec<ToolCall>)> {
    tagged(content).or_else(|| whole(content))
}

/// `<tool_call>...</tool_call>` blocks (an unclosed last block runs to the end of the text).
fn tagged(content: &str) -> Option<(String, Vec<ToolCall>)> {
    const OPEN: &str = "<tool_call>";
    const CLOSE: &str = "</tool_call>";
    if !content.contains(OPEN) {
        return None;
    }
    let (mut rest, mut text, mut calls) = (content, String::new(), Vec::new());
    while let Some(start) = rest.find(OPEN) {
        text.push_str(&rest[..start]);
        let body = &rest[start + OPEN.len()..];
        let (inner, after) = match body.find(CLOSE) {
            Some(end) => (&body[..end], &body[end + CLOSE.len()..]),
            None => (body, ""),
        };
        let inner = inner.trim();
        match serde_json::from_str::<Value>(inner) {
            Ok(v) => {
                let before = calls.len();
                collect(&v, &mut calls);
                if calls.len() == before {
                    text.push_str(inner);
                }
            }
            // A block that is not JSON is still a call the model meant to make: it goes to the
            // tools as raw text, so the error it gets says what was wrong.
            Err(_) => calls.push(ToolCall {
                id: String::new(),
                name: "code_exec".to_string(),
                arguments: Value::String(inner.to_string()),
                raw_arguments: None,
            }),
        }
        rest = after;
    }
    text.push_str(rest);
    number(&mut calls);
    (!calls.is_empty()).then(|| (text.trim().to_string(), calls))
}

/// The whole reply as one JSON call or a list of calls, bare or in a code fence.
fn whole(content: &str) -> Option<(String, Vec<ToolCall>)> {
    let t = content.trim();
    let t = t
        .strip_prefix("```json")
        .or_else(|| t.strip_prefix("```"))
        .and_then(|x| x.trim_end().strip_suffix("```"))
        .unwrap_or(t)
        .trim();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    let v: Value = serde_json::from_str(t).ok()?;
    let mut calls = Vec::new();
    collect(&v, &mut calls);
    number(&mut calls);
    (!calls.is_empty()).then(|| (String::new(), calls))
}

/// Calls in one JSON value: `{"name", "arguments"|"parameters"}`, the OpenAI shape
/// `{"function": {"name", "arguments"}}`, or a list of either.
fn collect(v: &Value, out: &mut Vec<ToolCall>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
        Value::Object(o) => {
            let f = o.get("function").filter(|f| f.is_object()).unwrap_or(v);
            let Some(name) = f.get("name").and_then(Value::as_str) else {
                return;
            };
            let Some(args) = f.get("arguments").or_else(|| f.get("parameters")) else {
                return;
            };
            // Arguments given as a JSON string are parsed as the `tool_calls` field's are.
            let arguments = match args {
                Value::String(raw) => {
                    serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.clone()))
                }
                other => other.clone(),
            };
            out.push(ToolCall {
                id: String::new(),
                name: name.to_string(),
                arguments,
                raw_arguments: None,
            });
        }
        _ => {}
    }
}

/// Ids for calls that came without one.
fn number(calls: &mut [ToolCall]) {
    for (i, c) in calls.iter_mut().enumerate() {
        c.id = format!("text_call_{i}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hermes_blocks_become_calls_and_the_rest_stays_text() {
        let (text, calls) = extract(
            "Let me look.\n<tool_call>\n{\"name\": \"code_exec\", \"arguments\": {\"cmd\": \"ls\"}}\n</tool_call>\n<tool_call>{\"name\": \"finish\", \"arguments\": \"{\\\"entities\\\": []}\"}</tool_call>",
        )
        .expect("calls");
        assert_eq!(text, "Let me look.");
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].name, "code_exec");
        assert_eq!(calls[0].arguments, json!({"cmd": "ls"}));
        assert_eq!(calls[1].arguments, json!({"entities": []}));
        assert_eq!(calls[1].id, "text_call_1");
    }

    #[test]
    fn a_block_that_is_not_json_is_a_call_with_raw_arguments() {
        let (_, calls) = extract("<tool_call>ls -la /snapshot").expect("calls");
        assert_eq!(calls[0].arguments, json!("ls -la /snapshot"));
    }

    #[test]
    fn whole_json_replies_fenced_or_bare_and_lists() {
        for reply in [
            "{\"name\": \"code_exec\", \"parameters\": {\"cmd\": \"pwd\"}}",
            "```json\n{\"name\": \"code_exec\", \"arguments\": {\"cmd\": \"pwd\"}}\n```",
            "[{\"type\": \"function\", \"function\": {\"name\": \"code_exec\", \"arguments\": \"{\\\"cmd\\\": \\\"pwd\\\"}\"}}]",
        ] {
            let (text, calls) = extract(reply).expect(reply);
            assert_eq!(text, "");
            assert_eq!(calls.len(), 1, "{reply}");
            assert_eq!(calls[0].arguments, json!({"cmd": "pwd"}), "{reply}");
        }
    }

    #[test]
    fn prose_and_json_that_is_not_a_call_are_left_alone() {
        for reply in [
            "The checkout service is failing.",
            "{\"name\": \"checkout\", \"status\": \"down\"}",
            "[1, 2, 3]",
            "",
        ] {
            assert!(extract(reply).is_none(), "{reply}");
        }
    }
}
