//! `find`: GNU find's common expressions, walking in name order.
//!
//! Ours rather than uutils findutils: findutils links oniguruma (C), which needs a wasm C
//! toolchain that a machine with only Rust and rustup lacks, and runs `-exec` through
//! `std::process`, which cannot start programs on wasm32-wasip1. Here `-exec` goes through
//! the sandbox's process layer and patterns use the shell's glob matcher.

use std::ffi::OsString;
use std::path::Path;

use crate::sys;

#[derive(Debug, Clone)]
enum E {
    True,
    False,
    Name(regex::Regex),
    Path(regex::Regex),
    Regex(regex::Regex),
    Type(char),
    Size(char, u64, u64),
    Empty,
    Newer(std::time::SystemTime),
    Mmin(char, i64),
    Mtime(char, i64),
    Print,
    Print0,
    Printf(String),
    Exec(Vec<String>, bool),
    Delete,
    Prune,
    Quit,
    Not(Box<E>),
    And(Box<E>, Box<E>),
    Or(Box<E>, Box<E>),
}

impl E {
    fn has_action(&self) -> bool {
        match self {
            E::Print | E::Print0 | E::Printf(_) | E::Exec(..) | E::Delete | E::Quit => true,
            E::Not(a) => a.has_action(),
            E::And(a, b) | E::Or(a, b) => a.has_action() || b.has_action(),
            _ => false,
        }
    }
}

struct P<'a> {
    t: &'a [String],
    i: usize,
    maxdepth: Option<usize>,
    mindepth: usize,
    now: std::time::SystemTime,
}

fn glob(p: &str, ci: bool) -> Result<regex::Regex, String> {
    let r = brush_parser::pattern::pattern_to_regex_str(p, false)
        .map_err(|_| format!("invalid pattern {p}"))?;
    regex::RegexBuilder::new(&format!("^(?s:{r})$"))
        .case_insensitive(ci)
        .build()
        .map_err(|e| e.to_string())
}

fn num(s: &str) -> Result<(char, i64), String> {
    let (cmp, rest) = match s.chars().next() {
        Some(c @ ('+' | '-')) => (c, &s[1..]),
        _ => ('=', s),
    };
    rest.parse()
        .map(|n| (cmp, n))
        .map_err(|_| format!("invalid argument `{s}'"))
}

fn cmp(c: char, v: i64, n: i64) -> bool {
    match c {
        '+' => v > n,
        '-' => v < n,
        _ => v == n,
    }
}

