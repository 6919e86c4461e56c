//! `shift`: drops positional parameters.

use super::super::Res;
use super::super::state::Shell;

impl Shell {
    /// `shift [N]`.
    pub(super) fn shift(&mut self, args: &[String]) -> Res {
        let status = {
            let n = args
                .first()
                .and_then(|a| a.parse::<usize>().ok())
                .unwrap_or(1);
            if n > self.positional.len() {
                1
            } else {
                self.positional.drain(..n);
                0
            }
        };
        Ok(status)
    }
}
