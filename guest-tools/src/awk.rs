//! `awk` on the awk-rs interpreter: gawk's command line (`-F`, `-v`, `-f`, `var=value`
//! operands) in front of the crate's lexer, parser and interpreter.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};

use awk_rs::{Interpreter, Lexer, Parser};

/// Processes escapes in `-v` values and `-F`, as in an awk string literal.
fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut it = v.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('/') => out.push('/'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Rewrites `$name[...]` as `$(name[...])`. gawk reads `$c["pod"]` (a column found by a
/// header lookup, a common agent idiom) as the field numbered by the array element; awk-rs's
/// parser takes only a variable, a number or a parenthesis after `$`. String literals, regex
/// literals and comments pass through untouched.
fn subscripted_fields(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len() + 8);
    // Last significant character outside whitespace: decides whether `/` starts a regex.
    let mut prev = '\n';
    // Bracket depths at which a `$(` opened here is closed again.
    let (mut depth, mut closers) = (0usize, Vec::new());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        // After `}` a new pattern or statement begins, so `/` there opens a regex too.
        let regex_start = c == '/' && "\n(,~!{};&|?:=}".contains(prev);
        if c == '"' || c == '#' || regex_start {
            // Copy the literal (or comment) whole; `]` inside a regex class does not end it.
            let end = if c == '#' { '\n' } else { c };
            let mut in_class = false;
            out.push(c);
            i += 1;
            while i < b.len() {
                let d = b[i];
                out.push(d);
                i += 1;
                match d {
                    '\\' if c != '#' => {
                        if let Some(&e) = b.get(i) {
                            out.push(e);
                            i += 1;
                        }
                    }
                    '[' if regex_start => in_class = true,
                    ']' if regex_start => in_class = false,
                    _ if d == end && !in_class => break,
                    _ => {}
                }
            }
            prev = if c == '#' { '\n' } else { 'x' };
            continue;
        }
        if c == '$' {
            let name_len = b[i + 1..]
                .iter()
                .take_while(|ch| ch.is_ascii_alphanumeric() || **ch == '_')
                .count();
            let starts_name = b
                .get(i + 1)
                .is_some_and(|ch| ch.is_ascii_alphabetic() || *ch == '_');
            if starts_name && b.get(i + 1 + name_len) == Some(&'[') {
                out.push_str("$(");
                out.extend(&b[i + 1..i + 1 + name_len]);
                i += 1 + name_len;
                closers.push(depth + 1);
                continue;
            }
        }
        out.push(c);
        match c {
            '[' => depth += 1,
            ']' => {
                if closers.last() == Some(&depth) {
                    closers.pop();
                    out.push(')');
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        if !c.is_whitespace() || c == '\n' {
            prev = c;
        }
        i += 1;
    }
    out
}

fn is_assignment(a: &str) -> Option<(&str, &str)> {
    let (n, v) = a.split_once('=')?;
    let mut c = n.chars();
    (c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_'))
    .then_some((n, v))
}

/// Entry point.
pub fn main(args: Vec<OsString>) -> i32 {
    let args = crate::sys::utf8_args(args);
    let mut fs = None;
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut source = None;
    let mut operands = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let take = |i: &mut usize| -> Option<String> {
            *i += 1;
            args.get(*i).cloned()
        };
        if a == "--" {
            operands.extend(args[i + 1..].iter().cloned());
            break;
        } else if a == "-F" || a.starts_with("-F") {
            let v = if a == "-F" {
                take(&mut i)
            } else {
                Some(a[2..].to_string())
            };
            let Some(v) = v else {
                eprintln!("awk: option requires an argument -- F");
                return 2;
            };
            fs = Some(if v == "t" {
                "\t".to_string()
            } else {
                unescape(&v)
            });
        } else if a == "-v" || (a.starts_with("-v") && a.len() > 2) {
            let v = if a == "-v" {
                take(&mut i)
            } else {
                Some(a[2..].to_string())
            };
            match v.as_deref().and_then(is_assignment) {
                Some((n, val)) => vars.push((n.to_string(), unescape(val))),
                None => {
                    eprintln!(
                        "awk: fatal: `{}' is not a legal variable name",
                        v.unwrap_or_default()
                    );
                    return 2;
                }
            }
        } else if a == "-f" {
            match take(&mut i).map(|f| std::fs::read_to_string(&f).map_err(|e| (f, e))) {
                Some(Ok(s)) => source = Some(s),
                Some(Err((f, e))) => {
                    eprintln!(
                        "awk: fatal: can't open source file `{f}' for reading: {}",
                        crate::io_message::io_message(&e)
                    );
                    return 2;
                }
                None => {
                    eprintln!("awk: option requires an argument -- f");
                    return 2;
                }
            }
        } else if a.starts_with('-') && a.len() > 1 && source.is_none() && a != "-" {
            if !matches!(
                a.as_str(),
                "--posix" | "-P" | "--traditional" | "-c" | "--re-interval"
            ) {
                eprintln!("awk: unknown option {a}");
                return 2;
            }
        } else if source.is_none() {
            source = Some(a.clone());
        } else {
            operands.push(a.clone());
        }
        i += 1;
    }
    let Some(source) = source else {
        eprintln!("usage: awk [POSIX or GNU style options] -f progfile [--] file ...");
        return 2;
    };
    let source = subscripted_fields(&source);
    let mut files = Vec::new();
    for op in &operands {
        match is_assignment(op) {
            // awk-rs reads all inputs in one run, so an operand assignment applies from the start
            // (before BEGIN, where awk applies it when the operand is reached).
            Some((n, v)) => vars.push((n.to_string(), unescape(v))),
            None => files.push(op.clone()),
        }
    }
    // awk-rs's set_variable reaches user variables only; FS, OFS and the other special
    // variables are set by a BEGIN rule placed before the program's own.
    let special = ["FS", "OFS", "ORS", "RS", "SUBSEP", "OFMT", "CONVFMT"];
    let (spec_vars, vars): (Vec<_>, Vec<_>) = vars
        .into_iter()
        .partition(|(n, _)| special.contains(&n.as_str()));
    let source = if spec_vars.is_empty() {
        source
    } else {
        let lit = |v: &str| {
            v.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
        };
        let sets: Vec<String> = spec_vars
            .iter()
            .map(|(n, v)| format!("{n} = \"{}\"", lit(v)))
            .collect();
        format!("BEGIN {{ {} }}\n{source}", sets.join("; "))
    };
    let program = match Lexer::new(&source)
        .tokenize()
        .map_err(|e| e.to_string())
        .and_then(|t| Parser::new(t).parse().map_err(|e| e.to_string()))
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("awk: cmd. line:1: {e}");
            return 2;
        }
    };
    let mut interp = Interpreter::new(&program);
    interp.set_commands(Box::new(crate::awk_pipes::SandboxCommands));
    if let Some(fs) = &fs {
        interp.set_fs(fs);
    }
    let mut argv = vec!["awk".to_string()];
    argv.extend(files.iter().cloned());
    interp.set_args(argv);
    for (n, v) in &vars {
        interp.set_variable(n, v);
    }
    let mut inputs: Vec<Box<dyn BufRead>> = Vec::new();
    let mut names = Vec::new();
    if files.is_empty() {
        inputs.push(Box::new(BufReader::with_capacity(
            64 * 1024,
            std::io::stdin(),
        )));
        names.push(String::new());
    }
    for f in &files {
        if f == "-" || f == "/dev/stdin" {
            inputs.push(Box::new(BufReader::with_capacity(
                64 * 1024,
                std::io::stdin(),
            )));
        } else {
            match std::fs::File::open(f) {
                Ok(h) => inputs.push(Box::new(BufReader::with_capacity(64 * 1024, h))),
                Err(e) => {
                    eprintln!(
                        "awk: fatal: cannot open file `{f}' for reading: {}",
                        crate::io_message::io_message(&e)
                    );
                    return 2;
                }
            }
        }
        names.push(f.clone());
    }
    interp.set_filenames(names);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let code = match interp.run(inputs, &mut out) {
        Ok(c) => c,
        Err(e) => {
            let _ = out.flush();
            eprintln!("awk: {e}");
            2
        }
    };
    // Close the command pipes (`print | "sort"`) before flushing awk's own output, as gawk
    // does: `print "b" | "cat"; print "a"` prints b first.
    drop(interp);
    let _ = out.flush();
    code
}
