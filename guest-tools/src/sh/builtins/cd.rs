//! `cd`: changes the shell's working directory (and `PWD`, `OLDPWD`).

use super::super::state::Shell;
use super::super::{Io, Res};

impl Shell {
    /// `cd [DIR | -]`.
    pub(super) fn cd(&mut self, args: &[String], io: &Io) -> Res {
        let status = {
            let target = match args.first().map(String::as_str) {
                None => self.get_var("HOME").unwrap_or_else(|| "/".into()),
                Some("-") => self.get_var("OLDPWD").unwrap_or_default(),
                Some(d) => d.to_string(),
            };
            let old = self.cwd();
            match std::env::set_current_dir(&target) {
                Ok(()) => {
                    self.set_var("OLDPWD", &old);
                    let new = self.cwd();
                    self.set_var("PWD", &new);
                    if args.first().map(String::as_str) == Some("-") {
                        io.out(format!("{new}\n").as_bytes());
                    }
                    0
                }
                Err(e) => {
                    io.err(&format!(
                        "bash: cd: {target}: {}\n",
                        crate::io_message::io_message(&e)
                    ));
                    1
                }
            }
        };
        Ok(status)
    }
}
