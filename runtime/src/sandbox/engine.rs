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
use wasmtime::{Engine, InstancePre, Linker};

use super::SandboxError;
use super::process::ProcState;
use super::{module_cache, python, wasi};

include!("engine_config.rs");

/// How often the engine's epoch advances: the granularity of CPU accounting and of stopping
/// a guest that never calls the host.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

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
        Self::with_hash(wasm, hex::encode(Sha256::digest(wasm)), cache_dir, &[])
    }

    /// [`Runtime::new`] for a module whose SHA-256 (hex) is already known; `built_in` is the
    /// module compiled at build time (empty: none).
    fn with_hash(
        wasm: &[u8],
        tools_hash: String,
        cache_dir: Option<&Path>,
        built_in: &[u8],
    ) -> Result<Arc<Self>, SandboxError> {
        let engine = Engine::new(&config()).map_err(SandboxError::engine)?;
        let module =
            module_cache::load(&engine, "tools", &tools_hash, cache_dir, built_in, || {
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
                // `RCABOX_BUILT_IN=0` ignores the artifact compiled at build time (to measure or
                // to rule it out); the module cache and compiling remain.
                let built_in = match std::env::var_os("RCABOX_BUILT_IN") {
                    Some(v) if v == "0" => &[][..],
                    _ => crate::TOOLS_CWASM,
                };
                Runtime::with_hash(
                    crate::TOOLS_WASM,
                    crate::TOOLS_SHA256.to_string(),
                    default_cache_dir().as_deref(),
                    built_in,
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
                let module = module_cache::load(
                    &self.engine,
                    "python",
                    python::WASM_XZ_SHA256,
                    self.cache_dir.as_deref(),
                    &[],
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
    fn the_tool_module_imports_exactly_the_host_functions() {
        // The guest's `#[link_name]`s are literals; this holds them to proto's list, which the
        // host's linker defines from, so neither side can add, rename or keep a dead import.
        let rt = Runtime::shared().expect("runtime");
        let mut names: Vec<&str> = rt
            .instance_pre()
            .module()
            .imports()
            .filter(|i| i.module() == rcabox_proto::IMPORT_MODULE)
            .map(|i| i.name())
            .collect();
        names.sort_unstable();
        let mut all = rcabox_proto::imports::ALL.to_vec();
        all.sort_unstable();
        assert_eq!(names, all);
    }

    /// A module of 4 pages with `DATA` at 64 KiB and two functions. `dirty` grows memory by
    /// `pages - 4` and writes a byte into every page, past the pages a slot keeps resident;
    /// `check` grows by `pages - 4` too and returns the size it started at in millions plus the
    /// sum of every byte of the first `pages`, which for pristine memory is the data's sum alone.
    fn slot_probe_module(pages: i32) -> Vec<u8> {
        use wasm_encoder::{
            BlockType, CodeSection, ConstExpr, DataSection, ExportKind, ExportSection, Function,
            FunctionSection, Instruction as I, MemArg, MemorySection, MemoryType, Module,
            TypeSection, ValType,
        };
        const LOCAL_I: u32 = 0;
        const LOCAL_ACC: u32 = 1;
        let byte = MemArg {
            offset: 0,
            align: 0,
            memory_index: 0,
        };
        let grow = [I::I32Const(pages - 4), I::MemoryGrow(0), I::Drop];
        // `body`, then `i += step`, while `i` is below the first `pages` pages.
        let over_pages = |body: &[I<'static>], step: i32| -> Vec<I<'static>> {
            let mut v = vec![I::Loop(BlockType::Empty)];
            v.extend_from_slice(body);
            v.extend([
                I::LocalGet(LOCAL_I),
                I::I32Const(step),
                I::I32Add,
                I::LocalTee(LOCAL_I),
                I::I32Const(pages << 16),
                I::I32LtU,
                I::BrIf(0),
                I::End,
            ]);
            v
        };
        let mut dirty = Function::new([(1, ValType::I32)]);
        let write = [I::LocalGet(LOCAL_I), I::I32Const(0xAA), I::I32Store8(byte)];
        for i in grow
            .iter()
            .chain(&over_pages(&write, 4096))
            .chain(&[I::End])
        {
            dirty.instruction(i);
        }
        let mut check = Function::new([(2, ValType::I32)]);
        let add = [
            I::LocalGet(LOCAL_ACC),
            I::LocalGet(LOCAL_I),
            I::I32Load8U(byte),
            I::I32Add,
            I::LocalSet(LOCAL_ACC),
        ];
        for i in [
            I::MemorySize(0),
            I::I32Const(1_000_000),
            I::I32Mul,
            I::LocalSet(LOCAL_ACC),
        ]
        .iter()
        .chain(&grow)
        .chain(&over_pages(&add, 1))
        .chain(&[I::LocalGet(LOCAL_ACC), I::End])
        {
            check.instruction(i);
        }

        let mut types = TypeSection::new();
        types.ty().function([], []);
        types.ty().function([], [ValType::I32]);
        let mut funcs = FunctionSection::new();
        funcs.function(0);
        funcs.function(1);
        let mut memories = MemorySection::new();
        memories.memory(MemoryType {
            minimum: 4,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
        let mut exports = ExportSection::new();
        exports.export("dirty", ExportKind::Func, 0);
        exports.export("check", ExportKind::Func, 1);
        let mut code = CodeSection::new();
        code.function(&dirty);
        code.function(&check);
        let mut data = DataSection::new();
        data.active(0, &ConstExpr::i32_const(1 << 16), DATA);
        let mut m = Module::new();
        m.section(&types)
            .section(&funcs)
            .section(&memories)
            .section(&exports)
            .section(&code)
            .section(&data);
        m.finish()
    }

    const DATA: [u8; 4096] = [0x11; 4096];

    #[test]
    fn a_reused_slot_starts_pristine() {
        // Slots keep what their last process wrote and reset it in place (engine_config.rs):
        // each process must still start from the module's own memory, both for what was reset
        // in place (the first 2 MiB written) and what was handed back (the rest of 6 MiB), and
        // at the module's initial size though the last one grew.
        let pages = 96;
        let engine = wasmtime::Engine::new(&super::config()).expect("engine");
        let module = wasmtime::Module::new(&engine, slot_probe_module(pages)).expect("module");
        let pristine = 4 * 1_000_000 + DATA.iter().map(|b| u32::from(*b)).sum::<u32>();
        for round in 0..4 {
            let mut store = wasmtime::Store::new(&engine, ());
            // The engine interrupts at epochs; nothing here advances them.
            store.set_epoch_deadline(u64::MAX / 2);
            let instance = wasmtime::Instance::new(&mut store, &module, &[]).expect("instance");
            let check = instance
                .get_typed_func::<(), u32>(&mut store, "check")
                .expect("check");
            assert_eq!(
                check.call(&mut store, ()).expect("check"),
                pristine,
                "round {round}"
            );
            let dirty = instance
                .get_typed_func::<(), ()>(&mut store, "dirty")
                .expect("dirty");
            dirty.call(&mut store, ()).expect("dirty");
            // What `check` sees of a dirtied memory: grown twice by `pages - 4`, every page's
            // first byte 0xAA, the data's first byte among them.
            let dirtied = (2 * pages - 4) as u32 * 1_000_000 + pristine - 4 * 1_000_000
                + pages as u32 * 16 * 0xAA
                - u32::from(DATA[0]);
            assert_eq!(check.call(&mut store, ()).expect("check"), dirtied);
        }
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
