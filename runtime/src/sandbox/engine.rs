//! One wasmtime engine per process, the tool module compiled once and cached on disk.
//!
//! Compiling the 20 MB tool module with Cranelift takes seconds; loading the cached artifact
//! takes milliseconds, and instantiating it from an [`InstancePre`] with the pooling allocator
//! and copy-on-write memory images takes tens of microseconds. That last figure is what lets
//! every program of a pipeline be its own instance.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, InstancePre, Linker, Module, OptLevel,
    PoolingAllocationConfig,
};

use super::SandboxError;
use super::process::ProcState;
use super::{python, wasi};

/// How often the engine's epoch advances: the granularity of CPU accounting and of stopping
/// a guest that never calls the host.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Instance slots in the pool: bounds the processes running at once across all sessions.
/// Each slot reserves address space (not memory) for one linear memory of up to 4 GiB.
pub const POOL_SLOTS: u32 = 1000;

/// Largest linear memory any instance can have; the per-session limit is enforced below it.
pub const MAX_MEMORY: usize = 4 << 30;

/// Version of wasmtime in the cache key; wasmtime's own deserialisation check compares the
/// exact build and engine settings again, so a stale artifact is recompiled, never trusted.
const WASMTIME: &str = "48.0.8";

/// Guest stack: bounded so runaway recursion traps (reported as a memory limit), and as deep as
/// a native process's 8 MiB default allows in practice: agents evaluate `paste -sd+` sums of
/// thousands of terms in `$((...))`, awk and jq, whose parsers recurse once per operator; at
/// 1 MiB a 20,000-term sum overflowed where bash and gawk print it.
const MAX_WASM_STACK: usize = 8 << 20;

/// Host stack for a process thread: wasm runs on it, up to `MAX_WASM_STACK`, with room above
/// that for the host calls a guest at its deepest still makes. Address space only: a thread
/// touches the pages it uses.
pub const THREAD_STACK: usize = MAX_WASM_STACK + (4 << 20);

/// The compiled tool module, linked and ready to instantiate; the python3 module beside it,
/// compiled on first use.
pub struct Runtime {
    engine: Engine,
    linker: Linker<ProcState>,
    pre: InstancePre<ProcState>,
    python: OnceLock<Result<InstancePre<ProcState>, SandboxError>>,
    cache_dir: Option<PathBuf>,
    tools_hash: String,
}

impl Runtime {
    /// Compiles (or loads from `cache_dir`) the tool module.
    pub fn new(wasm: &[u8], cache_dir: Option<&Path>) -> Result<Arc<Self>, SandboxError> {
        Self::with_hash(wasm, hex::encode(Sha256::digest(wasm)), cache_dir)
    }

