//! Locates the CPython-for-WASI artifacts (`python-artifacts/Cargo.toml`) and hands their paths
//! to the crate, which embeds them with `include_bytes!`.
//!
//! cargo downloads and unpacks the pinned crate (checking Cargo.lock's checksum), `cargo
//! metadata` says where it was unpacked, and each file's SHA-256 is checked against the value
//! published in the crate's `artifacts/MANIFEST`, so a changed file stops the build rather than
//! running an interpreter nobody reviewed.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The crate and version the artifacts come from.
const CRATE: &str = "bashkit-cpython-wasm";

/// Files embedded, with the SHA-256 of each from the crate's `artifacts/MANIFEST`.
const FILES: &[(&str, &str, &str)] = &[
    (
        "RCABOX_PYTHON_WASM_XZ",
        "artifacts/python.wasm.xz",
        "93b66c1e1357a3b77481fee8e14448b55ca83a0dec4b05ec0284b33b58099b75",
    ),
    (
        "RCABOX_PYTHON_STDLIB_ZIP",
        "artifacts/python314.zip",
        "a2fbfc15b11fe851fffe3a84369f4d8c73992904ea23bbc045d89373737e15ea",
    ),
];

/// Emits `cargo:rustc-env` for every artifact path; stops the build with a message on failure.
pub fn emit(cargo: &str, runtime_dir: &Path) {
    let manifest = runtime_dir.join("python-artifacts").join("Cargo.toml");
    println!("cargo:rerun-if-changed={}", manifest.display());
    println!("cargo:rerun-if-env-changed=RCABOX_PYTHON_ARTIFACTS");
    // Packagers who vendor dependencies point this at the unpacked crate.
    let dir = match std::env::var_os("RCABOX_PYTHON_ARTIFACTS") {
        Some(d) => PathBuf::from(d),
        None => locate(cargo, &manifest),
    };
    for (var, rel, sha) in FILES {
        let path = dir.join(rel);
        let bytes = std::fs::read(&path)
            .unwrap_or_else(|e| super::fail(&format!("cannot read {}: {e}", path.display())));
        let got = {
            use sha2::{Digest, Sha256};
            hex::encode(Sha256::digest(&bytes))
        };
        if got != *sha {
            super::fail(&format!(
                "{} has SHA-256 {got}, not the {sha} its crate's MANIFEST publishes; \
                 delete the unpacked crate so cargo downloads it again",
                path.display()
            ));
        }
        println!("cargo:rerun-if-changed={}", path.display());
        println!("cargo:rustc-env={var}={}", path.display());
    }
}

/// Downloads the crate (a no-op once cached) and returns the directory cargo unpacked it to.
fn locate(cargo: &str, manifest: &Path) -> PathBuf {
    let fetched = Command::new(cargo)
        .args(["fetch", "--locked", "--manifest-path"])
        .arg(manifest)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !fetched {
        super::fail(&format!(
            "`cargo fetch --manifest-path {}` failed: it downloads CPython for the sandbox's \
             python3. Check access to crates.io (or set RCABOX_PYTHON_ARTIFACTS to an unpacked \
             {CRATE} crate), then build again.",
            manifest.display()
        ));
    }
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--offline",
            "--manifest-path",
        ])
        .arg(manifest)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .unwrap_or_else(|| super::fail("`cargo metadata` on python-artifacts/Cargo.toml failed"));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| super::fail(&format!("`cargo metadata` printed no JSON: {e}")));
    meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == CRATE)
        .and_then(|p| p["manifest_path"].as_str())
        .and_then(|m| Path::new(m).parent())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| super::fail(&format!("`cargo metadata` does not list {CRATE}")))
}
