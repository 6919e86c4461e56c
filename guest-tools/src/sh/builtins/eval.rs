//! `eval` and `source` (`.`): run text as shell code in this shell.

use super::super::state::Shell;
use super::super::{Ctl, Io, Res};

impl Shell {
    /// `eval ARG...`.
    pub(super) fn eval_builtin(&mut self, args: &[String], io: &Io) -> Res {
        let status = {
            let src = args.join(" ");
            match super::super::exec::parse(&src) {
                Ok(p) => self.run_program(&p, io)?,
                Err(m) => {
                    io.err(&format!("bash: eval: {m}\n"));
                    2
                }
            }
        };
        Ok(status)
    }

    /// `source FILE` and `. FILE`.
    pub(super) fn source(&mut self, args: &[String], io: &Io) -> Res {
        let status = {
            let Some(file) = args.first() else {
                io.err("bash: source: filename argument required\n");
                return Ok(2);
            };
            match std::fs::read_to_string(file) {
                Ok(src) => match super::super::exec::parse(&src) {
                    Ok(p) => match self.run_program(&p, io) {
                        Err(Ctl::Return(s)) => s,
                        r => r?,
                    },
                    Err(m) => {
                        io.err(&format!("bash: {file}: {m}\n"));
                        2
                    }
                },
                Err(e) => {
                    io.err(&format!(
                        "bash: {file}: {}\n",
                        crate::io_message::io_message(&e)
                    ));
                    1
                }
            }
        };
        Ok(status)
    }
}
