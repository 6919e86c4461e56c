//! A command's budget of host memory (threat H-MEM in docs/SECURITY.md).
//!
//! Every allocation a guest can make the host hold is charged here before it is made, and
//! refunded when it is freed: the linear memory of each process (as it grows), heredoc
//! contents (`memfd`), spawn requests (argv, environment, start state, held until the process
//! ends) and pipe buffers. The per-process cap (`--memory-mb`) bounds one process; this bounds
//! their sum (`--memory-mb-total`), so 64 live processes of 512 MiB, or 150 heredocs of 10 MB,
//! end in `memory_limit` instead of in the host's memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes a command's processes and host-side buffers may hold at once.
#[derive(Debug)]
pub struct MemBudget {
    used: AtomicU64,
    /// The most `used` has been: what `rcabox bench` reports as a command's peak memory.
    peak: AtomicU64,
    max: u64,
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
            max,
        })
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
        match self
            .used
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |u| {
                u.checked_add(bytes).filter(|n| *n <= self.max)
            }) {
            Ok(before) => {
                self.peak.fetch_max(before + bytes, Ordering::SeqCst);
                true
            }
            Err(_) => false,
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
        self.budget.used.fetch_sub(self.bytes, Ordering::SeqCst);
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
}
