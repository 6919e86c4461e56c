//! The Python package's tests: build the wheel with maturin (as a user's `pip install` would),
//! install it into `.venv`, run pytest over `python/tests/`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds the wheel into `target/wheels/`; returns its path.
pub fn build_wheel(root: &Path, python: &Path) -> Result<PathBuf, String> {
    let out = root.join("target/wheels");
    // Only this build's wheel may be picked up below.
    let _ = std::fs::remove_dir_all(&out);
    eprintln!("xtask: maturin build --release");
    let ok = Command::new(python)
        .current_dir(root)
        .args(["-m", "maturin", "build", "--release", "--quiet", "--out"])
        .arg(&out)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return Err("maturin could not build the wheel (see above)".into());
    }
    std::fs::read_dir(&out)
        .map_err(|e| format!("{}: {e}", out.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or_else(|| format!("maturin wrote no wheel into {}", out.display()))
}

/// Builds and installs the wheel, then runs pytest (with the local model at `model`, when
/// there is one); whether everything passed.
pub fn run(root: &Path, python: &Path, model: Option<&Path>) -> bool {
    let wheel = match build_wheel(root, python) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("xtask: {e}");
            return false;
        }
    };
    let installed = Command::new(python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--force-reinstall",
            "--no-deps",
        ])
        .arg(&wheel)
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        eprintln!("xtask: pip could not install {}", wheel.display());
        return false;
    }
    eprintln!("xtask: pytest python/tests");
    let mut pytest = Command::new(python);
    pytest
        .current_dir(root)
        .args(["-m", "pytest", "-q", "python/tests"])
        .env("RCABOX_WHEEL", &wheel);
    if let Some(m) = model {
        pytest.env("RCABOX_LOCAL_GGUF", m);
    }
    pytest.status().is_ok_and(|s| s.success())
}
