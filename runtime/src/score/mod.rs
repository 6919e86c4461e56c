//! Scoring: match a diagnosis to the ground truth and compute ITBench's metrics.
//!
//! [`names`] normalises what agents write, [`matcher::Matcher`] decides deterministically which
//! ground-truth group each name denotes (and explains why), [`metrics::score_answer`] turns the
//! decisions into the all-recall average precision, precision, recall and F1 (also at k = 1..5),
//! and [`results`] aggregates trials over repeats and questions into ITBench-Evaluations'
//! results JSON.

pub mod aggregate;
pub mod itbench;
pub mod matcher;
pub mod metrics;
pub mod names;
pub mod results;

pub use matcher::{MatchDecision, Matcher};
pub use metrics::{AnswerScore, Metrics, score_answer};
