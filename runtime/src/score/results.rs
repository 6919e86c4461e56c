//! The results document, `results.json`: ITBench-Evaluations' `raw_results`, `statistics` and
//! `config` exactly as its tooling writes them ([`super::itbench`]), and beside them, under the
//! key `rcabox` (in the document and in each raw result), rcabox's own headline (all-recall
//! AP), its per-question statistics over every metric, pass@k, turns, tokens and cost.

use std::collections::BTreeMap;

use serde::Serialize;

use super::aggregate::{Stat, pass_at_k};
use super::itbench::{self, EvalConfig, Scores, TrialScores};
use super::metrics::AnswerScore;
use crate::domain::Domain;
use crate::domain::finops::ResourceScore;

/// One episode's outcome: question, repeat, score and cost.
#[derive(Debug, Clone, Serialize)]
pub struct Trial {
    /// Question (incident) id.
    pub incident_id: String,
    /// The question's domain.
    pub domain: Domain,
    /// Repeat number, from 1.
    pub trial: usize,
    /// Whether the agent submitted an answer (not cut off at the turn cap or by an error).
    pub answered: bool,
    /// Model turns used.
    pub turns: usize,
    /// Input plus output tokens.
    pub tokens: u64,
    /// Cost in US dollars.
    pub cost_usd: f64,
    /// Wall time in milliseconds.
    pub wall_ms: u64,
    /// The score (a FinOps answer's resources as its names).
    pub score: AnswerScore,
    /// FinOps' `root_cause_resource`, for a FinOps question.
    #[serde(skip)]
    pub resource: Option<ResourceScore>,
    /// CISO's four criteria, for a CISO question (its `score` is then empty: no entities).
    #[serde(skip)]
    pub ciso: Option<crate::domain::ciso::results::Scores>,
    /// Why the episode ended in an error, if it did (written once, as ITBench's `error`).
    #[serde(skip)]
    pub error: Option<String>,
}

impl Trial {
    /// Whether the trial found every root cause (the pass criterion of pass@k).
    pub fn passed(&self) -> bool {
        if let Some(c) = &self.ciso {
            return c.met() == 4;
        }
        self.score.metrics.recall >= 1.0 && self.score.submitted > 0
    }

    /// Named numeric metrics, the unit that statistics are computed over.
    fn values(&self) -> Vec<(String, f64)> {
        let m = &self.score.metrics;
        let mut v = Vec::new();
        if let Some(c) = &self.ciso {
            v.push(("criteria_met".to_string(), c.met() as f64));
            for (name, x) in c.named() {
                v.push((name.to_string(), f64::from(x.calculation)));
            }
            self.push_costs(&mut v);
            return v;
        }
        v.extend([
            ("all_recall_ap".to_string(), m.all_recall_ap),
            ("precision".to_string(), m.precision),
            ("recall".to_string(), m.recall),
            ("f1".to_string(), m.f1),
        ]);
        for a in &self.score.at_k {
            let (k, mk) = (a.k, &a.metrics);
            v.push((format!("all_recall_ap@{k}"), mk.all_recall_ap));
            v.push((format!("precision@{k}"), mk.precision));
            v.push((format!("recall@{k}"), mk.recall));
            v.push((format!("f1@{k}"), mk.f1));
        }
        self.push_costs(&mut v);
        v
    }

    fn push_costs(&self, v: &mut Vec<(String, f64)>) {
        v.push(("turns".to_string(), self.turns as f64));
        v.push(("tokens".to_string(), self.tokens as f64));
        v.push(("cost_usd".to_string(), self.cost_usd));
        v.push(("wall_s".to_string(), self.wall_ms as f64 / 1000.0));
    }

    /// This trial's value of its domain's headline ([`DomainSummary::metric`]).
    pub fn headline(&self) -> f64 {
        match (&self.ciso, &self.resource) {
            (Some(c), _) => c.met() as f64,
            (None, Some(r)) => f64::from(r.calculation),
            (None, None) => self.score.metrics.all_recall_ap,
        }
    }
}

