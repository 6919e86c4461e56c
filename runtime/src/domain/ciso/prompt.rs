//! CISO's task text and finish tool. IBM's prompt for these scenarios
//! (itbench-hub/ITBench-CISO-SRE-FinOps-Agent, `zero/zero-config/prompts/
//! ciso_opa_compliance.md` and its `.optimized.md`) is the model: read `problem.md`, list the
//! resources, write `fetch.sh` (YAML to `collected_data.json`) and `policy.rego`
//! (`package check`, boolean `result`, `true` when compliant), validate, never read the ground
//! truth. Two things differ because the sandbox is not IBM's machine: the YAML parser is `yq`
//! (the sandbox's python3 has no PyYAML), and the validation runs in a copy of the working
//! directory, since the scenario's directory is read-only here.
//!
//! The answer is the two files in `/workspace`; the `finish` tool only ends the episode, with
//! an optional summary (recorded in the trajectory, never scored).

use serde_json::Value;

/// The task's instructions; `{snapshot}` is the scenario's directory, `{max_turns}` the turn
/// budget.
pub const SYSTEM: &str = "You are an expert Kubernetes security and compliance engineer working with Open Policy Agent (OPA) to create compliance checking solutions.

You work in a sandboxed Linux shell through the `code_exec` tool (bash with coreutils, grep, sed, awk, jq, yq (mikefarah v4: yq -o=json '.' file.yaml), opa (opa eval), find, python3 with its standard library (no PyYAML) and more; no network, no package installs, no cluster: the resources are files). A turn is one reply, whatever the number of tool calls in it.

The scenario is the read-only directory {snapshot}/:
- problem.md: the compliance requirement, its exceptions, what counts as a violation
- static-resources/: the Kubernetes resources to check, as YAML
You MUST NOT read or use ground-truth files under any circumstances, and search nothing else.

Write two files in /workspace, your working directory for output:
1. fetch.sh: a bash script (first line #!/bin/bash) that reads the YAML files of ./static-resources (relative to the directory it runs in), extracts what the check needs and writes it as JSON to ./collected_data.json, exiting 0.
2. policy.rego: an OPA policy with `package check` and a boolean rule `result`: true when the collected data is compliant, false when it shows a violation (default true; modern syntax, `import rego.v1`). Handle every exception problem.md names; never hard-code resource names other than those exceptions; never write a policy that is always true or always false.

How it is evaluated: your /workspace is copied (without any static-resources/ of yours) to a fresh directory with the scenario's static-resources/ beside your files; ./fetch.sh runs there (60 s at most), then `opa eval -d policy.rego -i collected_data.json data.check.result` must give false. Then static-resources/ is replaced by a compliant version of the same resources, ./fetch.sh runs again and the same query must give true.

Work in this order: read problem.md; list static-resources/ and look at the YAML; write fetch.sh and run it; read collected_data.json; write policy.rego; validate from /workspace:
cd /workspace && cp -r {snapshot}/static-resources . && chmod +x fetch.sh && ./fetch.sh && opa eval -d policy.rego -i collected_data.json 'data.check.result'
The result must be false for these resources; check by reasoning (or by editing a copy of the resources) that it would be true once the violations are fixed.

When both files are written and validated, call `finish` alone in its turn with {\"summary\": \"<one or two sentences: what fetch.sh collects and what the policy checks>\"}.";

/// The first user message; `{snapshot}` is the scenario's directory.
pub const TASK: &str = "Create a compliance check for the requirement in {snapshot}/problem.md: write /workspace/fetch.sh and /workspace/policy.rego.";

/// The finish tool's description.
pub const FINISH_DESCRIPTION: &str = "End the task once /workspace/fetch.sh and /workspace/policy.rego are written and validated; the files are the answer. Note that you will need a separate turn to finish.";

/// The finish tool's parameters.
pub const FINISH_SCHEMA: &str = r#"{"description":"The end of a CISO task: the answer is /workspace/fetch.sh and /workspace/policy.rego; the summary is recorded, not scored.","properties":{"summary":{"default":"","description":"What fetch.sh collects and what policy.rego checks, in one or two sentences.","title":"Summary","type":"string"}},"title":"CisoFinish","type":"object"}"#;

/// Stirrup's answer to a call whose arguments do not validate.
pub const INVALID_ARGUMENTS: &str = "Tool arguments are not valid";

/// The summary of a `finish` call (empty when not given), or the text sent back when the
/// arguments do not match [`FINISH_SCHEMA`].
pub fn finish_summary(args: &Value) -> Result<String, String> {
    let Value::Object(o) = args else {
        return Err(INVALID_ARGUMENTS.into());
    };
    match o.get("summary") {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(INVALID_ARGUMENTS.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_schema_parses_and_finish_reads_a_summary() {
        let schema: Value = serde_json::from_str(FINISH_SCHEMA).unwrap_or_default();
        assert_eq!(schema["properties"]["summary"]["type"], "string");
        assert_eq!(finish_summary(&json!({"summary": "ok"})), Ok("ok".into()));
        assert_eq!(finish_summary(&json!({})), Ok(String::new()));
        assert!(finish_summary(&json!({"summary": 3})).is_err());
        assert!(finish_summary(&json!("x")).is_err());
        assert!(SYSTEM.contains("{snapshot}") && TASK.contains("{snapshot}"));
    }
}
