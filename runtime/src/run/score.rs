//! Scoring a run directory: every finished episode against its question's ground truth.

use std::collections::BTreeMap;
use std::path::Path;

use super::{RunError, episode_dir, finished, load_info};
use crate::answer::Answer;
use crate::score::results::{Results, Trial, aggregate};
use crate::score::{Matcher, score_answer};
use crate::snapshot::groundtruth::GroundTruth;
use crate::trajectory::{answer_at, read};

/// Scores every finished episode; with `max_turns`, as if each had been cut at that turn.
pub fn score_run(run: &Path, max_turns: Option<usize>) -> Result<Results, RunError> {
    // run.json must exist: this is a run directory.
    load_info(run)?;
    let mut matchers: BTreeMap<String, Option<Matcher>> = BTreeMap::new();
    let mut trials = Vec::new();
    for e in finished(run)? {
        let m = matchers.entry(e.question.clone()).or_insert_with(|| {
            GroundTruth::load(
                &run.join("ground_truth")
                    .join(format!("{}.yaml", e.question)),
            )
            .ok()
            .map(|gt| Matcher::new(&gt))
        });
        let Some(m) = m else { continue };
        let dir = episode_dir(run, &e.question, e.repeat);
        let (answer, turns) = match max_turns {
            Some(k) => {
                let recs = read(&dir.join(super::TRAJECTORY_NAME))
                    .map_err(|e| RunError::Invalid(e.to_string()))?;
                (answer_at(&recs, k), e.turns.min(k))
            }
            None => {
                let p = dir.join("agent_output.json");
                let a = match std::fs::read_to_string(&p) {
                    Ok(text) => Some(
                        Answer::parse(&text)
                            .map_err(|err| RunError::Invalid(format!("{}: {err}", p.display())))?,
                    ),
                    Err(_) => None,
                };
                (a, e.turns)
            }
        };
        trials.push(Trial {
            incident_id: e.question.clone(),
            trial: e.repeat,
            answered: answer.is_some(),
            turns,
            tokens: e.tokens,
            cost_usd: e.cost_usd,
            wall_ms: e.wall_ms,
            score: score_answer(m, answer.as_ref()),
            error: e.error.clone(),
        });
    }
    Ok(aggregate(trials))
}
