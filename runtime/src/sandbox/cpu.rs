//! CPU accounting: what a command's processes are charged against `--cpu-limit`.
//!
//! Each process runs on a thread of its own for its whole life, so the thread's CPU clock is
//! the process's CPU time: wasm and the host imports it calls (a rename over a huge tree, a
//! listing; threat H-CPU-HOST), and nothing for time spent blocked on a pipe or waiting for a
//! core. Counting epoch ticks instead charged a whole tick to every process that ran at all
//! during it, so sixteen processes sharing two cores were charged eight times the CPU they had
//! (threat H-CPU).
//!
//! Worker threads are reused (`workers.rs`), so a process's charge starts at the reading its
//! thread took last, when the previous process was charged after its teardown, rather than at a
//! reading of its own: every nanosecond of a thread's CPU is charged to some process, with one
//! clock read (a system call) per process instead of two. What the pool does between two processes (parking, handing back stack pages)
//! is charged to the second: microseconds, never CPU a process escapes.

use std::cell::Cell;

use super::engine::EPOCH_TICK;

thread_local! {
    /// The calling thread's CPU clock when it was last read by a [`CpuMeter`]; `None` on a
    /// thread that has not run a process yet, whose clock started at zero.
    static LAST_READING: Cell<Option<u64>> = const { Cell::new(None) };
}

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
    seen: u64,
}

impl CpuMeter {
    /// Starts measuring on the calling thread, the thread the process will run on, from the
    /// thread's last reading (zero on a new thread: its clock starts there).
    pub fn start() -> Self {
        CpuMeter {
            seen: LAST_READING.get().unwrap_or(0),
        }
    }

    /// Nanoseconds of CPU used since the last call. `at_tick` says the call comes from an
    /// epoch tick: without a thread clock, a tick is charged whole, as the best bound there is.
    pub fn take(&mut self, at_tick: bool) -> u64 {
        match thread_cpu_ns() {
            Some(now) => {
                let used = now.saturating_sub(self.seen);
                self.seen = now;
                LAST_READING.set(Some(now));
                used
            }
            None if at_tick => EPOCH_TICK.as_nanos() as u64,
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spins until the thread has used `ms` more milliseconds of CPU (of wall time where
    /// there is no thread clock), however loaded the machine.
    fn spin(ms: u64) {
        let wall = std::time::Instant::now();
        let until = thread_cpu_ns().map(|t| t + ms * 1_000_000);
        loop {
            let done = match (until, thread_cpu_ns()) {
                (Some(u), Some(now)) => now >= u,
                _ => wall.elapsed().as_millis() >= u128::from(ms),
            };
            if done {
                break;
            }
            std::hint::black_box(0u64);
        }
    }

    #[test]
    fn processes_on_one_thread_are_charged_all_of_its_cpu_between_them() {
        // Two processes in turn on a new thread, with the pool's work between them: what they
        // are charged adds up to the thread's whole clock, not one nanosecond escapes.
        let (charged, clock) = std::thread::spawn(|| {
            spin(5);
            let mut first = CpuMeter::start();
            spin(10);
            let a = first.take(true) + first.take(false);
            spin(10);
            let mut second = CpuMeter::start();
            spin(10);
            let b = second.take(false);
            (a + b, LAST_READING.get())
        })
        .join()
        .expect("the thread ran");
        if cfg!(target_os = "linux") {
            assert_eq!(Some(charged), clock);
            // The spinning before the first process and between the two is in it.
            assert!(charged >= 35_000_000, "charged {charged} ns for 35 ms spun");
        }
    }

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
