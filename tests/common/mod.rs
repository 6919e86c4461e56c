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

/// A bundled snapshot, `Scenario-<N>`, materialized from snapshots/bundle.json on first use.
#[allow(
    dead_code,
    reason = "not every test crate that includes this module opens one"
)]
pub fn bundled(name: &str) -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    rcabox_runtime::snapshot::bundle::materialize(&root.join("bundle.json"), &root)
        .expect("bundled snapshots");
    root.join(name)
}