impl P<'_> {
    fn peek(&self) -> Option<&str> {
        self.t.get(self.i).map(String::as_str)
    }

    fn arg(&mut self, opt: &str) -> Result<String, String> {
        self.i += 1;
        self.t
            .get(self.i - 1)
            .cloned()
            .ok_or(format!("missing argument to `{opt}'"))
    }

    fn or(&mut self) -> Result<E, String> {
        let mut l = self.and()?;
        while matches!(self.peek(), Some("-o" | "-or")) {
            self.i += 1;
            l = E::Or(Box::new(l), Box::new(self.and()?));
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<E, String> {
        let mut l = self.not()?;
        loop {
            match self.peek() {
                Some("-a" | "-and") => self.i += 1,
                Some("-o" | "-or" | ")") | None => return Ok(l),
                _ => {}
            }
            l = E::And(Box::new(l), Box::new(self.not()?));
        }
    }

    fn not(&mut self) -> Result<E, String> {
        if matches!(self.peek(), Some("!" | "-not")) {
            self.i += 1;
            return Ok(E::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<E, String> {
        let tok = self.arg("expression")?;
        Ok(match tok.as_str() {
            "(" => {
                let e = self.or()?;
                if self.arg("(")? != ")" {
                    return Err("invalid expression; expected `)'".into());
                }
                e
            }
            "-name" | "-iname" => E::Name(glob(&self.arg(&tok)?, tok == "-iname")?),
            "-path" | "-ipath" | "-wholename" => E::Path(glob(&self.arg(&tok)?, tok == "-ipath")?),
            "-regex" | "-iregex" => {
                let r = self.arg(&tok)?;
                E::Regex(
                    regex::RegexBuilder::new(&format!("^(?:{r})$"))
                        .case_insensitive(tok == "-iregex")
                        .build()
                        .map_err(|e| e.to_string())?,
                )
            }
            "-type" => {
                let t = self.arg(&tok)?;
                E::Type(t.chars().next().unwrap_or('f'))
            }
            "-size" => {
                let s = self.arg(&tok)?;
                let (unit, body) = match s.chars().last() {
                    Some(c) if c.is_ascii_alphabetic() => (c, &s[..s.len() - 1]),
                    _ => ('b', s.as_str()),
                };
                let mult = match unit {
                    'c' => 1,
                    'w' => 2,
                    'k' => 1024,
                    'M' => 1 << 20,
                    'G' => 1 << 30,
                    _ => 512,
                };
                let (c, n) = num(body)?;
                E::Size(c, n.max(0) as u64, mult)
            }
            "-empty" => E::Empty,
            "-newer" => {
                let f = self.arg(&tok)?;
                E::Newer(
                    std::fs::metadata(&f)
                        .and_then(|m| m.modified())
                        .map_err(|e| format!("`{f}': {}", crate::io_message::io_message(&e)))?,
                )
            }
            "-mmin" => {
                let (c, n) = num(&self.arg(&tok)?)?;
                E::Mmin(c, n)
            }
            "-mtime" => {
                let (c, n) = num(&self.arg(&tok)?)?;
                E::Mtime(c, n)
            }
            "-maxdepth" => {
                self.maxdepth = Some(
                    self.arg(&tok)?
                        .parse()
                        .map_err(|_| "invalid -maxdepth".to_string())?,
                );
                E::True
            }
            "-mindepth" => {
                self.mindepth = self
                    .arg(&tok)?
                    .parse()
                    .map_err(|_| "invalid -mindepth".to_string())?;
                E::True
            }
            "-print" => E::Print,
            "-print0" => E::Print0,
            "-printf" => E::Printf(self.arg(&tok)?),
            "-fprint" | "-fls" => return Err(format!("{tok} is not supported in the sandbox")),
            "-delete" => E::Delete,
            "-prune" => E::Prune,
            "-quit" => E::Quit,
            "-true" => E::True,
            "-false" => E::False,
            "-depth"
            | "-xdev"
            | "-mount"
            | "-follow"
            | "-noleaf"
            | "-nowarn"
            | "-ignore_readdir_race" => E::True,
            "-exec" | "-execdir" | "-ok" => {
                let mut cmd = Vec::new();
                loop {
                    let a = self
                        .arg(&tok)
                        .map_err(|_| format!("missing argument to `{tok}'"))?;
                    if a == ";" {
                        break E::Exec(cmd, false);
                    }
                    if a == "+" && cmd.last().is_some_and(|l| l == "{}") {
                        cmd.pop();
                        break E::Exec(cmd, true);
                    }
                    cmd.push(a);
                }
            }
            t => return Err(format!("unknown predicate `{t}'")),
        })
    }
}

struct Walk {
    quit: bool,
    batch: Vec<(Vec<String>, Vec<String>)>,
    status: i32,
    now: std::time::SystemTime,
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
}

fn run_cmd(argv: &[String], out: &mut std::io::BufWriter<std::io::StdoutLock<'static>>) -> i32 {
    use std::io::Write;
    // What find printed so far must come before the command's own output.
    let _ = out.flush();
    sys::run_tool("find", argv, vec![(0, 0), (1, 1), (2, 2)])
}

fn printf(fmt: &str, path: &str, depth: usize, start: &str, m: &std::fs::Metadata) -> String {
    let mut o = String::new();
    let mut it = fmt.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some('n') => o.push('\n'),
                Some('t') => o.push('\t'),
                Some('0') => o.push('\0'),
                Some(x) => o.push(x),
                None => {}
            },
            '%' => match it.next() {
                Some('p') => o.push_str(path),
                Some('f') => o.push_str(
                    Path::new(path)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| path.to_string())
                        .as_str(),
                ),
                Some('h') => o.push_str(path.rsplit_once('/').map(|x| x.0).unwrap_or(".")),
                Some('P') => o.push_str(
                    path.strip_prefix(start)
                        .map(|p| p.trim_start_matches('/'))
                        .unwrap_or(path),
                ),
                Some('s') => o.push_str(&m.len().to_string()),
                Some('d') => o.push_str(&depth.to_string()),
                Some('y') => o.push(if m.is_dir() { 'd' } else { 'f' }),
                Some('%') => o.push('%'),
                Some(x) => {
                    o.push('%');
                    o.push(x);
                }
                None => o.push('%'),
            },
            c => o.push(c),
        }
    }
    o
}

