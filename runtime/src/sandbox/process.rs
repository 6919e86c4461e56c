//! The process layer: every program a command runs is a fresh wasm instance on its own thread.
//!
//! A command starts one process, `sh -c COMMAND`; the shell starts the others through the
//! `rcabox` import module ([`super::wasi::imports`]). All processes of a command share one
//! [`CommandCtx`]: its limits, its CPU account, its cancel flag and its process table. A process
//! ends by returning from `_start`, by `proc_exit`, by a trap, or when the host cancels the command
//! (timeout, CPU or memory limit, user interrupt); in every case its descriptors are closed before
//! its parent's `wait` returns, so pipes see end of file in the order Unix programs expect.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rcabox_proto::{STATUS_KILLED, STATUS_SIGPIPE, STATUS_TERM, STATUS_TRAPPED};
use wasmtime::{Memory, ResourceLimiter, Store, UpdateDeadline};

use super::cpu::CpuMeter;
use super::engine::Runtime;
use super::fdtable::FdTable;
use super::vfs::{Errno, Vfs};
use super::{ErrorKind, Limits, SandboxError};

/// A command-wide stop flag, holding why the command was stopped.
#[derive(Clone, Default)]
pub struct Cancel(Arc<AtomicU8>);

impl Cancel {
    /// Whether the command was stopped.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed) != 0
    }

    /// Stops the command; the first reason given is kept.
    pub fn set(&self, kind: ErrorKind) {
        let _ = self
            .0
            .compare_exchange(0, kind as u8, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// Why the command was stopped.
    pub fn kind(&self) -> Option<ErrorKind> {
        ErrorKind::from_code(self.0.load(Ordering::Relaxed))
    }
}

/// A `timeout`: the process started with it and all its descendants stop when sandbox time
/// passes `virt_ns` (a virtual sleep reaching it) or the wall clock passes `wall` (computing
/// too long), whichever comes first; nested timeouts chain through `outer`.
pub struct Deadline {
    /// Virtual time (ns since the epoch) at which the group stops.
    pub virt_ns: u64,
    /// Wall-clock instant at which the group stops.
    pub wall: Instant,
    /// The enclosing timeout, if any.
    pub outer: Option<Arc<Deadline>>,
    fired: AtomicBool,
}

impl Deadline {
    /// A deadline `dur_ns` after virtual time `now_ns`, inside `outer`.
    pub fn new(now_ns: u64, dur_ns: u64, outer: Option<Arc<Deadline>>) -> Self {
        Deadline {
            virt_ns: now_ns.saturating_add(dur_ns),
            wall: Instant::now() + Duration::from_nanos(dur_ns),
            outer,
            fired: AtomicBool::new(false),
        }
    }

    /// Whether this deadline or an enclosing one has passed (by wall time) or fired.
    pub fn expired(&self) -> bool {
        if self.fired.load(Ordering::Relaxed) {
            return true;
        }
        if Instant::now() >= self.wall {
            self.fired.store(true, Ordering::Relaxed);
            return true;
        }
        self.outer.as_ref().is_some_and(|o| o.expired())
    }

    /// The earliest virtual stop time in the chain.
    pub fn earliest_virt(&self) -> u64 {
        self.outer
            .as_ref()
            .map_or(self.virt_ns, |o| o.earliest_virt().min(self.virt_ns))
    }

    /// Whether this deadline itself was reached by a virtual sleep (or marked passed).
    pub fn fired(&self) -> bool {
        self.fired.load(Ordering::Relaxed)
    }

    /// Marks the chain from here as passed, so every process in it stops.
    pub fn fire(&self) {
        self.fired.store(true, Ordering::Relaxed);
    }
}

/// A process's way out of wasm: carried as the error of the host call that ended it.
#[derive(Debug, Clone, Copy)]
pub struct Exit(pub i32);

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "process exited with status {}", self.0)
    }
}

impl std::error::Error for Exit {}

