//! `grep`/`egrep`/`fgrep` with GNU's flags and output, and `rg` with ripgrep's, both on
//! ripgrep's own crates (`grep-regex` to match, `grep-searcher` to read lines and context,
//! `grep-printer` to format). What is ours is the command line, GNU's basic-regex syntax and
//! the directory walk (sorted, so output never depends on the host filesystem's order).

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;

use crate::io_message::io_message;
use grep_matcher::Matcher;
use grep_printer::{StandardBuilder, SummaryBuilder, SummaryKind};
use grep_regex::{RegexMatcher, RegexMatcherBuilder};
use grep_searcher::{BinaryDetection, Searcher, SearcherBuilder};

#[derive(Default)]
struct Opts {
    prog: &'static str,
    patterns: Vec<String>,
    files: Vec<String>,
    basic: bool,
    fixed: bool,
    /// `-P`: a pattern the regex crate refuses goes to fancy-regex (src/grep_perl.rs).
    perl: bool,
    ignore_case: bool,
    smart_case: bool,
    invert: bool,
    word: bool,
    line: bool,
    count: bool,
    files_with: bool,
    files_without: bool,
    only: bool,
    quiet: bool,
    no_messages: bool,
    line_number: Option<bool>,
    with_filename: Option<bool>,
    max: Option<u64>,
    after: usize,
    before: usize,
    recursive: bool,
    include: Vec<String>,
    exclude: Vec<String>,
    exclude_dir: Vec<String>,
    hidden: bool,
    byte_offset: bool,
    count_matches: bool,
    list_files: bool,
    replace: Option<String>,
    multiline: bool,
}

/// Entry point for `grep`, `egrep`, `fgrep` and `rg`.
pub fn main(name: &str, args: Vec<OsString>) -> i32 {
    let args = crate::sys::utf8_args(args);
    let parsed = if name == "rg" {
        parse_rg(&args)
    } else {
        parse_gnu(name, &args)
    };
    match parsed {
        Ok(o) => run(o),
        Err(msg) => {
            let prog = if name == "rg" { "rg" } else { "grep" };
            eprintln!("{prog}: {msg}");
            if prog == "grep" {
                eprintln!(
                    "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information."
                );
            }
            2
        }
    }
}

fn value(args: &[String], i: &mut usize, inline: &str, opt: &str) -> Result<String, String> {
    if !inline.is_empty() {
        return Ok(inline.to_string());
    }
    *i += 1;
    args.get(*i)
        .cloned()
        .ok_or_else(|| format!("option requires an argument -- '{opt}'"))
}

fn num(s: &str, what: &str) -> Result<u64, String> {
    s.parse().map_err(|_| format!("invalid {what} argument"))
}

