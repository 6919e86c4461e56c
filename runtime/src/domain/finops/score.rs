//! ITBench-Evaluations' `root_cause_resource`: 1 when every ground-truth resource is named by
//! the answer with its type, else 0.
//!
//! ITBench-Evaluations asks an LLM judge (`prompts/finops_main.py`): "a confident match ONLY IF
//! its `name` and `type` ... clearly and unambiguously correspond", "1 for a match of all
//! resources in the list, 0 otherwise". rcabox decides the same deterministically: a name
//! matches when it is equal after trimming (case kept: the judge's own example is `xyZts`), a
//! type when it names the same level of the hierarchy ([`super::resource::level`]: `Instance
//! Family`, `instance_family` and `InstanceFamily` are one). Extra resources in the answer do
//! not lower the score, as the rubric does not count them; they lower precision and the
//! all-recall AP rcabox reports beside it.

use serde::Serialize;

use super::resource::{GroundTruth, Resource, level};
use crate::answer::Answer;
use crate::score::MatchDecision;
use crate::score::metrics::{AnswerScore, score_decisions};

/// `scores.root_cause_resource` of one trial, in ITBench-Evaluations' shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceScore {
    /// 1 when every ground-truth resource was found, else 0.
    pub calculation: u8,
    /// Why, one line a ground-truth resource.
    pub justification: String,
    /// The resources compared.
    pub details: Details,
}

/// What was compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Details {
    /// The ground truth's resources.
    pub gt_resources: Vec<Resource>,
    /// The answer's resources, as submitted.
    pub predicted_resources: Vec<Resource>,
    /// The ground-truth resources no prediction matched.
    pub missing: Vec<Resource>,
}

/// Whether a prediction names a ground-truth resource.
pub fn matches(predicted: &Resource, truth: &Resource) -> bool {
    predicted.name.trim() == truth.name.trim() && level(&predicted.kind) == level(&truth.kind)
}

/// The answer's resources (none when there is no answer or it is not a FinOps answer).
pub fn predicted(answer: Option<&Answer>) -> &[Resource] {
    answer.and_then(|a| a.resource.as_deref()).unwrap_or(&[])
}

/// Scores the answer's resources against the ground truth.
pub fn score(gt: &GroundTruth, predicted: &[Resource]) -> ResourceScore {
    let mut lines = Vec::new();
    let mut missing = Vec::new();
    for t in &gt.resource {
        match predicted.iter().find(|p| matches(p, t)) {
            Some(p) => lines.push(format!(
                "{} ({}): matched by {} ({})",
                t.name, t.kind, p.name, p.kind
            )),
            None => {
                let near = predicted
                    .iter()
                    .find(|p| p.name.trim() == t.name.trim())
                    .map(|p| format!("; named with type {}, which is not {}", p.kind, t.kind))
                    .or_else(|| {
                        predicted
                            .iter()
                            .find(|p| p.name.trim().eq_ignore_ascii_case(t.name.trim()))
                            .map(|p| format!("; {} differs in case", p.name))
                    })
                    .unwrap_or_default();
                lines.push(format!("{} ({}): not found{near}", t.name, t.kind));
                missing.push(t.clone());
            }
        }
    }
    if predicted.is_empty() {
        lines.push("no resource submitted".into());
    }
    ResourceScore {
        calculation: u8::from(missing.is_empty() && !predicted.is_empty()),
        justification: lines.join("\n"),
        details: Details {
            gt_resources: gt.resource.clone(),
            predicted_resources: predicted.to_vec(),
            missing,
        },
    }
}

/// The key a ground-truth resource is counted under in rcabox's metrics.
fn key(r: &Resource) -> String {
    format!("{}/{}", level(&r.kind), r.name.trim())
}

/// rcabox's metrics of a FinOps answer (precision, recall and all-recall AP over resources):
/// one decision per submitted resource, so the shared report reads FinOps trials as it reads
/// SRE ones; full recall is `root_cause_resource` = 1.
pub fn answer_score(gt: &GroundTruth, answer: Option<&Answer>) -> AnswerScore {
    let decisions: Vec<MatchDecision> = predicted(answer)
        .iter()
        .map(|p| {
            let hit = gt.resource.iter().find(|t| matches(p, t));
            MatchDecision {
                submitted: format!("{} ({})", p.name, p.kind),
                normalized: Some(key(p)),
                group: hit.map(key),
                root_cause: hit.map(key),
                dropped: false,
                explanation: match hit {
                    Some(t) => format!("matches ground-truth {} ({})", t.name, t.kind),
                    None => "matches no ground-truth resource by name and type".into(),
                },
            }
        })
        .collect();
    let mut causes: Vec<String> = gt.resource.iter().map(key).collect();
    causes.sort();
    causes.dedup();
    score_decisions(decisions, causes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(name: &str, kind: &str) -> Resource {
        Resource {
            name: name.into(),
            kind: kind.into(),
        }
    }

    fn gt(rs: &[Resource]) -> GroundTruth {
        GroundTruth {
            resource: rs.to_vec(),
        }
    }

    #[test]
    fn root_cause_resource_on_hand_made_cases() {
        let truth = gt(&[r("c6i.4xlarge", "Instance Family")]);
        let s = |p: &[Resource]| score(&truth, p).calculation;
        // Match, with the type in another spelling.
        assert_eq!(s(&[r("c6i.4xlarge", "instance_family")]), 1);
        assert_eq!(s(&[r(" c6i.4xlarge ", "InstanceFamily")]), 1);
        // Wrong type.
        let wrong = score(&truth, &[r("c6i.4xlarge", "Application")]);
        assert_eq!(wrong.calculation, 0);
        assert!(
            wrong.justification.contains("type Application"),
            "{}",
            wrong.justification
        );
        // Missing, and nothing submitted.
        assert_eq!(s(&[r("m5.large", "Instance Family")]), 0);
        assert_eq!(s(&[]), 0);
        // Extra resources do not count against it.
        assert_eq!(
            s(&[
                r("m5.large", "Instance Family"),
                r("c6i.4xlarge", "Instance Family")
            ]),
            1
        );
        // Names keep their case.
        let case = score(&truth, &[r("C6I.4XLARGE", "Instance Family")]);
        assert_eq!(case.calculation, 0);
        assert!(case.justification.contains("differs in case"));
        // Every ground-truth resource must be found.
        let two = gt(&[r("billing", "Application"), r("AWS", "CSP")]);
        assert_eq!(score(&two, &[r("billing", "Application")]).calculation, 0);
        assert_eq!(
            score(&two, &[r("AWS", "csp"), r("billing", "app")]).calculation,
            1
        );
    }

    #[test]
    fn rcabox_metrics_agree_with_the_criterion() {
        let truth = gt(&[r("billing", "Application")]);
        let a = Answer {
            resource: Some(vec![r("billing", "Application"), r("x", "CSP")]),
            ..Answer::default()
        };
        let s = answer_score(&truth, Some(&a));
        assert_eq!(s.metrics.recall, 1.0);
        assert_eq!(s.metrics.precision, 0.5);
        assert_eq!(s.metrics.all_recall_ap, 0.5);
        assert_eq!(answer_score(&truth, None).metrics.recall, 0.0);
    }
}
