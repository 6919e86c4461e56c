//! The CISO domain of ITBench: Kubernetes compliance checks written as a `fetch.sh` that
//! collects data and a Rego `policy.rego` that judges it.
//!
//! A scenario (`k8s-opa-static-cis-<control>/`, as in ITBench-Lite's `snapshots/ciso/v0.1/`)
//! holds `problem.md` (the task) and `static-resources/` (Kubernetes YAML with violations)
//! for the agent, and, for the evaluation only, `ground-truth/{fetch.sh,policy.rego}` and
//! `static-resources-compliant/` ([`HIDDEN`]). The agent writes `fetch.sh` and `policy.rego`
//! into its working directory; [`evaluate::evaluate`] scores them with ITBench-Evaluations'
//! four criteria, running every script inside a fresh sandbox, never on the host.
//!
//! * [`scenario`]: reading a scenario from disk, bounded.
//! * [`prompt`]: the instructions and the `finish` tool.
//! * [`evaluate`]: the four criteria in the sandbox; [`verdict`] reads `opa eval`'s output
//!   as ITBench-Evaluations does; [`results`] is its results document.
//! * [`controls`]: the CIS controls rcabox knows, each with its reference policy;
//!   [`generate`] writes scenarios for them from a seed.
//! * [`baseline`]: an agent that solves the controls it knows by the book.

pub mod baseline;
pub mod controls;
pub mod evaluate;
pub mod generate;
pub mod prompt;
pub mod results;
pub mod scenario;
pub mod verdict;
pub mod workspace;
mod world;

pub use evaluate::{EvalOptions, evaluate};
pub use scenario::Scenario;

/// Paths of a scenario, relative to its directory, that only the evaluation may read: hidden
/// from the agent's sandbox (by name, wherever they occur) and never copied into it.
pub const HIDDEN: &[&str] = &["ground-truth", "static-resources-compliant"];

/// The domain's name in `config.domain` and on the command line.
pub const DOMAIN: &str = "ciso";

/// Whether `dir` looks like a CISO scenario: a `problem.md` beside a `static-resources/`.
pub fn is_scenario(dir: &std::path::Path) -> bool {
    dir.join("problem.md").is_file() && dir.join("static-resources").is_dir()
}

/// Scores the agent's working directory `workspace` (a host directory) against the scenario
/// at `scenario_dir`, in a fresh sandbox: what `rcabox score --ciso SCENARIO --workspace DIR`
/// runs. The result's `incident_id` is the scenario's directory name, its `trial_id` "0".
pub fn score_dir(
    scenario_dir: &std::path::Path,
    workspace: &std::path::Path,
) -> Result<results::TrialResult, ScoreError> {
    let scenario = Scenario::load(scenario_dir)?;
    let files = workspace::from_dir(workspace)?;
    let mut opts = EvalOptions::new(&scenario, "0");
    opts.workdir_paths
        .push(workspace.to_string_lossy().into_owned());
    let runtime = crate::sandbox::Runtime::shared()?;
    Ok(evaluate(runtime, &scenario, &files, &opts))
}

/// Why [`score_dir`] could not score.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ScoreError {
    /// The scenario or the workspace could not be read.
    #[error(transparent)]
    Read(#[from] scenario::ScenarioError),
    /// The sandbox could not start.
    #[error(transparent)]
    Sandbox(#[from] crate::sandbox::SandboxError),
}