fn parse_gnu(name: &str, args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        prog: "grep",
        basic: name == "grep",
        fixed: name == "fgrep",
        ..Default::default()
    };
    let mut explicit = false;
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            positional.extend(args[i + 1..].iter().cloned());
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (k, v) = long
                .split_once('=')
                .map(|(k, v)| (k, Some(v.to_string())))
                .unwrap_or((long, None));
            let mut val = || -> Result<String, String> {
                match &v {
                    Some(v) => Ok(v.clone()),
                    None => {
                        i += 1;
                        args.get(i)
                            .cloned()
                            .ok_or(format!("option '--{k}' requires an argument"))
                    }
                }
            };
            match k {
                "extended-regexp" => (o.basic, o.fixed) = (false, false),
                "fixed-strings" => (o.basic, o.fixed) = (false, true),
                "basic-regexp" => (o.basic, o.fixed) = (true, false),
                "perl-regexp" => (o.basic, o.fixed, o.perl) = (false, false, true),
                "ignore-case" => o.ignore_case = true,
                "no-ignore-case" => o.ignore_case = false,
                "invert-match" => o.invert = true,
                "word-regexp" => o.word = true,
                "line-regexp" => o.line = true,
                "count" => o.count = true,
                "files-with-matches" => o.files_with = true,
                "files-without-match" => o.files_without = true,
                "only-matching" => o.only = true,
                "quiet" | "silent" => o.quiet = true,
                "no-messages" => o.no_messages = true,
                "line-number" => o.line_number = Some(true),
                "with-filename" => o.with_filename = Some(true),
                "no-filename" => o.with_filename = Some(false),
                "recursive" | "dereference-recursive" => o.recursive = true,
                "max-count" => o.max = Some(num(&val()?, "max count")?),
                "after-context" => o.after = num(&val()?, "context length")? as usize,
                "before-context" => o.before = num(&val()?, "context length")? as usize,
                "context" => {
                    let n = num(&val()?, "context length")? as usize;
                    (o.after, o.before) = (n, n);
                }
                "regexp" => {
                    o.patterns.push(val()?);
                    explicit = true;
                }
                "file" => {
                    let f = val()?;
                    o.patterns.extend(read_patterns(&f)?);
                    explicit = true;
                }
                "include" => o.include.push(val()?),
                "exclude" => o.exclude.push(val()?),
                "exclude-dir" => o.exclude_dir.push(val()?),
                "color" | "colour" | "binary-files" | "label" | "devices" | "directories" => {}
                "text" | "no-messages-x" | "null-data" | "initial-tab" => {}
                _ => return Err(format!("unrecognized option '--{k}'")),
            }
            i += 1;
            continue;
        }
        if a.len() > 1 && a.starts_with('-') && !a[1..].starts_with(|c: char| c.is_ascii_digit())
            || (a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()))
        {
            let chars: Vec<char> = a[1..].chars().collect();
            if chars.iter().all(|c| c.is_ascii_digit()) {
                let n = num(&a[1..], "context length")? as usize;
                (o.after, o.before) = (n, n);
                i += 1;
                continue;
            }
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let rest: String = chars[j + 1..].iter().collect();
                match c {
                    'E' => (o.basic, o.fixed) = (false, false),
                    'F' => (o.basic, o.fixed) = (false, true),
                    'G' => (o.basic, o.fixed) = (true, false),
                    'P' => (o.basic, o.fixed, o.perl) = (false, false, true),
                    'i' | 'y' => o.ignore_case = true,
                    'v' => o.invert = true,
                    'w' => o.word = true,
                    'x' => o.line = true,
                    'c' => o.count = true,
                    'l' => o.files_with = true,
                    'L' => o.files_without = true,
                    'o' => o.only = true,
                    'q' => o.quiet = true,
                    's' => o.no_messages = true,
                    'n' => o.line_number = Some(true),
                    'H' => o.with_filename = Some(true),
                    'h' => o.with_filename = Some(false),
                    'r' | 'R' => o.recursive = true,
                    'b' => o.byte_offset = true,
                    'a' | 'I' | 'U' | 'Z' | 'z' | 'T' => {}
                    'm' | 'A' | 'B' | 'C' | 'e' | 'f' | 'd' | 'D' => {
                        let v = value(args, &mut i, &rest, &c.to_string())?;
                        match c {
                            'm' => o.max = Some(num(&v, "max count")?),
                            'A' => o.after = num(&v, "context length")? as usize,
                            'B' => o.before = num(&v, "context length")? as usize,
                            'C' => {
                                (o.after, o.before) = (
                                    num(&v, "context length")? as usize,
                                    num(&v, "context length")? as usize,
                                )
                            }
                            'e' => {
                                o.patterns.push(v);
                                explicit = true;
                            }
                            'f' => {
                                o.patterns.extend(read_patterns(&v)?);
                                explicit = true;
                            }
                            _ => {}
                        }
                        break;
                    }
                    _ => return Err(format!("invalid option -- '{c}'")),
                }
                j += 1;
            }
            i += 1;
            continue;
        }
        positional.push(a.clone());
        i += 1;
    }
    if !explicit {
        if positional.is_empty() {
            return Err("no pattern given".into());
        }
        o.patterns.push(positional.remove(0));
    }
    // A pattern list is newline-separated, like -f's.
    o.patterns = o
        .patterns
        .iter()
        .flat_map(|p| p.split('\n').map(String::from).collect::<Vec<_>>())
        .collect();
    o.files = positional;
    Ok(o)
}

