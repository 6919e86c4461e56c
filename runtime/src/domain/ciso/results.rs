//! ITBench-Evaluations' CISO results, field for field: one trial's result as `ciso.py`'s
//! `_create_result` builds it, and the document `__main__.py` writes (`raw_results`,
//! `statistics` from `aggregator.py`, `config` with `domain: "ciso"`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The four criteria in ITBench-Evaluations' order (`CISO_EVAL_CRITERIA`).
pub const CRITERIA: [&str; 4] = [
    "required_files_exist",
    "fetch_generates_data",
    "violation_detection",
    "compliance_validation",
];

/// The justification of a criterion not reached because an earlier one failed.
pub const NOT_ATTEMPTED: &str = "Not attempted because the prerequisite was not met.";

/// One criterion's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// 1 when met, else 0.
    pub calculation: u8,
    /// Why, in ITBench-Evaluations' words.
    pub justification: String,
    /// `{"opa_result": value}` for the two OPA criteria, else empty.
    pub details: Map<String, Value>,
}

impl Criterion {
    /// A criterion met (`true`) or not, with its justification and no details.
    pub fn new(met: bool, justification: impl Into<String>) -> Self {
        Criterion {
            calculation: u8::from(met),
            justification: justification.into(),
            details: Map::new(),
        }
    }

    /// An OPA criterion: its details record the value opa gave (`null` when none).
    pub fn opa(met: bool, justification: impl Into<String>, value: Option<&Value>) -> Self {
        let mut c = Criterion::new(met, justification);
        c.details
            .insert("opa_result".into(), value.cloned().unwrap_or(Value::Null));
        c
    }

    fn not_attempted() -> Self {
        Criterion::new(false, NOT_ATTEMPTED)
    }
}

/// The four criteria of one trial, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// `fetch.sh` and `policy.rego` exist in the agent's working directory.
    pub required_files_exist: Criterion,
    /// `./fetch.sh` exits 0 within the time limit and writes valid JSON to
    /// `collected_data.json`.
    pub fetch_generates_data: Criterion,
    /// `data.check.result` is `false` over the violating resources.
    pub violation_detection: Criterion,
    /// `data.check.result` is `true` over the compliant resources.
    pub compliance_validation: Criterion,
}

impl Scores {
    /// Scores from the criteria reached, the others "not attempted", as `_create_result`.
    pub fn from_reached(reached: [Option<Criterion>; 4]) -> Self {
        let [a, b, c, d] = reached.map(|c| c.unwrap_or_else(Criterion::not_attempted));
        Scores {
            required_files_exist: a,
            fetch_generates_data: b,
            violation_detection: c,
            compliance_validation: d,
        }
    }

    /// Every criterion 0 with one justification, as `_create_error_result`.
    pub fn all_failed(why: &str) -> Self {
        Scores::from_reached([0, 1, 2, 3].map(|_| Some(Criterion::new(false, why))))
    }

    /// The criteria with their names, in order.
    pub fn named(&self) -> [(&'static str, &Criterion); 4] {
        [
            (CRITERIA[0], &self.required_files_exist),
            (CRITERIA[1], &self.fetch_generates_data),
            (CRITERIA[2], &self.violation_detection),
            (CRITERIA[3], &self.compliance_validation),
        ]
    }

    /// Criteria met, out of four.
    pub fn met(&self) -> usize {
        self.named()
            .iter()
            .filter(|(_, c)| c.calculation == 1)
            .count()
    }
}

/// `details` of one trial: what ITBench-Evaluations records as the evaluation goes, absent
/// until reached. Its `temp_dir` has no counterpart (the evaluation's directory is the
/// sandbox's `/workspace`, written as `work_path`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Details {
    /// Where `fetch.sh` ran, as the sandbox names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_path: Option<String>,
    /// The value over the violating resources (`null` when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub violation_check_result: Option<Value>,
    /// Whether the compliant resources replaced the violating ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compliant_resources_replaced: Option<bool>,
    /// The value over the compliant resources (`null` when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compliance_check_result: Option<Value>,
    /// Why the evaluation itself failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One trial's result (a `raw_results` entry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialResult {
    /// The scenario's id.
    pub incident_id: String,
    /// The trial's name.
    pub trial_id: String,
    /// The four criteria.
    pub scores: Scores,
    /// What the evaluation recorded.
    pub details: Details,
}

/// One metric over one incident's trials (`aggregator.py`: population standard deviation
/// over the square root of n).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IncidentStat {
    /// Mean.
    pub mean: f64,
    /// Standard error.
    pub stderr: f64,
    /// Trials.
    pub n: usize,
}

/// One metric over incidents: the macro average of the per-incident means.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OverallStat {
    /// Mean of the incident means.
    pub mean: f64,
    /// `scipy.stats.sem` of the incident means; `null` for one incident.
    pub stderr: Option<f64>,
    /// Incidents.
    pub n_incidents: usize,
}

/// Per-criterion values, in the criteria's order (CISO criteria have no pass@1 there).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerCriterion<T> {
    /// See [`Scores::required_files_exist`].
    pub required_files_exist: T,
    /// See [`Scores::fetch_generates_data`].
    pub fetch_generates_data: T,
    /// See [`Scores::violation_detection`].
    pub violation_detection: T,
    /// See [`Scores::compliance_validation`].
    pub compliance_validation: T,
}

