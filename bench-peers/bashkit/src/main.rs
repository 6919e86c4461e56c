//! The bashkit peer of `rcabox bench` (src/cli/bench/peers/line.rs): bashkit, a Rust bash for
//! agents with its own virtual filesystem, embedded as an agent harness embeds it. A crate of
//! its own so the default build of rcabox carries no second shell and its dependencies do not
//! change the features rcabox is built with.
//!
//! Usage: `rcabox-bench-bashkit SNAPSHOT_COPY`. Reads one JSON string (a command) a line on
//! stdin and answers one line of JSON for each, `{"exit": status, "ms": time}`: a fresh `Bash`
//! with bashkit's default limits over the directory mounted read-only at /snapshot, timed
//! around building the interpreter and running the command.

use std::io::{BufRead, Write};
use std::time::Instant;

fn main() -> std::process::ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: rcabox-bench-bashkit SNAPSHOT_COPY (commands as JSON strings on stdin)");
        return std::process::ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rcabox-bench-bashkit: no tokio runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let Ok(cmd) = serde_json::from_str::<String>(&line) else {
            eprintln!("rcabox-bench-bashkit: not a JSON string: {line}");
            return std::process::ExitCode::from(2);
        };
        let t = Instant::now();
        let mut bash = bashkit::Bash::builder()
            .mount_real_readonly_at(&dir, "/snapshot")
            .cwd("/snapshot")
            .build();
        // An error is bashkit refusing the command (a limit, an unsupported construct): bash
        // would have answered with a status, so it counts as one that differs from rcabox's.
        let exit = runtime
            .block_on(bash.exec(&cmd))
            .map_or(-1, |r| r.exit_code);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let answer = serde_json::json!({"exit": exit, "ms": ms});
        if writeln!(out, "{answer}")
            .and_then(|()| out.flush())
            .is_err()
        {
            break;
        }
    }
    std::process::ExitCode::SUCCESS
}
