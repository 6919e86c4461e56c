//! The CISO baseline: a deterministic agent that plays IBM's workflow by the book through
//! `code_exec`: it reads `problem.md` and lists the resources, recognises the CIS control by
//! its number, writes the reference `fetch.sh` and `policy.rego` of that control into
//! `/workspace` with shell commands, validates them over a copy of the resources, and
//! finishes. For a control it does not know it finishes without files (0 of 4 criteria).

use serde_json::json;

use super::controls::{Control, FETCH_SH, recognise};
use crate::episode::agent::{Agent, AgentError, Message, Reply};
use crate::episode::{last_observations, stdout_of};

/// The baseline agent for CISO scenarios.
#[derive(Debug)]
pub struct CisoBaseline {
    snapshot: String,
    step: usize,
    control: Option<&'static Control>,
}

impl Default for CisoBaseline {
    fn default() -> Self {
        CisoBaseline::new("/snapshot")
    }
}

impl CisoBaseline {
    /// A baseline that finds the scenario at `snapshot` in the sandbox (as the prompt's
    /// `{snapshot}` names it).
    pub fn new(snapshot: &str) -> Self {
        CisoBaseline {
            snapshot: snapshot.trim_end_matches('/').to_string(),
            step: 0,
            control: None,
        }
    }

    fn exec(&self, content: &str, cmd: String) -> Reply {
        Reply::one_call(content, self.step + 1, "code_exec", json!({"cmd": cmd}))
    }

    fn finish(&self, summary: String) -> Reply {
        Reply::one_call(
            "Finishing.",
            self.step + 1,
            "finish",
            json!({"summary": summary}),
        )
    }
}

/// A shell command writing `text` to `path` through a quoted heredoc (no expansion inside).
fn write_command(path: &str, text: &str) -> String {
    format!("cat > {path} <<'RCABOX_EOF'\n{text}\nRCABOX_EOF\n")
}

impl Agent for CisoBaseline {
    fn id(&self) -> String {
        "baseline".to_string()
    }

    fn next(
        &mut self,
        messages: &[Message],
        _tools: &[serde_json::Value],
    ) -> Result<Reply, AgentError> {
        let snap = &self.snapshot;
        let reply = match self.step {
            0 => self.exec(
                "Reading the requirement and listing the resources.",
                format!("cat {snap}/problem.md; echo; ls -la {snap}/static-resources"),
            ),
            1 => {
                let obs = last_observations(messages);
                self.control = obs.last().and_then(|o| recognise(stdout_of(o)));
                match self.control {
                    Some(c) => {
                        let mut cmd = "cd /workspace && ".to_string();
                        cmd.push_str(&write_command("fetch.sh", FETCH_SH.trim_end()));
                        cmd.push_str("chmod +x fetch.sh\n");
                        cmd.push_str(&write_command("policy.rego", c.policy().trim_end()));
                        cmd.push_str("ls -l fetch.sh policy.rego");
                        self.exec(
                            &format!(
                                "This is CIS {}: {}. Writing fetch.sh (every object as JSON) and policy.rego.",
                                c.id, c.title
                            ),
                            cmd,
                        )
                    }
                    None => self.finish(
                        "The requirement names no CIS control this agent knows; no files written."
                            .into(),
                    ),
                }
            }
            2 => self.exec(
                "Validating over a copy of the resources: the result must be false.",
                format!(
                    "cd /workspace && rm -rf static-resources && cp -r {snap}/static-resources . && ./fetch.sh && jq '.items | length' collected_data.json && opa eval -d policy.rego -i collected_data.json 'data.check.result' && opa eval -d policy.rego -i collected_data.json 'data.check.violations' --format pretty; rm -rf static-resources collected_data.json"
                ),
            ),
            _ => {
                let id = self.control.map_or("?", |c| c.id);
                self.finish(format!(
                    "fetch.sh collects every object of static-resources/ as {{\"items\": [...]}}; policy.rego checks CIS {id} and is false while any violation remains."
                ))
            }
        };
        self.step += 1;
        Ok(reply)
    }
}
