//! The report's view of domains: each domain's headline, and each question's domain and its
//! score in its domain's metric (SRE all-recall AP, FinOps root_cause_resource pass@1, CISO
//! criteria met of 4).

use super::RunReport;
use crate::domain::Domain;

/// Rows of the per-domain headline table: domain, metric, mean, stderr, questions, trials.
pub(super) fn headlines(r: &RunReport) -> Vec<[String; 6]> {
    r.results
        .rcabox
        .domains
        .iter()
        .map(|(d, s)| {
            let of = if s.max == 1.0 {
                String::new()
            } else {
                format!(" / {}", s.max)
            };
            [
                d.to_string(),
                s.metric.to_string(),
                format!("{:.3}{of}", s.mean),
                format!("{:.3}", s.std_error),
                s.incidents.to_string(),
                s.trials.to_string(),
            ]
        })
        .collect()
}

/// The domain of a question of the run (SRE when it has no trial).
pub(super) fn of(r: &RunReport, q: &str) -> Domain {
    r.results
        .trials()
        .find(|t| t.incident_id == q)
        .map_or(Domain::Sre, |t| t.domain)
}

/// A question's mean score in its domain's metric, as text (`2.50 / 4` for CISO).
pub(super) fn score(r: &RunReport, q: &str) -> (f64, String) {
    let ts: Vec<f64> = r
        .results
        .trials()
        .filter(|t| t.incident_id == q)
        .map(|t| t.headline())
        .collect();
    let mean = if ts.is_empty() {
        0.0
    } else {
        ts.iter().sum::<f64>() / ts.len() as f64
    };
    match of(r, q) {
        Domain::Ciso => (mean, format!("{mean:.2} / 4")),
        _ => (mean, format!("{mean:.3}")),
    }
}

/// One trial's score line for the trajectory view: AP, resource found, or criteria met.
pub(super) fn trial_line(t: &crate::score::results::Trial) -> String {
    match (&t.ciso, &t.resource) {
        (Some(c), _) => format!("criteria {}/4", c.met()),
        (None, Some(r)) => format!("root_cause_resource {}", r.calculation),
        (None, None) => format!("AP {:.3}", t.score.metrics.all_recall_ap),
    }
}
