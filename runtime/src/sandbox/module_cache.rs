//! Compiled modules: from the on-disk cache, from the artifact built into the binary, or
//! compiled, in that order of cost.
//!
//! The cache directory may be shared by processes and machines (a CI cache, a volume mounted
//! into many pods), so nothing in it is trusted:
//! - a file is written to a temporary name, synced and renamed, so a reader never meets a
//!   half-written file under the final name, and two processes compiling at once both succeed;
//! - its name carries the module's hash, the wasmtime version, the architecture and the CRC-32
//!   of its own bytes: a damaged file (a torn copy, a flipped bit, a truncated volume) fails the
//!   check and is deleted, never loaded;
//! - wasmtime refuses, on load, an artifact of another wasmtime build, other engine settings or
//!   CPU features this host lacks; such a foreign file is skipped (its owner may still use it)
//!   and this process's own artifact is stored beside it under its own CRC.

use std::io::Read;
use std::path::{Path, PathBuf};

use wasmtime::{Engine, Module};

use super::SandboxError;

/// Version of wasmtime in the cache key (wasmtime's own check compares its exact build too).
const WASMTIME: &str = "48.0.8";

/// Loads the compiled module `name` whose source has SHA-256 `hash`: from `cache_dir`, else
/// from `built_in` (an artifact compiled by the build script, empty when there is none), else
/// by compiling the bytes `wasm` gives. Whatever was not loaded from the cache is stored there.
pub fn load(
    engine: &Engine,
    name: &str,
    hash: &str,
    cache_dir: Option<&Path>,
    built_in: &[u8],
    wasm: impl FnOnce() -> Result<Vec<u8>, SandboxError>,
) -> Result<Module, SandboxError> {
    let prefix = format!(
        "{name}-{}-wasmtime{WASMTIME}-{}-",
        &hash[..16.min(hash.len())],
        std::env::consts::ARCH
    );
    if let Some(dir) = cache_dir {
        for path in candidates(dir, &prefix) {
            if let Some(m) = load_checked(engine, &path, &prefix) {
                return Ok(m);
            }
        }
    }
    let (module, bytes) = match built_in_module(engine, built_in) {
        Some(m) => (m, built_in.to_vec()),
        None => {
            let module = Module::new(engine, wasm()?).map_err(SandboxError::engine)?;
            let bytes = module.serialize().unwrap_or_default();
            (module, bytes)
        }
    };
    if let (Some(dir), false) = (cache_dir, bytes.is_empty()) {
        // A cache that cannot be written only costs time on the next start.
        let _ = store(dir, &prefix, &bytes);
    }
    Ok(module)
}

/// The artifact compiled into the binary, if there is one and this engine accepts it.
fn built_in_module(engine: &Engine, bytes: &[u8]) -> Option<Module> {
    if bytes.is_empty() {
        return None;
    }
    // SAFETY: the bytes were produced by `Engine::precompile_module` of this same wasmtime
    // version in this crate's build script (build/precompile.rs), with the configuration of
    // engine_config.rs, and are part of the binary; wasmtime checks the version, the engine
    // settings and the host's CPU features again and refuses a mismatch, which falls back to
    // compiling.
    match unsafe { Module::deserialize(engine, bytes) } {
        Ok(m) => Some(m),
        Err(e) => {
            // Once per process and module: the only case is a binary built on another CPU.
            eprintln!(
                "rcabox: the compiled tool module built into this binary does not fit this host \
                 ({e}); compiling it instead, once (seconds; then cached)"
            );
            None
        }
    }
}

/// Cache files for `prefix`, in name order.
fn candidates(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .flatten()
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.starts_with(prefix) && n.ends_with(".cwasm")
        })
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

/// The CRC-32 a cache file's name records, if its name has the expected shape.
fn named_crc(path: &Path, prefix: &str) -> Option<u32> {
    let name = path.file_name()?.to_str()?;
    let hex = name.strip_prefix(prefix)?.strip_suffix(".cwasm")?;
    u32::from_str_radix(hex, 16).ok()
}

/// CRC-32 of a file, read in blocks so its pages stay in the page cache, not in this process.
fn file_crc(path: &Path) -> Option<u32> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match f.read(&mut buf) {
            Ok(0) => return Some(h.finalize()),
            Ok(n) => h.update(&buf[..n]),
            Err(_) => return None,
        }
    }
}

/// Loads a cache file whose bytes match the CRC in its name; deletes it when they do not.
fn load_checked(engine: &Engine, path: &Path, prefix: &str) -> Option<Module> {
    let want = named_crc(path, prefix)?;
    if file_crc(path)? != want {
        let _ = std::fs::remove_file(path);
        return None;
    }
    // SAFETY: the file's bytes are the ones its writer checksummed into its name, and wasmtime
    // checks the version, engine settings and CPU features of what it maps (a foreign
    // artifact is refused here, not run). The file could still be replaced between the check
    // and the mapping by someone with write access to the cache directory, which is the
    // user's own; a shared cache must be writable only by those trusted to write binaries.
    unsafe { Module::deserialize_file(engine, path) }.ok()
}

