//! awk's command pipes and `system()` as sandbox processes: `print | "sort -rn"`,
//! `"cmd" | getline v` and `system("cmd")` each start `sh -c cmd` through the host, because
//! `std::process` (what awk-rs uses) cannot start programs on wasip1.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};

use crate::sys;

/// The [`awk_rs::Commands`] of the sandbox.
pub struct SandboxCommands;

/// Starts `sh -c cmd` with descriptors `fds` (child fd, our fd).
fn start_sh(cmd: &str, fds: Vec<(u32, u32)>) -> std::io::Result<u32> {
    let argv = ["sh".to_string(), "-c".to_string(), cmd.to_string()];
    sys::start_tool(&argv, fds, 0).map_err(|e| {
        let msg = e.map_or("sh: not found", sys::Errno::message);
        std::io::Error::other(msg)
    })
}

/// One end of a pipe to a child; dropping it closes the end and waits for the child, as awk's
/// `close()` and the end of the program do.
struct ChildEnd {
    end: Option<File>,
    pid: u32,
}

impl Drop for ChildEnd {
    fn drop(&mut self) {
        drop(self.end.take());
        sys::wait(self.pid);
    }
}

impl Write for ChildEnd {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.end.as_mut().map_or(Ok(0), |f| f.write(buf))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Read for ChildEnd {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.end.as_mut().map_or(Ok(0), |f| f.read(buf))
    }
}

/// Starts `sh -c cmd` on one end of a new pipe and returns the other: the child reads the
/// pipe as its stdin when `child_reads`, else writes its stdout into it.
fn start_piped(cmd: &str, child_reads: bool) -> std::io::Result<ChildEnd> {
    let (r, w) = sys::pipe().map_err(|e| std::io::Error::other(e.message()))?;
    let (theirs, ours, fds) = if child_reads {
        (r, w, vec![(0, r), (1, 1), (2, 2)])
    } else {
        (w, r, vec![(0, 0), (1, w), (2, 2)])
    };
    let started = start_sh(cmd, fds);
    // The child has its own copy of its end. With ours open, our reader would never see end of
    // file, and our writes after the child has gone would fill the pipe instead of failing.
    // SAFETY: `theirs` came from `pipe` above; the child has its own copy.
    unsafe { sys::close(theirs) };
    match started {
        Ok(pid) => Ok(ChildEnd {
            // SAFETY: `ours` came from `pipe` above and is owned here once.
            end: Some(unsafe { sys::own(ours) }),
            pid,
        }),
        Err(e) => {
            // SAFETY: as above; nothing else holds `ours`.
            unsafe { sys::close(ours) };
            Err(e)
        }
    }
}

impl awk_rs::Commands for SandboxCommands {
    fn output(&mut self, cmd: &str) -> std::io::Result<Box<dyn Write>> {
        Ok(Box::new(start_piped(cmd, true)?))
    }

    fn input(&mut self, cmd: &str) -> std::io::Result<Box<dyn BufRead>> {
        Ok(Box::new(BufReader::new(start_piped(cmd, false)?)))
    }

    fn system(&mut self, cmd: &str) -> i32 {
        match start_sh(cmd, vec![(0, 0), (1, 1), (2, 2)]) {
            Ok(pid) => sys::wait(pid),
            Err(e) => {
                eprintln!("awk: system: {e}");
                127
            }
        }
    }
}
