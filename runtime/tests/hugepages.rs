//! The guest heap above its first megabytes is advised for transparent huge pages
//! (sandbox/hugepages.rs). Its own test binary, so /proc/self/smaps shows this runtime's
//! memory slots and nothing else's.

use rcabox_runtime::sandbox::Limits;

mod common;
use common::*;

/// Sizes in bytes of this process's mappings whose flags include `flag` (smaps' VmFlags).
fn mappings_flagged(flag: &str) -> Vec<u64> {
    let smaps = std::fs::read_to_string("/proc/self/smaps").expect("read /proc/self/smaps");
    let mut sizes = Vec::new();
    let mut size = 0;
    for line in smaps.lines() {
        if let Some(kb) = line.strip_prefix("Size:") {
            size = kb
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .unwrap_or(0)
                << 10;
        } else if let Some(flags) = line.strip_prefix("VmFlags:")
            && flags.split_whitespace().any(|f| f == flag)
        {
            sizes.push(size);
        }
    }
    sizes
}

#[test]
fn large_heap_is_advised_for_huge_pages_and_the_small_heap_is_not() {
    if !std::path::Path::new("/sys/kernel/mm/transparent_hugepage").exists() {
        eprintln!("skipped: this kernel has no transparent huge pages");
        return;
    }
    let before: u64 = mappings_flagged("hg").iter().sum();
    let snap = snapshot();
    let limit = 192 << 20;
    let mut s = session_with(
        snap.path(),
        Limits {
            memory_bytes: limit,
            ..Limits::default()
        },
    );
    // A pipeline: every program is an instance with its own memory slot. The sort holds
    // 40 MB, well into the advised part of its heap, and must still give the right answer.
    let r = s.run("head -c 40000000 /dev/zero | tr '\\0' 'x' | fold -w 100 | sort | uniq -c");
    assert_eq!((r.exit_code, r.error_kind), (0, None), "{}", err(&r));
    assert_eq!(out(&r).trim(), format!("400000 {}", "x".repeat(100)));
    let advised: Vec<u64> = mappings_flagged("hg");
    let total: u64 = advised.iter().sum::<u64>() - before;
    // Each slot gets `limit - SMALL_HEAP` advised, never more: its 8 MiB stack and the first
    // 8 MiB of its heap stay small.
    let per_slot = (limit - (16 << 20)) as u64;
    assert!(
        total >= per_slot,
        "expected at least {per_slot} bytes advised, found {total} in {advised:?}"
    );
    assert_eq!(
        total % per_slot,
        0,
        "advised ranges should be whole slots' heaps: {advised:?}"
    );
}
