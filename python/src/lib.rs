//! `rcabox._native`: the Rust half of the `rcabox` Python package (python/rcabox/ is the other).
//!
//! [`sandbox::Sandbox`] is one sandbox session in-process; [`score`] and [`generate_snapshot`]
//! are the scorer and the snapshot generator; [`cli_main`] is the whole `rcabox` command line,
//! which the wheel installs as the `rcabox` command. The Python side adds the typed wrappers,
//! the async sandbox, and the Stirrup and Inspect integrations.

mod errors;
mod sandbox;

use std::path::PathBuf;

use pyo3::prelude::*;
use rcabox_runtime::answer::Answer;
use rcabox_runtime::episode::{prompt, tools};
use rcabox_runtime::score::{Matcher, score_answer};
use rcabox_runtime::snapshot::embedded;
use rcabox_runtime::snapshot::generate::{Options, generate};
use rcabox_runtime::snapshot::groundtruth::GroundTruth;

use errors::rcabox_err;

/// Scores an answer (ITBench's `agent_output.json` text, or a JSON list of
/// `namespace/Kind/name`) against the ground truth at `ground_truth`; the score as JSON text.
/// A FinOps ground truth (`resource: [{name, type}]`) scores a FinOps answer: `{"domain":
/// "finops", "root_cause_resource": {...}, "rcabox": {...}}`, as `rcabox score --json`.
#[pyfunction]
fn score_json(py: Python<'_>, ground_truth: PathBuf, answer: &str) -> PyResult<String> {
    py.detach(|| {
        use rcabox_runtime::domain::finops;
        let text = std::fs::read_to_string(&ground_truth)
            .map_err(|e| format!("{}: {e}", ground_truth.display()))?;
        if finops::GroundTruth::is_finops(&text) {
            let gt = finops::GroundTruth::parse(&text, &ground_truth.display().to_string())
                .map_err(|e| e.to_string())?;
            let a = Answer::parse(answer).map_err(|e| format!("answer: {e}"))?;
            let v = serde_json::json!({
                "domain": "finops",
                "root_cause_resource": finops::score(&gt, finops::score::predicted(Some(&a))),
                "rcabox": finops::score::answer_score(&gt, Some(&a)),
            });
            return serde_json::to_string(&v).map_err(|e| e.to_string());
        }
        let gt = GroundTruth::load(&ground_truth).map_err(|e| e.to_string())?;
        let answer = Answer::parse(answer).map_err(|e| {
            format!("answer: {e}; an answer is ITBench's agent_output.json or a JSON list of names")
        })?;
        let s = score_answer(&Matcher::new(&gt), Some(&answer));
        serde_json::to_string(&s).map_err(|e| e.to_string())
    })
    .map_err(rcabox_err)
}

/// Writes a realistic snapshot of ITBench scenario `scenario` into `out` from the scenario
/// specs in `itbench` (default: the built-in ones); what was written as JSON text.
#[pyfunction]
#[pyo3(signature = (itbench, scenario, out, seed, scale))]
fn generate_snapshot_json(
    py: Python<'_>,
    itbench: Option<PathBuf>,
    scenario: u32,
    out: PathBuf,
    seed: u64,
    scale: f64,
) -> PyResult<String> {
    py.detach(|| {
        let itbench = match itbench {
            Some(dir) => dir,
            None => embedded::itbench().map_err(|e| e.to_string())?,
        };
        let s = generate(
            &Options {
                itbench,
                scenario,
                seed,
                scale,
            },
            &out,
        )
        .map_err(|e| e.to_string())?;
        serde_json::to_string(&s).map_err(|e| e.to_string())
    })
    .map_err(rcabox_err)
}

/// Runs the `rcabox` command line with `argv` (the program name first); its exit status.
#[pyfunction]
fn cli_main(py: Python<'_>, argv: Vec<String>) -> u8 {
    let code = py.detach(|| rcabox::main_with_args(argv));
    // ExitCode hides its value; every value a u8 can make compares equal to exactly one.
    (0..=255u8)
        .find(|n| std::process::ExitCode::from(*n) == code)
        .unwrap_or(1)
}

/// What the model is told when a command hits each limit other than its time, by
/// `error_kind`: (the line after its stderr, the advice). `rcabox run` says the same.
#[pyfunction]
fn limit_texts() -> Vec<(&'static str, &'static str, &'static str)> {
    use rcabox_runtime::sandbox::ErrorKind::*;
    [
        ("cpu_limit", CpuLimit),
        ("memory_limit", MemoryLimit),
        ("process_limit", ProcessLimit),
        ("disk_quota", DiskQuota),
        ("interrupted", Interrupted),
    ]
    .into_iter()
    .filter_map(|(name, kind)| tools::limit_text(kind).map(|(line, advice)| (name, line, advice)))
    .collect()
}

/// Sets the host memory every Sandbox of this process may hold at once, MiB (default: half
/// the machine's memory); a command that would cross it ends with `memory_limit`.
#[pyfunction]
fn set_host_memory_limit(mb: u64) -> PyResult<()> {
    if mb == 0 {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "set_host_memory_limit takes a positive number of MiB",
        ));
    }
    rcabox_runtime::sandbox::set_host_memory_limit(mb.saturating_mul(1 << 20));
    Ok(())
}

/// The host memory every Sandbox of this process may hold at once, MiB.
#[pyfunction]
fn host_memory_limit() -> u64 {
    rcabox_runtime::sandbox::host_memory_limit() >> 20
}

/// The Python module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<sandbox::Sandbox>()?;
    m.add_class::<sandbox::ExecResult>()?;
    m.add("RcaboxError", py.get_type::<errors::RcaboxError>())?;
    m.add(
        "FileTooLargeError",
        py.get_type::<errors::FileTooLargeError>(),
    )?;
    m.add_function(wrap_pyfunction!(score_json, m)?)?;
    m.add_function(wrap_pyfunction!(generate_snapshot_json, m)?)?;
    m.add_function(wrap_pyfunction!(cli_main, m)?)?;
    m.add_function(wrap_pyfunction!(limit_texts, m)?)?;
    m.add_function(wrap_pyfunction!(set_host_memory_limit, m)?)?;
    m.add_function(wrap_pyfunction!(host_memory_limit, m)?)?;
    m.add("ITBENCH_INSTRUCTIONS", prompt::DEFAULT_SYSTEM)?;
    m.add("ITBENCH_TASK", prompt::DEFAULT_TASK)?;
    m.add("FINISH_SCHEMA", tools::FINISH_SCHEMA)?;
    m.add("FINISH_DESCRIPTION", tools::FINISH_DESCRIPTION)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("TOOLS_SHA256", rcabox_runtime::TOOLS_SHA256)?;
    Ok(())
}