    /// [`Runtime::new`] for a module whose SHA-256 (hex) is already known.
    fn with_hash(
        wasm: &[u8],
        tools_hash: String,
        cache_dir: Option<&Path>,
    ) -> Result<Arc<Self>, SandboxError> {
        let engine = Engine::new(&config()).map_err(SandboxError::engine)?;
        let module = load_module(&engine, "tools", &tools_hash, cache_dir, || {
            Ok(wasm.to_vec())
        })?;
        let mut linker = Linker::new(&engine);
        wasi::add_to_linker(&mut linker).map_err(SandboxError::engine)?;
        python::add_imports(&mut linker).map_err(SandboxError::engine)?;
        let pre = linker
            .instantiate_pre(&module)
            .map_err(SandboxError::engine)?;
        // The ticker holds the engine weakly and ends with it: holding a clone kept every
        // runtime's engine, and its pool's address-space reservation, alive for good (a
        // process making many runtimes, as the `p1_calls` fuzz target does, ran out).
        let ticker = engine.weak();
        std::thread::Builder::new()
            .name("rcabox-epoch".into())
            .spawn(move || {
                while let Some(engine) = ticker.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(EPOCH_TICK);
                }
            })
            .map_err(|e| SandboxError::Engine(format!("cannot start the epoch thread: {e}")))?;
        Ok(Arc::new(Runtime {
            engine,
            linker,
            pre,
            python: OnceLock::new(),
            cache_dir: cache_dir.map(Path::to_path_buf),
            tools_hash,
        }))
    }

    /// The runtime for the guest tools built into this binary, created on first use.
    pub fn shared() -> Result<Arc<Self>, SandboxError> {
        static SHARED: OnceLock<Result<Arc<Runtime>, SandboxError>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                Runtime::with_hash(
                    crate::TOOLS_WASM,
                    crate::TOOLS_SHA256.to_string(),
                    default_cache_dir().as_deref(),
                )
            })
            .clone()
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The linked module.
    pub fn instance_pre(&self) -> &InstancePre<ProcState> {
        &self.pre
    }

    /// The linked python3 module; the first call compiles it (or loads it from the cache),
    /// and calls made meanwhile wait for that one compilation.
    pub fn python(&self) -> Result<&InstancePre<ProcState>, SandboxError> {
        self.python
            .get_or_init(|| {
                let module = load_module(
                    &self.engine,
                    "python",
                    python::WASM_XZ_SHA256,
                    self.cache_dir.as_deref(),
                    python::wasm,
                )?;
                self.linker
                    .instantiate_pre(&module)
                    .map_err(SandboxError::engine)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Compiles (or loads) the python3 module on a background thread, so that a long-lived
    /// caller (a run, the MCP server) has it ready before an agent's first `python3`: compiling
    /// it takes seconds, loading it from the cache milliseconds.
    pub fn prepare_python(self: &Arc<Self>) {
        let rt = self.clone();
        let _ = std::thread::Builder::new()
            .name("rcabox-python-compile".into())
            .spawn(move || {
                let _ = rt.python();
            });
    }

    /// SHA-256 of the tool module, recorded in trajectories.
    pub fn tools_hash(&self) -> &str {
        &self.tools_hash
    }
}

fn config() -> Config {
    let mut cfg = Config::new();
    cfg.epoch_interruption(true);
    cfg.cranelift_opt_level(OptLevel::Speed);
    cfg.max_wasm_stack(MAX_WASM_STACK);
    // No async execution here, but wasmtime refuses a wasm stack larger than the async one.
    cfg.async_stack_size(THREAD_STACK);
    // Proposals the tools do not use stay off: less attack surface, smaller artifacts.
    cfg.wasm_relaxed_simd(false);
    cfg.wasm_multi_memory(false);
    cfg.wasm_memory64(false);
    cfg.wasm_tail_call(false);
    cfg.memory_init_cow(true);
    #[cfg(feature = "profiling")]
    if std::env::var_os("RCABOX_PROFILE").is_some_and(|v| v == "perfmap") {
        cfg.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    let mut pool = PoolingAllocationConfig::default();
    pool.total_core_instances(POOL_SLOTS);
    pool.total_memories(POOL_SLOTS);
    pool.total_tables(POOL_SLOTS);
    pool.max_memory_size(MAX_MEMORY);
    pool.table_elements(200_000);
    pool.max_core_instance_size(4 << 20);
    cfg.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    cfg
}

/// Where compiled modules are cached: `$RCABOX_CACHE_DIR`, else the user's cache directory.
pub fn default_cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("RCABOX_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("rcabox"))
}

/// Loads the compiled `name` module whose source has SHA-256 `hash` from the cache, or
/// compiles the bytes `wasm` gives and caches the result.
fn load_module(
    engine: &Engine,
    name: &str,
    hash: &str,
    cache_dir: Option<&Path>,
    wasm: impl FnOnce() -> Result<Vec<u8>, SandboxError>,
) -> Result<Module, SandboxError> {
    // The artifact depends on the module, the wasmtime version and the engine settings; the
    // settings' hash is part of wasmtime's own compatibility check, the rest is in the name.
    let key = format!(
        "{}-wasmtime{}-{}",
        &hash[..16],
        WASMTIME,
        std::env::consts::ARCH
    );
    let path = cache_dir.map(|d| d.join(format!("{name}-{key}.cwasm")));
    if let Some(p) = path.as_ref().filter(|p| p.exists()) {
        // SAFETY: the file was written by `Module::serialize` of this same wasmtime version into
        // our own cache directory; wasmtime checks the version and the engine settings again,
        // and we fall back to compiling on any error.
        if let Ok(m) = unsafe { Module::deserialize_file(engine, p) } {
            return Ok(m);
        }
    }
    let module = Module::new(engine, wasm()?).map_err(SandboxError::engine)?;
    if let (Some(p), Ok(bytes)) = (path, module.serialize()) {
        // A cache that cannot be written only costs time on the next start.
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
            let tmp = dir.join(format!(".{key}.{}.tmp", std::process::id()));
            if std::fs::write(&tmp, bytes).is_ok() {
                let _ = std::fs::rename(&tmp, &p);
            }
        }
    }
    Ok(module)
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::Runtime;

    #[test]
    fn the_build_time_hash_is_the_embedded_modules() {
        // The cache key and every trajectory's `tools_hash` rest on it.
        assert_eq!(
            crate::TOOLS_SHA256,
            hex::encode(Sha256::digest(crate::TOOLS_WASM))
        );
    }

    #[test]
    fn a_dropped_runtime_frees_its_engine() {
        // (module (memory (export "memory") 1) (func (export "_start")))
        let wasm = [
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
            0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x13, 0x02, 0x06, b'm',
            b'e', b'm', b'o', b'r', b'y', 0x02, 0x00, 0x06, b'_', b's', b't', b'a', b'r', b't',
            0x00, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
        ];
        // Each engine reserves its pool's address space (terabytes); kept alive by the epoch
        // thread, a few dozen exhausted the process's.
        for _ in 0..80 {
            let rt = Runtime::new(&wasm, None).expect("runtime");
            drop(rt);
        }
    }
}
