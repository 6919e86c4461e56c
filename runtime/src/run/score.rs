//! Scoring a run directory: every finished episode against its question's ground truth.

use std::collections::BTreeMap;
use std::path::Path;

use super::{RunError, episode_dir, finished, load_info};
use crate::answer::Answer;
use crate::domain::{Domain, finops};
use crate::score::metrics::score_decisions;
use crate::score::results::{Results, Trial, aggregate};
use crate::score::{Matcher, score_answer};
use crate::snapshot::groundtruth::GroundTruth;
use crate::trajectory::{answer_at, read};

/// A question's answer key, ready to score with.
enum Key {
    Sre(Matcher),
    Finops(finops::GroundTruth),
    /// Evaluated when the episode ended ([`super::ciso`]): its result is read back.
    Ciso,
}

/// Scores every finished episode; with `max_turns`, as if each had been cut at that turn.
pub fn score_run(run: &Path, max_turns: Option<usize>) -> Result<Results, RunError> {
    // run.json must exist: this is a run directory.
    let info = load_info(run)?;
    let domain_of = |q: &str| {
        info.questions
            .iter()
            .find(|e| e.id == q)
            .map_or(Domain::Sre, |e| e.domain)
    };
    let mut keys: BTreeMap<String, Option<Key>> = BTreeMap::new();
    let mut trials = Vec::new();
    for e in finished(run)? {
        let domain = domain_of(&e.question);
        let key = keys.entry(e.question.clone()).or_insert_with(|| {
            let p = run
                .join("ground_truth")
                .join(format!("{}.yaml", e.question));
            match domain {
                Domain::Finops => finops::GroundTruth::load(&p).ok().map(Key::Finops),
                Domain::Ciso => Some(Key::Ciso),
                _ => GroundTruth::load(&p)
                    .ok()
                    .map(|gt| Key::Sre(Matcher::new(&gt))),
            }
        });
        let Some(key) = key else { continue };
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
        let (score, resource, ciso) = match key {
            Key::Sre(m) => (score_answer(m, answer.as_ref()), None, None),
            Key::Finops(gt) => (
                finops::score::answer_score(gt, answer.as_ref()),
                Some(finops::score(gt, finops::score::predicted(answer.as_ref()))),
                None,
            ),
            // The workspace was evaluated once, at the end of the episode; a cut at an
            // earlier turn (`max_turns`) still reads that evaluation, as no other exists.
            Key::Ciso => (
                score_decisions(Vec::new(), Vec::new()),
                None,
                Some(super::ciso::load_result(&e.question, e.repeat, &dir).scores),
            ),
        };
        trials.push(Trial {
            incident_id: e.question.clone(),
            domain,
            trial: e.repeat,
            answered: answer.is_some(),
            turns,
            tokens: e.tokens,
            cost_usd: e.cost_usd,
            wall_ms: e.wall_ms,
            score,
            resource,
            ciso,
            error: e.error.clone(),
        });
    }
    Ok(aggregate(trials))
}
