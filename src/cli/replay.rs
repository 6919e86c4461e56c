//! `rcabox replay`: re-run a trajectory's commands and prove the observations byte-identical.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use rcabox_runtime::episode::tools::{shell_results, shell_results_v1};
use rcabox_runtime::sandbox::{Runtime, Session};
use rcabox_runtime::trajectory::{Record, read};

/// Arguments of `rcabox replay`.
#[derive(clap::Args)]
pub struct ReplayArgs {
    /// Trajectory files (`trajectory.jsonl`) or run directories (all their episodes).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Snapshot to use instead of the one in the header.
    #[arg(long)]
    snapshot: Option<PathBuf>,
}

/// Runs `rcabox replay`; exit 1 when any observation differs.
pub fn run(a: ReplayArgs) -> anyhow::Result<ExitCode> {
    let runtime = Runtime::shared().context("starting the sandbox")?;
    let mut files = Vec::new();
    for f in &a.files {
        if f.is_dir() {
            files.extend(super::rundir::trajectories(f)?);
        } else {
            files.push(f.clone());
        }
    }
    let (mut bad, mut good) = (0, 0);
    for file in &files {
        let recs = read(file)?;
        let Some(Record::Header(h)) = recs.first() else {
            bail!(
                "{}: the first line is not a trajectory header",
                file.display()
            );
        };
        let snapshot = a
            .snapshot
            .clone()
            .unwrap_or_else(|| PathBuf::from(&h.snapshot));
        let mut cfg = rcabox_runtime::domain::session_config(&snapshot);
        cfg.seed = h.seed;
        cfg.limits.timeout = std::time::Duration::from_secs(h.timeout_s);
        cfg.snapshot_in_workspace = h.snapshot_mount.clone();
        let mut session = Session::new(runtime.clone(), cfg)
            .with_context(|| format!("opening {}", snapshot.display()))?;
        let (mut same, mut differ) = (0, 0);
        for r in &recs {
            if let Record::Tool {
                cmd: Some(cmd),
                observation,
                turn,
                ..
            } = r
            {
                let r = session.run(cmd);
                // Each trajectory is checked in the format it was written in.
                let now = if h.is_stirrup() {
                    shell_results(&r, h.max_output_chars, h.timeout_s)
                } else {
                    shell_results_v1(&r, h.max_output_chars)
                };
                if &now == observation {
                    same += 1;
                } else {
                    differ += 1;
                    eprintln!(
                        "{}: turn {turn}: observation differs for `{cmd}`",
                        file.display()
                    );
                }
            }
        }
        println!(
            "{}: {same} commands identical, {differ} differ",
            file.display()
        );
        bad += differ;
        good += same;
    }
    if files.len() > 1 {
        println!(
            "{} trajectories: {good} commands identical, {bad} differ",
            files.len()
        );
    }
    Ok(if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
