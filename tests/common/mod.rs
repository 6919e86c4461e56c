//! Helpers shared by the integration test crates that include this module.

use std::process::{Command, Output};

/// Runs `cmd` to completion; panics with `what` and the program's stderr unless it succeeded.
pub fn succeeded(cmd: &mut Command, what: &str) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
