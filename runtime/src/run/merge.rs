//! Merging the directories of a sharded run (`rcabox run --shard i/n` on several machines).

use std::path::Path;

use super::{RunError, RunInfo, episode_dir, finished, load_info, write_atomic};

fn copy_dir(from: &Path, to: &Path) -> Result<(), RunError> {
    let io = |p: &Path| {
        let p = p.display().to_string();
        move |error| RunError::Io { path: p, error }
    };
    std::fs::create_dir_all(to).map_err(io(to))?;
    for e in std::fs::read_dir(from).map_err(io(from))?.flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).map_err(io(&src))?;
        }
    }
    Ok(())
}

/// Merges shard directories into `out`; returns the number of episodes. The shards must come
/// from the same settings and snapshots; an episode finished in two shards is an error.
pub fn merge(out: &Path, shards: &[&Path]) -> Result<usize, RunError> {
    let infos: Vec<RunInfo> = shards
        .iter()
        .map(|s| load_info(s))
        .collect::<Result<_, _>>()?;
    let Some(first) = infos.first() else {
        return Err(RunError::Invalid(
            "give at least one shard directory".into(),
        ));
    };
    for (s, i) in shards.iter().zip(&infos) {
        let same = i.agent == first.agent
            && i.repeats == first.repeats
            && i.max_turns == first.max_turns
            && i.seed == first.seed
            && i.questions == first.questions;
        if !same {
            return Err(RunError::Invalid(format!(
                "{} was run with other settings or snapshots than {}",
                s.display(),
                shards[0].display()
            )));
        }
    }
    if out.join("run.json").exists() {
        return Err(RunError::Invalid(format!(
            "{} already holds a run; merge into a new directory",
            out.display()
        )));
    }
    let mut seen: Vec<(String, usize)> = Vec::new();
    for s in shards {
        copy_dir(&s.join("ground_truth"), &out.join("ground_truth"))?;
        for e in finished(s)? {
            let key = (e.question.clone(), e.repeat);
            if seen.contains(&key) {
                return Err(RunError::Invalid(format!(
                    "{} r{} is finished in more than one shard",
                    e.question, e.repeat
                )));
            }
            copy_dir(
                &episode_dir(s, &e.question, e.repeat),
                &episode_dir(out, &e.question, e.repeat),
            )?;
            seen.push(key);
        }
    }
    let info = RunInfo {
        shard: None,
        ..first.clone()
    };
    let text = serde_json::to_string_pretty(&info).map_err(|e| RunError::Invalid(e.to_string()))?;
    write_atomic(&out.join("run.json"), format!("{text}\n").as_bytes())?;
    Ok(seen.len())
}
