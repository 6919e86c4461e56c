//! Transparent huge pages for the large part of a guest's linear memory.
//!
//! A tool that sorts or indexes a 100 MB file reads its lines in random order; with 4 KiB pages
//! nearly every such read misses the TLB as well as the cache, and under a hypervisor's nested
//! paging a TLB miss costs a two-level walk. `perf` put 85% of `sort`'s comparison time on the
//! first load of a line, and with huge pages the same run took 30% less (2.9 s instead of
//! 4.2 s for 100 MB). Native tools get huge pages only where the system enables them for every
//! mapping; most distributions (and CI machines) ship THP in `madvise` mode, where a mapping
//! has them only if asked, so the sandbox asks for the guest heap.
//!
//! Only memory above [`SMALL_HEAP`] (the stack and 8 MiB of heap) is advised: the first touch
//! of a huge page zeroes 2 MiB, which a command that never grows past a few megabytes (`true`,
//! `cat small.json`) would pay for nothing on every start, and a pooled slot gives its pages
//! back after every process.

use wasmtime::{AsContext, Memory};

/// The tools' stack, first in linear memory (linked with `-zstack-size`, see
/// guest-tools/.cargo/config.toml); touched from the top down, and only by deep recursion.
const GUEST_STACK: usize = 8 << 20;

/// Linear memory below this offset keeps 4 KiB pages: the stack, then the first 8 MiB of data
/// and heap, so small commands start as fast as before.
pub const SMALL_HEAP: usize = GUEST_STACK + (8 << 20);

/// Asks the kernel for huge pages behind `memory` from [`SMALL_HEAP`] up to `limit` bytes,
/// the most the guest may grow to. Best effort: where THP is off or unsupported nothing
/// changes, and any error is ignored.
pub fn advise(store: impl AsContext, memory: &Memory, limit: usize) {
    let limit = limit.min(super::engine::MAX_MEMORY);
    if limit <= SMALL_HEAP {
        return;
    }
    let base = memory.data_ptr(&store);
    // The pooling allocator reserves a whole slot (at least `limit` bytes plus guard pages)
    // for every memory, so the range is mapped address space of this memory alone, whether or
    // not the guest has grown into it yet.
    let start = base.wrapping_add(SMALL_HEAP);
    advise_range(start, limit - SMALL_HEAP);
}

#[cfg(target_os = "linux")]
fn advise_range(start: *mut u8, len: usize) {
    // SAFETY: MADV_HUGEPAGE changes only how the kernel backs the range, never its contents or
    // protection; the range lies inside this memory's reserved slot (see `advise`), and
    // `SMALL_HEAP` keeps the start page-aligned because slots are.
    let _ = unsafe { libc::madvise(start.cast(), len, libc::MADV_HUGEPAGE) };
}

#[cfg(not(target_os = "linux"))]
fn advise_range(_start: *mut u8, _len: usize) {}
