//! `sh`/`bash`: a bash interpreter over `brush-parser`'s syntax tree.
//!
//! Parsing is brush-parser's; execution is ours, because it must use the sandbox's process
//! layer instead of `fork`: every external program, pipeline stage, `$(...)` and `( ... )` is
//! a new wasm instance started with [`crate::sys::spawn`], except the last program a shell
//! runs, which the shell becomes ([`tail`]). A subshell is this same program
//! started with the parent's variables, functions and options in its start state
//! ([`state::SubState`]), so `( cd x; f )` and `cmd | while read l; do ...; done` see what
//! bash's forked children would.
//!
//! Descriptors: the shell never rearranges its own 0/1/2. Each command runs with an [`Io`]
//! that maps the numbers the command sees to descriptors the shell holds; redirections make
//! a new map, builtins write through it, and spawned children get it as their descriptor table.

mod arith;
mod assign;
mod brace;
mod builtins;
mod error;
mod exec;
mod expand;
mod glob;
mod ifs;
mod param;
mod quote;
#[cfg(test)]
mod roundtrip_tests;
mod state;
mod tail;
mod test;

use std::collections::BTreeMap;
use std::ffi::OsString;

pub use state::Shell;
pub use test::test_main;

/// Map from the descriptor numbers a command sees to descriptors the shell holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Io(pub BTreeMap<u32, u32>);

impl Default for Io {
    fn default() -> Self {
        Io(BTreeMap::from([(0, 0), (1, 1), (2, 2)]))
    }
}

impl Io {
    /// The shell descriptor behind `fd`, if open.
    pub fn get(&self, fd: u32) -> Option<u32> {
        self.0.get(&fd).copied()
    }

    /// Writes to the command's stdout; a closed or broken stdout is ignored, as bash does.
    pub fn out(&self, s: &[u8]) {
        if let Some(fd) = self.get(1) {
            let _ = crate::sys::write_fd(fd, s);
        }
    }

    /// Writes to the command's stderr.
    pub fn err(&self, s: &str) {
        if let Some(fd) = self.get(2) {
            let _ = crate::sys::write_fd(fd, s.as_bytes());
        }
    }
}

/// Control flow leaving a command other than by finishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctl {
    /// `break N`.
    Break(u32),
    /// `continue N`.
    Continue(u32),
    /// `return N`.
    Return(i32),
    /// `exit N`, or a fatal error (`set -e`, `${x?}`).
    Exit(i32),
}

/// Outcome of running a command: its status, or control flow unwinding.
pub type Res = Result<i32, Ctl>;

/// Entry point: `sh -c CMD [NAME [ARGS...]]`, `sh FILE [ARGS...]`, or a subshell start.
pub fn main(args: Vec<OsString>) -> i32 {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match rcabox_proto::StartState::decode(&crate::sys::start_state()) {
        Ok(rcabox_proto::StartState::Fresh) => {}
        Ok(rcabox_proto::StartState::Shell(bytes)) => {
            return match state::SubState::decode(&bytes) {
                Some(sub) => {
                    let mut sh = Shell::from_sub(&sub);
                    sh.tail = true;
                    sh.run_body(sub.body)
                }
                None => {
                    eprintln!("bash: corrupt subshell state");
                    2
                }
            };
        }
        Ok(other) => {
            eprintln!("bash: started with another program's start state ({other:?})");
            return 2;
        }
        Err(e) => {
            eprintln!("bash: {e}");
            return 2;
        }
    }
    let mut sh = Shell::new();
    // Whatever the shell runs below is all it runs: its last program may replace it.
    sh.tail = true;
    let mut i = 1;
    let mut command = None;
    while i < args.len() {
        match args[i].as_str() {
            "-c" => {
                command = args.get(i + 1).cloned();
                if command.is_none() {
                    eprintln!("bash: -c: option requires an argument");
                    return 2;
                }
                i += 2;
                break;
            }
            "-e" => sh.opts.errexit = true,
            "-u" => sh.opts.nounset = true,
            "-x" => sh.opts.xtrace = true,
            "-o" if args.get(i + 1).is_some_and(|o| o == "pipefail") => {
                sh.opts.pipefail = true;
                i += 1;
            }
            "--" => {
                i += 1;
                break;
            }
            s if s.starts_with('-') && s.len() > 1 => {}
            _ => break,
        }
        i += 1;
    }
    match command {
        Some(cmd) => {
            if let Some(name) = args.get(i) {
                sh.name = name.clone();
                sh.positional = args[i + 1..].to_vec();
            }
            sh.run_source(&cmd)
        }
        None => {
            let (name, source) = match args.get(i) {
                Some(file) => match std::fs::read_to_string(file) {
                    Ok(s) => (file.clone(), s),
                    Err(e) => {
                        eprintln!("bash: {file}: {}", crate::io_message::io_message(&e));
                        return 127;
                    }
                },
                None => {
                    let mut s = String::new();
                    let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut s);
                    ("bash".to_string(), s)
                }
            };
            sh.name = name;
            sh.positional = args.get(i + 1..).map(|a| a.to_vec()).unwrap_or_default();
            sh.run_source(&source)
        }
    }
}
