//! A command's budget of host memory (threat H-MEM in docs/SECURITY.md).
//!
//! Every allocation a guest can make the host hold is charged here before it is made, and
//! refunded when it is freed: the linear memory of each process (as it grows), heredoc
//! contents (`memfd`), spawn requests (argv, environment, start state, held until the process
//! ends) and pipe buffers. The per-process cap (`--memory-mb`) bounds one process; this bounds
//! their sum (`--memory-mb-total`), so 64 live processes of 512 MiB, or 150 heredocs of 10 MB,
//! end in `memory_limit` instead of in the host's memory.
//!
//! Every command's budget sits inside one budget of the whole host process ([`process`],
//! `--host-memory-mb`, default half the machine's memory, of which charges take three
//! quarters: `charges_within`), shared by all sessions: 64
//! concurrent episodes, MCP sessions or Python threads cannot together ask for more. A charge
//! takes from the process's budget first, then from the command's, and gives the process's
//! back if the command's refuses. There are no locks: each step is one atomic update, so no
//! lock order exists to get wrong and no charge ever waits.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// Bytes a command's processes and host-side buffers may hold at once.
#[derive(Debug)]
pub struct MemBudget {
    used: AtomicU64,
    /// The most `used` has been: what `rcabox bench` reports as a command's peak memory.
    peak: AtomicU64,
    max: AtomicU64,
    /// The budget this one is charged within too (the process's, for a command's).
    parent: Option<Arc<MemBudget>>,
}

/// Used when the machine's memory cannot be read.
const FALLBACK_PROCESS_BYTES: u64 = 4 << 30;

/// The process's limit set by [`set_process_limit`]; 0 until then (the default applies).
static PROCESS_LIMIT: AtomicU64 = AtomicU64::new(0);

/// Default limit of the whole process: half the machine's memory.
fn default_process_limit() -> u64 {
    static DEFAULT: OnceLock<u64> = OnceLock::new();
    *DEFAULT.get_or_init(|| physical_memory().map_or(FALLBACK_PROCESS_BYTES, |m| m / 2))
}

/// What guests' charges may take of the process's `limit`: a quarter stays for the host's own
/// memory, which no charge counts (the runtime, compiled code, snapshot indexes, thread stacks,
/// freed buffers the allocator has not yet given back), so the process's resident memory stays
/// under `limit` and not only its charges.
fn charges_within(limit: u64) -> u64 {
    limit - limit / 4
}

/// The budget of the whole host process, shared by every session's commands.
pub fn process() -> &'static Arc<MemBudget> {
    static PROCESS: OnceLock<Arc<MemBudget>> = OnceLock::new();
    PROCESS.get_or_init(|| {
        return_freed_buffers();
        MemBudget::new(charges_within(process_limit()))
    })
}

/// Buffers of 1 MiB and more (heredocs, spawn requests, pipes) go straight back to the system
/// when freed. glibc otherwise raises its mmap threshold to the largest block freed, and from
/// then on keeps 10 MB buffers in per-thread arenas it rarely trims: 64 episodes sending 150
/// here-strings of 10 MB took the process to 5.2 GB resident with 3 GiB charged at most.
fn return_freed_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes glibc's thresholds; it may be called at any time, from any
    // thread, and a fixed threshold stops the dynamic adjustment.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Sets the host memory limit of the whole process, in bytes.
pub fn set_process_limit(bytes: u64) {
    PROCESS_LIMIT.store(bytes, Ordering::SeqCst);
    process().set_max(charges_within(bytes));
}

/// The host memory limit of the whole process, in bytes.
pub fn process_limit() -> u64 {
    match PROCESS_LIMIT.load(Ordering::SeqCst) {
        0 => default_process_limit(),
        set => set,
    }
}

/// The machine's memory in bytes, or the cgroup's limit when that is lower (a container).
pub fn physical_memory() -> Option<u64> {
    // SAFETY: sysconf only reads system configuration; it has no preconditions.
    let (pages, size) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    let phys = (pages > 0 && size > 0)
        .then(|| {
            u64::try_from(pages)
                .ok()?
                .checked_mul(u64::try_from(size).ok()?)
        })
        .flatten();
    let cgroup = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok());
    match (phys, cgroup) {
        (Some(p), Some(c)) => Some(p.min(c)),
        (p, c) => p.or(c),
    }
}

