//! `cargo xtask guest-module [--check]`: builds the guest tool module from source and writes it,
//! with the record of what built it, to `guest-module/` (or, with `--check`, compares it with
//! what is checked in there, as CI does).

#[path = "../../guest-module/build/from_source.rs"]
mod from_source;
#[path = "../../guest-module/build/sources.rs"]
mod sources;

use std::path::Path;

use sources::Record;

/// Builds the module and writes it (`check`: compares it); false on any failure or difference.
pub fn run(root: &Path, check: bool) -> bool {
    match build_and_compare(root, check) {
        Ok(ok) => ok,
        Err(e) => {
            eprintln!("xtask: {e}");
            false
        }
    }
}

fn build_and_compare(root: &Path, check: bool) -> Result<bool, String> {
    let sources_before = sources::sources_sha256(root).map_err(|e| e.to_string())?;
    eprintln!("xtask: building the guest tools from source (several minutes on two cores)");
    let built = from_source::build(root, &mut |w| eprintln!("xtask: {w}"))?;
    let module =
        std::fs::read(&built).map_err(|e| format!("cannot read {}: {e}", built.display()))?;
    let sources_sha256 = sources::sources_sha256(root).map_err(|e| e.to_string())?;
    if sources_sha256 != sources_before {
        return Err("the guest's sources changed during the build: run it again".into());
    }
    let built = Record {
        sources_sha256,
        module_sha256: sources::sha256(&module),
        rustc: from_source::rustc_version()?,
    };
    if check {
        return Ok(compare(root, &built));
    }
    std::fs::write(root.join(sources::MODULE), &module)
        .map_err(|e| format!("cannot write {}: {e}", sources::MODULE))?;
    std::fs::write(root.join(sources::RECORD), built.render())
        .map_err(|e| format!("cannot write {}: {e}", sources::RECORD))?;
    eprintln!(
        "xtask: wrote {} ({} bytes, sha256 {}) and {}; commit both",
        sources::MODULE,
        module.len(),
        built.module_sha256,
        sources::RECORD
    );
    Ok(true)
}

/// Whether the checked-in record names the sources and the bytes just built; says what differs.
fn compare(root: &Path, built: &Record) -> bool {
    let checked_in = match Record::read(root) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("xtask: {e}");
            return false;
        }
    };
    let on_disk = std::fs::read(root.join(sources::MODULE))
        .map(|m| sources::sha256(&m))
        .unwrap_or_default();
    let mut ok = true;
    if checked_in.sources_sha256 != built.sources_sha256 {
        eprintln!(
            "xtask: the guest's sources changed since {} was built: run `cargo xtask guest-module` and commit the module and its record",
            sources::MODULE
        );
        ok = false;
    }
    if on_disk != checked_in.module_sha256 {
        eprintln!(
            "xtask: {} is not the module {} names",
            sources::MODULE,
            sources::RECORD
        );
        ok = false;
    }
    if checked_in.module_sha256 != built.module_sha256 {
        eprintln!(
            "xtask: the sources build a different module: {} here ({}), {} checked in ({})",
            built.module_sha256, built.rustc, checked_in.module_sha256, checked_in.rustc
        );
        if checked_in.rustc != built.rustc {
            eprintln!(
                "xtask: the toolchains differ; `cargo xtask guest-module` with this one refreshes the module"
            );
        }
        ok = false;
    }
    if ok {
        eprintln!(
            "xtask: the checked-in module is what its sources build, byte for byte (sha256 {}, {})",
            built.module_sha256, built.rustc
        );
    }
    ok
}