/// Per-question statistics.
#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    /// Each metric's mean and spread over the repeats.
    pub metrics: BTreeMap<String, Stat>,
    /// Repeats run.
    pub trials: usize,
    /// Repeats that found every root cause.
    pub passed: usize,
    /// pass@k for k = 1..trials.
    pub pass_at_k: BTreeMap<String, f64>,
}

/// One raw result: ITBench's fields, and rcabox's trial record under `rcabox`.
#[derive(Debug, Clone, Serialize)]
pub struct RawResult {
    /// Question id.
    pub incident_id: String,
    /// Repeat number as text, as ITBench names trials.
    pub trial_id: String,
    /// ITBench's scores in the question's domain's shape.
    pub scores: TrialScores,
    /// Why the episode ended in an error; absent otherwise. Its scores are still those of
    /// what it submitted (nothing, usually), so it counts as a failure, not as missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// rcabox's record of the trial.
    pub rcabox: Trial,
}

impl From<Trial> for RawResult {
    fn from(t: Trial) -> Self {
        RawResult {
            incident_id: t.incident_id.clone(),
            trial_id: t.trial.to_string(),
            scores: match (&t.ciso, &t.resource) {
                (Some(c), _) => TrialScores::Ciso(c.clone()),
                (None, Some(r)) => TrialScores::Finops(crate::domain::finops::results::Scores {
                    root_cause_resource: r.clone(),
                }),
                (None, None) => TrialScores::Sre(Scores::from_decisions(
                    &t.score.matches,
                    t.score.root_causes.clone(),
                )),
            },
            error: t.error.clone(),
            rcabox: t,
        }
    }
}

/// The results document.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// One entry per trial, ordered by question then repeat.
    pub raw_results: Vec<RawResult>,
    /// ITBench's per-incident and overall statistics of the entity metrics.
    pub statistics: itbench::Statistics,
    /// ITBench's `config`.
    pub config: EvalConfig,
    /// rcabox's headline and statistics.
    pub rcabox: Summary,
}

impl Results {
    /// rcabox's record of every trial, in order.
    pub fn trials(&self) -> impl Iterator<Item = &Trial> {
        self.raw_results.iter().map(|r| &r.rcabox)
    }
}

/// rcabox's part of the results document.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Mean all-recall AP over every question and repeat (the ITBench-AA headline).
    pub all_recall_ap: f64,
    /// Standard error of the headline over questions (per-question means).
    pub all_recall_ap_std_error: f64,
    /// Questions scored.
    pub incidents: usize,
    /// Trials scored.
    pub trials: usize,
    /// Keyed by question id: every metric's mean and spread over the repeats (sample
    /// standard deviation), and pass@k.
    pub per_incident: BTreeMap<String, Incident>,
    /// Macro average over questions of each per-question mean (`std_error` over questions),
    /// each metric over the questions that report it; pass@k only when every question has k
    /// repeats.
    pub overall: BTreeMap<String, Stat>,
    /// Each domain's headline, keyed by domain (`sre`, `finops`, `ciso`), for the domains
    /// present.
    pub domains: BTreeMap<&'static str, DomainSummary>,
}

/// One domain's headline: its metric's macro average over the domain's questions (the mean
/// over repeats first).
#[derive(Debug, Clone, Serialize)]
pub struct DomainSummary {
    /// `all_recall_ap` (SRE), `root_cause_resource_pass@1` (FinOps: the share of trials
    /// naming the anomalous resource), `criteria_met` (CISO: criteria met of 4).
    pub metric: &'static str,
    /// The mean.
    pub mean: f64,
    /// Standard error over questions (0 for one question).
    pub std_error: f64,
    /// The best value a trial can have (1, or 4 for CISO's criteria).
    pub max: f64,
    /// Questions.
    pub incidents: usize,
    /// Trials.
    pub trials: usize,
}

