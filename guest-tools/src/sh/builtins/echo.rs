//! `echo`: bash's, with `-n`, `-e` and `-E` (it is a builtin in bash too).

use super::super::state::Shell;
use super::super::{Io, Res};

impl Shell {
    /// `echo [-neE] [ARG]...`.
    pub(super) fn echo(&mut self, args: &[String], io: &Io) -> Res {
        let status = {
            let (mut newline, mut escapes, mut i) = (true, false, 0);
            while let Some(a) = args.get(i) {
                if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| "neE".contains(c)) {
                    for c in a[1..].chars() {
                        match c {
                            'n' => newline = false,
                            'e' => escapes = true,
                            _ => escapes = false,
                        }
                    }
                    i += 1;
                } else {
                    break;
                }
            }
            let mut s = args[i..].join(" ");
            if escapes {
                if let Some(at) = s.find("\\c") {
                    s.truncate(at);
                    newline = false;
                }
                s = super::super::quote::ansi_c(&s);
            }
            if newline {
                s.push('\n');
            }
            io.out(s.as_bytes());
            0
        };
        Ok(status)
    }
}