/// Bytes held against a budget, given back when dropped.
#[derive(Debug)]
pub struct Charge {
    budget: Arc<MemBudget>,
    bytes: u64,
}

impl MemBudget {
    /// A budget of `max` bytes.
    pub fn new(max: u64) -> Arc<Self> {
        Arc::new(MemBudget {
            used: AtomicU64::new(0),
            peak: AtomicU64::new(0),
            max: AtomicU64::new(max),
            parent: None,
        })
    }

    /// A budget of `max` bytes whose charges are held against `parent` too.
    pub fn within(max: u64, parent: Arc<MemBudget>) -> Arc<Self> {
        Arc::new(MemBudget {
            used: AtomicU64::new(0),
            peak: AtomicU64::new(0),
            max: AtomicU64::new(max),
            parent: Some(parent),
        })
    }

    /// The most bytes it gives.
    pub fn max(&self) -> u64 {
        self.max.load(Ordering::SeqCst)
    }

    /// Sets the most bytes it gives: charges held stay, new ones see the new maximum.
    pub fn set_max(&self, max: u64) {
        self.max.store(max, Ordering::SeqCst);
    }

    /// Bytes held now.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::SeqCst)
    }

    /// The most held at once so far.
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::SeqCst)
    }

    fn take(&self, bytes: u64) -> bool {
        if let Some(p) = &self.parent
            && !p.take(bytes)
        {
            return false;
        }
        let max = self.max();
        match self
            .used
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |u| {
                u.checked_add(bytes).filter(|n| *n <= max)
            }) {
            Ok(before) => {
                self.peak.fetch_max(before + bytes, Ordering::SeqCst);
                true
            }
            Err(_) => {
                if let Some(p) = &self.parent {
                    p.give(bytes);
                }
                false
            }
        }
    }

    fn give(&self, bytes: u64) {
        self.used.fetch_sub(bytes, Ordering::SeqCst);
        if let Some(p) = &self.parent {
            p.give(bytes);
        }
    }

    /// Holds `bytes`, or `None` when the budget cannot give them.
    pub fn charge(self: &Arc<Self>, bytes: u64) -> Option<Charge> {
        self.take(bytes).then(|| Charge {
            budget: self.clone(),
            bytes,
        })
    }

    /// An empty charge, to grow later.
    pub fn empty(self: &Arc<Self>) -> Charge {
        Charge {
            budget: self.clone(),
            bytes: 0,
        }
    }
}

impl Charge {
    /// Holds `bytes` more; false (and nothing held) when the budget cannot give them.
    pub fn grow(&mut self, bytes: u64) -> bool {
        if self.budget.take(bytes) {
            self.bytes += bytes;
            true
        } else {
            false
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        self.budget.give(self.bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_are_refused_past_the_budget_and_refunded_on_drop() {
        let b = MemBudget::new(100);
        let a = b.charge(60).expect("fits");
        assert!(b.charge(41).is_none());
        let mut c = b.empty();
        assert!(c.grow(40));
        assert!(!c.grow(1));
        assert_eq!(b.used(), 100);
        drop(a);
        assert_eq!(b.peak(), 100);
        assert!(c.grow(60));
        drop(c);
        assert_eq!(b.used(), 0);
        assert!(b.charge(u64::MAX).is_none());
    }

    #[test]
    fn a_command_is_held_to_the_process_budget_and_gives_back_to_it() {
        let all = MemBudget::new(100);
        let a = MemBudget::within(80, all.clone());
        let b = MemBudget::within(80, all.clone());
        let held = a.charge(70).expect("fits both");
        // b's own budget has room, the process's has not: refused, nothing kept.
        assert!(b.charge(40).is_none());
        assert_eq!((all.used(), b.used()), (70, 0));
        let small = b.charge(30).expect("fits");
        // a's own budget refuses: the process's share taken for it is given back.
        assert!(a.charge(11).is_none());
        assert_eq!(all.used(), 100);
        drop(held);
        drop(small);
        assert_eq!((all.used(), a.used(), b.used()), (0, 0, 0));
        all.set_max(10);
        assert!(a.charge(11).is_none());
    }

    #[test]
    fn the_machine_memory_is_read() {
        let m = physical_memory().expect("sysconf or the cgroup gives the machine's memory");
        assert!(m >= 64 << 20, "{m} bytes");
        assert!(process_limit() <= m);
        assert_eq!(process().max(), charges_within(process_limit()));
    }
}
