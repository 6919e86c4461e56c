//! `python3`: CPython 3.14 for `wasm32-wasip1`, a second program module beside the tools.
//!
//! The interpreter comes from the `bashkit-cpython-wasm` crate (provenance and licences in
//! docs/PYTHON.md): a module pre-initialised with Wizer, so an instance starts with the
//! interpreter and the common standard-library modules already imported, and a zip of the
//! standard library that the guest reads at `/usr/local/lib/python314.zip` (`vfs::resolve`;
//! the pre-initialised module caches this zip's directory, so exactly these bytes must be
//! served there). Its contract: the export `bashkit_run() -> i32` runs one `python3` command
//! line taken from WASI `args_get` and returns its status (or ends in `proc_exit`); one
//! preopen, `/`, at descriptor 3, which is what every rcabox process has
//! ([`super::wasi::imports::base_fds`]); one instance per call.
//!
//! The module runs on the same engine, WASI layer and limits as every other program: rcabox
//! compiles it with its own Cranelift settings (epoch interruption, the pooling allocator) and
//! caches the artifact like the tool module, rather than loading the crate's Pulley build,
//! which would be an interpreter interpreting CPython.

use wasmtime::{Caller, Linker};

use super::SandboxError;
use super::process::ProcState;
use super::wasi::{R, ret, split, write_u32};

/// The standard library, a zip read by CPython's `zipimport`.
pub static STDLIB_ZIP: &[u8] = include_bytes!(env!("RCABOX_PYTHON_STDLIB_ZIP"));

/// The interpreter module, xz-compressed (5 MB instead of 19): it is only decompressed when
/// no compiled artifact is cached.
static WASM_XZ: &[u8] = include_bytes!(env!("RCABOX_PYTHON_WASM_XZ"));

/// SHA-256 of [`WASM_XZ`] as published in the crate's MANIFEST and checked by the build
/// script: the cache key of the compiled module.
pub const WASM_XZ_SHA256: &str = "93b66c1e1357a3b77481fee8e14448b55ca83a0dec4b05ec0284b33b58099b75";

/// The export that runs one command line.
pub const ENTRY: &str = "bashkit_run";

/// Bounds the decompressed module (19 MB today): the input is embedded and checked at build
/// time, so this only keeps a corrupted binary from filling memory.
const MAX_WASM: u64 = 64 << 20;

/// Whether `argv[0]` names the interpreter.
pub fn is_python(argv0: &[u8]) -> bool {
    matches!(argv0, b"python3" | b"python" | b"python3.14")
}

/// The uncompressed interpreter module.
pub fn wasm() -> Result<Vec<u8>, SandboxError> {
    let mut out = Vec::new();
    lzma_rs::xz_decompress(&mut std::io::Cursor::new(WASM_XZ), &mut out)
        .map_err(|e| SandboxError::Engine(format!("cannot decompress the python3 module: {e}")))?;
    if out.len() as u64 > MAX_WASM {
        return Err(SandboxError::Engine(
            "the python3 module is larger than expected".into(),
        ));
    }
    Ok(out)
}

/// The reply every HTTP request gets: the guest raises it as `ConnectionError`.
const NO_NETWORK: &[u8] = b"network access is disabled in the rcabox sandbox";

/// `BK_HTTP_NETWORK` in the guest's bridge: a connection error with a message.
const HTTP_NETWORK: i32 = 1;
/// `BK_HTTP_OK`.
const HTTP_OK: i32 = 0;

/// Adds the `bashkit` import module the interpreter links against: its HTTP bridge (behind
/// `urllib`, `http.client`, and the `requests` and `httpx` shims it preloads). The sandbox has
/// no network, so every request fails the way a host without one fails: `ConnectionError`.
pub(super) fn add_imports(l: &mut Linker<ProcState>) -> wasmtime::Result<()> {
    l.func_wrap(
        "bashkit",
        "http_request",
        |mut c: Caller<'_, ProcState>, _req: i32, _len: i32, _timeout: i64, out: i32| {
            let r = (|| -> R {
                let (mem, _) = split(&mut c)?;
                write_u32(mem, out, NO_NETWORK.len() as u32)
            })();
            match r {
                Ok(()) => Ok(HTTP_NETWORK),
                Err(super::wasi::Fail::Trap(t)) => Err(t),
                Err(super::wasi::Fail::Errno(_)) => Ok(3),
            }
        },
    )?;
    l.func_wrap(
        "bashkit",
        "http_take",
        |mut c: Caller<'_, ProcState>, buf: i32, len: i32| {
            // (NULL, -1) drops the pending reply; there is nothing to drop.
            if len < 0 {
                return Ok(HTTP_OK);
            }
            ret(|| {
                let (mem, _) = split(&mut c)?;
                let n = NO_NETWORK.len().min(len as usize);
                super::wasi::slice_mut(mem, buf, n as i32)?.copy_from_slice(&NO_NETWORK[..n]);
                Ok(())
            })
        },
    )?;
    Ok(())
}