/// Completion of one process, waited on by its parent.
#[derive(Default)]
pub struct Done {
    status: Mutex<Option<i32>>,
    cond: Condvar,
}

impl Done {
    fn finish(&self, status: i32) {
        *self.status.lock().unwrap_or_else(|e| e.into_inner()) = Some(status);
        self.cond.notify_all();
    }

    /// Whether the process has ended.
    pub fn finished(&self) -> bool {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// Waits up to `dur` for the exit status.
    pub fn wait_for(&self, dur: Duration) -> Option<i32> {
        let s = self.status.lock().unwrap_or_else(|e| e.into_inner());
        let (s, _) = self
            .cond
            .wait_timeout_while(s, dur, |s| s.is_none())
            .unwrap_or_else(|e| e.into_inner());
        *s
    }

    /// Waits for the exit status; once `cancel` is set, gives up after `grace`.
    pub fn wait(&self, cancel: &Cancel, grace: Duration) -> Option<i32> {
        loop {
            if let Some(s) = self.wait_for(Duration::from_millis(20)) {
                return Some(s);
            }
            if cancel.is_set() {
                return self.wait_for(grace);
            }
        }
    }
}

/// Everything the processes of one command share.
pub struct CommandCtx {
    /// The engine and the pre-linked tool module.
    pub runtime: Arc<Runtime>,
    /// The session's filesystem.
    pub vfs: Arc<Vfs>,
    /// Limits in force.
    pub limits: Limits,
    /// Set to stop every process of the command.
    pub cancel: Cancel,
    /// CPU time of the command's processes, wasm and host imports, in nanoseconds
    /// ([`super::cpu`]).
    pub cpu_ns: AtomicU64,
    /// Host memory held for the command ([`super::budget`]).
    pub memory: Arc<super::budget::MemBudget>,
    /// Limits hit that did not stop the command (output, quota, processes, memory).
    pub soft_errors: Mutex<Vec<ErrorKind>>,
    /// Seed for the processes' random streams.
    pub seed: u64,
    /// Processes that cannot go on by themselves: waiting for a child, blocked on a pipe, or
    /// sleeping past their deadline ([`CommandCtx::blocked`]).
    blocked: AtomicUsize,
    /// Times a blocked process went on or a process ended: a parked sleeper sees whether the
    /// others are really stuck or only between a wake-up and their next step.
    progress: AtomicU64,
    table: Mutex<ProcTable>,
}

/// Counts a process as blocked until dropped ([`CommandCtx::blocked`]).
pub struct Blocked<'a> {
    ctx: &'a CommandCtx,
    on: std::cell::Cell<bool>,
}

