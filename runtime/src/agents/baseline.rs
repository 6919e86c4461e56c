//! The built-in baseline: a deterministic agent that investigates like a careful SRE with a
//! fixed playbook — firing alerts, warning events, error logs and spans, then the objects that
//! changed or appeared during the window — and submits what the evidence supports. It needs no
//! API key, so the main job runs anywhere, and it gives the floor a model has to beat.

use serde_json::{Value, json};

use crate::episode::agent::{Agent, AgentError, Message, Reply, ToolCall};
use crate::episode::{last_observations, stdout_of};

/// Unquotes the Body column of a snapshot TSV (RFC 4180) so jq can read it.
const UNQUOTE: &str = r#"sed 's/^"//; s/"$//; s/""/"/g'"#;

/// The playbook: one command a turn.
fn playbook() -> Vec<(&'static str, String)> {
    let col = |file: &str, cond: &str, out: &str| {
        format!(
            "awk -F'\\t' 'NR==1{{for(i=1;i<=NF;i++)c[$i]=i; next}} {cond} {{print {out}}}' /snapshot/{file} | sort | uniq -c | sort -rn | head -15"
        )
    };
    vec![
        ("alerts", "cd /snapshot/alerts 2>/dev/null || cd /snapshot; f=$(ls alerts_* | tail -1); echo \"$f\"; jq -r '(if type==\"array\" then . else (.data.alerts // .alerts) end)[] | [.labels.alertname, (.labels.service_name // .labels.namespace // \"\"), .labels.severity] | @tsv' \"$f\" | sort | uniq -c".to_string()),
        ("warning events", format!("for f in /snapshot/*events*.tsv; do tail -n +2 \"$f\" | cut -f9 | {UNQUOTE} | jq -r 'select(.object.type==\"Warning\") | [.object.reason, .object.involvedObject.kind, (.object.involvedObject.namespace // \"\"), .object.involvedObject.name] | @tsv' 2>/dev/null; done | sort | uniq -c | sort -rn | head -20")),
        ("error logs", col("otel_logs_raw.tsv", "$(c[\"SeverityText\"])==\"ERROR\"", "$(c[\"ServiceName\"])")),
        ("error spans", col("otel_traces_raw.tsv", "$(c[\"StatusCode\"])==\"Error\"", "$(c[\"ServiceName\"]) \"\\t\" $(c[\"StatusMessage\"])")),
        ("changed objects", format!("for f in /snapshot/*objects*.tsv; do tail -n +2 \"$f\" | cut -f9 | {UNQUOTE}; done | jq -c '{{k: [.kind, (.metadata.namespace // \"\"), .metadata.name], b: .}}' | jq -rs 'group_by(.k) | map(select(length == 1 or .[0].b != .[-1].b)) | .[] | .[0].k + [if length == 1 then \"only-once\" else \"changed\" end] | @tsv'")),
    ]
}

/// Kinds a changed object of is a likely cause, most specific first.
const CAUSE_KINDS: &[&str] = &[
    "Schedule",
    "NetworkPolicy",
    "ConfigMap",
    "Secret",
    "ResourceQuota",
    "Service",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "AuthorizationPolicy",
    "PeerAuthentication",
    "Namespace",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
];

/// The baseline agent.
#[derive(Debug, Default)]
pub struct Baseline {
    step: usize,
    seen: Vec<(String, String)>,
}

impl Baseline {
    /// A fresh baseline.
    pub fn new() -> Self {
        Self::default()
    }

