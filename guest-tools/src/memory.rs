//! The guest's memory primitives: the allocator and byte comparison.
//!
//! Both replace defaults that are fine natively and slow in wasm, where every tool pays for
//! them (`rcabox bench` and `perf` with `RCABOX_PROFILE=perfmap` showed it):
//! - Rust's wasm allocator is dlmalloc; `malloc`/`free` were a quarter of the time of an awk
//!   aggregation and a fifth of jq's. Talc is a drop-in replacement built for wasm.
//! - `memcmp` comes from wasi-libc, a loop over single bytes, while glibc's is vectorised: it
//!   was 45% of `sort -k3,3 -k1,1` (every key comparison is a `memcmp`). No crate supplies a
//!   libc symbol, so the two functions below are ours: 16 bytes at a time with simd128, which
//!   wasmtime compiles to SSE/NEON, then 8, then single bytes.

#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOC: SmallCache = SmallCache {
    talc: talc::cell::TalcCell::new(talc::wasm::WasmGrowAndExtend::new()),
    bins: std::cell::UnsafeCell::new([std::ptr::null_mut(); BINS]),
    arena_claimed: std::cell::Cell::new(false),
};

/// Bytes of heap in the module's own initial memory, claimed before talc grows memory.
///
/// Talc's wasm source only ever grows memory (wasi-libc's malloc owns the gap the linker
/// leaves after the data), so every process, even `true`, grew its memory, and the host paid an
/// `mprotect` to open the pages and another at the next start in the slot to close them again
/// (9% of a `true`, of the five-stage pipeline too). A zeroed static lies in `.bss`, inside
/// the initial memory: pages a process never touches cost nothing, and most short processes
/// (the shell for a simple command, `head`, `cut`, `ls`) now fit in it and never grow. It adds
/// its size to what each process's memory is charged.
const ARENA_BYTES: usize = 512 << 10;

/// The arena's storage; only talc touches it, after [`SmallCache::talc_alloc`] claims it.
#[repr(align(64))]
struct Arena(std::cell::UnsafeCell<[u8; ARENA_BYTES]>);

// SAFETY: wasm32-wasip1 has one thread, and only the allocator reaches the arena.
unsafe impl Sync for Arena {}

static ARENA: Arena = Arena(std::cell::UnsafeCell::new([0; ARENA_BYTES]));

/// Size classes of the cache: multiples of 8 bytes up to `8 * (BINS - 1)`.
const BINS: usize = 33;

/// Talc behind a free list per small size class. Interpreters (awk, jq) allocate and free
/// millions of small values; a class's free list hands a block back in a few instructions,
/// where talc (like dlmalloc) splits, coalesces and bins. Freed small blocks stay in their
/// class rather than returning to talc: steady-state programs reuse them at once.
struct SmallCache {
    /// Talc itself; a `TalcCell` (not talc's `Sync` wrapper) so the arena can be claimed.
    talc: talc::cell::TalcCell<talc::wasm::WasmGrowAndExtend, talc::wasm::WasmBinning>,
    bins: std::cell::UnsafeCell<[*mut u8; BINS]>,
    /// Whether talc has been given [`ARENA`] (at its first allocation).
    arena_claimed: std::cell::Cell<bool>,
}

// SAFETY: wasm32-wasip1 has one thread (the cfg above excludes the atomics target).
unsafe impl Sync for SmallCache {}

impl SmallCache {
    /// Talc's allocation, with the arena claimed first.
    ///
    /// # Safety
    /// As `GlobalAlloc::alloc`.
    unsafe fn talc_alloc(&self, l: std::alloc::Layout) -> *mut u8 {
        if !self.arena_claimed.replace(true) {
            // SAFETY: the arena is static, 64-aligned, and given to talc once and to nothing
            // else; talc's wasm source never claims memory below the initial memory's end.
            unsafe {
                self.talc.claim(ARENA.0.get().cast(), ARENA_BYTES);
            }
        }
        // SAFETY: forwarded contract.
        unsafe { std::alloc::GlobalAlloc::alloc(&self.talc, l) }
    }

    /// The size class of a layout the cache serves.
    fn class(l: std::alloc::Layout) -> Option<usize> {
        let c = l.size().div_ceil(8).max(1);
        (c < BINS && l.align() <= 8).then_some(c)
    }
}

// SAFETY: blocks come from talc with at least the layout's size and alignment (a size class
// rounds up to 8-byte multiples and serves alignments up to 8 only), and a freed small block is
// kept for its own class; the sandbox's guests are single-threaded, so the bins need no lock.
unsafe impl std::alloc::GlobalAlloc for SmallCache {
    unsafe fn alloc(&self, l: std::alloc::Layout) -> *mut u8 {
        let Some(c) = Self::class(l) else {
            // SAFETY: forwarded contract.
            return unsafe { self.talc_alloc(l) };
        };
        // SAFETY: single-threaded; a listed block is free, at least 8 bytes and 8-aligned, and
        // its first word links the next one.
        unsafe {
            let bins = &mut *self.bins.get();
            let head = bins[c];
            if !head.is_null() {
                bins[c] = *head.cast::<*mut u8>();
                return head;
            }
            self.talc_alloc(std::alloc::Layout::from_size_align_unchecked(c * 8, 8))
        }
    }

