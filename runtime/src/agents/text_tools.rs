//! Tools described in the prompt, for servers and chat templates with no tool calling.
//!
//! Many local setups serve a model through a template that drops the request's `tools` and
//! rejects `tool` messages (llama-cpp-python's plain `chatml`, raw completions behind a proxy).
//! With `--tools-in-prompt` the conversation is sent in the Hermes convention most open models
//! are trained on: the tools' JSON schemas in the system message inside `<tools>`, the model's
//! calls as `<tool_call>{"name": ..., "arguments": ...}</tool_call>` in its text (read back by
//! [`super::content_calls`]), and results as user messages inside `<tool_response>`.

use serde_json::{Value, json};

use crate::episode::agent::{Message, Role};

/// The conversation rewritten for a server without tool calling: tool schemas appended to the
/// system message, calls as text, results as user messages.
pub fn rewrite(messages: &[Message], tools: &[Value]) -> Vec<Message> {
    let schemas: Vec<String> = tools
        .iter()
        .filter_map(|t| t.get("function").map(Value::to_string))
        .collect();
    let how = format!(
        "\n\n# Tools\n\nYou may call one or more functions to assist with the user query. The \
         function signatures are within <tools></tools> XML tags:\n<tools>\n{}\n</tools>\n\nFor \
         each function call, return a JSON object with the function name and arguments within \
         <tool_call></tool_call> XML tags:\n<tool_call>\n{{\"name\": <function-name>, \
         \"arguments\": <args-json-object>}}\n</tool_call>",
        schemas.join("\n")
    );
    let mut out = Vec::with_capacity(messages.len());
    for m in messages {
        match m.role {
            Role::System => out.push(Message::text(Role::System, format!("{}{how}", m.content))),
            Role::Assistant => {
                let mut text = m.content.clone();
                for c in &m.tool_calls {
                    let call = json!({"name": c.name, "arguments": c.arguments});
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(&format!("<tool_call>\n{call}\n</tool_call>"));
                }
                out.push(Message::text(Role::Assistant, text));
            }
            Role::Tool => {
                let body = format!("<tool_response>\n{}\n</tool_response>", m.content);
                // Consecutive results (several calls in one turn) share one user message.
                match out.last_mut() {
                    Some(prev)
                        if prev.role == Role::User
                            && prev.content.ends_with("</tool_response>") =>
                    {
                        prev.content.push('\n');
                        prev.content.push_str(&body);
                    }
                    _ => out.push(Message::text(Role::User, body)),
                }
            }
            Role::User => out.push(m.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::episode::agent::ToolCall;

    #[test]
    fn calls_and_results_become_text_and_the_schemas_join_the_system_message() {
        let mut call = Message::text(Role::Assistant, "");
        call.tool_calls = vec![
            ToolCall {
                id: "a".into(),
                name: "code_exec".into(),
                arguments: json!({"cmd": "ls"}),
                raw_arguments: None,
            },
            ToolCall {
                id: "b".into(),
                name: "code_exec".into(),
                arguments: json!({"cmd": "pwd"}),
                raw_arguments: None,
            },
        ];
        let mut r1 = Message::text(Role::Tool, "x");
        r1.tool_call_id = Some("a".into());
        let mut r2 = Message::text(Role::Tool, "y");
        r2.tool_call_id = Some("b".into());
        let msgs = [
            Message::text(Role::System, "sys"),
            Message::text(Role::User, "task"),
            call,
            r1,
            r2,
        ];
        let out = rewrite(&msgs, &crate::episode::tools::schemas());
        assert_eq!(out.len(), 4);
        assert!(out[0].content.starts_with("sys\n\n# Tools"));
        assert!(out[0].content.contains("\"name\":\"code_exec\""));
        assert_eq!(
            out[2].content,
            "<tool_call>\n{\"arguments\":{\"cmd\":\"ls\"},\"name\":\"code_exec\"}\n</tool_call>\n<tool_call>\n{\"arguments\":{\"cmd\":\"pwd\"},\"name\":\"code_exec\"}\n</tool_call>"
        );
        assert_eq!(
            out[3].content,
            "<tool_response>\nx\n</tool_response>\n<tool_response>\ny\n</tool_response>"
        );
        assert!(
            out.iter()
                .all(|m| m.tool_calls.is_empty() && m.role != Role::Tool)
        );
        // What the model writes back in that form is read as calls again.
        let (_, calls) = super::super::content_calls::extract(&out[2].content).expect("calls");
        assert_eq!(calls.len(), 2);
    }
}
