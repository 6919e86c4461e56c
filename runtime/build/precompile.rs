//! Compiles the tool module for this host at build time, with exactly the runtime's engine
//! settings (`src/sandbox/engine_config.rs`, included below), so the first command on a
//! machine loads an artifact in milliseconds instead of compiling 14 MB with Cranelift
//! (8 s and 350 MB on two cores). The runtime still checks the artifact (wasmtime compares its
//! version, settings and the CPU features it was compiled for with the host's) and compiles
//! when it does not fit, e.g. a binary copied to an older CPU.
//!
//! Only release builds for the build host precompile: a dev build's wasmtime is not optimised
//! and would take minutes, and a cross build's host is not its target. `RCABOX_PRECOMPILE=0`
//! turns it off (the artifact is then empty and the runtime compiles on first use).

use std::path::Path;

include!("../src/sandbox/engine_config.rs");

/// Writes the compiled module for `wasm` to `out` (empty when not precompiling).
pub fn emit(wasm: &Path, out: &Path) {
    println!("cargo:rerun-if-env-changed=RCABOX_PRECOMPILE");
    let wanted = std::env::var("RCABOX_PRECOMPILE").map_or(true, |v| v != "0");
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let native = std::env::var("TARGET").ok() == std::env::var("HOST").ok();
    let bytes = if wanted && release && native {
        compile(wasm)
    } else {
        Vec::new()
    };
    std::fs::write(out, bytes)
        .unwrap_or_else(|e| super::fail(&format!("cannot write {}: {e}", out.display())));
}

fn compile(wasm: &Path) -> Vec<u8> {
    let module = std::fs::read(wasm)
        .unwrap_or_else(|e| super::fail(&format!("cannot read {}: {e}", wasm.display())));
    let engine = wasmtime::Engine::new(&config())
        .unwrap_or_else(|e| super::fail(&format!("cannot create the wasm engine: {e:#}")));
    engine
        .precompile_module(&module)
        .unwrap_or_else(|e| super::fail(&format!("cannot compile the tool module: {e:#}")))
}
