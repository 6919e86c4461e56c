//! The two tools as Stirrup 0.2.1 presents them: `code_exec` (its `CodeExecutionParams`
//! schema and description, its `<shell_results>` text from `format_result`) and `finish`
//! (ITBench's `agent_output.json` as a pydantic model would describe it), with Stirrup's words
//! for every refusal (`X is not a valid tool`, `Tool arguments are not valid`).

use serde_json::{Map, Value, json};

use crate::answer::Answer;
use crate::domain::Domain;
use crate::sandbox::{CommandResult, ErrorKind, Session};

/// Characters kept of each output stream, as Stirrup does.
pub const DEFAULT_MAX_CHARS: usize = 20_000;

/// Stirrup's description of `code_exec` (`CodeExecToolProvider.get_code_exec_tool`).
pub const CODE_EXEC_DESCRIPTION: &str = "Execute a shell command in the execution environment. Returns exit code, stdout, and stderr as XML.";

/// The finish tool's description.
pub const FINISH_DESCRIPTION: &str =
    "Submit the diagnosis and end the task. Note that you will need a separate turn to finish.";

/// The finish tool's parameters: the JSON Schema pydantic 2 gives the Python package's
/// `rcabox.stirrup.AgentOutput` (a test of the package holds the two equal).
pub const FINISH_SCHEMA: &str = include_str!("finish_schema.json");

/// Stirrup's answer to a call whose arguments do not validate.
pub const INVALID_ARGUMENTS: &str = "Tool arguments are not valid";

/// The tools in Stirrup's order (the finish tool, then the code-exec provider's tool), in the
/// OpenAI function format.
pub fn schemas() -> Vec<Value> {
    schemas_for(Domain::Sre)
}

/// [`schemas`] for a domain: its finish tool's parameters are its answer schema.
pub fn schemas_for(domain: Domain) -> Vec<Value> {
    let finish: Value = serde_json::from_str(domain.finish_schema()).unwrap_or_else(|_| json!({}));
    vec![
        json!({"type": "function", "function": {"name": "finish",
            "description": FINISH_DESCRIPTION, "parameters": finish}}),
        json!({"type": "function", "function": {"name": "code_exec",
            "description": CODE_EXEC_DESCRIPTION,
            "parameters": {
                "description": "Shell command to execute in the execution environment.",
                "properties": {"cmd": {
                    "description": "Shell command to execute (bash syntax). IMPORTANT: Use only relative paths. Do not use absolute paths (starting with / or ~) or reference directories outside the working directory.",
                    "title": "Cmd", "type": "string"}},
                "required": ["cmd"], "title": "CodeExecutionParams", "type": "object"}}}),
    ]
}

/// Cuts text to `max` characters keeping the first and last halves, with Stirrup's marker
/// (`truncate_msg`).
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

/// What the model is told when a command hits a limit other than its time: the line after
/// its stderr, and the advice. The Python package's Stirrup provider says the same.
pub fn limit_text(kind: ErrorKind) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        ErrorKind::CpuLimit => (
            "Command exceeded its CPU time limit and was stopped",
            "Filter early (grep, awk) and avoid reading large files more than once.",
        ),
        ErrorKind::MemoryLimit => (
            "Command exceeded its memory limit",
            "Stream large files (grep, awk, sort) instead of loading them whole into memory.",
        ),
        ErrorKind::ProcessLimit => (
            "Command started too many processes",
            "Start fewer processes: avoid fork loops and very wide xargs or parallel pipelines.",
        ),
        ErrorKind::DiskQuota => (
            "Writes exceeded the space of the writable directories",
            "Write less: keep intermediate results small or pipe them instead of saving them.",
        ),
        ErrorKind::Interrupted => ("Command was interrupted", ""),
        ErrorKind::Timeout | ErrorKind::OutputLimit | ErrorKind::Finished => return None,
    })
}

