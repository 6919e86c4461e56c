//! Helpers shared by the integration test crates that include this module.

use std::process::{Command, Output};

/// Runs `cmd` to completion; panics with `what` and the program's stderr unless it succeeded.
#[allow(
    dead_code,
    reason = "not every test crate that includes this module runs a program"
)]
pub fn succeeded(cmd: &mut Command, what: &str) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A run directory's `results.json`, parsed.
#[allow(
    dead_code,
    reason = "not every test crate that includes this module reads a run's results"
)]
pub fn results_json(run: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(run.join("results.json")).expect("results.json");
    serde_json::from_str(&text).expect("results.json is JSON")
}

/// A bundled snapshot, `Scenario-<N>`, materialized from snapshots/bundle.json on first use.
#[allow(
    dead_code,
    reason = "not every test crate that includes this module opens one"
)]
pub fn bundled(name: &str) -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    rcabox_runtime::snapshot::bundle::materialize(&root.join("bundle.json"), &root)
        .expect("bundled snapshots");
    root.join(name)
}

/// The Python that has the test suite's packages: `RCABOX_PYTHON` (`cargo xtask test` points
/// it at the project's `.venv`), else `python3`.
#[allow(
    dead_code,
    reason = "not every test crate that includes this module runs Python"
)]
pub fn python() -> String {
    std::env::var("RCABOX_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Fails the test with one line naming what is missing and how to add it, unless `python()`
/// can import `module`.
#[allow(
    dead_code,
    reason = "not every test crate that includes this module runs Python"
)]
pub fn require_python_module(module: &str, package: &str) {
    let ok = Command::new(python())
        .args(["-c", &format!("import {module}")])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        missing(&format!(
            "missing Python package `{package}` for {}: run `cargo xtask test` (installs it into .venv) or `pip install {package}`",
            python()
        ));
    }
}

/// Fails the test with one line naming the missing program and the package that has it,
/// unless `name` runs.
#[allow(
    dead_code,
    reason = "not every test crate that includes this module needs one"
)]
pub fn require_tool(name: &str, apt: &str) {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(name).is_file()));
    if !found {
        missing(&format!(
            "missing `{name}`: run `cargo xtask test` (installs it) or `apt-get install {apt}`"
        ));
    }
}

/// Fails the test with `line` alone: no panic message around it and no backtrace, whatever
/// `RUST_BACKTRACE` says (the panic hook, which prints those, is not run by `resume_unwind`).
#[allow(
    dead_code,
    reason = "not every test crate that includes this module needs one"
)]
pub fn missing(line: &str) -> ! {
    eprintln!("{line}");
    std::panic::resume_unwind(Box::new(line.to_string()))
}
