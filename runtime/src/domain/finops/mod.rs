//! FinOps: a cloud cost anomaly. The snapshot is ITBench-Lite's layout read unchanged:
//! `anomaly.json` (`{"date": "2025-10-13", "account_id": "49tAGZz"}`), `data.csv` (daily cost
//! rows down the hierarchy account > CSP > service > application > instance family) and, for
//! the scorer only, `ground_truth.yaml` (`resource: [{name, type}]`). The agent answers
//! `{"resource": [{"name": ..., "type": ...}]}`; [`score`] computes ITBench-Evaluations'
//! `root_cause_resource`.

pub mod baseline;
pub mod generate;
pub mod prompt;
pub mod resource;
pub mod results;
pub mod score;

pub use resource::{GroundTruth, Resource};
pub use score::{ResourceScore, score};

/// The anomaly to explain: its date and account.
pub const ANOMALY: &str = "anomaly.json";

/// The cost history.
pub const DATA: &str = "data.csv";

/// The answer key, read by the scorer only (hidden like SRE's).
pub const GROUND_TRUTH: &str = "ground_truth.yaml";

/// `data.csv`'s header, in ITBench-Lite's order.
pub const COLUMNS: [&str; 9] = [
    "date",
    "Account ID",
    "CSP",
    "Cloud_Service",
    "Application",
    "Instance_Family",
    "Price ($/hr)",
    "Num_Instances",
    "unblended_cost",
];
