//! `alerts/`: what Prometheus had firing, one file a minute, and the `alerts_in_alerting_state`
//! file the recorder writes at the end.
//!
//! A kube-prometheus stack always fires a handful of infrastructure alerts (Watchdog, the
//! control-plane targets it cannot scrape on a managed cluster, an expiring client
//! certificate, CPU throttling somewhere), so the application's alerts arrive among them. The
//! application's rules are the demo's (`RequestErrorRate`, where the ground truth says
//! `HighRequestErrorRate`), and they fire on some of the services the ground truth names, not
//! all: a rule needs its threshold crossed for its `for:` duration.

use std::path::Path;

use chrono::Duration;
use serde_json::{Value, json};

use super::telemetry::{INJECT_MIN, MINUTES, Plan};
use super::world::World;
use crate::snapshot::SnapshotError;

/// Alert names the demo's rules use for the ground truth's names.
const RULE_NAMES: &[(&str, &str)] = &[("HighRequestErrorRate", "RequestErrorRate")];

/// The rule name the demo fires for a ground-truth alert name.
fn rule_name(gt: &str) -> String {
    RULE_NAMES
        .iter()
        .find(|(name, _)| *name == gt)
        .map_or(gt, |(_, rule)| rule)
        .to_string()
}

/// A firing alert.
fn alert(labels: Value, description: String, active: &str, value: String) -> Value {
    json!({"labels": labels, "annotations": {"description": description}, "state": "firing", "activeAt": active, "value": value})
}

impl Plan {
    /// The infrastructure's standing alerts, active since before the window.
    fn standing_alerts(&self, w: &mut World, herring: &str, herring_pod: &str) -> Vec<Value> {
        let since = (self.start - Duration::minutes(41))
            .format("%Y-%m-%dT%H:%M:%S%.9fZ")
            .to_string();
        let prom = "prometheus/kube-prometheus-stack-prometheus";
        let ns = w.namespace.clone();
        vec![
            alert(
                json!({"alertname": "Watchdog", "prometheus": prom, "severity": "none"}),
                "This is an alert meant to ensure that the entire alerting pipeline is functional.\nThis alert is always firing, therefore it should always be firing in Alertmanager\nand always fire against a receiver.".into(),
                &since,
                "1e+00".into(),
            ),
            alert(
                json!({"alertname": "InfoInhibitor", "alertstate": "firing", "container": herring, "namespace": ns, "pod": herring_pod, "prometheus": prom, "severity": "none"}),
                "This is an alert that is used to inhibit info alerts.\nBy themselves, the info-level alerts are sometimes very noisy, but they are relevant when combined with\nother alerts.".into(),
                &since,
                "1e+00".into(),
            ),
            alert(
                json!({"alertname": "KubeClientCertificateExpiration", "job": "apiserver", "namespace": "default", "prometheus": prom, "service": "kubernetes", "severity": "warning"}),
                "A client certificate used to authenticate to kubernetes apiserver is expiring in less than 7.0 days.".into(),
                &since,
                format!("{:.4e}", 400_000.0 + 200_000.0 * w.unit()),
            ),
            alert(
                json!({"alertname": "KubeClientCertificateExpiration", "job": "apiserver", "namespace": "default", "prometheus": prom, "service": "kubernetes", "severity": "critical"}),
                "A client certificate used to authenticate to kubernetes apiserver is expiring in less than 24.0 hours.".into(),
                &since,
                format!("{:.4e}", 40_000.0 + 20_000.0 * w.unit()),
            ),
            alert(
                json!({"alertname": "PrometheusNotConnectedToAlertmanagers", "container": "prometheus", "namespace": "prometheus", "pod": "prometheus-kube-prometheus-stack-prometheus-0", "prometheus": prom, "severity": "warning"}),
                "Prometheus prometheus/prometheus-kube-prometheus-stack-prometheus-0 is not connected to any Alertmanagers.".into(),
                &since,
                "0e+00".into(),
            ),
            alert(
                json!({"alertname": "KubeSchedulerDown", "prometheus": prom, "severity": "critical"}),
                "KubeScheduler has disappeared from Prometheus target discovery.".into(),
                &since,
                "1e+00".into(),
            ),
            alert(
                json!({"alertname": "KubeControllerManagerDown", "prometheus": prom, "severity": "critical"}),
                "KubeControllerManager has disappeared from Prometheus target discovery.".into(),
                &since,
                "1e+00".into(),
            ),
            alert(
                json!({"alertname": "CPUThrottlingHigh", "container": herring, "namespace": ns, "pod": herring_pod, "prometheus": prom, "severity": "info"}),
                format!(
                    "{:.0}% throttling of CPU in namespace {ns} for container {herring} in pod {herring_pod} on cluster .",
                    25.0 + 10.0 * w.unit()
                ),
                &since,
                format!("{:.4}", 0.25 + 0.1 * w.unit()),
            ),
        ]
    }

