//! `rcabox export --atif`: trajectories in Harbor's ATIF, for Harbor's viewer and pipelines.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
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
    let trajs = super::rundir::trajectories(&a.path)?;
    for traj in &trajs {
        write_atomic(
            &traj.with_file_name("trajectory.atif.json"),
            convert(traj)?.as_bytes(),
        )?;
    }
    println!(
        "{} trajectories exported as ATIF under {}",
        trajs.len(),
        a.path.join("episodes").display()
    );
    Ok(ExitCode::SUCCESS)
}

fn convert(path: &Path) -> anyhow::Result<String> {
    let records = read(path)?;
    let doc = atif::export(&records).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(format!("{}\n", serde_json::to_string_pretty(&doc)?))
}
