//! The threads guest processes run on, kept for the next process instead of exiting.
//!
//! A guest process runs on a host thread of its own (wasm runs on the host's stack). Creating
//! that thread (12 MiB of stack address space), giving it wasmtime's signal stack and tearing
//! both down again was a fifth of a short process's cost: `clone3`, `munmap` and the
//! thread-local destructors in `perf` over a loop of `/bin/true`. A finished thread parks here
//! for the next process of any session; at most [`MAX_IDLE`] park, each for at most [`IDLE`].
//!
//! A parked thread holds the stack pages its last process touched, which an exiting thread
//! would have handed back (glibc does on exit). Before parking it hands back everything more
//! than [`KEEP_STACK`] below its own frame, so what idle threads hold stays bounded by
//! `MAX_IDLE * KEEP_STACK` however deep a guest recursed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// A process to run.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Parked threads at most: enough for a session's pipeline and a few episodes at once; more
/// concurrent processes create threads as before, which exit when this is full.
const MAX_IDLE: usize = 16;

/// How long a parked thread waits for a process before it exits.
const IDLE: Duration = Duration::from_secs(2);

/// Stack below a parked thread's frame left resident: the depth most processes reach (the
/// mix's deepest host frames are well under it), so parking rarely has pages to hand back.
const KEEP_STACK: usize = 256 << 10;

/// One parked thread: where to send its next job.
struct Parked {
    id: u64,
    tx: Sender<Job>,
}

static PARKED: Mutex<Vec<Parked>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn parked() -> MutexGuard<'static, Vec<Parked>> {
    PARKED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `job` on a parked thread, or on a new one; every thread has a stack of
/// `engine::THREAD_STACK`, so any parked one will do.
pub fn run(mut job: Job) -> std::io::Result<()> {
    loop {
        // The lock is released before sending: a send never waits, but the thread that
        // receives may be about to take the lock itself.
        let next = parked().pop();
        match next {
            Some(p) => match p.tx.send(job) {
                Ok(()) => return Ok(()),
                // Its thread has gone (it exited between parking and now): try another.
                Err(mpsc::SendError(j)) => job = j,
            },
            None => break,
        }
    }
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    std::thread::Builder::new()
        .name("rcabox-proc".into())
        .stack_size(super::engine::THREAD_STACK)
        .spawn(move || work(id, job))
        .map(|_| ())
}

/// A thread's life: run a job, park, run the next, until nobody needs it.
fn work(id: u64, first: Job) {
    let (tx, rx) = mpsc::channel::<Job>();
    let stack = Stack::current();
    let mut job = first;
    loop {
        job();
        if let Some(s) = &stack {
            s.release_below_here();
        }
        {
            let mut p = parked();
            if p.len() >= MAX_IDLE {
                return;
            }
            p.push(Parked { id, tx: tx.clone() });
        }
        job = match rx.recv_timeout(IDLE) {
            Ok(j) => j,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                let mut p = parked();
                if let Some(i) = p.iter().position(|w| w.id == id) {
                    p.swap_remove(i);
                    return;
                }
                drop(p);
                // Taken in the instant the wait ended: its job is being sent (this thread
                // holds a sender, so the channel stays open).
                match rx.recv() {
                    Ok(j) => j,
                    Err(_) => return,
                }
            }
        };
    }
}

/// The running thread's stack: its lowest usable address, and the host's page size.
struct Stack {
    low: usize,
    page: usize,
}

impl Stack {
    /// The current thread's stack bounds, from pthread; `None` where they cannot be read.
    fn current() -> Option<Stack> {
        // SAFETY: sysconf only reads system configuration; it has no preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) })
            .ok()
            .filter(|p| p.is_power_of_two())?;
        let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
        // SAFETY: `pthread_getattr_np` initialises `attr` for the calling thread when it
        // returns 0; only then is it read, and it is destroyed once.
        unsafe {
            if libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) != 0 {
                return None;
            }
            let mut addr: *mut libc::c_void = std::ptr::null_mut();
            let mut size: libc::size_t = 0;
            let ok = libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size) == 0;
            libc::pthread_attr_destroy(attr.as_mut_ptr());
            ok.then_some(Stack {
                low: addr as usize,
                page,
            })
        }
    }

    /// Hands back the pages more than [`KEEP_STACK`] below the caller's frame.
    #[inline(never)]
    fn release_below_here(&self) {
        let marker = 0u8;
        let here = std::ptr::addr_of!(marker) as usize;
        let page = self.page;
        let end = here.saturating_sub(KEEP_STACK) & !(page - 1);
        let start = (self.low + page - 1) & !(page - 1);
        if end > start {
            // SAFETY: [start, end) lies inside this thread's own stack mapping, below every
            // live frame of the thread (the caller's frame is `KEEP_STACK` above `end`), so
            // nothing refers to it; MADV_DONTNEED only makes its pages read back as zeros.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    #[test]
    fn sequential_jobs_reuse_parked_threads() {
        let (tx, rx) = channel();
        let mut threads = std::collections::HashSet::new();
        for _ in 0..20 {
            let tx = tx.clone();
            let job: Job = Box::new(move || {
                let _ = tx.send(std::thread::current().id());
            });
            run(job).expect("spawn");
            threads.insert(rx.recv_timeout(Duration::from_secs(10)).expect("job ran"));
            // Time for the thread to park before the next job looks for one.
            std::thread::sleep(Duration::from_millis(20));
        }
        // Other tests in this binary share the pool, so a few threads may take part; twenty
        // jobs on twenty threads would mean none was kept.
        assert!(threads.len() < 10, "{} threads for 20 jobs", threads.len());
    }

    /// Resident pages of [start, end), from mincore.
    fn resident(start: usize, end: usize, page: usize) -> usize {
        let pages = (end - start) / page;
        let mut v = vec![0u8; pages];
        // SAFETY: the range is page-aligned and inside the calling thread's stack mapping;
        // `v` has one byte per page, as mincore writes.
        let r = unsafe { libc::mincore(start as *mut libc::c_void, end - start, v.as_mut_ptr()) };
        assert_eq!(r, 0, "mincore");
        v.iter().filter(|b| **b & 1 == 1).count()
    }

    #[test]
    fn a_deep_stack_is_handed_back_before_parking() {
        #[inline(never)]
        fn deep(n: usize) -> usize {
            let buf = std::hint::black_box([n as u8; 1024]);
            if n == 0 {
                return 0;
            }
            deep(n - 1) + buf[7] as usize
        }
        let t = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(|| {
                let stack = Stack::current().expect("stack bounds");
                std::hint::black_box(deep(4000));
                let marker = 0u8;
                let here = std::ptr::addr_of!(marker) as usize;
                let page = stack.page;
                let end = (here - 2 * KEEP_STACK) & !(page - 1);
                let start = (stack.low + page - 1) & !(page - 1);
                let before = resident(start, end, page);
                stack.release_below_here();
                (before, resident(start, end, page), page)
            })
            .expect("thread");
        let (before, after, page) = t.join().expect("join");
        assert!(
            before * page > 1 << 20,
            "the recursion touched {before} pages"
        );
        assert_eq!(after, 0, "{after} of {before} pages still resident");
    }
}
