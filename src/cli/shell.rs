//! `rcabox shell`: an interactive loop over one sandbox session.

use std::io::Write;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::Args;
use rcabox_runtime::sandbox::{Cancel, ErrorKind};
use rustyline::error::ReadlineError;

use super::exec::SandboxArgs;

/// Arguments of `rcabox shell`.
#[derive(Args)]
pub struct ShellArgs {
    #[command(flatten)]
    sandbox: SandboxArgs,
}

/// Runs `rcabox shell`.
pub fn run(a: ShellArgs) -> anyhow::Result<ExitCode> {
    let mut session = a.sandbox.session()?;
    // Ctrl-C while a command runs stops that command; at the prompt, rustyline handles it.
    let current: Arc<Mutex<Option<Cancel>>> = Arc::default();
    let handler = current.clone();
    ctrlc::set_handler(move || {
        if let Some(c) = handler.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            c.set(ErrorKind::Interrupted);
        }
    })?;
    let mut rl = rustyline::DefaultEditor::new()?;
    let mut last = 0;
    eprintln!(
        "rcabox shell: {} mounted at /snapshot; exit or Ctrl-D to leave",
        a.sandbox.snapshot.display()
    );
    loop {
        let prompt = if last == 0 {
            "rcabox$ ".to_string()
        } else {
            format!("rcabox[{last}]$ ")
        };
        match rl.readline(&prompt) {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = rl.add_history_entry(line.as_str());
                if line.trim() == "exit" {
                    break;
                }
                let cancel = Cancel::default();
                *current.lock().unwrap_or_else(|e| e.into_inner()) = Some(cancel.clone());
                let r = session.run_interruptible(&line, Some(&cancel));
                *current.lock().unwrap_or_else(|e| e.into_inner()) = None;
                std::io::stdout().write_all(&r.stdout)?;
                std::io::stdout().flush()?;
                std::io::stderr().write_all(&r.stderr)?;
                if let Some(k) = r.error_kind {
                    eprintln!("[{}]", serde_json::to_string(&k)?.trim_matches('"'));
                }
                last = r.exit_code;
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    a.sandbox.save(&session)?;
    Ok(ExitCode::SUCCESS)
}