impl<T> PerCriterion<T> {
    fn from_fn(mut f: impl FnMut(usize) -> T) -> Self {
        PerCriterion {
            required_files_exist: f(0),
            fetch_generates_data: f(1),
            violation_detection: f(2),
            compliance_validation: f(3),
        }
    }
}

/// `statistics.overall`: the criteria, then `total_bad_runs`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overall {
    /// Each criterion over incidents.
    #[serde(flatten)]
    pub criteria: PerCriterion<OverallStat>,
    /// Trials without an answer to load (always 0 here: an empty workspace still scores 0s).
    pub total_bad_runs: usize,
}

/// `statistics`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistics {
    /// Keyed by incident id.
    pub per_incident: BTreeMap<String, PerCriterion<IncidentStat>>,
    /// Over incidents; absent with no trial.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overall: Option<Overall>,
}

/// `config`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Config {
    /// `"ciso"`.
    pub domain: &'static str,
    /// Unused for CISO (ITBench-Evaluations requires the argument and ignores it).
    pub ground_truth_path: String,
    /// Where the agents' working directories were read.
    pub outputs_path: String,
    /// [`CRITERIA`].
    pub eval_criteria: [&'static str; 4],
    /// ITBench-Evaluations' `--k` default, unused for CISO.
    pub k: usize,
}

/// The results document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    /// Every trial, in the order given.
    pub raw_results: Vec<TrialResult>,
    /// Per incident and overall.
    pub statistics: Statistics,
    /// How the evaluation ran.
    pub config: Config,
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// Aggregates trials as `aggregator.calculate_statistics` does.
pub fn aggregate(
    raw_results: Vec<TrialResult>,
    ground_truth_path: &str,
    outputs_path: &str,
) -> Results {
    let mut by_incident: BTreeMap<&str, Vec<&TrialResult>> = BTreeMap::new();
    for r in &raw_results {
        by_incident.entry(&r.incident_id).or_default().push(r);
    }
    let mut per_incident = BTreeMap::new();
    let mut means: Vec<[f64; 4]> = Vec::new();
    for (id, trials) in &by_incident {
        let stat = PerCriterion::from_fn(|i| {
            let xs: Vec<f64> = trials
                .iter()
                .map(|t| f64::from(t.scores.named()[i].1.calculation))
                .collect();
            let m = mean(&xs);
            let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / xs.len() as f64;
            IncidentStat {
                mean: m,
                stderr: var.sqrt() / (xs.len() as f64).sqrt(),
                n: xs.len(),
            }
        });
        means.push([
            stat.required_files_exist.mean,
            stat.fetch_generates_data.mean,
            stat.violation_detection.mean,
            stat.compliance_validation.mean,
        ]);
        per_incident.insert(id.to_string(), stat);
    }
    let overall = (!means.is_empty()).then(|| Overall {
        criteria: PerCriterion::from_fn(|i| {
            let xs: Vec<f64> = means.iter().map(|m| m[i]).collect();
            let m = mean(&xs);
            let n = xs.len();
            let stderr = (n > 1).then(|| {
                let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
                var.sqrt() / (n as f64).sqrt()
            });
            OverallStat {
                mean: m,
                stderr,
                n_incidents: n,
            }
        }),
        total_bad_runs: 0,
    });
    Results {
        raw_results,
        statistics: Statistics {
            per_incident,
            overall,
        },
        config: Config {
            domain: super::DOMAIN,
            ground_truth_path: ground_truth_path.to_string(),
            outputs_path: outputs_path.to_string(),
            eval_criteria: CRITERIA,
            k: 3,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trial(id: &str, met: [bool; 4]) -> TrialResult {
        TrialResult {
            incident_id: id.into(),
            trial_id: "0".into(),
            scores: Scores::from_reached(met.map(|m| Some(Criterion::new(m, "")))),
            details: Details::default(),
        }
    }

    #[test]
    fn aggregates_as_itbench_does() {
        let r = aggregate(
            vec![
                trial("a", [true, true, true, true]),
                trial("a", [true, true, false, false]),
                trial("b", [true, false, false, false]),
            ],
            "dummy",
            "out",
        );
        let a = &r.statistics.per_incident["a"];
        assert_eq!(a.violation_detection.mean, 0.5);
        assert_eq!(a.violation_detection.stderr, 0.5 / 2f64.sqrt());
        assert_eq!(a.required_files_exist.stderr, 0.0);
        let o = r
            .statistics
            .overall
            .as_ref()
            .map(|o| o.criteria.fetch_generates_data);
        let o = o.unwrap_or(OverallStat {
            mean: -1.0,
            stderr: None,
            n_incidents: 0,
        });
        assert_eq!(o.mean, 0.5);
        assert_eq!(o.stderr, Some((0.5f64).sqrt() / 2f64.sqrt()));
        let v = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(v["config"]["domain"], "ciso");
        assert_eq!(v["statistics"]["overall"]["total_bad_runs"], 0);
        assert_eq!(
            v["raw_results"][0]["scores"]["compliance_validation"]["calculation"],
            1
        );
        let one = aggregate(vec![trial("a", [true; 4])], "dummy", "out");
        let v = serde_json::to_value(&one).unwrap_or_default();
        assert!(v["statistics"]["overall"]["violation_detection"]["stderr"].is_null());
    }
}
