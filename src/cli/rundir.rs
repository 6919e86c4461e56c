//! The episodes of a run directory, for the subcommands that take one (`replay`, `export`).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Every `episodes/<question>/<repeat>/trajectory.jsonl` of a run directory, in sorted order.
pub fn trajectories(run: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let episodes = run.join("episodes");
    if !episodes.is_dir() {
        bail!(
            "{}: neither a trajectory file nor a run directory (no episodes/)",
            run.display()
        );
    }
    let mut out = Vec::new();
    for q in sorted_dirs(&episodes)? {
        for r in sorted_dirs(&q)? {
            let traj = r.join("trajectory.jsonl");
            if traj.is_file() {
                out.push(traj);
            }
        }
    }
    Ok(out)
}

fn sorted_dirs(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let p = e?.path();
        if p.is_dir() {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}
