//! Metrics for one answer against one ground truth.

use serde::Serialize;

use super::matcher::{MatchDecision, Matcher};
use crate::answer::Answer;

/// The k values the @k metrics are reported at.
pub const KS: [usize; 5] = [1, 2, 3, 4, 5];

/// Precision, recall, F1 and the all-recall average precision of a prediction list.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Metrics {
    /// ITBench-AA headline: 0 if any root cause is missed, else correct / submitted.
    pub all_recall_ap: f64,
    /// Predictions that matched a root cause / predictions.
    pub precision: f64,
    /// Distinct root causes found / root causes.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

/// Metrics on the first k predictions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AtK {
    /// How many predictions were kept.
    pub k: usize,
    /// The metrics on them.
    #[serde(flatten)]
    pub metrics: Metrics,
}

/// The full score of one answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerScore {
    /// Headline metrics over all predictions.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// The same on the first k predictions, for k in [`KS`].
    pub at_k: Vec<AtK>,
    /// Root-cause classes of the ground truth.
    pub root_causes: Vec<String>,
    /// Predictions kept after dropping.
    pub submitted: usize,
    /// One decision per predicted name, in order.
    pub matches: Vec<MatchDecision>,
}

fn metrics(decisions: &[&MatchDecision], causes: usize) -> Metrics {
    let submitted = decisions.len();
    let correct = decisions.iter().filter(|d| d.root_cause.is_some()).count();
    let mut found: Vec<&str> = decisions
        .iter()
        .filter_map(|d| d.root_cause.as_deref())
        .collect();
    found.sort_unstable();
    found.dedup();
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let precision = ratio(correct, submitted);
    let recall = if causes == 0 {
        1.0
    } else {
        ratio(found.len(), causes)
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    // Distinct causes over all submissions: a second claim on the same cause only adds to the
    // denominator.
    let all_recall_ap = if found.len() == causes && submitted > 0 {
        ratio(found.len(), submitted)
    } else {
        0.0
    };
    Metrics {
        all_recall_ap,
        precision,
        recall,
        f1,
    }
}

/// Scores an answer; `None` (no answer, e.g. the turn cap) scores as an empty submission.
pub fn score_answer(matcher: &Matcher, answer: Option<&Answer>) -> AnswerScore {
    let names: Vec<&str> = answer.map(|a| a.predicted().collect()).unwrap_or_default();
    score_decisions(matcher.decide_all(&names), matcher.cause_classes())
}

/// The score of a list of match decisions (one per submitted name, in order) against the
/// ground truth's root-cause classes: what every domain's answers reduce to.
pub fn score_decisions(matches: Vec<MatchDecision>, root_causes: Vec<String>) -> AnswerScore {
    let kept: Vec<&MatchDecision> = matches.iter().filter(|d| !d.dropped).collect();
    let n = root_causes.len();
    AnswerScore {
        metrics: metrics(&kept, n),
        at_k: KS
            .iter()
            .map(|&k| AtK {
                k,
                metrics: metrics(&kept[..k.min(kept.len())], n),
            })
            .collect(),
        root_causes,
        submitted: kept.len(),
        matches,
    }
}