    /// The ground truth's alerts that fire here: (rule name, service, minute it fires from).
    fn app_alerts(&self, w: &mut World) -> Vec<(String, String, i64)> {
        let mut out = Vec::new();
        for (i, (name, svc)) in self.alerts.iter().enumerate() {
            let first = self.chain.first() == Some(svc);
            // A rule fires only where its threshold held for its `for:` window; downstream of
            // the first failing service the rate often stays below it.
            if !first && w.unit() < 0.4 {
                continue;
            }
            out.push((rule_name(name), svc.clone(), INJECT_MIN + 2 + i as i64));
        }
        if out.is_empty()
            && let Some((name, svc)) = self.alerts.first()
        {
            out.push((rule_name(name), svc.clone(), INJECT_MIN + 2));
        }
        out
    }

    /// Writes `alerts/`.
    pub(super) fn write_alerts(&self, w: &mut World, out: &Path) -> Result<(), SnapshotError> {
        let herring = w
            .services
            .keys()
            .find(|s| !self.chain.contains(s) && !self.effects.contains_key(*s))
            .cloned()
            .unwrap_or_default();
        let herring_pod = w
            .services
            .get(&herring)
            .map(|s| s.pod.clone())
            .unwrap_or_default();
        let standing = self.standing_alerts(w, &herring, &herring_pod);
        let app = self.app_alerts(w);
        let ns = w.namespace.clone();
        let mut firing = Vec::new();
        for m in 0..=MINUTES {
            let t = self.minute(m) + Duration::microseconds(i64::from(w.rng_u32() % 1_000_000));
            firing = standing.clone();
            for (name, svc, from) in &app {
                if m < *from {
                    continue;
                }
                let rate = 0.01 + 0.2 * w.unit();
                let description = if name == "RequestErrorRate" {
                    format!(
                        "Request error rate in service {svc} in namespace {ns} is above 0 (current: {rate:.4})"
                    )
                } else {
                    format!("{name} is firing for service {svc} in namespace {ns}")
                };
                firing.push(alert(
                    json!({"alertname": name, "namespace": ns, "service_name": svc, "severity": "warning"}),
                    description,
                    &self.minute(*from).format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string(),
                    format!("{rate:.4}"),
                ));
            }
            let p = out.join("alerts").join(format!(
                "alerts_at_{}.json",
                t.format("%Y-%m-%dT%H-%M-%S%.6f")
            ));
            let text = serde_json::to_string(&firing).unwrap_or_default();
            std::fs::write(&p, text + "\n").map_err(|e| SnapshotError::io(&p, e))?;
        }
        let t = self.minute(MINUTES) + Duration::microseconds(23_904_312);
        let p = out.join("alerts").join(format!(
            "alerts_in_alerting_state_{}Z.json",
            t.format("%Y-%m-%dT%H%M%S%.6f")
        ));
        let text = serde_json::to_string(&json!({"status": "success", "data": {"alerts": firing}}))
            .unwrap_or_default();
        std::fs::write(&p, text + "\n").map_err(|e| SnapshotError::io(&p, e))
    }
}
