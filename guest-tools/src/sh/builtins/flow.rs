//! `exit`, `return`, `break`, `continue`: the builtins that end something, as control flow
//! ([`Ctl`]) the interpreter unwinds.

use super::super::state::Shell;
use super::super::{Ctl, Res};

impl Shell {
    /// The status `exit` and `return` end with: their argument modulo 256, else the last status.
    fn status_arg(&self, args: &[String]) -> i32 {
        args.first()
            .and_then(|a| a.parse::<i64>().ok())
            .map(|c| (c & 0xff) as i32)
            .unwrap_or(self.status)
    }

    /// `exit [N]`.
    pub(super) fn exit(&mut self, args: &[String]) -> Res {
        Err(Ctl::Exit(self.status_arg(args)))
    }

    /// `return [N]`.
    pub(super) fn return_(&mut self, args: &[String]) -> Res {
        Err(Ctl::Return(self.status_arg(args)))
    }

    /// `break [N]` and `continue [N]`.
    pub(super) fn break_continue(&mut self, name: &str, args: &[String]) -> Res {
        let n = args
            .first()
            .and_then(|a| a.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1);
        Err(if name == "break" {
            Ctl::Break(n)
        } else {
            Ctl::Continue(n)
        })
    }
}
