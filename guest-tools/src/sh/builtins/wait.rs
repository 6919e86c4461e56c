//! `wait`: waits for the shell's background jobs.

use super::super::Res;
use super::super::state::Shell;

impl Shell {
    /// `wait`.
    pub(super) fn wait(&mut self) -> Res {
        let status = {
            for pid in std::mem::take(&mut self.jobs) {
                self.status = crate::sys::wait(pid);
            }
            0
        };
        Ok(status)
    }
}
