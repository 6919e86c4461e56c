//! A CISO episode's answer: the files the agent left in `/workspace`, kept in the episode's
//! directory (`workspace/`) and scored once, right after the episode, with ITBench-Evaluations'
//! four criteria in a fresh sandbox; the result is kept as `ciso_result.json`, so scoring the
//! run again (reports, `--resume`, `rcabox merge`) reads it rather than running scripts again.

use std::path::{Component, Path};

use super::{QuestionEntry, RunError, io, mount_name, write_atomic};
use crate::domain::ciso::{self, results::TrialResult};
use crate::sandbox::{Runtime, Session};

/// The agent's files, under the episode's directory.
pub const WORKSPACE_DIR: &str = "workspace";

/// The evaluation's result, under the episode's directory.
pub const RESULT_NAME: &str = "ciso_result.json";

/// Whether a path read from the sandbox stays inside the folder it is written under.
fn contained(rel: &str) -> bool {
    !rel.is_empty()
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Keeps the agent's `/workspace` (without the scenario's view) in `dir/workspace/` and writes
/// its evaluation to `dir/ciso_result.json`. The copy is bounded as the evaluation's input is
/// ([`ciso::scenario::MAX_FILES`], [`ciso::scenario::MAX_BYTES`]); a workspace over the bounds
/// keeps nothing and scores 0 on every criterion, with the reason.
pub fn evaluate_episode(
    runtime: &std::sync::Arc<Runtime>,
    q: &QuestionEntry,
    repeat: usize,
    session: &Session,
    dir: &Path,
) -> Result<TrialResult, RunError> {
    let kept = dir.join(WORKSPACE_DIR);
    if kept.exists() {
        // A half-finished earlier attempt of this episode (interrupted, then resumed).
        std::fs::remove_dir_all(&kept).map_err(io(&kept))?;
    }
    let trial = repeat.to_string();
    let result = match ciso::workspace::from_session(session) {
        Err(e) => failed(q, &trial, &format!("reading the agent's /workspace: {e}")),
        Ok(mut files) => {
            files.retain(|rel, _| contained(rel));
            std::fs::create_dir_all(&kept).map_err(io(&kept))?;
            ciso::scenario::write_tree(&kept, &files)
                .map_err(|e| RunError::Invalid(e.to_string()))?;
            match ciso::Scenario::load(&q.snapshot) {
                Err(e) => failed(q, &trial, &format!("reading the scenario: {e}")),
                Ok(s) => {
                    let opts = ciso::EvalOptions::new(&s, trial.clone())
                        .with_workspace_alias(&mount_name(&q.snapshot));
                    let mut r = ciso::evaluate(runtime.clone(), &s, &files, &opts);
                    r.incident_id = q.id.clone();
                    r
                }
            }
        }
    };
    let text =
        serde_json::to_string_pretty(&result).map_err(|e| RunError::Invalid(e.to_string()))?;
    write_atomic(&dir.join(RESULT_NAME), format!("{text}\n").as_bytes())?;
    Ok(result)
}

fn failed(q: &QuestionEntry, trial: &str, why: &str) -> TrialResult {
    TrialResult {
        incident_id: q.id.clone(),
        trial_id: trial.to_string(),
        scores: ciso::results::Scores::all_failed(why),
        details: ciso::results::Details {
            error: Some(why.to_string()),
            ..Default::default()
        },
    }
}

/// Reads an episode's recorded evaluation; a finished CISO episode without one (its file
/// lost or unreadable) scores 0 on every criterion, with the reason.
pub fn load_result(q: &str, repeat: usize, dir: &Path) -> TrialResult {
    let p = dir.join(RESULT_NAME);
    let why = match std::fs::read_to_string(&p) {
        Ok(text) => match serde_json::from_str::<TrialResult>(&text) {
            Ok(r) => return r,
            Err(e) => format!("{}: not an evaluation result: {e}", p.display()),
        },
        Err(e) => format!("{}: {e}", p.display()),
    };
    TrialResult {
        incident_id: q.to_string(),
        trial_id: repeat.to_string(),
        scores: ciso::results::Scores::all_failed(&why),
        details: ciso::results::Details {
            error: Some(why),
            ..Default::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_inside_are_kept() {
        assert!(contained("fetch.sh"));
        assert!(contained("lib/x.rego"));
        for bad in ["", "../x", "/etc/passwd", "a/../../b", "./x"] {
            assert!(!contained(bad), "{bad}");
        }
    }

    #[test]
    fn a_missing_result_scores_zero_with_the_reason() {
        let d = tempfile::tempdir().expect("tempdir");
        let r = load_result("q", 2, d.path());
        assert_eq!(r.scores.met(), 0);
        assert_eq!(r.trial_id, "2");
        assert!(r.details.error.is_some_and(|e| e.contains(RESULT_NAME)));
    }
}
