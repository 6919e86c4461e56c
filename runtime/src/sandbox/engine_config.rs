// The engine settings, shared by the runtime (`sandbox/engine.rs`, through `include!`) and the
// build script (`build/precompile.rs`), so the artifact compiled at build time and the engine
// that loads it agree on every compile-affecting setting; wasmtime checks them again on load.
//
// Plain items only (no `use` of crate paths): this file is compiled in both crates.

/// Instance slots in the pool: bounds the processes running at once across all sessions.
/// Each slot reserves address space (not memory) for one linear memory of up to 4 GiB.
pub const POOL_SLOTS: u32 = 1000;

/// Largest linear memory any instance can have; the per-session limit is enforced below it.
pub const MAX_MEMORY: usize = 4 << 30;

/// Guest stack: bounded so runaway recursion traps (reported as a memory limit), and as deep as
/// a native process's 8 MiB default allows in practice: agents evaluate `paste -sd+` sums of
/// thousands of terms in `$((...))`, awk and jq, whose parsers recurse once per operator; at
/// 1 MiB a 20,000-term sum overflowed where bash and gawk print it.
const MAX_WASM_STACK: usize = 8 << 20;

/// Bytes of a freed instance slot's table zeroed in place for reuse instead of decommitted.
const TABLE_KEEP_RESIDENT: usize = 1 << 20;

/// Dirty pages of a freed slot's linear memory reset in place (zeroed, or copied back from the
/// module's data) instead of handed back with madvise, up to this much a slot. Linux's
/// `PAGEMAP_SCAN` (below) finds the pages a process wrote, so a process that wrote less than
/// this leaves its slot with no madvise, no TLB shootdown, and the next process in the slot with
/// no page faults: `true` went from 16 faults to none and took 0.52 of its time, the standard
/// mix 1.10x to 1.5x bashkit's speed (docs/PERFORMANCE.md). What a slot keeps is at most this
/// much and at most what its last process wrote, so what idle slots hold is bounded by the
/// busiest moment's processes, 2 MiB each.
const LINEAR_MEMORY_KEEP_RESIDENT: usize = 2 << 20;

/// Host stack for a process thread: wasm runs on it, up to `MAX_WASM_STACK`, with room above
/// that for the host calls a guest at its deepest still makes. Address space only: a thread
/// touches the pages it uses.
pub const THREAD_STACK: usize = MAX_WASM_STACK + (4 << 20);

/// The engine configuration every rcabox module is compiled and run with.
pub fn config() -> wasmtime::Config {
    let mut cfg = wasmtime::Config::new();
    cfg.epoch_interruption(true);
    cfg.cranelift_opt_level(wasmtime::OptLevel::Speed);
    cfg.max_wasm_stack(MAX_WASM_STACK);
    // No async execution here, but wasmtime refuses a wasm stack larger than the async one.
    cfg.async_stack_size(THREAD_STACK);
    // Proposals the tools do not use stay off: less attack surface, smaller artifacts.
    cfg.wasm_relaxed_simd(false);
    cfg.wasm_multi_memory(false);
    cfg.wasm_memory64(false);
    cfg.wasm_tail_call(false);
    cfg.memory_init_cow(true);
    // A guest's `exit` reaches the host as an error, and wasmtime would capture and symbolise a
    // backtrace of the guest's stack for each one: a few percent of every short process. The
    // traps rcabox tells apart (stack overflow, out of bounds) keep their codes without it.
    cfg.wasm_backtrace_max_frames(None);
    #[cfg(feature = "profiling")]
    if std::env::var_os("RCABOX_PROFILE").is_some_and(|v| v == "perfmap") {
        cfg.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    let mut pool = wasmtime::PoolingAllocationConfig::default();
    pool.total_core_instances(POOL_SLOTS);
    pool.total_memories(POOL_SLOTS);
    pool.total_tables(POOL_SLOTS);
    pool.max_memory_size(MAX_MEMORY);
    pool.table_elements(200_000);
    pool.max_core_instance_size(4 << 20);
    // A freed slot's table and the pages its process wrote are reset in place rather than
    // handed back with madvise (see `LINEAR_MEMORY_KEEP_RESIDENT`).
    pool.table_keep_resident(TABLE_KEEP_RESIDENT);
    // Without the scan (wasmtime's default), keeping memory resident means zeroing the first
    // `keep_resident` bytes of every slot whether written or not, and with the stack first in
    // linear memory those are stack pages no process touches: each was faulted in only to be
    // zeroed (`true` took 1.7x its time). So memory is kept only where the kernel has the scan
    // (Linux 6.7 and later), and handed back whole elsewhere.
    if wasmtime::PoolingAllocationConfig::is_pagemap_scan_available() {
        pool.pagemap_scan(wasmtime::Enabled::Yes);
        pool.linear_memory_keep_resident(LINEAR_MEMORY_KEEP_RESIDENT);
    }
    cfg.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pool));
    cfg
}

