//! ITBench-Evaluations' results format, field for field: what `itbench_evaluations` writes as
//! `raw_results`, `statistics` and `config` (its `__main__.py`, `agent.py`, `aggregator.py` and
//! `namespace_filter.py`), so its aggregator and the leaderboards built on it read rcabox's
//! `results.json` unchanged.
//!
//! Only the deterministic entity metrics exist here: `root_cause_entity`, the legacy
//! `root_cause_entity_k` (k = 3) and `root_cause_entity_k@1..@5`. The judge-only metrics
//! (reasoning, propagation chain, proximity) need an LLM judge and are written as `null`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::MatchDecision;
use super::metrics::KS;
use crate::domain::Domain;

/// The k of ITBench's legacy `root_cause_entity_k` metric (its `--k` default).
pub const LEGACY_K: usize = 3;

/// The criteria rcabox evaluates, in ITBench's names (`config.eval_criteria`).
pub const EVAL_CRITERIA: [&str; 1] = ["ROOT_CAUSE_ENTITY"];

/// One prediction as ITBench's judge records it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictedEntity {
    /// The name as submitted.
    pub entity: String,
    /// Whether it names a ground-truth root cause.
    pub matches_gt: bool,
    /// The ground-truth entity it matched (absent when it matched none, as ITBench writes it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_to: Option<String>,
}

/// Precision, recall and F1 under ITBench's field names.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Calculation {
    /// Correct predictions / predictions.
    pub calculation_precision: f64,
    /// Distinct ground-truth entities found / ground-truth entities.
    pub calculation_recall: f64,
    /// Harmonic mean of the two.
    pub calculation_f1: f64,
}

impl Calculation {
    /// ITBench's `recalculate_entity_metrics`: precision counts every matching prediction,
    /// recall each ground-truth entity once, and no prediction or no ground truth gives zeros.
    pub fn of(predicted: &[PredictedEntity], gt_count: usize) -> Calculation {
        if predicted.is_empty() || gt_count == 0 {
            return Calculation {
                calculation_precision: 0.0,
                calculation_recall: 0.0,
                calculation_f1: 0.0,
            };
        }
        let tp = predicted.iter().filter(|e| e.matches_gt).count();
        let mut found: Vec<&str> = predicted
            .iter()
            .filter(|e| e.matches_gt)
            .filter_map(|e| e.matched_to.as_deref())
            .collect();
        found.sort_unstable();
        found.dedup();
        let precision = tp as f64 / predicted.len() as f64;
        let recall = found.len() as f64 / gt_count as f64;
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Calculation {
            calculation_precision: precision,
            calculation_recall: recall,
            calculation_f1: f1,
        }
    }
}

/// `scores.root_cause_entity`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityScore {
    /// The ground truth's root-cause entities (one per alias class).
    pub gt_entities: Vec<String>,
    /// The predictions left after the infrastructure-namespace filter, in submitted order.
    pub predicted_entities: Vec<PredictedEntity>,
    /// The metrics over them.
    #[serde(flatten)]
    pub calculation: Calculation,
    /// Why each prediction matched or not (rcabox's matcher, in place of the judge's prose).
    pub justification: String,
}

/// `scores` of one raw result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// The entity metric over all predictions.
    pub root_cause_entity: EntityScore,
    /// The legacy entity@k metric at k = [`LEGACY_K`].
    pub root_cause_entity_k: Calculation,
    /// `root_cause_entity_k@1` ... `@5`.
    #[serde(flatten)]
    pub at_k: BTreeMap<String, Calculation>,
    /// Judge-only: always null here.
    pub root_cause_reasoning: Option<f64>,
    /// Judge-only: always null here.
    pub propagation_chain: Option<f64>,
}

impl Scores {
    /// ITBench's scores from rcabox's match decisions, infrastructure namespaces dropped.
    pub fn from_decisions(decisions: &[MatchDecision], gt_entities: Vec<String>) -> Scores {
        let predicted: Vec<PredictedEntity> = decisions
            .iter()
            .filter(|d| !d.dropped)
            .map(|d| PredictedEntity {
                entity: d.submitted.clone(),
                matches_gt: d.root_cause.is_some(),
                matched_to: d.root_cause.clone(),
            })
            .collect();
        let n = gt_entities.len();
        let top = |k: usize| Calculation::of(&predicted[..k.min(predicted.len())], n);
        let justification = decisions
            .iter()
            .map(|d| format!("{}: {}", d.submitted, d.explanation))
            .collect::<Vec<_>>()
            .join("\n");
        let calculation = Calculation::of(&predicted, n);
        let root_cause_entity_k = top(LEGACY_K);
        let at_k = KS
            .iter()
            .map(|&k| (format!("root_cause_entity_k@{k}"), top(k)))
            .collect();
        Scores {
            root_cause_entity: EntityScore {
                calculation,
                gt_entities,
                predicted_entities: predicted,
                justification,
            },
            root_cause_entity_k,
            at_k,
            root_cause_reasoning: None,
            propagation_chain: None,
        }
    }

