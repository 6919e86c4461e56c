//! `rcabox`: run AI agents on Kubernetes incident snapshots in a wasm sandbox.

use std::process::ExitCode;

fn main() -> ExitCode {
    rcabox::main_with_args(std::env::args_os())
}