    unsafe fn dealloc(&self, p: *mut u8, l: std::alloc::Layout) {
        let Some(c) = Self::class(l) else {
            // SAFETY: forwarded contract.
            return unsafe { self.talc.dealloc(p, l) };
        };
        // SAFETY: `p` came from `alloc` with this class, so it holds c * 8 >= 8 bytes.
        unsafe {
            let bins = &mut *self.bins.get();
            *p.cast::<*mut u8>() = bins[c];
            bins[c] = p;
        }
    }

    unsafe fn realloc(&self, p: *mut u8, l: std::alloc::Layout, new: usize) -> *mut u8 {
        // SAFETY: forwarded contract; `new` with `l`'s alignment is a valid layout.
        unsafe {
            let to = std::alloc::Layout::from_size_align_unchecked(new, l.align());
            match (Self::class(l), Self::class(to)) {
                // Both large: talc may grow or shrink in place.
                (None, None) => self.talc.realloc(p, l, new),
                (Some(a), Some(b)) if a == b => p,
                _ => {
                    let q = self.alloc(to);
                    if !q.is_null() {
                        std::ptr::copy_nonoverlapping(p, q, l.size().min(new));
                        self.dealloc(p, l);
                    }
                    q
                }
            }
        }
    }
}

/// libc `memcmp`: the sign of the first differing byte, compared as unsigned.
///
/// # Safety
/// `a` and `b` must be readable for `n` bytes, as for libc's.
#[cfg(target_arch = "wasm32")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the caller's contract; `first_difference` reads only below `n`.
    match unsafe { first_difference(a, b, n) } {
        // SAFETY: `i < n`, inside both buffers.
        Some(i) => unsafe { i32::from(*a.add(i)) - i32::from(*b.add(i)) },
        None => 0,
    }
}

/// libc `bcmp`: zero when equal. LLVM turns `memcmp(..) == 0` into it.
///
/// # Safety
/// As [`memcmp`].
#[cfg(target_arch = "wasm32")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the caller's contract.
    i32::from(unsafe { first_difference(a, b, n) }.is_some())
}

/// Index of the first byte where `a` and `b` differ within `n`.
///
/// Explicit vector and word loads rather than a byte loop, which LLVM could recognise as a
/// `memcmp` idiom and turn back into a call to this very function. A short tail is compared by
/// a last load that overlaps bytes already found equal, so it cannot report them.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
unsafe fn first_difference(a: *const u8, b: *const u8, n: usize) -> Option<usize> {
    if n >= 16 {
        let mut i = 0;
        while i + 16 <= n {
            // SAFETY: `i + 16 <= n`.
            if let Some(d) = unsafe { differ16(a, b, i) } {
                return Some(d);
            }
            i += 16;
        }
        return if i < n {
            // SAFETY: `n >= 16`, so `n - 16..n` is inside both buffers.
            unsafe { differ16(a, b, n - 16) }
        } else {
            None
        };
    }
    if n >= 8 {
        // SAFETY: `8 <= n`: `0..8` and `n - 8..n` are inside both buffers.
        return unsafe { differ8(a, b, 0).or_else(|| differ8(a, b, n - 8)) };
    }
    // SAFETY: `i < n`.
    (0..n).find(|&i| unsafe { *a.add(i) != *b.add(i) })
}

#[cfg(target_arch = "wasm32")]
#[inline(always)]
unsafe fn differ16(a: *const u8, b: *const u8, at: usize) -> Option<usize> {
    use core::arch::wasm32::{u8x16_bitmask, u8x16_eq, v128, v128_load};
    // SAFETY: the caller's bounds.
    let (va, vb) = unsafe {
        (
            v128_load(a.add(at).cast::<v128>()),
            v128_load(b.add(at).cast::<v128>()),
        )
    };
    let same = u8x16_bitmask(u8x16_eq(va, vb));
    (same != 0xFFFF).then(|| at + (!same).trailing_zeros() as usize)
}

#[cfg(target_arch = "wasm32")]
#[inline(always)]
unsafe fn differ8(a: *const u8, b: *const u8, at: usize) -> Option<usize> {
    // SAFETY: the caller's bounds.
    let (wa, wb) = unsafe {
        (
            a.add(at).cast::<u64>().read_unaligned(),
            b.add(at).cast::<u64>().read_unaligned(),
        )
    };
    // wasm is little-endian: the lowest differing bit lies in the first differing byte.
    (wa != wb).then(|| at + ((wa ^ wb).trailing_zeros() / 8) as usize)
}