    /// The values ITBench's aggregator collects from these scores, under its flattened names
    /// (`root_cause_entity_precision`, ..., `root_cause_entity_k_f1`).
    pub fn flattened(&self) -> [(&'static str, f64); 6] {
        let (e, k) = (
            &self.root_cause_entity.calculation,
            &self.root_cause_entity_k,
        );
        [
            ("root_cause_entity_precision", e.calculation_precision),
            ("root_cause_entity_recall", e.calculation_recall),
            ("root_cause_entity_f1", e.calculation_f1),
            ("root_cause_entity_k_precision", k.calculation_precision),
            ("root_cause_entity_k_recall", k.calculation_recall),
            ("root_cause_entity_k_f1", k.calculation_f1),
        ]
    }
}

/// `scores` of one raw result in its domain's shape (serialized as that shape alone).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TrialScores {
    /// SRE's entity metrics.
    Sre(Scores),
    /// FinOps' `root_cause_resource`.
    Finops(crate::domain::finops::results::Scores),
    /// CISO's four criteria.
    Ciso(crate::domain::ciso::results::Scores),
}

impl TrialScores {
    /// The values ITBench's aggregator collects, under its flattened names.
    pub fn flattened(&self) -> Vec<(&'static str, f64)> {
        match self {
            TrialScores::Sre(s) => s.flattened().to_vec(),
            TrialScores::Finops(s) => s.flattened(),
            // ITBench-Evaluations' CISO aggregator takes each criterion's `calculation`.
            TrialScores::Ciso(s) => s
                .named()
                .iter()
                .map(|(name, c)| (*name, f64::from(c.calculation)))
                .collect(),
        }
    }
}

/// The metrics ITBench's aggregator gives a `pass@1` (its `pass_at_1_metrics`; the SRE ones
/// are stored under other flattened names, so only FinOps' gets one in practice).
pub const PASS_AT_1: [&str; 4] = [
    "root_cause_entity",
    "root_cause_entity_k",
    "fault_localization_component_identification",
    "root_cause_resource",
];

/// Per-incident statistics of one metric: population standard deviation (numpy's default,
/// ddof 0) over sqrt(n), as ITBench's aggregator computes it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IncidentStat {
    /// Mean over the trials.
    pub mean: f64,
    /// `np.std(scores) / sqrt(n)`.
    pub stderr: f64,
    /// Trials.
    pub n: usize,
    /// Fraction of trials scoring exactly 1, for the [`PASS_AT_1`] metrics.
    #[serde(rename = "pass@1", skip_serializing_if = "Option::is_none")]
    pub pass_at_1: Option<f64>,
}

/// Overall statistics of one metric: the macro average over incidents and the sample standard
/// error of the incident means (`scipy.stats.sem`, ddof 1), null for a single incident.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OverallStat {
    /// Mean of the per-incident means.
    pub mean: f64,
    /// Standard error of the per-incident means.
    pub stderr: Option<f64>,
    /// Incidents.
    pub n_incidents: usize,
    /// Mean over incidents of their `pass@1`, for the [`PASS_AT_1`] metrics.
    #[serde(rename = "pass@1", skip_serializing_if = "Option::is_none")]
    pub pass_at_1: Option<f64>,
}

/// `statistics.overall`: one entry per metric plus `total_bad_runs`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overall {
    /// Keyed by flattened metric name.
    #[serde(flatten)]
    pub metrics: BTreeMap<String, OverallStat>,
    /// Trials whose episode ended in an error (ITBench: unreadable or failed runs).
    pub total_bad_runs: usize,
}

/// `statistics`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistics {
    /// Keyed by incident id, then by flattened metric name.
    pub per_incident: BTreeMap<String, BTreeMap<String, IncidentStat>>,
    /// Macro averages.
    pub overall: Overall,
}

/// `config`. Paths are relative to the run directory, so a run's results do not depend on
/// where it was written (shards merged elsewhere give the same bytes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalConfig {
    /// The run's domain (`sre`, `finops`, `ciso`), or `all` when it holds several (each raw
    /// result then names its own under `rcabox.domain`).
    pub domain: &'static str,
    /// Where the ground truths are.
    pub ground_truth_path: &'static str,
    /// Where the agent outputs are.
    pub outputs_path: &'static str,
    /// [`EVAL_CRITERIA`].
    pub eval_criteria: Vec<&'static str>,
    /// [`LEGACY_K`].
    pub k: usize,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            domain: "sre",
            ground_truth_path: "ground_truth",
            outputs_path: "episodes",
            eval_criteria: EVAL_CRITERIA.to_vec(),
            k: LEGACY_K,
        }
    }
}

