//! Builtins: the commands that must run inside the shell because they change its state
//! (`cd`, `export`, `read`, `set`, ...), plus `echo` and `test`, which bash also keeps inside.

use super::state::{Shell, Value, Var};
use super::{Ctl, Io, Res};

const BUILTINS: &[&str] = &[
    ".",
    ":",
    "[",
    "alias",
    "break",
    "cd",
    "command",
    "continue",
    "declare",
    "echo",
    "env",
    "eval",
    "exec",
    "exit",
    "export",
    "false",
    "hash",
    "let",
    "local",
    "mapfile",
    "printf",
    "read",
    "readarray",
    "readonly",
    "return",
    "set",
    "shift",
    "shopt",
    "source",
    "test",
    "trap",
    "true",
    "type",
    "typeset",
    "ulimit",
    "umask",
    "unalias",
    "unset",
    "wait",
    "which",
];

/// Whether `name` runs inside the shell.
pub fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name)
}

/// Quotes `s` so that bash reads it back as one word (`printf %q`, `${x@Q}`).
pub fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./=:,+@%".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Bash's `printf %q`: backslashes before special characters, `$'...'` when there are control
/// characters, `''` for the empty string.
pub fn quote_backslash(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    if s.chars().any(|c| c.is_control()) {
        let mut out = String::from("$'");
        for c in s.chars() {
            match c {
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\x1b' => out.push_str("\\E"),
                '\'' => out.push_str("\\'"),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\{:03o}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('\'');
        return out;
    }
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        let safe = c.is_alphanumeric() || "_-./=:,+@%".contains(c) || (c == '~' && i > 0);
        if !safe {
            out.push('\\');
        }
        out.push(c);
    }
    out
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
                quote_backslash(v)
            } else {
                v.clone()
            }
        })
        .collect();
    (out, values)
}

