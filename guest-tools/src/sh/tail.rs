//! The shell's last command replaces the shell, as `bash -c 'grep x f'` execs grep.
//!
//! A process is a wasm instance, and starting one is most of what a short command costs. When
//! nothing of the shell runs after a program (its last command, or the last stage of its last
//! pipeline), the shell asks the host to turn its own process into that program
//! ([`crate::sys::exec`]) and calls the tool's entry in place: `grep -c x f` is one instance, not
//! two, and `head f | cut -f1` two, not three.
//!
//! What the shell would still have done after its program, it does at exit ([`finish`], run by
//! libc's `atexit` when the tool ends through `exit`): close its descriptors, so the stages
//! before it see end of file or a broken pipe as when the shell's child ended, then wait for
//! those stages and for background jobs, which the shell waits for before it exits. A tool
//! that traps instead ends the command's process as the shell would have after it.
//!
//! Not replaced: a program followed by anything the shell runs (a trap, `!`'s inversion,
//! `pipefail`'s look at every stage), and `python3`, another module, which the host refuses.

use std::sync::Mutex;

use super::state::Shell;
use crate::sys::{self, SpawnRequest};

/// What the shell owes at exit once it has become its last program.
struct Owed {
    /// Descriptors the program got from the shell, other than stderr.
    fds: Vec<u32>,
    /// The pipeline's other stages and the background jobs.
    pids: Vec<u32>,
}

/// Set once the process has become its last program; read by [`finish`] at exit.
static OWED: Mutex<Option<Owed>> = Mutex::new(None);

#[cfg(target_arch = "wasm32")]
unsafe extern "C" {
    /// wasi-libc's (musl's): `f` runs when the process calls `exit`.
    fn atexit(f: extern "C" fn()) -> i32;
}

/// Built natively the host is absent, [`sys::exec`] fails, and nothing is ever owed.
#[cfg(not(target_arch = "wasm32"))]
unsafe fn atexit(_: extern "C" fn()) -> i32 {
    0
}

/// Pays what the shell owed at its exit (see the module's documentation).
extern "C" fn finish() {
    let owed = OWED.lock().ok().and_then(|mut o| o.take());
    let Some(owed) = owed else { return };
    for fd in owed.fds {
        // SAFETY: the program has ended; these numbers are the descriptors it was given, and
        // nothing runs after this handler that would use them.
        unsafe { sys::close(fd) };
    }
    for pid in owed.pids {
        sys::wait(pid);
    }
}

impl Shell {
    /// Becomes the program of `req` and never returns, unless the host refuses (then `req`
    /// comes back, to be spawned as usual). `others`: the pipeline's stages before it.
    pub(super) fn replace_with(&mut self, req: SpawnRequest, others: Vec<u32>) -> SpawnRequest {
        if !self.traps.is_empty() {
            return req;
        }
        let fds = req.fds.iter().map(|f| f.0).filter(|f| *f != 2).collect();
        let mut pids = others;
        pids.extend(self.jobs.iter().copied());
        if sys::exec(&req).is_err() {
            return req;
        }
        if let Ok(mut o) = OWED.lock() {
            *o = Some(Owed { fds, pids });
        }
        // SAFETY: `finish` is a plain function that lives as long as the program.
        unsafe { atexit(finish) };
        let args: Vec<String> = req
            .argv
            .iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let name = args.first().cloned().unwrap_or_default();
        let code = crate::run(&name, args.into_iter().map(Into::into).collect());
        std::process::exit(code)
    }
}
