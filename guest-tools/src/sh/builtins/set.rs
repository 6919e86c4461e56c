//! `set` and `shopt`: the shell's options and positional parameters.

use super::super::Io;
use super::super::state::Shell;

impl Shell {
    pub(super) fn set_builtin(&mut self, args: &[String], io: &Io) -> i32 {
        if args.is_empty() {
            let mut names: Vec<&String> = self.vars.keys().collect();
            names.sort();
            for n in names {
                io.out(
                    format!(
                        "{n}={}\n",
                        super::super::quote::quote(&self.vars[n].value.scalar())
                    )
                    .as_bytes(),
                );
            }
            return 0;
        }
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            let on = a.starts_with('-');
            if a == "--" {
                self.positional = args[i + 1..].to_vec();
                return 0;
            }
            if !(a.starts_with('-') || a.starts_with('+')) {
                self.positional = args[i..].to_vec();
                return 0;
            }
            // `-o NAME` may close a cluster of flags (`set -euo pipefail`): its name is the
            // next word, as in bash.
            let mut takes_name = false;
            for c in a[1..].chars() {
                match c {
                    'e' => self.opts.errexit = on,
                    'u' => self.opts.nounset = on,
                    'x' => self.opts.xtrace = on,
                    'f' => self.opts.noglob = on,
                    'o' => takes_name = true,
                    _ => {}
                }
            }
            i += 1;
            if takes_name {
                let Some(name) = args.get(i) else {
                    // `set -o` alone lists the options; nothing here depends on that listing.
                    return 0;
                };
                match name.as_str() {
                    "pipefail" => self.opts.pipefail = on,
                    "errexit" => self.opts.errexit = on,
                    "nounset" => self.opts.nounset = on,
                    "xtrace" => self.opts.xtrace = on,
                    "noglob" => self.opts.noglob = on,
                    _ => {}
                }
                i += 1;
            }
        }
        0
    }
    /// `shopt -s|-u NAME...`: `nullglob` changes globbing; the others are accepted and ignored.
    pub(super) fn shopt(&mut self, args: &[String], io: &Io) -> i32 {
        let on = match args.first().map(String::as_str) {
            Some("-s") => true,
            Some("-u") => false,
            _ => return 0,
        };
        for name in &args[1..] {
            match name.as_str() {
                "nullglob" => self.opts.nullglob = on,
                "extglob" | "globstar" | "dotglob" | "nocaseglob" | "failglob"
                | "expand_aliases" | "lastpipe" | "inherit_errexit" => {}
                other => {
                    io.err(&format!(
                        "bash: shopt: {other}: invalid shell option name\n"
                    ));
                    return 1;
                }
            }
        }
        0
    }
}
