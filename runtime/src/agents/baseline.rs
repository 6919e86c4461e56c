//! The built-in baseline: a deterministic agent that investigates like a careful SRE with a
//! fixed playbook — firing alerts, warning events, error logs and spans, then the objects that
//! changed or appeared during the window — and submits what the evidence supports. It needs no
//! API key, so the main job runs anywhere, and it gives the floor a model has to beat. On a
//! FinOps task (its finish tool takes `resource`) it follows FinOps' playbook instead
//! ([`crate::domain::finops::baseline`]).

use serde_json::{Value, json};

use crate::episode::agent::{Agent, AgentError, Message, Reply};
use crate::episode::{last_observations, stdout_of};

/// Unquotes the Body column of a snapshot TSV (RFC 4180) so jq can read it.
const UNQUOTE: &str = r#"sed 's/^"//; s/"$//; s/""/"/g'"#;
/// The same for the second of two cut columns.
const UNQUOTE_SECOND: &str = r#"sed 's/\t"/\t/; s/"$//; s/""/"/g'"#;

/// The playbook: one command a turn.
fn playbook() -> Vec<(&'static str, String)> {
    let col = |file: &str, cond: &str, out: &str| {
        format!(
            "awk -F'\\t' 'NR==1{{for(i=1;i<=NF;i++)c[$i]=i; next}} {cond} {{print {out}}}' /snapshot/{file} | sort | uniq -c | sort -rn | head -15"
        )
    };
    vec![
        ("alerts", "cd /snapshot/alerts 2>/dev/null || cd /snapshot; f=$(ls alerts_* | tail -1); echo \"$f\"; jq -r '(if type==\"array\" then . else (.data.alerts // .alerts) end)[] | [.labels.alertname, (.labels.service_name // \"-\"), (.labels.namespace // \"-\"), .labels.severity] | @tsv' \"$f\" | sort | uniq -c".to_string()),
        ("warning events", format!("for f in /snapshot/*events*.tsv; do tail -n +2 \"$f\" | cut -f9 | {UNQUOTE} | jq -r 'select(.object.type==\"Warning\") | (.object.involvedObject // .object.regarding) as $o | [.object.reason, $o.kind, ($o.namespace // \"\"), $o.name] | @tsv' 2>/dev/null; done | sort | uniq -c | sort -rn | head -20")),
        ("error logs", col("otel_logs_raw.tsv", "$(c[\"SeverityText\"])==\"ERROR\"", "$(c[\"ServiceName\"])")),
        ("error spans", col("otel_traces_raw.tsv", "$(c[\"StatusCode\"])==\"Error\"", "$(c[\"ServiceName\"]) \"\\t\" $(c[\"StatusMessage\"])")),
        // Every pull repeats every object with fresh status, so compare what an owner sets
        // (the body without metadata and status) and note objects that come or go mid-window.
        ("changed objects", format!("for f in /snapshot/*objects*.tsv; do tail -n +2 \"$f\" | cut -f1,9 | {UNQUOTE_SECOND}; done | jq -R -c 'split(\"\\t\") | (.[1] | fromjson) as $b | {{t: .[0], k: [$b.kind, ($b.metadata.namespace // \"\"), $b.metadata.name], s: ($b | del(.metadata, .status))}}' | jq -rs '(map(.t) | min) as $first | (map(.t) | max) as $last | group_by(.k) | .[] | select((map(.s) | unique | length) > 1 or .[0].t != $first or .[-1].t != $last) | .[0].k + [if (map(.s) | unique | length) > 1 then \"changed\" elif .[0].t != $first then \"created\" else \"deleted\" end] | @tsv'")),
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
    domain: crate::domain::Domain,
    /// The CISO episode's agent, which this one hands every turn to.
    ciso: Option<crate::domain::ciso::baseline::CisoBaseline>,
}

/// The domain of an episode, from its finish tool's parameters (the answer schema), as a
/// model would tell from the tools it is given.
fn domain_of(tools: &[Value]) -> crate::domain::Domain {
    let finish = tools
        .iter()
        .find(|t| t["function"]["name"] == "finish")
        .map(|t| &t["function"]["parameters"]["properties"]);
    match finish {
        Some(p) if p.get("resource").is_some() => crate::domain::Domain::Finops,
        Some(p) if p.get("summary").is_some() => crate::domain::Domain::Ciso,
        _ => crate::domain::Domain::Sre,
    }
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
        // The application's namespaces: where the alerts that name a service point. A cluster
        // changes all the time elsewhere (recorder Jobs, controller status), so changes there
        // are not suspects, except chaos experiments, which act on the application from
        // their own namespace.
        let app_alerts = app_alerts(out("alerts"));
        let app_ns: Vec<&str> = app_alerts
            .iter()
            .map(|(_, ns)| *ns)
            .filter(|ns| *ns != "-")
            .collect();
        let in_scope = |kind: &str, ns: &str, name: &str| {
            app_ns.is_empty()
                || kind == "Schedule"
                || app_ns.contains(&ns)
                || (ns.is_empty() && app_ns.contains(&name))
        };
        // Objects that changed, came or went during the window, by kind priority.
        let mut changed: Vec<(usize, String, String)> = Vec::new();
        for line in out("changed objects").lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if let [kind, ns, name, status] = f.as_slice()
                && let Some(rank) = CAUSE_KINDS.iter().position(|k| k == kind)
                && in_scope(kind, ns, name)
            {
                changed.push((rank, format!("{ns}/{kind}/{name}"), (*status).to_string()));
            }
        }
        changed.sort();
        let mut names: Vec<(String, String)> = Vec::new();
        let has_chaos = changed.iter().any(|c| c.1.contains("/Schedule/"));
        // The workloads that show a symptom: services with error logs or spans, and the
        // workloads of pods with warning events. Whole names, so `cart` is not `valkey-cart`.
        let mut symptomatic: Vec<String> = Vec::new();
        for l in out("error logs").lines().chain(out("error spans").lines()) {
            if let Some(svc) = l.split_whitespace().nth(1) {
                symptomatic.push(svc.to_string());
            }
        }
        for l in out("warning events").lines() {
            if let [_, _, "Pod", _, pod] = l.split_whitespace().collect::<Vec<_>>().as_slice() {
                symptomatic.push(workload_of(pod));
            }
        }
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
            let own = short.strip_suffix("-v1").unwrap_or(short);
            if workload && !symptomatic.iter().any(|s| s == short || s == own) {
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
                    [_, reason, "Pod", ns, pod] if in_scope("Pod", ns, pod) => Some((
                        format!("{ns}/Deployment/{}", workload_of(pod)),
                        format!("warning events ({reason})"),
                    )),
                    _ => None,
                }
            });
            let ns = app_ns.first().copied().unwrap_or("otel-demo");
            let from_logs = out("error logs").lines().find_map(|l| {
                let svc = l.split_whitespace().nth(1)?;
                Some((format!("{ns}/Service/{svc}"), "most error logs".to_string()))
            });
            names.extend(from_events.or(from_logs));
        }
        // The application's alerts are the incident's symptoms; the infrastructure's standing
        // ones (Watchdog, unreachable control-plane targets) are not explained by it.
        let alerts: Vec<Value> = app_alerts
            .iter()
            .map(|(name, _)| *name)
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

