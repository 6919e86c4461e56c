//! `let`: arithmetic, status 0 when the last value is not zero.

use super::super::state::Shell;
use super::super::{Io, Res};

impl Shell {
    /// `let EXPR...`.
    pub(super) fn let_(&mut self, args: &[String], io: &Io) -> Res {
        let status = {
            let mut last = 0;
            for a in args {
                match self.arith_str(a) {
                    Ok(v) => last = v,
                    Err(m) => {
                        io.err(&format!("bash: let: {m}\n"));
                        return Ok(1);
                    }
                }
            }
            i32::from(last == 0)
        };
        Ok(status)
    }
}
