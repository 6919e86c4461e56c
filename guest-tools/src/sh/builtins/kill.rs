//! `kill`: a signal to the shell itself. Processes in the sandbox have no signals between
//! them, so a shell that signals itself (`kill -TERM $$`) ends as the signal would end it, with
//! status 128+N, and any other target is refused with bash's words for it.

use super::super::state::Shell;
use super::super::{Ctl, Io, Res};

/// Signal names and numbers as Linux numbers them.
const SIGNALS: &[(&str, i32)] = &[
    ("HUP", 1),
    ("INT", 2),
    ("QUIT", 3),
    ("ILL", 4),
    ("TRAP", 5),
    ("ABRT", 6),
    ("BUS", 7),
    ("FPE", 8),
    ("KILL", 9),
    ("USR1", 10),
    ("SEGV", 11),
    ("USR2", 12),
    ("PIPE", 13),
    ("ALRM", 14),
    ("TERM", 15),
    ("CHLD", 17),
    ("CONT", 18),
    ("STOP", 19),
    ("TSTP", 20),
    ("WINCH", 28),
];

/// Signals whose default action leaves a process running.
const IGNORED: &[i32] = &[0, 17, 18, 28];

const USAGE: &str = "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n";

/// A signal given by name (`TERM`, `SIGTERM`, any case) or number.
fn signal(spec: &str) -> Option<i32> {
    if let Ok(n) = spec.parse::<i32>() {
        return (0..=64).contains(&n).then_some(n);
    }
    let upper = spec.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    SIGNALS.iter().find(|s| s.0 == name).map(|s| s.1)
}

impl Shell {
    /// `kill [-s SIG | -n N | -SIG] PID...` and `kill -l`.
    pub(super) fn kill(&mut self, args: &[String], io: &Io) -> Res {
        let mut sig = 15;
        let mut rest = args;
        match rest.first().map(String::as_str) {
            Some("-l" | "-L") => {
                let names: Vec<String> = SIGNALS
                    .iter()
                    .map(|s| format!("{}) SIG{}", s.1, s.0))
                    .collect();
                io.out(format!("{}\n", names.join("\n")).as_bytes());
                return Ok(0);
            }
            Some("-s" | "-n") => {
                let Some(spec) = rest.get(1) else {
                    io.err(USAGE);
                    return Ok(2);
                };
                let Some(n) = signal(spec) else {
                    io.err(&format!("kill: {spec}: invalid signal specification\n"));
                    return Ok(1);
                };
                sig = n;
                rest = &rest[2..];
            }
            Some("--") => rest = &rest[1..],
            Some(opt) if opt.len() > 1 && opt.starts_with('-') && !opt[1..].starts_with('-') => {
                let Some(n) = signal(&opt[1..]) else {
                    io.err(&format!(
                        "kill: {}: invalid signal specification\n",
                        &opt[1..]
                    ));
                    return Ok(1);
                };
                sig = n;
                rest = &rest[1..];
            }
            _ => {}
        }
        if rest.is_empty() {
            io.err(USAGE);
            return Ok(2);
        }
        let mut status = 0;
        for target in rest {
            // `$$` is 1 in the sandbox: this shell.
            if target == "1" {
                if IGNORED.contains(&sig) {
                    continue;
                }
                if matches!(sig, 19 | 20) {
                    io.err("kill: stopping a process is not supported in the sandbox\n");
                    status = 1;
                    continue;
                }
                return Err(Ctl::Exit(128 + sig));
            }
            match target.parse::<u32>() {
                Ok(pid) if self.jobs.contains(&pid) => {
                    io.err(&format!(
                        "kill: ({pid}) - Operation not permitted (the sandbox sends no signals between processes)\n"
                    ));
                }
                Ok(pid) => io.err(&format!("kill: ({pid}) - No such process\n")),
                Err(_) => io.err(&format!(
                    "kill: {target}: arguments must be process or job IDs\n"
                )),
            }
            status = 1;
        }
        Ok(status)
    }
}
