//! `cargo xtask`: the project's own automation, so a fresh machine needs one command.
//!
//! * `cargo xtask test [ARGS]`: installs what the tests need where it can (the reference tools
//!   with apt when root on Debian/Ubuntu; the Python packages into `.venv`, never the system's
//!   Python), says exactly what is missing and how to add it where it cannot, then runs the
//!   whole suite: `cargo test --release --workspace ARGS` and the Python package's tests.
//! * `cargo xtask setup`: only the installing part.
//! * `cargo xtask guest-module [--check]`: builds the guest tool module from source and checks
//!   it in under `guest-module/` with the hash of its sources (`--check`: compares, as CI does).
//!
//! `cargo test --release --workspace` keeps working on a machine that has the tools; the tests
//! find the Python environment through `RCABOX_PYTHON` (else `python3`).

mod guest_module;
mod pytests;
mod python;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ sits in the repository")
        .to_path_buf()
}

/// Installs what can be installed; returns the Python environment's interpreter, if any.
fn setup(root: &Path) -> Option<PathBuf> {
    tools::ensure();
    match python::ensure(root) {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!("xtask: {e}");
            None
        }
    }
}

fn test(root: &Path, args: &[String]) -> bool {
    let python = setup(root);
    let mut local_model = None;
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo
        .current_dir(root)
        // Every test binary runs and reports, not only those before the first failure.
        .args(["test", "--release", "--workspace", "--no-fail-fast"])
        .args(args);
    if let Some(p) = &python {
        cargo.env("RCABOX_PYTHON", p);
        if std::env::var_os("RCABOX_LOCAL_GGUF").is_none() {
            match python::ensure_model(p) {
                Ok(model) => {
                    cargo.env("RCABOX_LOCAL_GGUF", &model);
                    local_model = Some(model);
                }
                Err(e) => eprintln!("xtask: {e}"),
            }
        }
    }
    eprintln!(
        "xtask: cargo test --release --workspace --no-fail-fast {}",
        args.join(" ")
    );
    let rust_ok = cargo.status().is_ok_and(|s| s.success());
    let python_ok = match &python {
        Some(p) => pytests::run(root, p, local_model.as_deref()),
        None => {
            eprintln!("xtask: the Python package's tests need .venv (see above)");
            false
        }
    };
    rust_ok && python_ok
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = root();
    let ok = match args.first().map(String::as_str) {
        Some("test") => test(&root, &args[1..]),
        Some("setup") => setup(&root).is_some() && tools::missing().is_empty(),
        Some("guest-module") => match args.get(1).map(String::as_str) {
            None => guest_module::run(&root, false),
            Some("--check") => guest_module::run(&root, true),
            Some(other) => {
                eprintln!("xtask: guest-module takes only --check, not {other}");
                false
            }
        },
        _ => {
            eprintln!(
                "usage: cargo xtask test [CARGO TEST ARGS]   install what the tests need, run them all\n       cargo xtask setup                     only install\n       cargo xtask guest-module [--check]    rebuild the checked-in guest module (--check: compare)"
            );
            false
        }
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