impl Walk {
    fn eval(
        &mut self,
        e: &E,
        path: &str,
        depth: usize,
        start: &str,
        m: &std::fs::Metadata,
        prune: &mut bool,
    ) -> bool {
        use std::io::Write;
        let name = if depth == 0 {
            path.to_string()
        } else {
            Path::new(path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        match e {
            E::True => true,
            E::False => false,
            E::Name(r) => {
                r.is_match(name.trim_end_matches('/'))
                    || (depth == 0
                        && r.is_match(
                            Path::new(path)
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default()
                                .as_str(),
                        ))
            }
            E::Path(r) | E::Regex(r) => r.is_match(path),
            E::Type(t) => match t {
                'd' => m.is_dir(),
                'f' => m.is_file(),
                _ => false,
            },
            E::Size(c, n, mult) => {
                let units = m.len().div_ceil(*mult);
                cmp(*c, units as i64, *n as i64)
            }
            E::Empty => {
                if m.is_dir() {
                    std::fs::read_dir(path)
                        .map(|mut d| d.next().is_none())
                        .unwrap_or(false)
                } else {
                    m.len() == 0
                }
            }
            E::Newer(t) => m.modified().is_ok_and(|x| x > *t),
            E::Mmin(c, n) | E::Mtime(c, n) => {
                let age = m
                    .modified()
                    .ok()
                    .and_then(|x| self.now.duration_since(x).ok())
                    .map(|d| d.as_secs() as i64)
                    .unwrap_or(0);
                let unit = if matches!(e, E::Mmin(..)) { 60 } else { 86400 };
                cmp(*c, age / unit, *n)
            }
            E::Print => {
                let _ = writeln!(self.out, "{path}");
                true
            }
            E::Print0 => {
                let _ = write!(self.out, "{path}\0");
                true
            }
            E::Printf(f) => {
                let _ = write!(self.out, "{}", printf(f, path, depth, start, m));
                true
            }
            E::Exec(cmd, false) => {
                let argv: Vec<String> = cmd.iter().map(|a| a.replace("{}", path)).collect();
                run_cmd(&argv, &mut self.out) == 0
            }
            E::Exec(cmd, true) => {
                match self.batch.iter_mut().find(|(c, _)| c == cmd) {
                    Some((_, paths)) => paths.push(path.to_string()),
                    None => self.batch.push((cmd.clone(), vec![path.to_string()])),
                }
                true
            }
            E::Delete => {
                let r = if m.is_dir() {
                    std::fs::remove_dir(path)
                } else {
                    std::fs::remove_file(path)
                };
                if let Err(err) = r {
                    eprintln!(
                        "find: cannot delete `{path}': {}",
                        crate::io_message::io_message(&err)
                    );
                    self.status = 1;
                    return false;
                }
                true
            }
            E::Prune => {
                *prune = true;
                true
            }
            E::Quit => {
                self.quit = true;
                true
            }
            E::Not(a) => !self.eval(a, path, depth, start, m, prune),
            E::And(a, b) => {
                self.eval(a, path, depth, start, m, prune)
                    && self.eval(b, path, depth, start, m, prune)
            }
            E::Or(a, b) => {
                self.eval(a, path, depth, start, m, prune)
                    || self.eval(b, path, depth, start, m, prune)
            }
        }
    }

    fn walk(
        &mut self,
        e: &E,
        path: &str,
        depth: usize,
        start: &str,
        min: usize,
        max: Option<usize>,
    ) {
        if self.quit {
            return;
        }
        let m = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(err) => {
                eprintln!("find: '{path}': {}", crate::io_message::io_message(&err));
                self.status = 1;
                return;
            }
        };
        let mut prune = false;
        if depth >= min {
            self.eval(e, path, depth, start, &m, &mut prune);
        }
        if !m.is_dir() || prune || max.is_some_and(|x| depth >= x) {
            return;
        }
        let names = match crate::sys::sorted_names(path) {
            Ok(n) => n,
            Err(err) => {
                eprintln!("find: '{path}': {}", crate::io_message::io_message(&err));
                self.status = 1;
                return;
            }
        };
        for n in names {
            let child = if path.ends_with('/') {
                format!("{path}{n}")
            } else {
                format!("{path}/{n}")
            };
            self.walk(e, &child, depth + 1, start, min, max);
        }
    }
}

/// Entry point.
pub fn main(args: Vec<OsString>) -> i32 {
    let args = crate::sys::utf8_args(args);
    let split = args
        .iter()
        .position(|a| a.starts_with('-') && a.len() > 1 || a == "(" || a == "!")
        .unwrap_or(args.len());
    let mut starts: Vec<String> = args[..split].to_vec();
    if starts.is_empty() {
        starts.push(".".into());
    }
    let now = std::time::SystemTime::now();
    let mut p = P {
        t: &args[split..],
        i: 0,
        maxdepth: None,
        mindepth: 0,
        now,
    };
    let expr = if p.t.is_empty() {
        E::True
    } else {
        match p.or() {
            Ok(e) if p.i == p.t.len() => e,
            Ok(_) => {
                eprintln!("find: paths must precede expression: `{}'", p.t[p.i]);
                return 1;
            }
            Err(m) => {
                eprintln!("find: {m}");
                return 1;
            }
        }
    };
    let expr = if expr.has_action() {
        expr
    } else {
        E::And(Box::new(expr), Box::new(E::Print))
    };
    let out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let mut w = Walk {
        quit: false,
        batch: Vec::new(),
        status: 0,
        now: p.now,
        out,
    };
    let (min, max) = (p.mindepth, p.maxdepth);
    for s in &starts {
        w.walk(&expr, s, 0, s, min, max);
    }
    for (cmd, paths) in std::mem::take(&mut w.batch) {
        let argv: Vec<String> = cmd.into_iter().chain(paths).collect();
        if run_cmd(&argv, &mut w.out) != 0 {
            w.status = 1;
        }
    }
    use std::io::Write;
    let _ = w.out.flush();
    w.status
}
