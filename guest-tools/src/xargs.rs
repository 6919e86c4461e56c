//! `xargs`: build command lines from standard input and run them.
//!
//! Ours rather than findutils' because running a command is the sandbox's process layer
//! (`rcabox.spawn`), which `std::process::Command` cannot reach on wasm32-wasip1.

use std::ffi::OsString;
use std::io::Read;

use crate::sys;

struct Opts {
    max_args: Option<usize>,
    max_lines: Option<usize>,
    replace: Option<String>,
    delim: Option<u8>,
    no_empty: bool,
    trace: bool,
    command: Vec<String>,
}

fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        max_args: None,
        max_lines: None,
        replace: None,
        delim: None,
        no_empty: false,
        trace: false,
        command: Vec::new(),
    };
    let mut i = 0;
    let num = |s: &str, f: &str| {
        s.parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(format!("invalid number \"{s}\" for -{f} option"))
    };
    while i < args.len() {
        let a = args[i].as_str();
        let next = |i: &mut usize| -> Result<String, String> {
            *i += 1;
            args.get(*i).cloned().ok_or(format!(
                "option requires an argument -- '{}'",
                a.trim_start_matches('-')
            ))
        };
        match a {
            "-0" | "--null" => o.delim = Some(0),
            "-r" | "--no-run-if-empty" => o.no_empty = true,
            "-t" | "--verbose" => o.trace = true,
            "-n" => o.max_args = Some(num(&next(&mut i)?, "n")?),
            "-L" => o.max_lines = Some(num(&next(&mut i)?, "L")?),
            "-I" => o.replace = Some(next(&mut i)?),
            "-i" => o.replace = Some("{}".into()),
            "-d" => o.delim = next(&mut i)?.bytes().next(),
            "-P" | "-s" | "-E" => {
                next(&mut i)?;
            }
            "-x" | "-p" | "-o" => {}
            s if s.starts_with("-n") => o.max_args = Some(num(&s[2..], "n")?),
            s if s.starts_with("-L") => o.max_lines = Some(num(&s[2..], "L")?),
            s if s.starts_with("-I") => o.replace = Some(s[2..].to_string()),
            s if s.starts_with("-P") || s.starts_with("-s") => {}
            s if s.starts_with("--max-args=") => o.max_args = Some(num(&s[11..], "n")?),
            s if s.starts_with("--replace=") => o.replace = Some(s[10..].to_string()),
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(format!("invalid option -- '{}'", &s[1..]));
            }
            _ => {
                o.command = args[i..].to_vec();
                break;
            }
        }
        i += 1;
    }
    if o.command.is_empty() {
        o.command = vec!["echo".into()];
    }
    Ok(o)
}

/// Splits input as GNU xargs does by default: blanks separate, quotes and backslashes group.
fn split_default(input: &str) -> Result<Vec<(String, usize)>, String> {
    let mut items = Vec::new();
    let mut cur = String::new();
    let mut have = false;
    let mut quote: Option<char> = None;
    let mut line = 0;
    let mut chars = input.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), '\n') => return Err("unmatched quote; by default quotes are special to xargs unless you use the -0 option".into()),
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                have = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    have = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if have {
                    items.push((std::mem::take(&mut cur), line));
                    have = false;
                }
                if c == '\n' {
                    line += 1;
                }
            }
            (None, c) => {
                cur.push(c);
                have = true;
            }
        }
    }
    if quote.is_some() {
        return Err(
            "unmatched quote; by default quotes are special to xargs unless you use the -0 option"
                .into(),
        );
    }
    if have {
        items.push((cur, line));
    }
    Ok(items)
}

fn run_one(argv: &[String], trace: bool) -> i32 {
    if trace {
        eprintln!("{}", argv.join(" "));
    }
    // GNU xargs gives the commands /dev/null as stdin: the input is xargs' own.
    let Ok(null) = std::fs::File::open("/dev/null") else {
        return 126;
    };
    let null_fd = std::os::fd::IntoRawFd::into_raw_fd(null) as u32;
    let status = sys::run_tool("xargs", argv, vec![(0, null_fd), (1, 1), (2, 2)]);
    // SAFETY: `null_fd` came from `into_raw_fd` above; the child has its own copy.
    unsafe { sys::close(null_fd) };
    status
}

/// Entry point.
pub fn main(args: Vec<OsString>) -> i32 {
    let args = crate::sys::utf8_args(args);
    let o = match parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("xargs: {e}");
            return 1;
        }
    };
    let mut raw = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let items: Vec<(String, usize)> = if o.replace.is_some() && o.delim.is_none() {
        text.lines()
            .map(|l| l.trim_start().to_string())
            .filter(|l| !l.is_empty())
            .enumerate()
            .map(|(i, l)| (l, i))
            .collect()
    } else if let Some(d) = o.delim {
        let mut v: Vec<&str> = text.split(d as char).collect();
        if v.last() == Some(&"") {
            v.pop();
        }
        v.into_iter()
            .enumerate()
            .map(|(i, s)| (s.to_string(), i))
            .collect()
    } else {
        match split_default(&text) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("xargs: {e}");
                return 1;
            }
        }
    };
    let mut batches: Vec<Vec<String>> = Vec::new();
    if let Some(r) = &o.replace {
        for (item, _) in &items {
            batches.push(
                o.command
                    .iter()
                    .map(|a| a.replace(r.as_str(), item))
                    .collect(),
            );
        }
    } else {
        let per = o.max_args.unwrap_or(usize::MAX);
        let mut cur: Vec<String> = Vec::new();
        let mut lines_in = 0;
        let mut last_line = None;
        for (item, line) in &items {
            if last_line != Some(*line) {
                if o.max_lines.is_some_and(|m| lines_in == m) {
                    batches.push(std::mem::take(&mut cur));
                    lines_in = 0;
                }
                lines_in += 1;
                last_line = Some(*line);
            }
            cur.push(item.clone());
            if cur.len() == per {
                batches.push(std::mem::take(&mut cur));
                lines_in = 0;
                last_line = None;
            }
        }
        if !cur.is_empty() || (batches.is_empty() && !o.no_empty) {
            batches.push(cur);
        }
        batches = batches
            .into_iter()
            .map(|b| o.command.iter().cloned().chain(b).collect())
            .collect();
    }
    let mut status = 0;
    for argv in batches {
        match run_one(&argv, o.trace) {
            0 => {}
            255 => {
                eprintln!("xargs: {}: exited with status 255; aborting", argv[0]);
                return 124;
            }
            s @ (126 | 127) => return s,
            s if s > 128 => return 125,
            _ => status = 123,
        }
    }
    status
}