fn parse_rg(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        prog: "rg",
        recursive: true,
        ..Default::default()
    };
    let mut explicit = false;
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            positional.extend(args[i + 1..].iter().cloned());
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (k, v) = long
                .split_once('=')
                .map(|(k, v)| (k, Some(v.to_string())))
                .unwrap_or((long, None));
            let mut val = || -> Result<String, String> {
                match &v {
                    Some(v) => Ok(v.clone()),
                    None => {
                        i += 1;
                        args.get(i)
                            .cloned()
                            .ok_or(format!("flag --{k} requires a value"))
                    }
                }
            };
            match k {
                "fixed-strings" => o.fixed = true,
                "ignore-case" => o.ignore_case = true,
                "smart-case" => o.smart_case = true,
                "case-sensitive" => o.ignore_case = false,
                "invert-match" => o.invert = true,
                "word-regexp" => o.word = true,
                "line-regexp" => o.line = true,
                "count" => o.count = true,
                "count-matches" => (o.count, o.count_matches) = (true, true),
                "files" => o.list_files = true,
                "replace" => o.replace = Some(val()?),
                "multiline" => o.multiline = true,
                "byte-offset" => o.byte_offset = true,
                "files-with-matches" => o.files_with = true,
                "files-without-match" => o.files_without = true,
                "only-matching" => o.only = true,
                "quiet" => o.quiet = true,
                "no-messages" => o.no_messages = true,
                "line-number" => o.line_number = Some(true),
                "no-line-number" => o.line_number = Some(false),
                "with-filename" => o.with_filename = Some(true),
                "no-filename" => o.with_filename = Some(false),
                "max-count" => o.max = Some(num(&val()?, "max count")?),
                "after-context" => o.after = num(&val()?, "context")? as usize,
                "before-context" => o.before = num(&val()?, "context")? as usize,
                "context" => {
                    let n = num(&val()?, "context")? as usize;
                    (o.after, o.before) = (n, n);
                }
                "regexp" => {
                    o.patterns.push(val()?);
                    explicit = true;
                }
                "file" => {
                    o.patterns.extend(read_patterns(&val()?)?);
                    explicit = true;
                }
                "glob" | "iglob" => {
                    let g = val()?;
                    match g.strip_prefix('!') {
                        Some(x) => o.exclude.push(x.to_string()),
                        None => o.include.push(g),
                    }
                }
                "hidden" => o.hidden = true,
                "sort" | "sortr" | "type" | "type-not" | "color" | "colors" | "max-columns"
                | "engine" => {
                    let _ = val()?;
                }
                "pcre2" => o.perl = true,
                "no-heading" | "no-ignore" | "unrestricted" | "text" | "follow" | "crlf"
                | "no-config" | "search-zip" | "trim" => {}
                _ => return Err(format!("unrecognized flag --{k}")),
            }
            i += 1;
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let rest: String = chars[j + 1..].iter().collect();
                match c {
                    'F' => o.fixed = true,
                    'i' => o.ignore_case = true,
                    'S' => o.smart_case = true,
                    's' => o.ignore_case = false,
                    'v' => o.invert = true,
                    'w' => o.word = true,
                    'x' => o.line = true,
                    'c' => o.count = true,
                    'l' => o.files_with = true,
                    'o' => o.only = true,
                    'q' => o.quiet = true,
                    'n' => o.line_number = Some(true),
                    'N' => o.line_number = Some(false),
                    'H' => o.with_filename = Some(true),
                    'I' => o.with_filename = Some(false),
                    'u' => o.hidden = true,
                    'U' => o.multiline = true,
                    'b' => o.byte_offset = true,
                    'P' => o.perl = true,
                    'a' | 'L' | 'z' | 'p' => {}
                    'm' | 'A' | 'B' | 'C' | 'e' | 'f' | 'g' | 't' | 'T' | 'M' | 'r' => {
                        let v = value(args, &mut i, &rest, &c.to_string())?;
                        match c {
                            'm' => o.max = Some(num(&v, "max count")?),
                            'A' => o.after = num(&v, "context")? as usize,
                            'B' => o.before = num(&v, "context")? as usize,
                            'C' => {
                                (o.after, o.before) =
                                    (num(&v, "context")? as usize, num(&v, "context")? as usize)
                            }
                            'e' => {
                                o.patterns.push(v);
                                explicit = true;
                            }
                            'f' => {
                                o.patterns.extend(read_patterns(&v)?);
                                explicit = true;
                            }
                            'g' => match v.strip_prefix('!') {
                                Some(x) => o.exclude.push(x.to_string()),
                                None => o.include.push(v),
                            },
                            'r' => o.replace = Some(v),
                            _ => {}
                        }
                        break;
                    }
                    _ => return Err(format!("unrecognized flag -{c}")),
                }
                j += 1;
            }
            i += 1;
            continue;
        }
        positional.push(a.clone());
        i += 1;
    }
    if !explicit && !o.list_files {
        if positional.is_empty() {
            return Err("ripgrep requires at least one pattern to execute a search".into());
        }
        o.patterns.push(positional.remove(0));
    }
    o.files = positional;
    Ok(o)
}

