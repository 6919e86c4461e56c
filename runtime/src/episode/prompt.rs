//! What the model reads besides tool results: Stirrup 0.2.1's texts, word for word (its base
//! system prompt, turn warnings, the nudge after a reply without tool calls), and rcabox's
//! ITBench task, which goes where Stirrup puts a task's instructions.
//!
//! The system prompt is built as Stirrup's `Agent._build_system_prompt` builds it: the base
//! prompt for the turn budget, the sentence about the user, the input files, then the task's
//! instructions. The snapshot is an input file in Stirrup's sense: a read-only directory in the
//! working directory, listed file by file (docs/AGENT_PROTOCOL.md).

/// Stirrup's `prompts/base_system_prompt.txt`, with its final newline; `{max_turns}` is
/// replaced.
pub const STIRRUP_BASE: &str = "You are an AI agent that will be given a specific task. You are to complete that task using the tools provided in {max_turns} steps. You will need to call a finish tool as your last step, where you will pass your finish reason and any required final fields for that tool.\n";

/// What Stirrup appends when the agent has no `user_input` tool (the leading space is its).
pub const NO_USER: &str = " You are not able to interact with the user during the task.";

/// The heading of Stirrup's list of input files.
pub const INPUT_FILES: &str = "\n\nThe following input files have been provided for this task:";

/// The heading before the task's own instructions.
pub const INSTRUCTIONS: &str = "\n\nFollow these instructions from the User:\n";

/// rcabox's ITBench instructions (the task prompt ITBench-AA runs with is not published);
/// `{snapshot}` is the snapshot's directory, `{max_turns}` the turn budget.
pub const DEFAULT_SYSTEM: &str = "You are an expert Site Reliability Engineer diagnosing an incident in a Kubernetes cluster.

You work in a sandboxed Linux shell through the `code_exec` tool (bash with coreutils, grep, rg, sed, awk, jq, find, xargs, diff, gzip, python3 with its standard library and more; no network, no package installs). A turn is one reply, whatever the number of tool calls in it.

The incident snapshot is the read-only directory {snapshot}/ in the working directory:
- alerts/alerts_at_<UTC>.json: the firing Prometheus alerts, one file a minute (JSON arrays)
- k8s_events_raw.tsv, k8s_objects_raw.tsv: Kubernetes events and objects; the Body column is JSON
- otel_logs_raw.tsv, otel_traces_raw.tsv: application logs and spans
- metrics/pod_<pod>_raw.tsv, metrics/service_<service>_raw.tsv: raw metric samples
TSV files are tab separated with RFC 4180 quoting (a field with a quote, tab or newline is quoted and its quotes doubled). Files can be large: filter before printing. The working directory and /tmp are writable.

Find the root cause of the incident: the Kubernetes entities whose fault explains the alerts. Report the minimal set of independent root causes, not the services that merely suffer from them. When you are done, call `finish` alone in its turn with:
{\"entities\": [{\"name\": \"namespace/Kind/name\", \"contributing_factor\": true, \"reasoning\": \"...\", \"evidence\": \"...\"}], \"propagations\": [{\"source\": \"namespace/Kind/name\", \"target\": \"namespace/Kind/name\", \"condition\": \"...\", \"effect\": \"...\"}], \"alerts_explained\": [{\"alert\": \"AlertName\", \"explanation\": \"...\", \"explained\": true}]}
Names are namespace/Kind/name with the Kubernetes kind, e.g. otel-demo/Deployment/checkout or chaos-mesh/NetworkChaos/<name>; list root causes first, most likely first.";

/// The first user message; `{snapshot}` is the snapshot's directory.
pub const DEFAULT_TASK: &str = "An incident is in progress. Investigate the snapshot in {snapshot}/ and diagnose its root cause.";

/// Stirrup's warning from 20 turns left.
pub fn turns_left_warning(n: usize) -> String {
    format!(
        "You have {n} turns remaining to complete the task. Please continue. Remember you will need a separate turn to call a finish tool."
    )
}

/// Stirrup's last-turn text.
pub const LAST_TURN: &str =
    "This is the last turn. Please finish the task by calling a finish tool.";

/// Stirrup's answer to a reply with no tool call, sent as a user message.
pub const CONTINUE: &str = "Please continue the task";

/// A template with its placeholders filled: `{max_turns}`, and `{snapshot}` (the snapshot's
/// directory as the model sees it).
pub fn fill(template: &str, max_turns: usize, snapshot: &str) -> String {
    template
        .replace("{max_turns}", &max_turns.to_string())
        .replace("{snapshot}", snapshot)
}

/// The system prompt of an episode, as Stirrup builds it: its base prompt for `max_turns`,
/// the sentence about the user, the `input_files` list, then `instructions` (already filled).
pub fn system_prompt(max_turns: usize, input_files: &[String], instructions: &str) -> String {
    let mut s = STIRRUP_BASE.replace("{max_turns}", &max_turns.to_string());
    s.push_str(NO_USER);
    if !input_files.is_empty() {
        s.push_str(INPUT_FILES);
        for f in input_files {
            s.push_str("\n- ");
            s.push_str(f);
        }
    }
    if !instructions.is_empty() {
        s.push_str(INSTRUCTIONS);
        s.push_str(instructions);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_prompt_is_built_as_stirrup_builds_it() {
        // Stirrup 0.2.1, max_turns=3 and nothing else (its scenario B).
        assert_eq!(
            system_prompt(3, &[], ""),
            "You are an AI agent that will be given a specific task. You are to complete that task using the tools provided in 3 steps. You will need to call a finish tool as your last step, where you will pass your finish reason and any required final fields for that tool.\n You are not able to interact with the user during the task."
        );
        let s = system_prompt(30, &["data.txt".into(), "docs/a.md".into()], "Be concise.");
        assert!(s.ends_with(" during the task.\n\nThe following input files have been provided for this task:\n- data.txt\n- docs/a.md\n\nFollow these instructions from the User:\nBe concise."));
        assert_eq!(
            fill("{snapshot}/ in {max_turns}", 7, "Scenario-2"),
            "Scenario-2/ in 7"
        );
    }
}