/// The observation of one command in Stirrup's `format_result` text: the exit status and
/// both streams, or for a command stopped by a limit its `error_kind`, details and advice
/// (Stirrup's own `timeout` form for the time limit).
pub fn shell_results(r: &CommandResult, max_chars: usize, timeout_s: u64) -> String {
    let err = String::from_utf8_lossy(&r.stderr);
    let stopped = match r.error_kind {
        Some(ErrorKind::Timeout) => Some((
            "timeout",
            format!("Command timed out after {timeout_s} seconds"),
            "",
        )),
        Some(kind) => limit_text(kind).map(|(line, advice)| {
            let sep = if err.is_empty() || err.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            (kind.name(), format!("{err}{sep}{line}"), advice)
        }),
        None => None,
    };
    match stopped {
        Some((kind, details, advice)) => {
            let mut s = format!(
                "<shell_results>\n<error_kind>{kind}</error_kind>\n<details>{}</details>",
                truncate_middle(&details, max_chars)
            );
            if !advice.is_empty() {
                s.push_str(&format!("\n<advice>{advice}</advice>"));
            }
            s.push_str("\n</shell_results>");
            s
        }
        None => format!(
            "<shell_results>\n<exit_code>{}</exit_code>\n<stdout>{}</stdout>\n<stderr>{}</stderr>\n</shell_results>",
            r.exit_code,
            truncate_middle(&String::from_utf8_lossy(&r.stdout), max_chars),
            truncate_middle(&err, max_chars)
        ),
    }
}

