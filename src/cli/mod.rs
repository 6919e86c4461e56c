//! The command line: one module per subcommand.

mod exec;
mod score;
mod shell;
mod snapshot;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Run AI agents on Kubernetes incident snapshots in a WebAssembly sandbox and score them.
#[derive(Parser)]
#[command(name = "rcabox", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one shell command over a snapshot in the sandbox.
    Exec(exec::ExecArgs),
    /// An interactive shell over one sandbox session.
    Shell(shell::ShellArgs),
    /// Score an answer against a ground truth.
    Score(score::ScoreArgs),
    /// Inspect, hash, verify or generate snapshots.
    Snapshot(snapshot::SnapshotArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Exec(a) => exec::run(a),
        Command::Shell(a) => shell::run(a),
        Command::Score(a) => score::run(a),
        Command::Snapshot(a) => snapshot::run(a),
    }
}
