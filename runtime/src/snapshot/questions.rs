//! Finding the questions under a path: one snapshot, a folder of snapshots (`Scenario-<N>/`),
//! or an ITBench-AA tree whose `sre/data.jsonl` lists them.

use std::path::{Path, PathBuf};

use super::SnapshotError;
use super::groundtruth::{GroundTruth, GroundTruthError};
use super::layout::GROUND_TRUTH_NAMES;
use crate::domain::Domain;

/// Where a question's ground truth lives.
#[derive(Debug, Clone, PartialEq)]
pub enum GroundTruthSource {
    /// A YAML file.
    File(PathBuf),
    /// YAML text carried in `data.jsonl`.
    Inline(String),
    /// None available: the question can be run but not scored.
    Missing,
}

impl GroundTruthSource {
    /// The YAML text, if any.
    pub fn text(&self) -> Result<Option<String>, SnapshotError> {
        match self {
            GroundTruthSource::File(p) => std::fs::read_to_string(p)
                .map(Some)
                .map_err(|e| SnapshotError::io(p, e)),
            GroundTruthSource::Inline(t) => Ok(Some(t.clone())),
            GroundTruthSource::Missing => Ok(None),
        }
    }

    /// Parses the ground truth, if any.
    pub fn load(&self, question: &str) -> Result<Option<GroundTruth>, GroundTruthError> {
        match self {
            GroundTruthSource::File(p) => GroundTruth::load(p).map(Some),
            GroundTruthSource::Inline(t) => {
                GroundTruth::parse(t, &format!("{question} (data.jsonl ground_truth_yaml)"))
                    .map(Some)
            }
            GroundTruthSource::Missing => Ok(None),
        }
    }
}

/// One question: a snapshot and its answer key.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Question id (`Scenario-27`, or ITBench-AA's `id_aa`).
    pub id: String,
    /// The snapshot directory.
    pub snapshot: PathBuf,
    /// The ground truth.
    pub ground_truth: GroundTruthSource,
    /// Its domain, detected from the snapshot's files.
    pub domain: Domain,
}

/// Whether a directory looks like one snapshot of any domain ([`Domain::detect`]).
pub fn is_snapshot(dir: &Path) -> bool {
    Domain::detect(dir).is_some()
}

fn ground_truth_in(dir: &Path) -> GroundTruthSource {
    GROUND_TRUTH_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
        .map_or(GroundTruthSource::Missing, GroundTruthSource::File)
}

/// Orders `Scenario-2` before `Scenario-10`.
fn natural_key(s: &str) -> (String, u64, String) {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let prefix: String = s.chars().take_while(|c| !c.is_ascii_digit()).collect();
    (prefix, digits.parse().unwrap_or(u64::MAX), s.to_string())
}

