//! The `rcabox` command line as a library: the binary (`src/main.rs`) and the Python package's
//! `rcabox` command (python/) run this same program.

mod cli;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

/// Parses `args` (the program name first) and runs the command; the process's exit status.
/// Usage errors print clap's message and exit 2, as any clap program does.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args = match cli::Cli::try_parse_from(args) {
        Ok(a) => a,
        Err(e) => e.exit(),
    };
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("rcabox: {e:#}");
            ExitCode::from(2)
        }
    }
}