/// The observation format of trajectories written before rcabox sent Stirrup's texts (one
/// line, limits appended to stderr), kept so `rcabox replay` still checks old runs.
pub fn shell_results_v1(r: &CommandResult, max_chars: usize) -> String {
    let out = truncate_middle(&String::from_utf8_lossy(&r.stdout), max_chars);
    let mut err = truncate_middle(&String::from_utf8_lossy(&r.stderr), max_chars);
    let note = match r.error_kind {
        Some(ErrorKind::Timeout) => "command timed out and was stopped",
        Some(ErrorKind::CpuLimit) => "command exceeded its CPU time limit and was stopped",
        Some(ErrorKind::MemoryLimit) => "command exceeded its memory limit",
        Some(ErrorKind::ProcessLimit) => "command started too many processes",
        Some(ErrorKind::OutputLimit) => "output exceeded the limit; the middle was dropped",
        Some(ErrorKind::DiskQuota) => "writes exceeded the /workspace and /tmp quota",
        Some(ErrorKind::Interrupted) => "command was interrupted",
        Some(ErrorKind::Finished) | None => "",
    };
    if !note.is_empty() {
        err.push_str(&format!("\n[rcabox: {note}]"));
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

/// Stirrup's answer to a call of a tool it does not have.
pub fn unknown_tool(name: &str) -> String {
    format!("{name} is not a valid tool")
}

/// Runs one call of `code_exec` or `finish`; the episode loop and the MCP server share it.
pub fn call(session: &mut Session, name: &str, args: &Value, max_chars: usize) -> Called {
    call_in(Domain::Sre, session, name, args, max_chars)
}

/// [`call`] in a domain: `finish` takes that domain's answer.
pub fn call_in(
    domain: Domain,
    session: &mut Session,
    name: &str,
    args: &Value,
    max_chars: usize,
) -> Called {
    match name {
        "code_exec" => match code_exec_cmd(args) {
            Ok(cmd) => {
                let r = session.run(&cmd);
                let timeout_s = session.limits().timeout.as_secs();
                Called {
                    observation: shell_results(&r, max_chars, timeout_s),
                    cmd: Some(cmd),
                    exit_code: Some(r.exit_code),
                    error_kind: r.error_kind,
                    answer: None,
                    is_error: false,
                }
            }
            Err(e) => Called::refused(e),
        },
        "finish" => match finish_answer_in(domain, args) {
            Ok(a) => Called {
                answer: Some(a),
                is_error: false,
                ..Called::refused("Diagnosis received.".to_string())
            },
            Err(e) => Called::refused(e),
        },
        other => Called::refused(unknown_tool(other)),
    }
}

/// The `cmd` of a `code_exec` call, or Stirrup's refusal: the arguments must be a JSON object
/// whose `cmd` is a string (other fields are ignored, as pydantic ignores them).
pub fn code_exec_cmd(args: &Value) -> Result<String, String> {
    match args.get("cmd") {
        Some(Value::String(c)) if args.is_object() => Ok(c.clone()),
        _ => Err(INVALID_ARGUMENTS.to_string()),
    }
}

/// Whether `v` holds `key` as a string (`required`), or lacks it.
fn string_field(v: &Map<String, Value>, key: &str, required: bool) -> bool {
    match v.get(key) {
        Some(Value::String(_)) => true,
        None => !required,
        _ => false,
    }
}

/// Whether `v` holds `key` as a boolean (`required`), or lacks it.
fn bool_field(v: &Map<String, Value>, key: &str, required: bool) -> bool {
    match v.get(key) {
        Some(Value::Bool(_)) => true,
        None => !required,
        _ => false,
    }
}

/// Whether `key` is absent or a list of objects each `item` accepts.
fn list_of(
    o: &Map<String, Value>,
    key: &str,
    required: bool,
    item: fn(&Map<String, Value>) -> bool,
) -> bool {
    match o.get(key) {
        Some(Value::Array(items)) => items.iter().all(|i| i.as_object().is_some_and(item)),
        None => !required,
        _ => false,
    }
}

/// Whether `args` match the finish tool's schema ([`FINISH_SCHEMA`]): what pydantic would
/// accept, strictly typed.
fn finish_valid(args: &Value) -> bool {
    let Some(o) = args.as_object() else {
        return false;
    };
    list_of(o, "entities", true, |e| {
        string_field(e, "name", true)
            && bool_field(e, "contributing_factor", true)
            && string_field(e, "reasoning", false)
            && string_field(e, "evidence", false)
    }) && list_of(o, "propagations", false, |p| {
        string_field(p, "source", true)
            && string_field(p, "target", true)
            && string_field(p, "condition", false)
            && string_field(p, "effect", false)
    }) && list_of(o, "alerts_explained", false, |a| {
        string_field(a, "alert", true)
            && string_field(a, "explanation", false)
            && bool_field(a, "explained", false)
    })
}

/// [`finish_answer`] in a domain.
pub fn finish_answer_in(domain: Domain, args: &Value) -> Result<Answer, String> {
    match domain {
        Domain::Sre => finish_answer(args),
        Domain::Finops => finops_answer(args),
        // CISO's answer is the files in the working directory; finish only ends the task.
        Domain::Ciso => {
            crate::domain::ciso::prompt::finish_summary(args).map(|_| Answer::default())
        }
    }
}

/// A FinOps `finish`: `{"resource": [{"name": ..., "type": ...}]}`, strictly typed, at least one.
fn finops_answer(args: &Value) -> Result<Answer, String> {
    let valid = args.as_object().is_some_and(|o| {
        list_of(o, "resource", true, |r| {
            string_field(r, "name", true) && string_field(r, "type", true)
        })
    });
    if !valid {
        return Err(INVALID_ARGUMENTS.to_string());
    }
    let a = Answer::from_value(args).map_err(|_| INVALID_ARGUMENTS.to_string())?;
    if a.resource.as_ref().is_none_or(Vec::is_empty) {
        return Err(
            "finish: `resource` is empty; name at least one resource with its name and type".into(),
        );
    }
    Ok(a)
}

/// The diagnosis of a `finish` call, or the text sent back: Stirrup's refusal when the
/// arguments do not match the schema, the finish tool's own when they name no entity.
pub fn finish_answer(args: &Value) -> Result<Answer, String> {
    if !finish_valid(args) {
        return Err(INVALID_ARGUMENTS.to_string());
    }
    let a = Answer::from_value(args).map_err(|_| INVALID_ARGUMENTS.to_string())?;
    if a.entities.is_empty() {
        return Err(
            "finish: `entities` is empty; name at least one root cause as namespace/Kind/name"
                .into(),
        );
    }
    Ok(a)
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

    fn result(code: i32, out: &str, err: &str, kind: Option<ErrorKind>) -> CommandResult {
        CommandResult {
            exit_code: code,
            stdout: out.into(),
            stderr: err.into(),
            stdout_truncated: false,
            stderr_truncated: false,
            error_kind: kind,
            duration_ms: 1.0,
            peak_memory_bytes: 0,
        }
    }

    #[test]
    fn results_read_as_stirrups_format_result() {
        assert_eq!(
            shell_results(&result(3, "out\n", "err\n", None), 20_000, 300),
            "<shell_results>\n<exit_code>3</exit_code>\n<stdout>out\n</stdout>\n<stderr>err\n</stderr>\n</shell_results>"
        );
        assert_eq!(
            shell_results(
                &result(124, "partial", "", Some(ErrorKind::Timeout)),
                20_000,
                2
            ),
            "<shell_results>\n<error_kind>timeout</error_kind>\n<details>Command timed out after 2 seconds</details>\n</shell_results>"
        );
        assert_eq!(
            shell_results(
                &result(137, "", "python3: boom", Some(ErrorKind::MemoryLimit)),
                20_000,
                300
            ),
            "<shell_results>\n<error_kind>memory_limit</error_kind>\n<details>python3: boom\nCommand exceeded its memory limit</details>\n<advice>Stream large files (grep, awk, sort) instead of loading them whole into memory.</advice>\n</shell_results>"
        );
        // Output past the sandbox's limit is still a result, cut to Stirrup's length.
        let cut = shell_results(
            &result(0, &"x".repeat(30_000), "", Some(ErrorKind::OutputLimit)),
            20_000,
            300,
        );
        assert!(cut.starts_with("<shell_results>\n<exit_code>0</exit_code>\n<stdout>xxx"));
    }

    #[test]
    fn invalid_arguments_get_stirrups_answer() {
        assert_eq!(
            code_exec_cmd(&json!({"cmd": "ls", "extra": 1})),
            Ok("ls".into())
        );
        assert_eq!(code_exec_cmd(&json!({"cmd": ""})), Ok(String::new()));
        for bad in [
            json!({"command": "ls"}),
            json!({"cmd": 3}),
            json!("{\"cmd\":\"ls\"}"),
            json!([1, 2]),
        ] {
            assert_eq!(code_exec_cmd(&bad), Err(INVALID_ARGUMENTS.into()), "{bad}");
        }
        let ok = json!({"entities": [{"name": "a/B/c", "contributing_factor": true}]});
        assert!(finish_answer(&ok).is_ok());
        for bad in [
            json!({"entities": [{"name": 1, "contributing_factor": true}]}),
            json!({"entities": [{"name": "a/B/c"}]}),
            json!({"entities": ["a/B/c"]}),
            json!({"entities": [{"name": "a/B/c", "contributing_factor": true}], "propagations": [{"source": "x"}]}),
            json!("{\"entities\": []}"),
            json!({}),
        ] {
            assert_eq!(
                finish_answer(&bad).map(|_| ()),
                Err(INVALID_ARGUMENTS.into()),
                "{bad}"
            );
        }
        assert!(
            finish_answer(&json!({"entities": []}))
                .unwrap_err()
                .contains("is empty")
        );
        assert_eq!(unknown_tool("web_search"), "web_search is not a valid tool");
    }

    #[test]
    fn finops_finish_takes_resources() {
        let ok = json!({"resource": [{"name": "billing", "type": "Application"}]});
        let a = finish_answer_in(Domain::Finops, &ok).expect("valid");
        assert_eq!(a.resource.expect("resources")[0].name, "billing");
        for bad in [
            json!({"resource": [{"name": "billing"}]}),
            json!({"resource": [{"name": 1, "type": "CSP"}]}),
            json!({"entities": [{"name": "a/B/c", "contributing_factor": true}]}),
            json!({}),
        ] {
            assert_eq!(
                finish_answer_in(Domain::Finops, &bad).map(|_| ()),
                Err(INVALID_ARGUMENTS.into()),
                "{bad}"
            );
        }
        assert!(
            finish_answer_in(Domain::Finops, &json!({"resource": []}))
                .unwrap_err()
                .contains("is empty")
        );
        let s = schemas_for(Domain::Finops);
        assert_eq!(
            s[0]["function"]["parameters"]["required"],
            json!(["resource"])
        );
        assert_eq!(s[1], schemas()[1]);
    }

    #[test]
    fn the_tools_are_stirrups_in_its_order() {
        let s = schemas();
        assert_eq!(s[0]["function"]["name"], "finish");
        assert_eq!(s[0]["function"]["parameters"]["title"], "AgentOutput");
        assert_eq!(s[1]["function"]["name"], "code_exec");
        assert_eq!(s[1]["function"]["parameters"]["required"], json!(["cmd"]));
    }
}