fn valid_name(n: &str) -> bool {
    let mut c = n.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

impl Shell {
    /// Runs builtin `argv[0]`.
    pub fn builtin(&mut self, argv: &[String], io: &Io) -> Res {
        let args = &argv[1..];
        let name = argv[0].as_str();
        Ok(match name {
            ":" | "true" => 0,
            "false" => 1,
            "echo" => {
                let (mut newline, mut escapes, mut i) = (true, false, 0);
                while let Some(a) = args.get(i) {
                    if a.len() > 1
                        && a.starts_with('-')
                        && a[1..].chars().all(|c| "neE".contains(c))
                    {
                        for c in a[1..].chars() {
                            match c {
                                'n' => newline = false,
                                'e' => escapes = true,
                                _ => escapes = false,
                            }
                        }
                        i += 1;
                    } else {
                        break;
                    }
                }
                let mut s = args[i..].join(" ");
                if escapes {
                    if let Some(at) = s.find("\\c") {
                        s.truncate(at);
                        newline = false;
                    }
                    s = super::expand::ansi_c(&s);
                }
                if newline {
                    s.push('\n');
                }
                io.out(s.as_bytes());
                0
            }
            "test" | "[" => self.test_builtin(argv, io),
            "cd" => {
                let target = match args.first().map(String::as_str) {
                    None => self.get_var("HOME").unwrap_or_else(|| "/".into()),
                    Some("-") => self.get_var("OLDPWD").unwrap_or_default(),
                    Some(d) => d.to_string(),
                };
                let old = self.cwd();
                match std::env::set_current_dir(&target) {
                    Ok(()) => {
                        self.set_var("OLDPWD", &old);
                        let new = self.cwd();
                        self.set_var("PWD", &new);
                        if args.first().map(String::as_str) == Some("-") {
                            io.out(format!("{new}\n").as_bytes());
                        }
                        0
                    }
                    Err(e) => {
                        io.err(&format!(
                            "bash: cd: {target}: {}\n",
                            crate::grep::io_message(&e)
                        ));
                        1
                    }
                }
            }
            "export" | "readonly" | "declare" | "typeset" | "local" => {
                self.declare(name, args, io)?
            }
            "unset" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    if let Some((n, i)) = a.split_once('[') {
                        let i = i.trim_end_matches(']').to_string();
                        let idx = self.arith_str(&i).ok();
                        match self.vars.get_mut(n).map(|v| &mut v.value) {
                            Some(Value::Indexed(m)) => {
                                if let Some(k) = idx {
                                    m.remove(&k);
                                }
                            }
                            Some(Value::Assoc(m)) => {
                                m.remove(&i);
                            }
                            _ => {}
                        }
                    } else if args.first().is_some_and(|f| f == "-f") {
                        self.funcs.remove(a);
                    } else {
                        self.vars.remove(a);
                    }
                }
                0
            }
            "set" => self.set_builtin(args, io),
            "shopt" => self.shopt(args, io),
            "trap" => self.trap(args, io),
            "printf" => self.printf(args, io),
            "hash" | "alias" | "unalias" | "ulimit" | "umask" => 0,
            "shift" => {
                let n = args
                    .first()
                    .and_then(|a| a.parse::<usize>().ok())
                    .unwrap_or(1);
                if n > self.positional.len() {
                    1
                } else {
                    self.positional.drain(..n);
                    0
                }
            }
            "exit" => {
                let code = args
                    .first()
                    .and_then(|a| a.parse::<i64>().ok())
                    .map(|c| (c & 0xff) as i32)
                    .unwrap_or(self.status);
                return Err(Ctl::Exit(code));
            }
            "return" => {
                let code = args
                    .first()
                    .and_then(|a| a.parse::<i64>().ok())
                    .map(|c| (c & 0xff) as i32)
                    .unwrap_or(self.status);
                return Err(Ctl::Return(code));
            }
            "break" | "continue" => {
                let n = args
                    .first()
                    .and_then(|a| a.parse::<u32>().ok())
                    .unwrap_or(1)
                    .max(1);
                return Err(if name == "break" {
                    Ctl::Break(n)
                } else {
                    Ctl::Continue(n)
                });
            }
            "eval" => {
                let src = args.join(" ");
                match super::exec::parse(&src) {
                    Ok(p) => self.run_program(&p, io)?,
                    Err(m) => {
                        io.err(&format!("bash: eval: {m}\n"));
                        2
                    }
                }
            }
            "source" | "." => {
                let Some(file) = args.first() else {
                    io.err("bash: source: filename argument required\n");
                    return Ok(2);
                };
                match std::fs::read_to_string(file) {
                    Ok(src) => match super::exec::parse(&src) {
                        Ok(p) => match self.run_program(&p, io) {
                            Err(Ctl::Return(s)) => s,
                            r => r?,
                        },
                        Err(m) => {
                            io.err(&format!("bash: {file}: {m}\n"));
                            2
                        }
                    },
                    Err(e) => {
                        io.err(&format!("bash: {file}: {}\n", crate::grep::io_message(&e)));
                        1
                    }
                }
            }
            "let" => {
                let mut last = 0;
                for a in args {
                    match self.arith_str(a) {
                        Ok(v) => last = v,
                        Err(m) => {
                            io.err(&format!("bash: let: {m}\n"));
                            return Ok(1);
                        }
                    }
                }
                i32::from(last == 0)
            }
            "command" => {
                let rest: Vec<String> = args
                    .iter()
                    .skip_while(|a| a.starts_with('-'))
                    .cloned()
                    .collect();
                if args.first().is_some_and(|a| a == "-v" || a == "-V") {
                    return Ok(self.type_of(&rest, io, 1));
                }
                if rest.is_empty() {
                    return Ok(0);
                }
                if is_builtin(&rest[0]) {
                    return self.builtin(&rest, io);
                }
                match self.spawn_program(&rest, io, Vec::new()) {
                    Ok(pid) => crate::sys::wait(pid),
                    Err(s) => s,
                }
            }
            "type" => self.type_of(args, io, 0),
            "which" => self.type_of(args, io, 2),
            "env" => self.env_builtin(args, io),
            "wait" => {
                for pid in std::mem::take(&mut self.jobs) {
                    self.status = crate::sys::wait(pid);
                }
                0
            }
            "read" => self.read_builtin(args, io),
            "mapfile" | "readarray" => self.mapfile(args, io),
            "exec" => {
                if args.is_empty() {
                    return Ok(0);
                }
                let st = match self.spawn_program(args, io, Vec::new()) {
                    Ok(pid) => crate::sys::wait(pid),
                    Err(s) => s,
                };
                return Err(Ctl::Exit(st));
            }
            _ => 127,
        })
    }

    /// `env [-i] [-u NAME] [NAME=value]... [COMMAND [ARG]...]`.
    fn env_builtin(&mut self, args: &[String], io: &Io) -> i32 {
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

    /// `shopt -s|-u NAME...`: `nullglob` changes globbing; the others are accepted and ignored.
    fn shopt(&mut self, args: &[String], io: &Io) -> i32 {
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

    /// `trap [COMMAND] CONDITION...`: `EXIT` (also `0`) and `ERR` run; signals never arrive in
    /// the sandbox, so their traps are accepted and never run.
    fn trap(&mut self, args: &[String], io: &Io) -> i32 {
        let args: Vec<&String> = args.iter().filter(|a| *a != "--").collect();
        match args.as_slice() {
            [] => {
                let mut names: Vec<_> = self.traps.iter().collect();
                names.sort();
                for (cond, cmd) in names {
                    io.out(format!("trap -- {} {cond}\n", quote(cmd)).as_bytes());
                }
                0
            }
            [cmd, conds @ ..] => {
                for c in conds {
                    let cond = match c.as_str() {
                        "0" | "EXIT" => "EXIT",
                        "ERR" => "ERR",
                        _ => continue,
                    };
                    if cmd.as_str() == "-" || cmd.is_empty() {
                        self.traps.remove(cond);
                    } else {
                        self.traps.insert(cond.to_string(), cmd.to_string());
                    }
                }
                0
            }
        }
    }

    /// `printf`: uutils printf does the formatting; the shell adds what only a builtin can,
    /// `-v VAR`, and bash's `%q` quoting, which uutils renders differently.
    fn printf(&mut self, args: &[String], io: &Io) -> i32 {
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
        crate::sys::close(w);
        let data = crate::sys::read_to_end(r);
        let st = match pid {
            Ok(pid) => crate::sys::wait(pid),
            Err(s) => s,
        };
        self.set_var(&name, &String::from_utf8_lossy(&data));
        st
    }

    /// `type` (`kind` 0), `command -v` (1) and `which` (2): how each name would run.
    fn type_of(&mut self, args: &[String], io: &Io, kind: u8) -> i32 {
        let mut st = 0;
        let terse = args.iter().any(|a| a == "-t");
        for a in args.iter().filter(|a| !a.starts_with('-')) {
            let tool = rcabox_proto::TOOLS.contains(&a.as_str());
            let shell = self.funcs.contains_key(a) || is_builtin(a);
            let line = match kind {
                0 if terse && self.funcs.contains_key(a) => "function".to_string(),
                0 if terse && is_builtin(a) => "builtin".to_string(),
                0 if terse && tool => "file".to_string(),
                0 if terse => {
                    st = 1;
                    continue;
                }
                2 if tool => format!("/usr/bin/{a}"),
                1 if shell => a.clone(),
                1 if tool => format!("/usr/bin/{a}"),
                0 if self.funcs.contains_key(a) => format!("{a} is a function"),
                0 if is_builtin(a) => format!("{a} is a shell builtin"),
                0 if tool => format!("{a} is /usr/bin/{a}"),
                _ => {
                    st = 1;
                    if kind == 0 {
                        io.err(&format!("bash: type: {a}: not found\n"));
                    }
                    continue;
                }
            };
            io.out(format!("{line}\n").as_bytes());
        }
        st
    }

    fn set_builtin(&mut self, args: &[String], io: &Io) -> i32 {
        if args.is_empty() {
            let mut names: Vec<&String> = self.vars.keys().collect();
            names.sort();
            for n in names {
                io.out(format!("{n}={}\n", quote(&self.vars[n].value.scalar())).as_bytes());
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
            if a == "-o" || a == "+o" {
                match args.get(i + 1).map(String::as_str) {
                    Some("pipefail") => self.opts.pipefail = on,
                    Some("errexit") => self.opts.errexit = on,
                    Some("nounset") => self.opts.nounset = on,
                    Some("xtrace") => self.opts.xtrace = on,
                    Some("noglob") => self.opts.noglob = on,
                    _ => {}
                }
                i += 2;
                continue;
            }
            for c in a[1..].chars() {
                match c {
                    'e' => self.opts.errexit = on,
                    'u' => self.opts.nounset = on,
                    'x' => self.opts.xtrace = on,
                    'f' => self.opts.noglob = on,
                    _ => {}
                }
            }
            i += 1;
        }
        0
    }

    fn declare(&mut self, name: &str, args: &[String], io: &Io) -> Res {
        let mut flags = String::new();
        let mut st = 0;
        let is_flag = |a: &String| {
            (a.starts_with('-') || a.starts_with('+')) && a.len() > 1 && !a.contains('=')
        };
        if matches!(name, "declare" | "typeset")
            && args
                .iter()
                .any(|a| is_flag(a) && a.starts_with('-') && a.contains('p'))
        {
            let names: Vec<String> = args.iter().filter(|a| !is_flag(a)).cloned().collect();
            return Ok(self.declare_print(&names, io));
        }
        for a in args {
            if is_flag(a) {
                flags.push_str(&a[1..]);
                continue;
            }
            let (n, v) = match a.split_once('=') {
                Some((n, v)) => (n.trim_end_matches('+').to_string(), Some(v.to_string())),
                None => (a.clone(), None),
            };
            if !valid_name(n.split('[').next().unwrap_or("")) {
                io.err(&format!("bash: {name}: `{a}': not a valid identifier\n"));
                st = 1;
                continue;
            }
            if name == "local"
                || (matches!(name, "declare" | "typeset")
                    && !flags.contains('g')
                    && !self.locals.is_empty())
            {
                let old = self.vars.get(&n).cloned();
                if let Some(frame) = self
                    .locals
                    .last_mut()
                    .filter(|f| !f.iter().any(|(k, _)| *k == n))
                {
                    frame.push((n.clone(), old));
                }
                if v.is_none() {
                    self.vars.insert(
                        n.clone(),
                        Var {
                            value: Value::Str(String::new()),
                            exported: false,
                            readonly: false,
                            integer: false,
                        },
                    );
                }
            }
            let value = if flags.contains('A') {
                Some(Value::Assoc(Default::default()))
            } else if flags.contains('a')
                && !matches!(self.vars.get(&n).map(|v| &v.value), Some(Value::Indexed(_)))
            {
                Some(Value::Indexed(Default::default()))
            } else {
                None
            };
            if let Some(val) = value {
                self.set_value(&n, val);
            }
            if flags.contains('i') {
                if !self.vars.contains_key(&n) {
                    self.set_var(&n, "");
                }
                if let Some(var) = self.vars.get_mut(&n) {
                    var.integer = true;
                }
            }
            let integer = self.vars.get(&n).is_some_and(|x| x.integer);
            // declare -i n=EXPR, n+=EXPR: the value is arithmetic.
            let v = match v {
                Some(v) if integer && !v.starts_with('(') => {
                    let mut x = match self.arith_str(&v) {
                        Ok(x) => x,
                        Err(m) => {
                            io.err(&format!("bash: {m}\n"));
                            st = 1;
                            continue;
                        }
                    };
                    if a.contains("+=") {
                        let cur = self.get_var(&n).unwrap_or_default();
                        x = x.wrapping_add(cur.trim().parse::<i64>().unwrap_or(0));
                    }
                    self.set_var(&n, &x.to_string());
                    None
                }
                v => v,
            };
            if let Some(v) = v {
                if v.starts_with('(') && v.ends_with(')') {
                    // declare -a x=(a b): the parser leaves the list as text; reparse it.
                    let src = format!("{n}={v}");
                    if let Ok(p) = super::exec::parse(&src) {
                        self.run_program(&p, io)?;
                    }
                } else if a.contains("+=") {
                    let cur = self.get_var(&n).unwrap_or_default();
                    self.set_var(&n, &(cur + &v));
                } else {
                    self.set_var(&n, &v);
                }
            }
            if let Some(var) = self.vars.get_mut(&n) {
                if name == "export" || flags.contains('x') {
                    var.exported = true;
                }
                if name == "readonly" || flags.contains('r') {
                    var.readonly = true;
                }
            } else if name == "export" {
                self.vars.insert(
                    n.clone(),
                    Var {
                        value: Value::Str(String::new()),
                        exported: true,
                        readonly: false,
                        integer: false,
                    },
                );
                self.vars.remove(&n);
            }
        }
        if args.iter().all(|a| a.starts_with('-')) && (name == "export" || flags.contains('p')) {
            let mut names: Vec<&String> = self
                .vars
                .keys()
                .filter(|k| name != "export" || self.vars[*k].exported)
                .collect();
            names.sort();
            for n in names {
                let kw = if name == "export" {
                    "declare -x"
                } else {
                    "declare --"
                };
                io.out(format!("{kw} {n}=\"{}\"\n", self.vars[n].value.scalar()).as_bytes());
            }
        }
        Ok(st)
    }

    fn read_line(&self, fd: u32, delim: u8, max: Option<usize>) -> Option<Vec<u8>> {
        let mut line = Vec::new();
        let mut b = [0u8; 1];
        loop {
            match crate::sys::read_fd(fd, &mut b) {
                Ok(1) => {
                    if b[0] == delim {
                        return Some(line);
                    }
                    line.push(b[0]);
                    if max.is_some_and(|m| line.len() >= m) {
                        return Some(line);
                    }
                }
                _ => return if line.is_empty() { None } else { Some(line) },
            }
        }
    }

    fn read_builtin(&mut self, args: &[String], io: &Io) -> i32 {
        let (mut raw, mut array, mut delim, mut max, mut names) =
            (false, None, b'\n', None, Vec::new());
        // Options as getopts reads them: clustered (`-ra NAME`), with attached values
        // (`-d,`, `-n5`), up to `--` or the first name.
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            if a == "--" {
                i += 1;
                break;
            }
            if a.len() < 2 || !a.starts_with('-') {
                break;
            }
            for (k, f) in a.char_indices().skip(1) {
                if "adnNptu".contains(f) {
                    let attached = &a[k + f.len_utf8()..];
                    let v = if attached.is_empty() {
                        i += 1;
                        args.get(i).cloned().unwrap_or_default()
                    } else {
                        attached.to_string()
                    };
                    match f {
                        'a' => array = Some(v),
                        'd' => delim = v.bytes().next().unwrap_or(0),
                        'n' | 'N' => max = v.parse().ok(),
                        _ => {}
                    }
                    break;
                }
                if f == 'r' {
                    raw = true;
                }
            }
            i += 1;
        }
        names.extend(args[i.min(args.len())..].iter().cloned());
        let Some(fd) = io.get(0) else { return 1 };
        let got = self.read_line(fd, delim, max);
        let eof = got.is_none();
        let mut line = String::from_utf8_lossy(&got.unwrap_or_default()).into_owned();
        if !raw {
            let mut o = String::new();
            let mut esc = false;
            for c in line.chars() {
                if esc {
                    o.push(c);
                    esc = false;
                } else if c == '\\' {
                    esc = true;
                } else {
                    o.push(c);
                }
            }
            line = o;
        }
        let ifs = self.get_var("IFS").unwrap_or_else(|| " \t\n".into());
        let is_sep = |c: char| ifs.contains(c);
        if let Some(a) = array {
            let m = read_fields(&line, &ifs)
                .into_iter()
                .enumerate()
                .map(|(i, s)| (i as i64, s))
                .collect();
            self.set_value(&a, Value::Indexed(m));
            return i32::from(eof);
        }
        if names.is_empty() {
            names.push("REPLY".into());
            self.set_var("REPLY", &line);
            return i32::from(eof);
        }
        let trimmed = line
            .trim_matches(|c: char| is_sep(c) && c.is_whitespace())
            .to_string();
        let mut rest = trimmed.as_str();
        for (k, n) in names.iter().enumerate() {
            if k + 1 == names.len() {
                self.set_var(
                    n,
                    rest.trim_end_matches(|c: char| is_sep(c) && c.is_whitespace()),
                );
                break;
            }
            let end = rest.find(is_sep).unwrap_or(rest.len());
            self.set_var(n, &rest[..end]);
            rest = rest[end..].trim_start_matches(|c: char| is_sep(c) && c.is_whitespace());
            if let Some(r) = rest.strip_prefix(|c: char| is_sep(c) && !c.is_whitespace()) {
                rest = r.trim_start_matches(|c: char| is_sep(c) && c.is_whitespace());
            }
        }
        i32::from(eof)
    }

    fn declare_print(&self, names: &[String], io: &Io) -> i32 {
        let mut st = 0;
        let mut all: Vec<&String> = self.vars.keys().collect();
        all.sort();
        let list: Vec<&String> = if names.is_empty() {
            all
        } else {
            names.iter().collect()
        };
        for n in list {
            match self.vars.get(n) {
                Some(v) => io.out(format!("{}\n", declare_line(n, v)).as_bytes()),
                None => {
                    io.err(&format!("bash: declare: {n}: not found\n"));
                    st = 1;
                }
            }
        }
        st
    }

    fn mapfile(&mut self, args: &[String], io: &Io) -> i32 {
        let trim = args.iter().any(|a| a == "-t");
        let name = args
            .iter()
            .rfind(|a| !a.starts_with('-'))
            .cloned()
            .unwrap_or_else(|| "MAPFILE".into());
        let Some(fd) = io.get(0) else { return 1 };
        let mut m = std::collections::BTreeMap::new();
        let mut i = 0;
        while let Some(mut l) = self.read_line(fd, b'\n', None) {
            if !trim {
                l.push(b'\n');
            }
            m.insert(i, String::from_utf8_lossy(&l).into_owned());
            i += 1;
        }
        self.set_value(&name, Value::Indexed(m));
        0
    }
}

/// Splits a line into fields as `read -a` does: runs of IFS white space separate fields and
/// are dropped at both ends; each other IFS character ends a field, so `,a,,b,` gives
/// `["", "a", "", "b"]` (a last separator makes no empty field). Word splitting's splitter
/// leaves out a leading empty field (a word's first fragment may continue earlier text);
/// a line has no earlier text, so it is added here.
fn read_fields(line: &str, ifs: &str) -> Vec<String> {
    let is_ws = |c: char| c.is_whitespace() && ifs.contains(c);
    let line = line.trim_matches(is_ws);
    let leading = line.starts_with(|c: char| ifs.contains(c) && !is_ws(c));
    let fields = super::expand::split_ifs(line, ifs).into_iter().flatten();
    leading
        .then(String::new)
        .into_iter()
        .chain(fields)
        .collect()
}

/// A value in `declare -p`'s double quotes.
fn dq(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            o.push('\\');
        }
        o.push(c);
    }
    o.push('"');
    o
}

/// One line of `declare -p`: attributes, then the value as bash prints it.
fn declare_line(name: &str, v: &Var) -> String {
    let mut flags = String::new();
    match v.value {
        Value::Indexed(_) => flags.push('a'),
        Value::Assoc(_) => flags.push('A'),
        Value::Str(_) => {}
    }
    if v.integer {
        flags.push('i');
    }
    if v.readonly {
        flags.push('r');
    }
    if v.exported {
        flags.push('x');
    }
    let flags = if flags.is_empty() {
        "-".to_string()
    } else {
        flags
    };
    let value = match &v.value {
        Value::Str(s) => dq(s),
        Value::Indexed(m) => {
            let items: Vec<String> = m.iter().map(|(k, v)| format!("[{k}]={}", dq(v))).collect();
            format!("({})", items.join(" "))
        }
        Value::Assoc(m) => {
            let items: String = m.iter().map(|(k, v)| format!("[{k}]={} ", dq(v))).collect();
            format!("({items})")
        }
    };
    format!("declare -{flags} {name}={value}")
}