fn read_patterns(f: &str) -> Result<Vec<String>, String> {
    let text = if f == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("-: {}", io_message(&e)))?;
        s
    } else {
        std::fs::read_to_string(f).map_err(|e| format!("{f}: {}", io_message(&e)))?
    };
    Ok(text.lines().map(String::from).collect())
}

/// Rewrites a GNU basic regular expression into the extended syntax `grep-regex` reads:
/// `\|`, `\(`, `\)`, `\{`, `\}`, `\+`, `\?` become operators and the bare characters literals.
pub fn bre_to_ere(p: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() => {
                let n = chars[i + 1];
                match n {
                    '|' | '(' | ')' | '{' | '}' | '+' | '?' => out.push(n),
                    '<' | '>' => out.push_str("\\b"),
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
                i += 2;
                continue;
            }
            '[' => {
                // Copy a bracket expression verbatim; `]` first is literal.
                let start = i;
                i += 1;
                if i < chars.len() && chars[i] == '^' {
                    i += 1;
                }
                if i < chars.len() && chars[i] == ']' {
                    i += 1;
                }
                while i < chars.len() && chars[i] != ']' {
                    if chars[i] == '['
                        && i + 1 < chars.len()
                        && matches!(chars[i + 1], ':' | '.' | '=')
                    {
                        let close = chars[i + 1];
                        i += 2;
                        while i + 1 < chars.len() && !(chars[i] == close && chars[i + 1] == ']') {
                            i += 1;
                        }
                        i += 2;
                        continue;
                    }
                    i += 1;
                }
                let end = (i + 1).min(chars.len());
                let class: String = chars[start..end].iter().collect();
                // Inside a class a backslash is literal in POSIX, but an escape to regex.
                out.push_str(&class.replace('\\', "\\\\"));
                i = end;
                continue;
            }
            '*' if i == 0
                || (out.ends_with('(') || out.ends_with('|') || out.ends_with('^'))
                    && !out.ends_with("\\(") =>
            {
                out.push_str("\\*")
            }
            '|' | '(' | ')' | '{' | '}' | '+' | '?' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// GNU ERE accepts `\<`/`\>` and a `{` that starts no interval; map them to what regex takes.
fn ere_fixups(p: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            if matches!(chars[i + 1], '<' | '>') {
                out.push_str("\\b");
            } else {
                out.push(c);
                out.push(chars[i + 1]);
            }
            i += 2;
            continue;
        }
        if c == '{' {
            let rest: String = chars[i + 1..].iter().collect();
            let valid = rest.find('}').is_some_and(|e| {
                let inner = &rest[..e];
                !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || c == ',')
            });
            if !valid || out.is_empty() {
                out.push_str("\\{");
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Whether the search ignores case (`-i`, or rg's `-S` with no upper case in the patterns).
fn case_insensitive(o: &Opts) -> bool {
    o.ignore_case
        || (o.smart_case
            && !o
                .patterns
                .iter()
                .any(|p| p.chars().any(|c| c.is_uppercase())))
}

fn matcher(o: &Opts) -> Result<RegexMatcher, String> {
    let mut b = RegexMatcherBuilder::new();
    b.case_insensitive(case_insensitive(o))
        .word(o.word)
        .whole_line(o.line)
        .multi_line(o.multiline)
        .line_terminator((!o.multiline).then_some(b'\n'));
    if o.fixed {
        let pats: Vec<String> = o.patterns.iter().map(|p| regex::escape(p)).collect();
        return b.build_many(&pats).map_err(|e| e.to_string());
    }
    let pats: Vec<String> = o
        .patterns
        .iter()
        .map(|p| {
            if o.basic {
                bre_to_ere(p)
            } else if o.prog == "grep" {
                ere_fixups(p)
            } else {
                p.clone()
            }
        })
        .collect();
    b.build_many(&pats).map_err(|e| {
        let first = e.to_string().lines().next_back().unwrap_or("").to_string();
        if first.contains("unclosed") || first.contains("unopened") {
            "Unmatched ( or \\(".to_string()
        } else {
            format!("invalid regular expression: {first}")
        }
    })
}

fn glob_match(pats: &[String], name: &str) -> bool {
    pats.iter()
        .any(|p| crate::pattern::pattern_regex(p).is_some_and(|r| r.is_match(name)))
}

/// Files to search, in the order GNU prints them: arguments in order, directories walked sorted.
fn collect(o: &Opts, path: &str, top: bool, out: &mut Vec<String>, errors: &mut bool) {
    let p = Path::new(path);
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if p.is_dir() {
        if !o.recursive {
            if !o.no_messages {
                eprintln!("grep: {path}: Is a directory");
            }
            *errors = true;
            return;
        }
        if !top
            && (glob_match(&o.exclude_dir, &name)
                || (o.prog == "rg"
                    && ((!o.hidden && name.starts_with('.')) || glob_match(&o.exclude, &name))))
        {
            return;
        }
        let Ok(names) = crate::sys::sorted_names(p) else {
            return;
        };
        for n in names {
            let child = if path == "." && top && o.files.is_empty() {
                n.clone()
            } else if path.ends_with('/') {
                format!("{path}{n}")
            } else {
                format!("{path}/{n}")
            };
            collect(o, &child, false, out, errors);
        }
        return;
    }
    if !top {
        if under_dev(p) {
            return;
        }
        if o.prog == "rg" && !o.hidden && name.starts_with('.') {
            return;
        }
        if !o.include.is_empty() && !glob_match(&o.include, &name) {
            return;
        }
        if glob_match(&o.exclude, &name) {
            return;
        }
    }
    out.push(path.to_string());
}

/// Whether a file met while recursing is one of the sandbox's devices, which GNU grep skips
/// under `-r` (its `-D` default there) and ripgrep never reads: otherwise `grep -r x /` reads
/// `/dev/zero` until the memory limit and `/dev/stdin` until input ends. The host reports its
/// devices as regular files (WASI uutils refuse to read anything else), so they are known by
/// place: everything in `/dev` is a device or a link to one.
fn under_dev(p: &Path) -> bool {
    let Ok(abs) = std::path::absolute(p) else {
        return false;
    };
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for c in abs.components() {
        match c {
            std::path::Component::Normal(n) => parts.push(n),
            std::path::Component::ParentDir => {
                parts.pop();
            }
            _ => {}
        }
    }
    parts.first().is_some_and(|d| *d == "dev")
}

fn run(o: Opts) -> i32 {
    let e = match matcher(&o) {
        Ok(m) => return run_with(o, m),
        Err(e) => e,
    };
    if o.perl && !o.multiline {
        let fancy =
            crate::grep_perl::FancyMatcher::new(&o.patterns, case_insensitive(&o), o.word, o.line);
        match fancy {
            Ok(m) => return run_with(o, m),
            // A pattern neither accepts: fancy-regex's reason speaks Perl syntax.
            Err(fe) => {
                eprintln!("{}: {fe}", o.prog);
                return 2;
            }
        }
    }
    eprintln!("{}: {e}", o.prog);
    2
}

fn run_with<M: Matcher>(o: Opts, m: M) -> i32 {
    let mut errors = false;
    let mut targets = Vec::new();
    // ripgrep searches the working directory unless stdin is a pipe or a file.
    let stdin_is_null = !matches!(crate::sys::fd_filetype(0), Some(0 | 4));
    let use_dot = o.files.is_empty() && (o.recursive && (o.prog == "grep" || stdin_is_null));
    let files: Vec<String> = if use_dot {
        vec![".".into()]
    } else {
        o.files.clone()
    };
    for f in &files {
        if f == "-" {
            targets.push("-".to_string());
        } else if !Path::new(f).exists() {
            if !o.no_messages {
                eprintln!("{}: {f}: No such file or directory", o.prog);
            }
            errors = true;
        } else {
            collect(&o, f, true, &mut targets, &mut errors);
        }
    }
    if o.list_files {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        for t in &targets {
            let _ = writeln!(out, "{t}");
        }
        let _ = out.flush();
        return if errors {
            2
        } else {
            i32::from(targets.is_empty())
        };
    }
    if files.is_empty() {
        targets.push("-".into());
    }
    let multi = if o.prog == "rg" {
        files.len() > 1 || files.iter().any(|f| Path::new(f).is_dir())
    } else {
        o.recursive || files.len() > 1
    };
    let with_name = o.with_filename.unwrap_or(multi);
    let line_number = o.line_number.unwrap_or(false);
    let mut searcher = SearcherBuilder::new()
        .line_number(line_number)
        .multi_line(o.multiline)
        .invert_match(o.invert)
        .after_context(o.after)
        .before_context(o.before)
        .max_matches(o.max)
        .binary_detection(if o.prog == "rg" {
            BinaryDetection::quit(0)
        } else {
            BinaryDetection::none()
        })
        .build();
    let stdout = std::io::stdout();
    let out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut matched = false;
    let summary = if o.quiet {
        Some(SummaryKind::QuietWithMatch)
    } else if o.files_with {
        Some(SummaryKind::PathWithMatch)
    } else if o.files_without {
        Some(SummaryKind::PathWithoutMatch)
    } else if o.count_matches {
        Some(SummaryKind::CountMatches)
    } else if o.count {
        Some(SummaryKind::Count)
    } else {
        None
    };
    let label = |t: &str| {
        if t == "-" {
            "(standard input)".to_string()
        } else {
            t.to_string()
        }
    };
    let result = if let Some(kind) = summary {
        let mut p = SummaryBuilder::new()
            .kind(kind)
            .path(
                with_name
                    || matches!(
                        kind,
                        SummaryKind::PathWithMatch | SummaryKind::PathWithoutMatch
                    ),
            )
            .separator_field(b":".to_vec())
            .build_no_color(out);
        for t in &targets {
            let name = label(t);
            let mut sink = p.sink_with_path(&m, &name);
            let r = search(&mut searcher, &m, t, &mut sink);
            let hit = sink.has_match();
            matched |= hit;
            let failed = report(&o, t, r);
            errors |= failed;
            // grep-printer prints no line for a file without matches; GNU grep -c prints 0
            // (ripgrep, like grep-printer, prints nothing).
            if kind == SummaryKind::Count && !hit && !failed && o.prog == "grep" {
                let line = if with_name {
                    format!("{name}:0\n")
                } else {
                    "0\n".to_string()
                };
                let _ = p.get_mut().write_all(line.as_bytes());
            }
            if o.quiet && matched {
                break;
            }
        }
        p.get_mut().flush()
    } else {
        let mut p = StandardBuilder::new()
            .path(with_name)
            .only_matching(o.only)
            .byte_offset(o.byte_offset)
            .replacement(o.replace.clone().map(String::into_bytes))
            .separator_context(Some(b"--".to_vec()))
            .separator_field_match(b":".to_vec())
            .separator_field_context(b"-".to_vec())
            .build_no_color(out);
        for t in &targets {
            let name = label(t);
            let mut sink = p.sink_with_path(&m, &name);
            let r = search(&mut searcher, &m, t, &mut sink);
            matched |= sink.has_match();
            if report(&o, t, r) {
                errors = true;
            }
        }
        p.get_mut().flush()
    };
    if let Err(e) = &result
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("{}: write error: {}", o.prog, io_message(e));
        return 2;
    }
    if o.files_without {
        // GNU grep 3.8+: -L succeeds when a file was listed.
        return if matched || targets.is_empty() {
            i32::from(errors) * 2 + i32::from(!errors && targets.is_empty())
        } else {
            0
        };
    }
    match (errors, matched) {
        (_, true) if o.quiet => 0,
        (true, _) => 2,
        (false, true) => 0,
        (false, false) => 1,
    }
}

fn search<M: Matcher, S: grep_searcher::Sink<Error = std::io::Error>>(
    searcher: &mut Searcher,
    m: &M,
    t: &str,
    sink: S,
) -> std::io::Result<()> {
    if t == "-" {
        searcher.search_reader(m, std::io::stdin().lock(), sink)
    } else {
        searcher.search_path(m, t, sink)
    }
}

/// Prints a read error; returns whether one occurred.
fn report(o: &Opts, t: &str, r: std::io::Result<()>) -> bool {
    match r {
        Ok(()) => false,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => false,
        Err(e) => {
            if !o.no_messages {
                eprintln!("{}: {t}: {}", o.prog, io_message(&e));
            }
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::bre_to_ere;

    #[test]
    fn bre_translation() {
        assert_eq!(bre_to_ere(r"a\|b"), "a|b");
        assert_eq!(bre_to_ere(r"\(ab\)\{2\}"), "(ab){2}");
        assert_eq!(bre_to_ere("a|b(c)+?"), r"a\|b\(c\)\+\?");
        assert_eq!(bre_to_ere("*x"), r"\*x");
        assert_eq!(bre_to_ere("[]a|]"), "[]a|]");
    }
}
