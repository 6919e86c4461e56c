//! `command`, `exec`, `type`, `which`: finding and starting programs.

use super::super::state::Shell;
use super::super::{Ctl, Io, Res};

impl Shell {
    /// `command [-vV] NAME [ARG]...`.
    pub(super) fn command(&mut self, args: &[String], io: &Io) -> Res {
        let status = {
            let rest: Vec<String> = args
                .iter()
                .skip_while(|a| a.starts_with('-'))
                .cloned()
                .collect();
            if args.first().is_some_and(|a| a == "-v" || a == "-V") {
                return Ok(self.type_of(&rest, io, 1));
            }
            if rest.is_empty() {
                return Ok(0);
            }
            if super::is_builtin(&rest[0]) {
                return self.builtin(&rest, io);
            }
            match self.spawn_program(&rest, io, Vec::new()) {
                Ok(pid) => crate::sys::wait(pid),
                Err(s) => s,
            }
        };
        Ok(status)
    }

    /// `exec [COMMAND [ARG]...]`: the program's status ends the shell.
    pub(super) fn exec(&mut self, args: &[String], io: &Io) -> Res {
        if args.is_empty() {
            return Ok(0);
        }
        let st = match self.spawn_program(args, io, Vec::new()) {
            Ok(pid) => crate::sys::wait(pid),
            Err(s) => s,
        };
        Err(Ctl::Exit(st))
    }

    /// `type` (`kind` 0), `command -v` (1) and `which` (2): how each name would run.
    pub(super) fn type_of(&mut self, args: &[String], io: &Io, kind: u8) -> i32 {
        let mut st = 0;
        let terse = args.iter().any(|a| a == "-t");
        for a in args.iter().filter(|a| !a.starts_with('-')) {
            let tool = rcabox_proto::TOOLS.contains(&a.as_str());
            let shell = self.funcs.contains_key(a) || super::is_builtin(a);
            let line = match kind {
                0 if terse && self.funcs.contains_key(a) => "function".to_string(),
                0 if terse && super::is_builtin(a) => "builtin".to_string(),
                0 if terse && tool => "file".to_string(),
                0 if terse => {
                    st = 1;
                    continue;
                }
                2 if tool => format!("/usr/bin/{a}"),
                1 if shell => a.clone(),
                1 if tool => format!("/usr/bin/{a}"),
                0 if self.funcs.contains_key(a) => format!("{a} is a function"),
                0 if super::is_builtin(a) => format!("{a} is a shell builtin"),
                0 if tool => format!("{a} is /usr/bin/{a}"),
                _ => {
                    st = 1;
                    if kind == 0 {
                        io.err(&format!("bash: type: {a}: not found\n"));
                    }
                    continue;
                }
            };
            io.out(format!("{line}\n").as_bytes());
        }
        st
    }
}
