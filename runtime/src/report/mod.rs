//! Reports over one or more run directories: Markdown, and one self-contained HTML file
//! (inline CSS and SVG plots, no network) with a leaderboard, a per-question table, plots and a
//! view of every trajectory with its match explanations.

mod domains;
mod html;
mod markdown;
mod svg;
mod table;

/// Escapes text for HTML (the bench's page uses the report's escaping).
pub use svg::esc;

use std::path::{Path, PathBuf};

use crate::run::score::score_run;
use crate::run::{RunError, RunInfo, load_info};
use crate::score::results::Results;
use crate::trajectory::{Record, read};

pub use html::html;
pub use markdown::markdown;

/// One run, loaded for reporting.
pub struct RunReport {
    /// Directory.
    pub dir: PathBuf,
    /// `run.json`.
    pub info: RunInfo,
    /// Scores.
    pub results: Results,
    /// Tool latencies in milliseconds, over every `code_exec` call.
    pub tool_latencies_ms: Vec<f64>,
    /// Trajectories by (question, repeat).
    pub trajectories: Vec<(String, usize, Vec<Record>)>,
}

/// Loads a run directory.
pub fn load(dir: &Path) -> Result<RunReport, RunError> {
    let info = load_info(dir)?;
    let results = score_run(dir, None)?;
    let mut tool_latencies_ms = Vec::new();
    let mut trajectories = Vec::new();
    for t in results.trials() {
        let p = crate::run::trajectory_path(dir, &t.incident_id, t.trial);
        let recs = read(&p).map_err(|e| RunError::Invalid(e.to_string()))?;
        for r in &recs {
            if let Record::Tool {
                name, duration_ms, ..
            } = r
                && name == "code_exec"
            {
                tool_latencies_ms.push(*duration_ms);
            }
        }
        trajectories.push((t.incident_id.clone(), t.trial, recs));
    }
    Ok(RunReport {
        dir: dir.to_path_buf(),
        info,
        results,
        tool_latencies_ms,
        trajectories,
    })
}

/// A percentile of a sample (nearest rank), 0 for an empty one.
pub fn percentile(xs: &[f64], p: f64) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let i = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
    v[i.min(v.len() - 1)]
}
