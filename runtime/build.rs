//! Takes the guest tool module that `rcabox-guest-module` built (`DEP_RCABOX_GUEST_WASM`),
//! hashes it and compiles it for this host (build/precompile.rs), and locates the other
//! artifacts the crate embeds: CPython for WASI (build/python.rs) and the generator's data
//! (build/embed.rs).

use std::env;
use std::path::PathBuf;

#[path = "build/embed.rs"]
mod embed;
#[path = "build/precompile.rs"]
mod precompile;
#[path = "build/python.rs"]
mod python;

fn main() {
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .expect("runtime/ has a parent")
        .to_path_buf();
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    python::emit(&cargo, &manifest_dir);
    embed::emit(&root, &out_dir);
    let built = env::var("DEP_RCABOX_GUEST_WASM").unwrap_or_else(|_| {
        fail("rcabox-guest-module did not say where the guest module is (DEP_RCABOX_GUEST_WASM)")
    });
    println!("cargo:rerun-if-changed={built}");
    let out = out_dir.join("rcabox-tools.wasm");
    std::fs::copy(&built, &out).unwrap_or_else(|e| fail(&format!("cannot copy {built}: {e}")));
    emit_hash(&out);
}

/// Hands the module's SHA-256 to the crate as `RCABOX_TOOLS_SHA256` (hashing 17 MB at every
/// start was half of what `rcabox exec true` took) and compiles it for this host.
fn emit_hash(module: &std::path::Path) {
    precompile::emit(module, &module.with_extension("cwasm"));
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(module)
        .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", module.display())));
    println!(
        "cargo:rustc-env=RCABOX_TOOLS_SHA256={}",
        hex::encode(Sha256::digest(&bytes))
    );
}

fn fail(msg: &str) -> ! {
    eprintln!("error: {msg}");
    panic!("{msg}");
}
