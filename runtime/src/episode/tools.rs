//! The two tools: `code_exec` runs a shell command in the sandbox and answers in Stirrup's
//! `<shell_results>` text; `finish` takes the diagnosis and validates it.

use serde_json::{Value, json};

use crate::answer::Answer;
use crate::sandbox::{CommandResult, ErrorKind, Session};

/// Characters kept of each output stream, as Stirrup does.
pub const DEFAULT_MAX_CHARS: usize = 20_000;

/// The tools' JSON Schema descriptions, in the OpenAI function format.
pub fn schemas() -> Vec<Value> {
    let entity = json!({"type": "object", "required": ["name", "contributing_factor"], "properties": {
        "name": {"type": "string", "description": "namespace/Kind/name, e.g. otel-demo/Deployment/checkout"},
        "contributing_factor": {"type": "boolean", "description": "true for a root cause"},
        "reasoning": {"type": "string"}, "evidence": {"type": "string"}}});
    vec![
        json!({"type": "function", "function": {"name": "code_exec",
            "description": "Run a bash command in the sandbox. The snapshot is read-only at /snapshot; /workspace and /tmp are writable and kept between calls.",
            "parameters": {"type": "object", "required": ["cmd"], "properties": {"cmd": {"type": "string", "description": "the shell command"}}}}}),
        json!({"type": "function", "function": {"name": "finish",
            "description": "Submit the diagnosis and end the task. Call it alone in its turn.",
            "parameters": {"type": "object", "required": ["entities"], "properties": {
                "entities": {"type": "array", "items": entity},
                "propagations": {"type": "array", "items": {"type": "object", "properties": {
                    "source": {"type": "string"}, "target": {"type": "string"}, "condition": {"type": "string"}, "effect": {"type": "string"}}}},
                "alerts_explained": {"type": "array", "items": {"type": "object"}}}}}}),
    ]
}

/// Cuts text to `max` characters keeping the first and last halves, with Stirrup's marker.
pub fn truncate_middle(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max / 2).collect();
    let tail: String = text.chars().skip(n - (max - max / 2)).collect();
    format!(
        "{head}\n... This content has been truncated from an original {n} characters to stay below {max} characters ...\n{tail}"
    )
}

/// The observation of one command, in Stirrup's format.
pub fn shell_results(r: &CommandResult, max_chars: usize) -> String {
    let out = truncate_middle(&String::from_utf8_lossy(&r.stdout), max_chars);
    let mut err = truncate_middle(&String::from_utf8_lossy(&r.stderr), max_chars);
    if let Some(kind) = r.error_kind {
        let note = match kind {
            ErrorKind::Timeout => "command timed out and was stopped",
            ErrorKind::CpuLimit => "command exceeded its CPU time limit and was stopped",
            ErrorKind::MemoryLimit => "command exceeded its memory limit",
            ErrorKind::ProcessLimit => "command started too many processes",
            ErrorKind::OutputLimit => "output exceeded the limit; the middle was dropped",
            ErrorKind::DiskQuota => "writes exceeded the /workspace and /tmp quota",
            ErrorKind::Interrupted => "command was interrupted",
            ErrorKind::Finished => "",
        };
        if !note.is_empty() {
            err.push_str(&format!("\n[rcabox: {note}]"));
        }
    }
    format!(
        "<shell_results><exit_code>{}</exit_code><stdout>{out}</stdout><stderr>{err}</stderr></shell_results>",
        r.exit_code
    )
}

/// What one tool call did: the text sent back and what the trajectory records.
#[derive(Debug, Clone)]
pub struct Called {
    /// The text the caller gets back.
    pub observation: String,
    /// The command run, for `code_exec`.
    pub cmd: Option<String>,
    /// Its exit status.
    pub exit_code: Option<i32>,
    /// The limit it hit, if any.
    pub error_kind: Option<ErrorKind>,
    /// The diagnosis, when `finish` was valid.
    pub answer: Option<Answer>,
    /// Whether the call itself was wrong (bad arguments, unknown tool).
    pub is_error: bool,
}

impl Called {
    /// A call refused with `observation` as the error sent back: nothing ran.
    pub fn refused(observation: String) -> Self {
        Called {
            observation,
            cmd: None,
            exit_code: None,
            error_kind: None,
            answer: None,
            is_error: true,
        }
    }
}