/// The headline of the trials of one domain.
fn domain_summary(domain: Domain, trials: &[&Trial]) -> DomainSummary {
    let mut by_q: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for t in trials {
        by_q.entry(&t.incident_id).or_default().push(t.headline());
    }
    let means: Vec<f64> = by_q.values().map(|xs| Stat::of(xs).mean).collect();
    let stat = Stat::of(&means);
    let (metric, max) = match domain {
        Domain::Sre => ("all_recall_ap", 1.0),
        Domain::Finops => ("root_cause_resource_pass@1", 1.0),
        Domain::Ciso => ("criteria_met", 4.0),
    };
    DomainSummary {
        metric,
        mean: stat.mean,
        std_error: stat.std_error,
        max,
        incidents: by_q.len(),
        trials: trials.len(),
    }
}

/// Aggregates trials.
pub fn aggregate(mut trials: Vec<Trial>) -> Results {
    trials.sort_by(|a, b| (&a.incident_id, a.trial).cmp(&(&b.incident_id, b.trial)));
    let mut by_q: BTreeMap<String, Vec<&Trial>> = BTreeMap::new();
    for t in &trials {
        by_q.entry(t.incident_id.clone()).or_default().push(t);
    }
    let mut per_incident = BTreeMap::new();
    for (q, ts) in &by_q {
        let mut values: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for t in ts {
            for (k, v) in t.values() {
                values.entry(k).or_default().push(v);
            }
        }
        let n = ts.len();
        let c = ts.iter().filter(|t| t.passed()).count();
        per_incident.insert(
            q.clone(),
            Incident {
                metrics: values
                    .iter()
                    .map(|(k, xs)| (k.clone(), Stat::of(xs)))
                    .collect(),
                trials: n,
                passed: c,
                pass_at_k: (1..=n)
                    .filter_map(|k| pass_at_k(n, c, k).map(|p| (format!("pass@{k}"), p)))
                    .collect(),
            },
        );
    }
    let mut means: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for inc in per_incident.values() {
        for (k, s) in &inc.metrics {
            means.entry(k.clone()).or_default().push(s.mean);
        }
        for (k, p) in &inc.pass_at_k {
            means.entry(k.clone()).or_default().push(*p);
        }
    }
    // pass@k exists only where every question has k repeats, or the macro mean is skewed. A
    // metric is over the questions that report it: CISO questions rank no entities, and a run
    // with them still gives the entity metrics of the others (`overall.all_recall_ap`).
    let overall: BTreeMap<String, Stat> = means
        .iter()
        .filter(|(k, xs)| !k.starts_with("pass@") || xs.len() == per_incident.len())
        .map(|(k, xs)| (k.clone(), Stat::of(xs)))
        .collect();
    // CISO questions have no entities to rank: the AP headline is over the others (and its
    // spread over their questions, which all have it).
    let head = means
        .get("all_recall_ap")
        .map_or(Stat::of(&[]), |xs| Stat::of(xs));
    let all: Vec<f64> = trials
        .iter()
        .filter(|t| t.ciso.is_none())
        .map(|t| t.score.metrics.all_recall_ap)
        .collect();
    let domains = Domain::ALL
        .iter()
        .filter_map(|&d| {
            let ts: Vec<&Trial> = trials.iter().filter(|t| t.domain == d).collect();
            (!ts.is_empty()).then(|| (d.name(), domain_summary(d, &ts)))
        })
        .collect();
    let summary = Summary {
        all_recall_ap: Stat::of(&all).mean,
        all_recall_ap_std_error: head.std_error,
        incidents: per_incident.len(),
        trials: trials.len(),
        per_incident,
        overall,
        domains,
    };
    let mut domains: Vec<Domain> = trials.iter().map(|t| t.domain).collect();
    domains.sort();
    domains.dedup();
    let raw_results: Vec<RawResult> = trials.into_iter().map(RawResult::from).collect();
    let statistics = itbench::statistics(
        raw_results
            .iter()
            .map(|r| (r.incident_id.as_str(), &r.scores, r.error.is_some())),
    );
    Results {
        raw_results,
        statistics,
        config: EvalConfig::for_domains(&domains),
        rcabox: summary,
    }
}
