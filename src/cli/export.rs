//! `rcabox export --atif`: trajectories in Harbor's ATIF, for Harbor's viewer and pipelines.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use rcabox_runtime::run::write_atomic;
use rcabox_runtime::trajectory::{atif, read};

/// Arguments of `rcabox export`.
#[derive(clap::Args)]
pub struct ExportArgs {
    /// Write Harbor's Agent Trajectory Interchange Format (ATIF v1.4).
    #[arg(long)]
    atif: bool,
    /// A trajectory file (printed, or written to --out) or a run directory (each episode's
    /// `trajectory.atif.json` is written beside its `trajectory.jsonl`).
    path: PathBuf,
    /// Where to write the document of a single trajectory.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

/// Runs `rcabox export`.
pub fn run(a: ExportArgs) -> anyhow::Result<ExitCode> {
    if !a.atif {
        bail!("choose the output format: --atif (Harbor's ATIF is the one supported)");
    }
    if a.path.is_file() {
        let doc = convert(&a.path)?;
        match &a.out {
            Some(out) => write_atomic(out, doc.as_bytes())?,
            None => print!("{doc}"),
        }
        return Ok(ExitCode::SUCCESS);
    }
    if a.out.is_some() {
        bail!(
            "--out takes a single trajectory file; for a run directory each episode's ATIF is written beside its trajectory"
        );
    }
    let episodes = a.path.join("episodes");
    if !episodes.is_dir() {
        bail!(
            "{}: neither a trajectory file nor a run directory (no episodes/)",
            a.path.display()
        );
    }
    let mut n = 0;
    for q in sorted_dirs(&episodes)? {
        for r in sorted_dirs(&q)? {
            let traj = r.join("trajectory.jsonl");
            if traj.is_file() {
                write_atomic(&r.join("trajectory.atif.json"), convert(&traj)?.as_bytes())?;
                n += 1;
            }
        }
    }
    println!(
        "{n} trajectories exported as ATIF under {}",
        episodes.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn convert(path: &Path) -> anyhow::Result<String> {
    let records = read(path)?;
    let doc = atif::export(&records).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(format!("{}\n", serde_json::to_string_pretty(&doc)?))
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