/// Runs one call of `code_exec` or `finish`; the episode loop and the MCP server share it.
pub fn call(session: &mut Session, name: &str, args: &Value, max_chars: usize) -> Called {
    let wrong = Called::refused;
    match name {
        "code_exec" => match code_exec_cmd(args) {
            Ok(cmd) => {
                let r = session.run(&cmd);
                Called {
                    observation: shell_results(&r, max_chars),
                    cmd: Some(cmd),
                    exit_code: Some(r.exit_code),
                    error_kind: r.error_kind,
                    answer: None,
                    is_error: false,
                }
            }
            Err(e) => wrong(e),
        },
        "finish" => match finish_answer(args) {
            Ok(a) => Called {
                answer: Some(a),
                is_error: false,
                ..wrong("Diagnosis received.".to_string())
            },
            Err(e) => wrong(e),
        },
        other => wrong(format!(
            "unknown tool `{other}`; the tools are code_exec and finish"
        )),
    }
}

/// The `cmd` of a `code_exec` call, or the error to send back.
pub fn code_exec_cmd(args: &Value) -> Result<String, String> {
    if let Value::String(raw) = args {
        return match serde_json::from_str::<Value>(raw) {
            Ok(v) if v.is_object() => code_exec_cmd(&v),
            Ok(_) => {
                Err("code_exec: arguments must be a JSON object like {\"cmd\": \"ls\"}".into())
            }
            Err(e) => Err(format!(
                "code_exec: arguments are not valid JSON ({e}); send {{\"cmd\": \"...\"}}"
            )),
        };
    }
    match args.get("cmd") {
        Some(Value::String(c)) if !c.trim().is_empty() => Ok(c.clone()),
        Some(Value::String(_)) => Err("code_exec: `cmd` is empty".into()),
        Some(_) => Err("code_exec: `cmd` must be a string".into()),
        None => Err(format!(
            "code_exec: missing `cmd`; call it as {{\"cmd\": \"ls /snapshot\"}} (got {})",
            short(args)
        )),
    }
}

/// The diagnosis of a `finish` call, or the error to send back.
pub fn finish_answer(args: &Value) -> Result<Answer, String> {
    // Some models send the arguments as a JSON string inside the string.
    let parsed;
    let args = match args {
        Value::String(s) => {
            parsed = serde_json::from_str::<Value>(s)
                .map_err(|e| format!("finish: arguments are not valid JSON: {e}"))?;
            &parsed
        }
        other => other,
    };
    let a = Answer::from_value(args).map_err(|e| format!("finish: {e}"))?;
    if a.entities.is_empty() {
        return Err(
            "finish: `entities` is empty; name at least one root cause as namespace/Kind/name"
                .into(),
        );
    }
    Ok(a)
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 200 {
        format!(
            "{}...",
            &s[..s.char_indices().nth(200).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_keeps_head_and_tail_with_the_marker() {
        let text: String = (0..30_000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let t = truncate_middle(&text, 20_000);
        assert!(t.starts_with(&text[..10_000]));
        assert!(t.ends_with(&text[20_000..]));
        assert!(t.contains("\n... This content has been truncated from an original 30000 characters to stay below 20000 characters ...\n"));
        assert_eq!(truncate_middle("short", 20_000), "short");
    }

    #[test]
    fn invalid_arguments_get_precise_errors() {
        assert_eq!(code_exec_cmd(&json!({"cmd": "ls"})), Ok("ls".into()));
        assert!(
            code_exec_cmd(&json!({"command": "ls"}))
                .unwrap_err()
                .contains("missing `cmd`")
        );
        assert!(
            code_exec_cmd(&json!({"cmd": 3}))
                .unwrap_err()
                .contains("must be a string")
        );
        assert!(
            finish_answer(&json!({"entities": []}))
                .unwrap_err()
                .contains("is empty")
        );
        assert!(
            finish_answer(&json!({"entities": [{"name": 1}]}))
                .unwrap_err()
                .contains("entities[0].name")
        );
        assert!(finish_answer(&json!("{\"entities\":[\"a/B/c\"]}")).is_ok());
        assert!(
            finish_answer(&json!("{oops"))
                .unwrap_err()
                .contains("not valid JSON")
        );
    }
}