impl EvalConfig {
    /// The configuration of a run over `domains` (each listed once, in [`Domain::ALL`] order);
    /// no domain is SRE's.
    pub fn for_domains(domains: &[Domain]) -> Self {
        let domain = match domains {
            [] => "sre",
            [d] => d.name(),
            _ => "all",
        };
        let mut eval_criteria = Vec::new();
        for d in domains {
            match d {
                Domain::Sre => eval_criteria.extend(EVAL_CRITERIA),
                Domain::Finops => {
                    eval_criteria.extend(crate::domain::finops::results::EVAL_CRITERIA)
                }
                Domain::Ciso => eval_criteria.extend(crate::domain::ciso::results::CRITERIA),
            }
        }
        if eval_criteria.is_empty() {
            eval_criteria.extend(EVAL_CRITERIA);
        }
        EvalConfig {
            domain,
            eval_criteria,
            ..EvalConfig::default()
        }
    }
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// Squared deviations from the mean, summed.
fn sum_sq(xs: &[f64]) -> f64 {
    let m = mean(xs);
    xs.iter().map(|x| (x - m).powi(2)).sum()
}

/// ITBench's `calculate_statistics` over `(incident id, scores, bad run)` triples in trial
/// order.
pub fn statistics<'a>(
    trials: impl IntoIterator<Item = (&'a str, &'a TrialScores, bool)>,
) -> Statistics {
    let mut values: BTreeMap<&str, BTreeMap<&'static str, Vec<f64>>> = BTreeMap::new();
    let mut bad = 0;
    for (incident, scores, is_bad) in trials {
        bad += usize::from(is_bad);
        let m = values.entry(incident).or_default();
        for (name, v) in scores.flattened() {
            m.entry(name).or_default().push(v);
        }
    }
    let per_incident: BTreeMap<String, BTreeMap<String, IncidentStat>> = values
        .iter()
        .map(|(q, m)| {
            let stats = m
                .iter()
                .map(|(name, xs)| {
                    let n = xs.len();
                    let stderr = (sum_sq(xs) / n as f64).sqrt() / (n as f64).sqrt();
                    let pass_at_1 = PASS_AT_1
                        .contains(name)
                        .then(|| xs.iter().filter(|x| **x == 1.0).count() as f64 / n as f64);
                    (
                        name.to_string(),
                        IncidentStat {
                            mean: mean(xs),
                            stderr,
                            n,
                            pass_at_1,
                        },
                    )
                })
                .collect();
            (q.to_string(), stats)
        })
        .collect();
    let mut means: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for m in per_incident.values() {
        for (name, s) in m {
            let e = means.entry(name.clone()).or_default();
            e.0.push(s.mean);
            e.1.extend(s.pass_at_1);
        }
    }
    let metrics = means
        .into_iter()
        .map(|(name, (xs, passes))| {
            let n = xs.len();
            let stderr = (n > 1).then(|| (sum_sq(&xs) / (n - 1) as f64).sqrt() / (n as f64).sqrt());
            let stat = OverallStat {
                mean: mean(&xs),
                stderr,
                n_incidents: n,
                pass_at_1: (!passes.is_empty()).then(|| mean(&passes)),
            };
            (name, stat)
        })
        .collect();
    Statistics {
        per_incident,
        overall: Overall {
            metrics,
            total_bad_runs: bad,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(entity: &str, to: Option<&str>) -> PredictedEntity {
        PredictedEntity {
            entity: entity.into(),
            matches_gt: to.is_some(),
            matched_to: to.map(Into::into),
        }
    }

    #[test]
    fn recall_counts_each_entity_once() {
        // Two claims on one of two entities, one wrong: precision 2/3, recall 1/2.
        let c = Calculation::of(&[p("a", Some("g1")), p("b", Some("g1")), p("c", None)], 2);
        assert!((c.calculation_precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.calculation_recall - 0.5).abs() < 1e-12);
        assert_eq!(Calculation::of(&[], 2).calculation_f1, 0.0);
    }

    #[test]
    fn stderr_is_population_per_incident_and_sample_overall() {
        let s = |prec: f64| {
            let c = Calculation {
                calculation_precision: prec,
                calculation_recall: prec,
                calculation_f1: prec,
            };
            TrialScores::Sre(Scores {
                root_cause_entity: EntityScore {
                    gt_entities: vec![],
                    predicted_entities: vec![],
                    calculation: c,
                    justification: String::new(),
                },
                root_cause_entity_k: c,
                at_k: BTreeMap::new(),
                root_cause_reasoning: None,
                propagation_chain: None,
            })
        };
        let (a, b, c, d) = (s(1.0), s(0.0), s(0.5), s(0.5));
        let st = statistics([
            ("q1", &a, false),
            ("q1", &b, true),
            ("q2", &c, false),
            ("q2", &d, false),
        ]);
        let q1 = st.per_incident["q1"]["root_cause_entity_precision"];
        // np.std([1, 0]) = 0.5; / sqrt(2).
        assert!((q1.stderr - 0.5 / 2f64.sqrt()).abs() < 1e-12);
        let o = st.overall.metrics["root_cause_entity_precision"];
        // Means 0.5 and 0.5: sem 0.
        assert_eq!((o.mean, o.stderr, o.n_incidents), (0.5, Some(0.0), 2));
        assert_eq!(st.overall.total_bad_runs, 1);
        let one = statistics([("q1", &a, false)]);
        assert_eq!(one.overall.metrics["root_cause_entity_f1"].stderr, None);
    }
}
