//! FinOps' part of ITBench-Evaluations' results document: a trial's `scores` and the
//! criterion's name in `config.eval_criteria`.

use serde::Serialize;

use super::score::ResourceScore;

/// ITBench-Evaluations' `config.eval_criteria` for FinOps (upper case there, the metric key
/// lower case).
pub const EVAL_CRITERIA: [&str; 1] = ["ROOT_CAUSE_RESOURCE"];

/// The metric's key in `scores` and `statistics`.
pub const METRIC: &str = "root_cause_resource";

/// `scores` of one FinOps raw result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// The criterion.
    pub root_cause_resource: ResourceScore,
}

impl Scores {
    /// The values ITBench's aggregator collects: the criterion's `calculation`.
    pub fn flattened(&self) -> Vec<(&'static str, f64)> {
        vec![(METRIC, f64::from(self.root_cause_resource.calculation))]
    }
}
