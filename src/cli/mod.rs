//! The command line: one module per subcommand.

mod bench;
mod exec;
mod export;
mod mcp;
mod replay;
mod report;
mod run;
mod rundir;
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
    /// Run an agent on every question x repeat, then score and write the report.
    Run(Box<run::RunArgs>),
    /// Run one shell command over a snapshot in the sandbox.
    Exec(exec::ExecArgs),
    /// An interactive shell over one sandbox session.
    Shell(shell::ShellArgs),
    /// Score an answer against a ground truth, or every episode of a run directory.
    Score(score::ScoreArgs),
    /// Join the directories of a sharded run, then score and report it.
    Merge(run::MergeArgs),
    /// Markdown and HTML reports over run directories.
    Report(report::ReportArgs),
    /// Re-run a trajectory's commands and check the observations are byte-identical.
    Replay(replay::ReplayArgs),
    /// Convert trajectories to another format (Harbor's ATIF).
    Export(export::ExportArgs),
    /// Serve one episode over MCP on stdio: the `code_exec` and `finish` tools.
    Mcp(mcp::McpArgs),
    /// Inspect, hash, verify or generate snapshots.
    Snapshot(snapshot::SnapshotArgs),
    /// Per-command latency in the sandbox against `bash -c`, and the first command's cost.
    Bench(bench::BenchArgs),
}

/// This program, to start again as a child (the bench's MCP server and cold starts): the
/// `RCABOX_EXE` the Python package's launcher sets, since there the process is python itself.
pub fn self_exe() -> std::io::Result<std::path::PathBuf> {
    match std::env::var_os("RCABOX_EXE") {
        Some(p) => Ok(p.into()),
        None => std::env::current_exe(),
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run(a) => run::run(*a),
        Command::Report(a) => report::run(a),
        Command::Merge(a) => run::merge(a),
        Command::Replay(a) => replay::run(a),
        Command::Exec(a) => exec::run(a),
        Command::Shell(a) => shell::run(a),
        Command::Score(a) => score::run(a),
        Command::Snapshot(a) => snapshot::run(a),
        Command::Mcp(a) => mcp::run(a),
        Command::Export(a) => export::run(a),
        Command::Bench(a) => bench::run(a),
    }
}
