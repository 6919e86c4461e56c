//! `trap`: commands to run on `EXIT` (the only condition a sandboxed shell sees).

use super::super::Io;
use super::super::state::Shell;

impl Shell {
    /// `trap [COMMAND] CONDITION...`: `EXIT` (also `0`) and `ERR` run; signals never arrive in
    /// the sandbox, so their traps are accepted and never run.
    pub(super) fn trap(&mut self, args: &[String], io: &Io) -> i32 {
        let args: Vec<&String> = args.iter().filter(|a| *a != "--").collect();
        match args.as_slice() {
            [] => {
                let mut names: Vec<_> = self.traps.iter().collect();
                names.sort();
                for (cond, cmd) in names {
                    io.out(
                        format!("trap -- {} {cond}\n", super::super::quote::quote(cmd)).as_bytes(),
                    );
                }
                0
            }
            [cmd, conds @ ..] => {
                for c in conds {
                    let cond = match c.as_str() {
                        "0" | "EXIT" => "EXIT",
                        "ERR" => "ERR",
                        _ => continue,
                    };
                    if cmd.as_str() == "-" || cmd.is_empty() {
                        self.traps.remove(cond);
                    } else {
                        self.traps.insert(cond.to_string(), cmd.to_string());
                    }
                }
                0
            }
        }
    }
}