impl Blocked<'_> {
    /// Counts the process as blocked from now on (a no-op once counted).
    pub fn mark(&self) {
        if !self.on.replace(true) {
            self.ctx.blocked.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Drop for Blocked<'_> {
    fn drop(&mut self) {
        if self.on.get() {
            self.ctx.progress.fetch_add(1, Ordering::SeqCst);
            self.ctx.blocked.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// The pid of a command's first process, the shell that runs it.
const ROOT_PID: u32 = 2;

#[derive(Default)]
struct ProcTable {
    next_pid: u32,
    started: usize,
    live: usize,
    procs: HashMap<u32, Arc<Done>>,
}

impl CommandCtx {
    /// A context for one command.
    pub fn new(runtime: Arc<Runtime>, vfs: Arc<Vfs>, limits: Limits, seed: u64) -> Arc<Self> {
        let memory = super::budget::MemBudget::within(
            limits.memory_total_bytes,
            super::budget::process().clone(),
        );
        Arc::new(CommandCtx {
            runtime,
            vfs,
            limits,
            cancel: Cancel::default(),
            cpu_ns: AtomicU64::new(0),
            memory,
            soft_errors: Mutex::new(Vec::new()),
            seed,
            blocked: AtomicUsize::new(0),
            progress: AtomicU64::new(0),
            table: Mutex::new(ProcTable {
                next_pid: ROOT_PID,
                ..Default::default()
            }),
        })
    }

    /// Holds `bytes` of host memory for the command; past its budget the call fails with
    /// `ENOMEM` and the command reports `memory_limit`.
    pub fn charge_memory(&self, bytes: u64) -> Result<super::budget::Charge, Errno> {
        self.memory.charge(bytes).ok_or_else(|| {
            self.soft_error(ErrorKind::MemoryLimit);
            Errno::Nomem
        })
    }

    /// Adds a process's CPU time to the command's; true once the command is past its CPU
    /// limit, which is then recorded as the reason to stop every process.
    pub fn charge_cpu(&self, ns: u64) -> bool {
        let used = self
            .cpu_ns
            .fetch_add(ns, Ordering::Relaxed)
            .saturating_add(ns);
        let over = u128::from(used) > self.limits.cpu.as_nanos();
        if over {
            self.cancel.set(ErrorKind::CpuLimit);
        }
        over
    }

    /// Records a limit that was hit without stopping the command.
    pub fn soft_error(&self, kind: ErrorKind) {
        let mut v = self.soft_errors.lock().unwrap_or_else(|e| e.into_inner());
        if !v.contains(&kind) {
            v.push(kind);
        }
    }

    /// Processes still running.
    pub fn live(&self) -> usize {
        self.table.lock().unwrap_or_else(|e| e.into_inner()).live
    }

    /// A marker that counts the calling process as blocked once [`Blocked::mark`]ed, until
    /// dropped. A sleep past the command's deadline fires it only when every process is
    /// blocked ([`CommandCtx::everyone_blocked`]): `sleep infinity &` beside a foreground job
    /// must not end the command, but `sleep 1e10` in the foreground may end it at once.
    pub fn blocked(&self) -> Blocked<'_> {
        Blocked {
            ctx: self,
            on: std::cell::Cell::new(false),
        }
    }

    /// Whether the command's shell has ended: what is left are background jobs, which die
    /// with the command rather than decide how it ends.
    pub fn root_finished(&self) -> bool {
        self.done(ROOT_PID).is_none_or(|d| d.finished())
    }

    /// A count that moves whenever a blocked process goes on or a process ends.
    pub fn progress(&self) -> u64 {
        self.progress.load(Ordering::SeqCst)
    }

    /// Whether no process of the command can go on by itself.
    pub fn everyone_blocked(&self) -> bool {
        let live = self.live();
        self.blocked.load(Ordering::SeqCst) >= live
    }

    /// The completion handle of `pid`.
    pub fn done(&self, pid: u32) -> Option<Arc<Done>> {
        self.table
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .procs
            .get(&pid)
            .cloned()
    }

    /// Takes the next pid within the command's process limits, counting it as started and,
    /// when it is a new instance, as running.
    fn admit(&self, new_instance: bool) -> Result<(u32, MutexGuard<'_, ProcTable>), ErrorKind> {
        let mut t = self.table.lock().unwrap_or_else(|e| e.into_inner());
        let crowded = new_instance && t.live >= self.limits.max_live_processes;
        if t.started >= self.limits.max_processes || crowded {
            drop(t);
            self.soft_error(ErrorKind::ProcessLimit);
            return Err(ErrorKind::ProcessLimit);
        }
        t.started += 1;
        t.live += usize::from(new_instance);
        let pid = t.next_pid;
        t.next_pid += 1;
        Ok((pid, t))
    }

    /// Counts a process that replaces its caller (`exec`) as started, as the spawn it saves
    /// would have, and gives it the pid that spawn would have had: the command's process limit
    /// and every later pid and random stream stay what they were without the saving.
    pub fn claim_pid(&self) -> Result<u32, ErrorKind> {
        self.admit(false).map(|(pid, _)| pid)
    }

    /// Starts a process; fails when the command has started or is running too many.
    pub fn spawn(self: &Arc<Self>, spec: ProcSpec) -> Result<u32, ErrorKind> {
        let (pid, done) = {
            let (pid, mut t) = self.admit(true)?;
            let done = Arc::new(Done::default());
            t.procs.insert(pid, done.clone());
            (pid, done)
        };
        let ctx = self.clone();
        let spawned = super::workers::run(Box::new(move || {
            let status = run(&ctx, pid, spec);
            ctx.progress.fetch_add(1, Ordering::SeqCst);
            ctx.table.lock().unwrap_or_else(|e| e.into_inner()).live -= 1;
            done.finish(status);
        }));
        if spawned.is_err() {
            let mut t = self.table.lock().unwrap_or_else(|e| e.into_inner());
            t.live -= 1;
            if let Some(d) = t.procs.get(&pid) {
                d.finish(STATUS_KILLED);
            }
        }
        Ok(pid)
    }
}

/// What a new process starts with.
pub struct ProcSpec {
    /// Arguments, `argv[0]` naming the tool.
    pub argv: Vec<Vec<u8>>,
    /// Environment, `NAME=value`.
    pub env: Vec<Vec<u8>>,
    /// Absolute working directory.
    pub cwd: String,
    /// Descriptors, the root preopen included.
    pub fds: FdTable,
    /// Opaque state for a subshell.
    pub state: Vec<u8>,
    /// The `timeout` the process runs under, if any.
    pub deadline: Option<Arc<Deadline>>,
    /// The host memory its spawn request holds, until the process ends.
    pub charge: Option<super::budget::Charge>,
}

/// The per-instance state wasmtime's store carries.
pub struct ProcState {
    /// The command this process belongs to.
    pub ctx: Arc<CommandCtx>,
    /// Process id, unique within the command.
    pub pid: u32,
    /// What the process was started with.
    pub spec: ProcSpec,
    /// Virtual time at which the process started, nanoseconds since the epoch.
    pub start_ns: u64,
    /// Virtual nanoseconds elapsed since the process started.
    pub clock_ns: u64,
    /// State of the process's random stream.
    pub rng: u64,
    /// The instance's exported memory, once instantiated.
    pub memory: Option<Memory>,
    /// Child processes this one may wait for.
    pub children: Vec<u32>,
    /// This process's CPU clock.
    cpu: CpuMeter,
    limiter: MemLimiter,
}

impl ProcState {
    /// Charges the CPU this process used since it was last charged to its command; true once
    /// the command is past its CPU limit. `at_tick`: see [`CpuMeter::take`].
    pub fn charge_cpu(&mut self, at_tick: bool) -> bool {
        let ns = self.cpu.take(at_tick);
        self.ctx.charge_cpu(ns)
    }
}

struct MemLimiter {
    max: usize,
    ctx: Arc<CommandCtx>,
    /// This process's linear memory, held against the command's budget until it ends.
    charge: super::budget::Charge,
}

impl ResourceLimiter for MemLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let grow = desired.saturating_sub(current) as u64;
        if desired > self.max || !self.charge.grow(grow) {
            self.ctx.soft_error(ErrorKind::MemoryLimit);
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1 << 20)
    }
}

fn run(ctx: &Arc<CommandCtx>, pid: u32, mut spec: ProcSpec) -> i32 {
    let rt = ctx.runtime.clone();
    // argv[0] picks the module: the interpreter for python3, the multicall tools otherwise.
    let python = spec
        .argv
        .first()
        .is_some_and(|a| super::python::is_python(a));
    if python {
        // The interpreter takes its working directory from `PWD` (WASI has no inherited cwd).
        spec.env.retain(|e| !e.starts_with(b"PWD="));
        spec.env.push(format!("PWD={}", spec.cwd).into_bytes());
    }
    let state = ProcState {
        ctx: ctx.clone(),
        pid,
        spec,
        start_ns: ctx.vfs.now_ns(),
        clock_ns: 0,
        rng: rng_seed(ctx.seed, pid),
        memory: None,
        children: Vec::new(),
        cpu: CpuMeter::start(),
        limiter: MemLimiter {
            max: ctx.limits.memory_bytes,
            ctx: ctx.clone(),
            charge: ctx.memory.empty(),
        },
    };
    let mut store = Store::new(rt.engine(), state);
    store.limiter(|s| &mut s.limiter);
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |mut cx| {
        let st = cx.data_mut();
        if st.ctx.cancel.is_set() {
            return Err(Exit(STATUS_KILLED).into());
        }
        if st.spec.deadline.as_ref().is_some_and(|d| d.expired()) {
            return Err(Exit(STATUS_TERM).into());
        }
        if st.charge_cpu(true) {
            return Err(Exit(STATUS_KILLED).into());
        }
        Ok(UpdateDeadline::Continue(1))
    });
    let (pre, entry) = if python {
        (rt.python(), super::python::ENTRY)
    } else {
        (Ok(rt.instance_pre()), "_start")
    };
    let status = match pre.and_then(|p| p.instantiate(&mut store).map_err(SandboxError::engine)) {
        Ok(instance) => {
            let memory = instance.get_memory(&mut store, "memory");
            if let Some(m) = &memory {
                super::hugepages::advise(&store, m, ctx.limits.memory_bytes);
            }
            store.data_mut().memory = memory;
            if python {
                match instance.get_typed_func::<(), i32>(&mut store, entry) {
                    Ok(run) => match run.call(&mut store, ()) {
                        Ok(status) => status & 0xff,
                        Err(e) => status_of(&e, ctx),
                    },
                    Err(_) => STATUS_TRAPPED,
                }
            } else {
                match instance.get_typed_func::<(), ()>(&mut store, entry) {
                    Ok(start) => match start.call(&mut store, ()) {
                        Ok(()) => 0,
                        Err(e) => status_of(&e, ctx),
                    },
                    Err(_) => STATUS_TRAPPED,
                }
            }
        }
        Err(e) => {
            // The pool is full or the module cannot be instantiated: report it on the
            // process's stderr, the way a failed exec would.
            let msg = format!("rcabox: cannot start process: {e}\n");
            if let Ok(f) = store.data().spec.fds.get(2) {
                super::wasi::write_to(f, msg.as_bytes(), ctx);
            }
            ctx.soft_error(ErrorKind::ProcessLimit);
            126
        }
    };
    // Close every descriptor before the parent learns the status: a reader of this process's
    // output must see end of file no later than its exit.
    store.data_mut().spec.fds.clear();
    // The CPU used since the last tick counts too, the instance's teardown included: a command
    // of many short processes would otherwise run for free. This reading is where the next
    // process on this thread starts (`cpu.rs`).
    let mut state = store.into_data();
    state.charge_cpu(false);
    status
}

fn status_of(e: &wasmtime::Error, ctx: &CommandCtx) -> i32 {
    if let Some(Exit(code)) = e.downcast_ref::<Exit>() {
        return *code;
    }
    if ctx.cancel.is_set() {
        return STATUS_KILLED;
    }
    // Runaway recursion ends in one of two traps: the host's wasm stack limit, or the guest's
    // own stack in linear memory running below address 0 (the tools are linked stack-first,
    // and their safe Rust makes no other out-of-bounds access). Both are the stack limit.
    if matches!(
        e.downcast_ref::<wasmtime::Trap>(),
        Some(wasmtime::Trap::StackOverflow | wasmtime::Trap::MemoryOutOfBounds)
    ) {
        ctx.soft_error(ErrorKind::MemoryLimit);
    }
    STATUS_TRAPPED
}

/// The first state of process `pid`'s random stream.
pub fn rng_seed(seed: u64, pid: u32) -> u64 {
    splitmix(seed ^ (pid as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// One step of the SplitMix64 generator: a good 64-bit mix for seeding and for `random_get`.
pub fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Status of a process that wrote to a pipe nobody reads.
pub fn sigpipe() -> wasmtime::Error {
    Exit(STATUS_SIGPIPE).into()
}
