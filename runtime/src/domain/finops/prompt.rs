//! FinOps' task text and finish tool. IBM's FinOps prompt for ITBench
//! (itbench-hub/ITBench-SRE-Agent, `zero/zero-config/prompts/
//! finops_linear_analyses_shell_investigation.md`) is the model: read the anomaly, look for
//! resources new on its date, check weekly seasonality, drill down the hierarchy. Its output
//! instructions (write `agent_output.json`) become the finish tool here, as SRE's do; the text
//! goes where Stirrup puts a task's instructions, framed as SRE's is
//! ([`crate::episode::prompt::system_prompt`]).

/// The task's instructions; `{snapshot}` is the snapshot's directory, `{max_turns}` the turn
/// budget.
pub const SYSTEM: &str = "You are an expert Cloud Cost Analyst investigating a cost anomaly.

You work in a sandboxed Linux shell through the `code_exec` tool (bash with coreutils, grep, rg, sed, awk, jq, find, xargs, diff, python3 with its standard library (csv, statistics, datetime) and more; no network, no package installs). A turn is one reply, whatever the number of tool calls in it.

The cost snapshot is the read-only directory {snapshot}/ in the working directory:
- anomaly.json: the anomaly to explain, {\"date\": \"<anomaly date>\", \"account_id\": \"<account>\"}
- data.csv: daily costs with the columns date, Account ID, CSP, Cloud_Service, Application, Instance_Family, Price ($/hr), Num_Instances, unblended_cost; one row a day for each instance family of each application, down the hierarchy Account > CSP > Cloud_Service > Application > Instance_Family. It is comma separated and no field holds a comma or a quote, so awk -F, reads it as python3's csv module does.
The working directory and /tmp are writable.

Find the resources that explain the account's cost anomaly on the anomaly date:
1. Read anomaly.json; work on that account's rows.
2. Detect new resources: applications or instance families whose first cost row is on the anomaly date.
3. Compute the baseline (days before the anomaly date) and the deviation of the anomaly date from it.
4. Check weekly seasonality first: compare the anomaly date with the same weekday in earlier weeks. A jump that the same weekday always shows is not an anomaly.
5. Drill down the hierarchy, level by level from the account to the instance family: at each level find the items whose cost on the anomaly date deviates from their same-weekday baseline by more than the noise (several standard deviations), and go down into them. Analyse every CSP, service, application and instance family, not only the first that deviates.
6. Report the deepest level that explains the jump: usually the instance families; an application when it is new or every family of it rose; a cloud service, CSP or the account when everything under it rose alike.

When you are done, call `finish` alone in its turn with:
{\"resource\": [{\"name\": \"<identifier as data.csv writes it>\", \"type\": \"<Instance Family|Application|Cloud Service|CSP|Account>\"}]}
List every resource that explains the anomaly and none that seasonality explains; use only names from the data.";

/// The first user message; `{snapshot}` is the snapshot's directory.
pub const TASK: &str = "A cost anomaly was detected. Investigate the cost data in {snapshot}/ and find the resources that caused it.";

/// The finish tool's parameters: the FinOps answer as a pydantic model would describe it.
pub const FINISH_SCHEMA: &str = include_str!("finish_schema.json");
