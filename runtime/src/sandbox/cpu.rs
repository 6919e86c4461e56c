//! CPU accounting: what a command's processes are charged against `--cpu-limit`.
//!
//! Each process runs on a thread of its own for its whole life, so the thread's CPU clock is
//! the process's CPU time: wasm and the host imports it calls (a rename over a huge tree, a
//! listing; threat H-CPU-HOST), and nothing for time spent blocked on a pipe or waiting for a
//! core. Counting epoch ticks instead charged a whole tick to every process that ran at all
//! during it, so sixteen processes sharing two cores were charged eight times the CPU they had
//! (threat H-CPU).

use super::engine::EPOCH_TICK;

/// CPU time used by the calling thread, in nanoseconds, where the platform has a per-thread
/// clock.
#[cfg(target_os = "linux")]
fn thread_cpu_ns() -> Option<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID needs nothing else.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (r == 0).then(|| (ts.tv_sec as u64).saturating_mul(1_000_000_000) + ts.tv_nsec as u64)
}

#[cfg(not(target_os = "linux"))]
fn thread_cpu_ns() -> Option<u64> {
    None
}

/// One process's CPU clock, read at its start and at each accounting since.
pub struct CpuMeter {
    seen: Option<u64>,
}

impl CpuMeter {
    /// Starts measuring on the calling thread, the thread the process will run on.
    pub fn start() -> Self {
        CpuMeter {
            seen: thread_cpu_ns(),
        }
    }

    /// Nanoseconds of CPU used since the last call. `at_tick` says the call comes from an
    /// epoch tick: without a thread clock, a tick is charged whole, as the best bound there is.
    pub fn take(&mut self, at_tick: bool) -> u64 {
        match (self.seen, thread_cpu_ns()) {
            (Some(before), Some(now)) => {
                self.seen = Some(now);
                now.saturating_sub(before)
            }
            _ if at_tick => EPOCH_TICK.as_nanos() as u64,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blocked_thread_is_not_charged_and_a_busy_one_is() {
        let mut m = CpuMeter::start();
        std::thread::sleep(std::time::Duration::from_millis(30));
        let slept = m.take(false);
        let mut x = 0u64;
        let t = std::time::Instant::now();
        while t.elapsed() < std::time::Duration::from_millis(30) {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        std::hint::black_box(x);
        let busy = m.take(false);
        if cfg!(target_os = "linux") {
            // Sleeping costs microseconds of CPU whatever the machine's load.
            assert!(slept < 5_000_000, "sleeping was charged {slept} ns");
            assert!(
                busy > slept,
                "spinning ({busy} ns) was charged less than sleeping"
            );
        }
    }
}
