//! `rcabox`: run AI agents on Kubernetes incident snapshots in a wasm sandbox.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("rcabox: {e:#}");
            ExitCode::from(2)
        }
    }
}