/// Finds the questions of the given domains (all when empty) under `path`.
pub fn discover_in(path: &Path, domains: &[Domain]) -> Result<Vec<Question>, SnapshotError> {
    let mut qs = discover(path)?;
    if !domains.is_empty() {
        qs.retain(|q| domains.contains(&q.domain));
        if qs.is_empty() {
            return Err(SnapshotError::Malformed {
                path: path.display().to_string(),
                line: 0,
                message: format!(
                    "no {} snapshot here",
                    domains
                        .iter()
                        .map(|d| d.name())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            });
        }
    }
    Ok(qs)
}

/// Finds the questions under `path`.
pub fn discover(path: &Path) -> Result<Vec<Question>, SnapshotError> {
    for jsonl in [path.join("sre/data.jsonl"), path.join("data.jsonl")] {
        if jsonl.is_file() {
            return from_jsonl(&jsonl);
        }
    }
    if !path.is_dir() {
        return Err(SnapshotError::Malformed {
            path: path.display().to_string(),
            line: 0,
            message:
                "not a directory: give a snapshot, a folder of snapshots or an ITBench-AA tree"
                    .into(),
        });
    }
    let id = |p: &Path| {
        p.file_name().map_or_else(
            || p.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    if is_snapshot(path) {
        return Ok(vec![Question {
            id: id(path),
            snapshot: path.to_path_buf(),
            ground_truth: ground_truth_in(path),
            domain: Domain::detect(path).unwrap_or_default(),
        }]);
    }
    let rd = std::fs::read_dir(path).map_err(|e| SnapshotError::io(path, e))?;
    let mut out: Vec<Question> = rd
        .flatten()
        // Hidden folders are not questions: the bundle writes each snapshot into a hidden
        // temporary sibling and renames it into place (`bundle::materialize`), and a second
        // `rcabox run` listing the folder meanwhile took another's half-written, then vanished,
        // copy for a question.
        .filter(|e| !e.file_name().as_encoded_bytes().starts_with(b"."))
        .map(|e| e.path())
        .filter(|p| p.is_dir() && is_snapshot(p))
        .map(|p| Question {
            id: id(&p),
            ground_truth: ground_truth_in(&p),
            domain: Domain::detect(&p).unwrap_or_default(),
            snapshot: p,
        })
        .collect();
    out.sort_by_key(|q| natural_key(&q.id));
    if out.is_empty() {
        return Err(SnapshotError::Malformed {
            path: path.display().to_string(),
            line: 0,
            message:
                "no snapshot here (an SRE snapshot has alerts/ or *.tsv files, a FinOps one anomaly.json and data.csv, a CISO one problem.md and static-resources/) and no sre/data.jsonl"
                    .into(),
        });
    }
    Ok(out)
}

fn from_jsonl(jsonl: &Path) -> Result<Vec<Question>, SnapshotError> {
    let base = jsonl.parent().unwrap_or(Path::new("."));
    let text = std::fs::read_to_string(jsonl).map_err(|e| SnapshotError::io(jsonl, e))?;
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let bad = |message: String| SnapshotError::Malformed {
            path: jsonl.display().to_string(),
            line: i + 1,
            message,
        };
        let row: serde_json::Value =
            serde_json::from_str(line).map_err(|e| bad(format!("not valid JSON: {e}")))?;
        let field = |k: &str| match row.get(k) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let id = field("id_aa")
            .or_else(|| field("scenario_id"))
            .ok_or_else(|| bad("no `id_aa` or `scenario_id`".into()))?;
        let root = field("scenario_root").ok_or_else(|| bad("no `scenario_root`".into()))?;
        let snapshot = base.join(&root);
        if !snapshot.is_dir() {
            return Err(bad(format!(
                "scenario_root `{root}` is not a directory under {}",
                base.display()
            )));
        }
        let ground_truth = match field("ground_truth_yaml") {
            Some(g) if base.join(&g).is_file() => GroundTruthSource::File(base.join(&g)),
            Some(g) if g.contains("groups") => GroundTruthSource::Inline(g),
            _ => ground_truth_in(&snapshot),
        };
        out.push(Question {
            id,
            domain: Domain::detect(&snapshot).unwrap_or_default(),
            snapshot,
            ground_truth,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_one_many_and_jsonl_trees() {
        let d = tempfile::tempdir().expect("tempdir");
        let sre = d.path().join("sre");
        for n in ["Scenario-10", "Scenario-2"] {
            std::fs::create_dir_all(sre.join(n).join("alerts")).expect("mkdir");
            std::fs::write(sre.join(n).join("ground_truth.yaml"), "groups: []\n").expect("gt");
        }
        // A snapshot being written by the bundle (a hidden temporary) is not a question.
        std::fs::create_dir_all(sre.join(".Scenario-3.x1Y2z3").join("alerts")).expect("mkdir");
        let many = discover(&sre).expect("folder");
        assert_eq!(
            many.iter().map(|q| q.id.as_str()).collect::<Vec<_>>(),
            ["Scenario-2", "Scenario-10"]
        );
        let one = discover(&sre.join("Scenario-2")).expect("one");
        assert_eq!(
            one[0].ground_truth,
            GroundTruthSource::File(sre.join("Scenario-2/ground_truth.yaml"))
        );

        std::fs::write(
            sre.join("data.jsonl"),
            "{\"id_aa\":\"q7\",\"scenario_id\":10,\"scenario_root\":\"Scenario-10\",\"ground_truth_yaml\":\"groups:\\n- id: a\\n  kind: Pod\\n  name: a\\n\"}\n",
        )
        .expect("jsonl");
        let aa = discover(d.path()).expect("aa");
        assert_eq!(aa[0].id, "q7");
        assert!(matches!(aa[0].ground_truth, GroundTruthSource::Inline(_)));

        std::fs::write(
            sre.join("data.jsonl"),
            "{\"id_aa\":1,\"scenario_root\":\"nope\"}\n",
        )
        .expect("jsonl");
        let e = discover(d.path()).expect_err("bad root").to_string();
        assert!(e.contains("data.jsonl:1: scenario_root `nope`"), "{e}");
    }
}