/// Writes `bytes` atomically as the cache file for `prefix`.
fn store(dir: &Path, prefix: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let crc = crc32fast::hash(bytes);
    let path = dir.join(format!("{prefix}{crc:08x}.cwasm"));
    if path.exists() {
        return Ok(());
    }
    let tmp = dir.join(format!(
        ".{prefix}{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    let mut f = std::fs::File::create(&tmp)?;
    let written = f.write_all(bytes).and_then(|()| f.sync_all());
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(module (memory (export "memory") 1) (func (export "_start")))`
    const TINY: [u8; 50] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03,
        0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x13, 0x02, 0x06, b'm', b'e', b'm',
        b'o', b'r', b'y', 0x02, 0x00, 0x06, b'_', b's', b't', b'a', b'r', b't', 0x00, 0x00, 0x0a,
        0x04, 0x01, 0x02, 0x00, 0x0b,
    ];

    fn wasm() -> Vec<u8> {
        TINY.to_vec()
    }

    fn engine() -> Engine {
        Engine::new(&super::super::engine::config()).expect("engine")
    }

    fn files(dir: &Path) -> Vec<PathBuf> {
        candidates(dir, "tiny-")
    }

    fn load_tiny(e: &Engine, dir: &Path, compiled: &mut bool) -> Module {
        load(e, "tiny", "0123456789abcdef0123", Some(dir), &[], || {
            *compiled = true;
            Ok(wasm())
        })
        .expect("module")
    }

    #[test]
    fn a_damaged_cache_file_is_detected_deleted_and_recompiled() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = engine();
        let mut compiled = false;
        load_tiny(&e, dir.path(), &mut compiled);
        assert!(compiled, "an empty cache compiles");
        let [file] = files(dir.path()).try_into().expect("one cache file");
        compiled = false;
        load_tiny(&e, dir.path(), &mut compiled);
        assert!(!compiled, "a good cache file is loaded");
        // A torn write and a flipped bit: both fail the CRC in the name.
        let good = std::fs::read(&file).expect("read");
        for bad in [good[..good.len() / 2].to_vec(), {
            let mut b = good.clone();
            let mid = b.len() / 2;
            b[mid] ^= 0x40;
            b
        }] {
            std::fs::write(&file, &bad).expect("damage");
            compiled = false;
            load_tiny(&e, dir.path(), &mut compiled);
            assert!(compiled, "a damaged file is never loaded");
            assert_eq!(std::fs::read(&file).expect("rewritten"), good);
        }
    }

    #[test]
    fn an_artifact_of_other_engine_settings_is_refused_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Another engine configuration (no epoch interruption, another optimisation level)
        // writes its artifact under the same key, with a correct CRC.
        let mut other = wasmtime::Config::new();
        other.cranelift_opt_level(wasmtime::OptLevel::None);
        let foreign_engine = Engine::new(&other).expect("engine");
        let foreign = foreign_engine
            .precompile_module(&wasm())
            .expect("precompile");
        let mut ours = false;
        store(
            dir.path(),
            "tiny-0123456789abcdef-wasmtime48.0.8-x86_64-",
            &foreign,
        )
        .expect("store");
        let prefix_arch = format!(
            "tiny-0123456789abcdef-wasmtime{WASMTIME}-{}-",
            std::env::consts::ARCH
        );
        if !prefix_arch.contains("x86_64") {
            return;
        }
        let module = load_tiny(&engine(), dir.path(), &mut ours);
        assert!(ours, "the foreign artifact is refused, the module compiled");
        assert!(module.get_export("_start").is_some());
        assert_eq!(files(dir.path()).len(), 2, "both artifacts are kept");
    }

    #[test]
    fn a_built_in_artifact_that_does_not_fit_is_refused_and_the_module_compiled() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut other = wasmtime::Config::new();
        other.cranelift_opt_level(wasmtime::OptLevel::None);
        let foreign = Engine::new(&other)
            .expect("engine")
            .precompile_module(&wasm())
            .expect("precompile");
        let mut compiled = false;
        let m = load(
            &engine(),
            "tiny",
            "0123456789abcdef",
            Some(dir.path()),
            &foreign,
            || {
                compiled = true;
                Ok(wasm())
            },
        )
        .expect("module");
        assert!(compiled && m.get_export("_start").is_some());
        // What is cached is this engine's artifact, which the next load maps.
        compiled = false;
        load_tiny(&engine(), dir.path(), &mut compiled);
        assert!(!compiled);
    }

    #[test]
    fn two_threads_with_an_empty_cache_both_succeed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = engine();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    let mut c = false;
                    load_tiny(&e, dir.path(), &mut c);
                });
            }
        });
        assert_eq!(
            files(dir.path()).len(),
            1,
            "one artifact, no temporary left"
        );
        let leftovers = std::fs::read_dir(dir.path()).expect("dir").count();
        assert_eq!(leftovers, 1);
    }
}
