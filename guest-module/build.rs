//! Hands the guest tool module to `rcabox-runtime` (`DEP_RCABOX_GUEST_WASM`): the checked-in
//! `rcabox-tools.wasm` while the sources match the ones it was built from, else the module
//! built from `../guest-tools` for `wasm32-wasip1`, so a fresh checkout needs no manual step.
//!
//! Building the guest is a third of a first build's CPU (docs/PERFORMANCE.md, the build): a
//! checked-in module, whose record (`rcabox-tools.wasm.toml`) names the hash of its sources,
//! takes it off every build that does not change the guest. CI rebuilds the module from source
//! and compares the bytes (`cargo xtask guest-module --check`), so what is checked in is what
//! the sources build.

#[path = "build/from_source.rs"]
#[allow(
    dead_code,
    reason = "shared with cargo xtask, which also uses the rest"
)]
mod from_source;
#[path = "build/sources.rs"]
#[allow(
    dead_code,
    reason = "shared with cargo xtask, which also uses the rest"
)]
mod sources;

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use sources::Record;

fn main() {
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .expect("guest-module/ has a parent")
        .to_path_buf();
    for p in sources::SOURCES
        .iter()
        .chain([&sources::MODULE, &sources::RECORD])
    {
        println!("cargo:rerun-if-changed={}", root.join(p).display());
    }
    println!("cargo:rerun-if-env-changed=RCABOX_GUEST_WASM");
    println!("cargo:rerun-if-env-changed=RCABOX_GUEST_BUILD");
    println!("cargo:rerun-if-env-changed=CARGO_HOME");
    let out =
        PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("rcabox-tools.wasm");

    // An escape hatch for packagers who build the guest separately.
    if let Ok(prebuilt) = env::var("RCABOX_GUEST_WASM") {
        // A rebuilt guest must be copied again, whether or not its sources changed since.
        println!("cargo:rerun-if-changed={prebuilt}");
        fs::copy(&prebuilt, &out)
            .unwrap_or_else(|e| fail(&format!("cannot copy RCABOX_GUEST_WASM={prebuilt}: {e}")));
        println!("cargo:wasm={}", out.display());
        return;
    }

    let forced = env::var_os("RCABOX_GUEST_BUILD").is_some_and(|v| v == "1");
    if !forced {
        match checked_in(&root) {
            Ok(module) => {
                fs::write(&out, module)
                    .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", out.display())));
                println!("cargo:wasm={}", out.display());
                return;
            }
            Err(why) => println!(
                "cargo:warning=building the guest tools from source (minutes): {why}. \
                 `cargo xtask guest-module` refreshes the checked-in module."
            ),
        }
    }

    let built = from_source::build(&root, &mut |w| println!("cargo:warning={w}"))
        .unwrap_or_else(|e| fail(&e));
    fs::copy(&built, &out)
        .unwrap_or_else(|e| fail(&format!("cannot copy {}: {e}", built.display())));
    println!("cargo:wasm={}", out.display());
}

/// The checked-in module's bytes, if its record says it was built from the sources as they are
/// now and its bytes are the ones recorded (not, say, a Git LFS pointer); else why not.
fn checked_in(root: &Path) -> Result<Vec<u8>, String> {
    let record = Record::read(root)?;
    let now = sources::sources_sha256(root)
        .map_err(|e| format!("the guest's sources cannot be read ({e})"))?;
    if now != record.sources_sha256 {
        return Err(format!(
            "its sources changed since {} was built",
            sources::MODULE
        ));
    }
    let module = fs::read(root.join(sources::MODULE))
        .map_err(|e| format!("{} cannot be read ({e})", sources::MODULE))?;
    if sources::sha256(&module) != record.module_sha256 {
        return Err(format!(
            "{} is not the module {} names",
            sources::MODULE,
            sources::RECORD
        ));
    }
    Ok(module)
}

fn fail(msg: &str) -> ! {
    eprintln!("error: {msg}");
    panic!("{msg}");
}