    fn diagnose(&self) -> Value {
        let out = |label: &str| {
            self.seen
                .iter()
                .find(|(l, _)| l == label)
                .map_or("", |(_, o)| o.as_str())
        };
        // Objects that changed or exist only at one end of the window, by kind priority.
        let mut changed: Vec<(usize, String, String)> = Vec::new();
        for line in out("changed objects").lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if let [kind, ns, name, status] = f.as_slice()
                && let Some(rank) = CAUSE_KINDS.iter().position(|k| k == kind)
            {
                changed.push((rank, format!("{ns}/{kind}/{name}"), (*status).to_string()));
            }
        }
        changed.sort();
        let mut names: Vec<(String, String)> = Vec::new();
        let has_chaos = changed.iter().any(|c| c.1.contains("/Schedule/"));
        let symptoms = format!(
            "{}\n{}\n{}",
            out("warning events"),
            out("error logs"),
            out("error spans")
        );
        for (_, name, status) in &changed {
            // A chaos Schedule explains the workload it targets: do not blame both.
            if has_chaos && !name.contains("/Schedule/") {
                continue;
            }
            // A workload that changed but shows no symptom (a routine rollout) is not blamed.
            let workload = name.contains("/Deployment/")
                || name.contains("/StatefulSet/")
                || name.contains("/DaemonSet/");
            let short = name.rsplit('/').next().unwrap_or(name);
            if workload && !symptoms.contains(short) {
                continue;
            }
            if !names.iter().any(|(n, _)| n == name) {
                names.push((
                    name.clone(),
                    format!("object {status} during the incident window"),
                ));
            }
        }
        if names.is_empty() {
            // Fall back to the workload with the most warning events, then the service with
            // the most error logs.
            let from_events = out("warning events").lines().find_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                match f.as_slice() {
                    [_, reason, "Pod", ns, pod] => Some((
                        format!("{ns}/Deployment/{}", workload_of(pod)),
                        format!("warning events ({reason})"),
                    )),
                    _ => None,
                }
            });
            let from_logs = out("error logs").lines().find_map(|l| {
                let svc = l.split_whitespace().nth(1)?;
                Some((
                    format!("otel-demo/Service/{svc}"),
                    "most error logs".to_string(),
                ))
            });
            names.extend(from_events.or(from_logs));
        }
        let alerts: Vec<Value> = out("alerts")
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().nth(1))
            .map(|a| json!({"alert": a, "explanation": "symptom of the root cause", "explained": true}))
            .collect();
        let evidence = out("error spans")
            .lines()
            .take(3)
            .collect::<Vec<_>>()
            .join("; ");
        json!({
            "entities": names.iter().map(|(n, why)| json!({"name": n, "contributing_factor": true,
                "reasoning": format!("{why}; the alerts and errors follow it"), "evidence": evidence})).collect::<Vec<_>>(),
            "propagations": [],
            "alerts_explained": alerts,
        })
    }
}

/// `checkout-7d4f9c8b6d-x2x9z` -> `checkout`: drop the ReplicaSet hash and pod suffix.
fn workload_of(pod: &str) -> String {
    let parts: Vec<&str> = pod.split('-').collect();
    if parts.len() > 2 {
        parts[..parts.len() - 2].join("-")
    } else {
        pod.to_string()
    }
}

impl Agent for Baseline {
    fn id(&self) -> String {
        "baseline".to_string()
    }

    fn next(&mut self, messages: &[Message], _tools: &[Value]) -> Result<Reply, AgentError> {
        let plan = playbook();
        if self.step > 0 {
            let obs = last_observations(messages);
            let label = plan.get(self.step - 1).map_or("", |p| p.0);
            self.seen.push((
                label.to_string(),
                obs.last()
                    .map(|o| stdout_of(o).to_string())
                    .unwrap_or_default(),
            ));
        }
        let reply = match plan.get(self.step) {
            Some((label, cmd)) => Reply {
                content: format!("Checking {label}."),
                tool_calls: vec![ToolCall {
                    id: format!("call_{}", self.step + 1),
                    name: "code_exec".into(),
                    arguments: json!({"cmd": cmd}),
                }],
                ..Reply::default()
            },
            None => Reply {
                content: "Submitting the diagnosis the evidence supports.".into(),
                tool_calls: vec![ToolCall {
                    id: format!("call_{}", self.step + 1),
                    name: "finish".into(),
                    arguments: self.diagnose(),
                }],
                ..Reply::default()
            },
        };
        self.step += 1;
        Ok(reply)
    }
}