/// The alerts of the "alerts" step that name a service: (alert name, namespace). Its lines are
/// `count name service namespace severity`, `-` where a label is missing.
fn app_alerts(text: &str) -> Vec<(&str, &str)> {
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 4 && f[2] != "-").then(|| (f[1], f[3]))
        })
        .collect()
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

    fn next(&mut self, messages: &[Message], tools: &[Value]) -> Result<Reply, AgentError> {
        if self.step == 0 {
            self.domain = domain_of(tools);
            if self.domain == crate::domain::Domain::Ciso {
                // The scenario is at /snapshot in every session, whatever the prompt calls it.
                self.ciso = Some(crate::domain::ciso::baseline::CisoBaseline::new(
                    "/snapshot",
                ));
            }
        }
        if let Some(c) = self.ciso.as_mut() {
            self.step += 1;
            return c.next(messages, tools);
        }
        let finops = self.domain == crate::domain::Domain::Finops;
        let plan = if finops {
            crate::domain::finops::baseline::playbook()
        } else {
            playbook()
        };
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
            Some((label, cmd)) => Reply::one_call(
                format!("Checking {label}."),
                self.step + 1,
                "code_exec",
                json!({"cmd": cmd}),
            ),
            None => Reply::one_call(
                "Submitting the diagnosis the evidence supports.",
                self.step + 1,
                "finish",
                if finops {
                    crate::domain::finops::baseline::diagnose(
                        self.seen
                            .iter()
                            .find(|(l, _)| l == "drill-down")
                            .map_or("", |(_, o)| o.as_str()),
                    )
                } else {
                    self.diagnose()
                },
            ),
        };
        self.step += 1;
        Ok(reply)
    }
}
