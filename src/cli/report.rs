//! `rcabox report`: Markdown and self-contained HTML over one or more runs.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};

/// Arguments of `rcabox report`.
#[derive(clap::Args)]
pub struct ReportArgs {
    /// Run directories (several make a leaderboard).
    #[arg(required = true)]
    runs: Vec<PathBuf>,
    /// Write the HTML report here.
    #[arg(long)]
    html: Option<PathBuf>,
    /// Write the Markdown report here (default: print it).
    #[arg(long)]
    md: Option<PathBuf>,
}

/// Runs `rcabox report`.
pub fn run(a: ReportArgs) -> anyhow::Result<ExitCode> {
    let mut reports = Vec::new();
    for r in &a.runs {
        if !r.join("run.json").is_file() {
            bail!(
                "{} is not a run directory (no run.json); give directories written by `rcabox run`",
                r.display()
            );
        }
        reports.push(
            rcabox_runtime::report::load(r).with_context(|| format!("loading {}", r.display()))?,
        );
    }
    let md = rcabox_runtime::report::markdown(&reports);
    match &a.md {
        Some(p) => std::fs::write(p, &md).with_context(|| format!("writing {}", p.display()))?,
        None if a.html.is_none() => print!("{md}"),
        None => {}
    }
    if let Some(p) = &a.html {
        std::fs::write(p, rcabox_runtime::report::html(&reports))
            .with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}
