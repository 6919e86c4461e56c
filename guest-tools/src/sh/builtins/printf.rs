//! `printf`: uutils' printf behind bash's own conversions (`%q`) and `-v VAR`.

use super::super::Io;
use super::super::state::Shell;

impl Shell {
    /// `printf`: uutils printf does the formatting; the shell adds what only a builtin can,
    /// `-v VAR`, and bash's `%q` quoting, which uutils renders differently.
    pub(super) fn printf(&mut self, args: &[String], io: &Io) -> i32 {
        let (var, rest) = match args {
            [v, name, rest @ ..] if v == "-v" => (Some(name.clone()), rest),
            _ => (None, args),
        };
        let Some((format, values)) = rest.split_first() else {
            io.err("printf: usage: printf [-v var] format [arguments]\n");
            return 2;
        };
        let (format, values) = bash_format(format, values);
        let mut argv = vec!["printf".to_string(), format];
        argv.extend(values);
        let Some(name) = var else {
            return match self.spawn_program(&argv, io, Vec::new()) {
                Ok(pid) => crate::sys::wait(pid),
                Err(s) => s,
            };
        };
        let Ok((r, w)) = crate::sys::pipe() else {
            return 1;
        };
        let mut cio = io.clone();
        cio.0.insert(1, w);
        let pid = self.spawn_program(&argv, &cio, Vec::new());
        // SAFETY: both ends came from `pipe` above; the child has its own copy of `w`.
        let data = unsafe {
            crate::sys::close(w);
            crate::sys::read_to_end(r)
        };
        let st = match pid {
            Ok(pid) => crate::sys::wait(pid),
            Err(s) => s,
        };
        self.set_var(&name, &String::from_utf8_lossy(&data));
        st
    }
}

/// Turns a bash printf format into one uutils accepts: `%q` becomes `%s` with its argument quoted
/// (following the format's reuse over extra arguments, as printf does), and string conversions
/// lose the flags bash ignores.
fn bash_format(format: &str, values: &[String]) -> (String, Vec<String>) {
    // Which conversions (in order) are %q.
    let b = format.as_bytes();
    let mut convs = Vec::new();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if b.get(i + 1) == Some(&b'%') {
                out.push_str("%%");
                i += 2;
                continue;
            }
            let start = i;
            i += 1;
            while i < b.len() && b"-+ #0123456789.*'".contains(&b[i]) {
                i += 1;
            }
            let Some(&conv) = b.get(i) else {
                out.push_str(&format[start..]);
                break;
            };
            convs.push(conv == b'q');
            let spec = &format[start..i];
            if matches!(conv, b's' | b'c' | b'b' | b'q') {
                // Bash ignores the `0`, `#` and `'` flags on string conversions (`%0s`, as in
                // `printf "%${n}s"` with n=0); uutils, like coreutils' printf, rejects them.
                let flags = spec[1..]
                    .find(|c: char| !"-+ #0'".contains(c))
                    .map_or(spec.len(), |k| k + 1);
                out.push('%');
                out.extend(spec[1..flags].chars().filter(|c| !"0#'".contains(*c)));
                out.push_str(&spec[flags..]);
            } else {
                out.push_str(spec);
            }
            out.push(if conv == b'q' { 's' } else { conv as char });
            i += 1;
            continue;
        }
        let ch = format[i..].chars().next().unwrap_or('\0');
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    if !convs.contains(&true) {
        return (out, values.to_vec());
    }
    let values = values
        .iter()
        .enumerate()
        .map(|(k, v)| {
            if convs[k % convs.len()] {
                super::super::quote::quote_backslash(v)
            } else {
                v.clone()
            }
        })
        .collect();
    (out, values)
}
