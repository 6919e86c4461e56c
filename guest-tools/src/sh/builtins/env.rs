//! `env`: runs a program with a changed environment, or prints it.

use super::super::Io;
use super::super::state::Shell;

impl Shell {
    /// `env [-i] [-u NAME] [NAME=value]... [COMMAND [ARG]...]`.
    pub(super) fn env_builtin(&mut self, args: &[String], io: &Io) -> i32 {
        let mut env: Vec<(String, String)> = self
            .env()
            .into_iter()
            .filter_map(|e| {
                String::from_utf8(e)
                    .ok()?
                    .split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            })
            .collect();
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                "-i" | "--ignore-environment" | "-" => env.clear(),
                "-u" => {
                    i += 1;
                    let n = args.get(i).cloned().unwrap_or_default();
                    env.retain(|(k, _)| *k != n);
                }
                a if a.contains('=') && !a.starts_with('=') => {
                    let (k, v) = a.split_once('=').unwrap_or((a, ""));
                    env.retain(|(x, _)| x != k);
                    env.push((k.to_string(), v.to_string()));
                }
                _ => break,
            }
            i += 1;
        }
        if i == args.len() {
            for (k, v) in &env {
                io.out(format!("{k}={v}\n").as_bytes());
            }
            return 0;
        }
        // The command runs with exactly this environment: start from an empty export set.
        let saved: Vec<(String, bool)> = self
            .vars
            .iter()
            .map(|(k, v)| (k.clone(), v.exported))
            .collect();
        for v in self.vars.values_mut() {
            v.exported = false;
        }
        let r = self.spawn_program(&args[i..], io, env);
        for (k, e) in saved {
            if let Some(v) = self.vars.get_mut(&k) {
                v.exported = e;
            }
        }
        match r {
            Ok(pid) => crate::sys::wait(pid),
            Err(s) => s,
        }
    }
}
