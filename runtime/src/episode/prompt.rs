//! The default system prompt and task, in the structure of Stirrup's ITBench prompt: the role,
//! where the data is, the turn budget, the answer format and the minimal-root-causes rule.

/// The default system prompt; `{max_turns}` is replaced.
pub const DEFAULT_SYSTEM: &str = "You are an expert Site Reliability Engineer diagnosing an incident in a Kubernetes cluster.

You work in a sandboxed Linux shell through the `code_exec` tool (bash with coreutils, grep, rg, sed, awk, jq, find, xargs, diff, gzip, python3 with its standard library and more; no network, no package installs). You have at most {max_turns} turns; a turn is one reply, whatever the number of tool calls in it.

The incident snapshot is mounted read-only at /snapshot:
- alerts/alerts_at_<UTC>.json: the firing Prometheus alerts, one file a minute (JSON arrays)
- k8s_events_raw.tsv, k8s_objects_raw.tsv: Kubernetes events and objects; the Body column is JSON
- otel_logs_raw.tsv, otel_traces_raw.tsv: application logs and spans
- metrics/pod_<pod>_raw.tsv, metrics/service_<service>_raw.tsv: raw metric samples
TSV files are tab separated with RFC 4180 quoting (a field with a quote, tab or newline is quoted and its quotes doubled). Files can be large: filter before printing. /workspace and /tmp are writable.

Find the root cause of the incident: the Kubernetes entities whose fault explains the alerts. Report the minimal set of independent root causes, not the services that merely suffer from them. When you are done, call `finish` alone in its turn with:
{\"entities\": [{\"name\": \"namespace/Kind/name\", \"contributing_factor\": true, \"reasoning\": \"...\", \"evidence\": \"...\"}], \"propagations\": [{\"source\": \"namespace/Kind/name\", \"target\": \"namespace/Kind/name\", \"condition\": \"...\", \"effect\": \"...\"}], \"alerts_explained\": [{\"alert\": \"AlertName\", \"explanation\": \"...\", \"explained\": true}]}
Names are namespace/Kind/name with the Kubernetes kind, e.g. otel-demo/Deployment/checkout or chaos-mesh/NetworkChaos/<name>; list root causes first, most likely first.";

/// The first user message.
pub const DEFAULT_TASK: &str = "An incident is in progress. Investigate the snapshot at /snapshot and diagnose its root cause.";

/// Stirrup's warning from 20 turns left.
pub fn turns_left_warning(n: usize) -> String {
    format!(
        "You have {n} turns remaining to complete the task. Please continue. Remember you will need a separate turn to call a finish tool."
    )
}

/// Stirrup's last-turn text.
pub const LAST_TURN: &str =
    "This is the last turn. Please finish the task by calling a finish tool.";

/// The system prompt for a turn budget.
pub fn system_prompt(template: &str, max_turns: usize) -> String {
    template.replace("{max_turns}", &max_turns.to_string())
}

/// Stirrup's answer to a reply with no tool call, sent as a user message.
pub const CONTINUE: &str = "Please continue the task";
