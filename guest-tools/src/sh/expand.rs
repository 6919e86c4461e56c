//! Word expansion: the order of bash's steps (braces, tilde, parameters, `$(...)`, `$((...))`,
//! field splitting, globbing) and the fragments they pass along.
//!
//! Expansion produces fragments that remember whether they were quoted; field splitting and
//! pathname expansion then only act on the unquoted ones, which is what makes `"$x"`, `$x`
//! and `'*'` behave as in bash. Each step lives in a module of its own: [`super::brace`],
//! [`super::param`] (with [`super::assign`]), [`super::ifs`], [`super::glob`],
//! [`super::quote`], and shell patterns in [`crate::pattern`].

use brush_parser::word::{self, WordPiece as WP};
use brush_parser::{ParserOptions, ast};

use super::Io;
use super::brace::brace_expand;
use super::error::ShellError;
use super::glob::glob_paths;
use super::ifs::split_ifs;
use super::quote::ansi_c;
use super::state::Shell;
use crate::pattern::escape_glob;

/// One piece of an expanded word.
#[derive(Debug, Clone)]
pub(super) enum Frag {
    /// Text; `quoted` disables splitting and globbing, `split` marks expansion results.
    Text {
        s: String,
        quoted: bool,
        split: bool,
    },
    /// A field boundary that survives quoting (between the words of `"$@"`).
    Break,
}

pub(super) fn text(s: impl Into<String>, quoted: bool, split: bool) -> Frag {
    Frag::Text {
        s: s.into(),
        quoted,
        split,
    }
}

impl Shell {
    /// Full expansion of one word into fields.
    pub fn expand_word(&mut self, w: &str, io: &Io) -> Result<Vec<String>, ShellError> {
        let mut out = Vec::new();
        for w in brace_expand(w) {
            let frags = self.frags(&w, io, false)?;
            out.extend(self.fields(frags));
        }
        Ok(out)
    }

    /// Expansion without splitting or globbing (assignments, `case`, redirection targets).
    pub fn expand_string(&mut self, w: &str, io: &Io) -> Result<String, ShellError> {
        let frags = self.frags(w, io, false)?;
        Ok(frags
            .into_iter()
            .map(|f| match f {
                Frag::Text { s, .. } => s,
                Frag::Break => " ".into(),
            })
            .collect())
    }

    /// Expansion into a pattern: quoted characters are escaped so they match themselves.
    pub fn expand_pattern(&mut self, w: &str, io: &Io) -> Result<String, ShellError> {
        let frags = self.frags(w, io, false)?;
        Ok(frags
            .into_iter()
            .map(|f| match f {
                Frag::Text {
                    s, quoted: true, ..
                } => escape_glob(&s),
                Frag::Text { s, .. } => s,
                Frag::Break => " ".into(),
            })
            .collect())
    }

    /// Expansion of a here-document body: parameters, `$(...)`, arithmetic, backslashes.
    pub fn expand_heredoc(&mut self, body: &str, io: &Io) -> Result<String, ShellError> {
        let pieces =
            word::parse_heredoc(body, &ParserOptions::default()).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for p in pieces {
            self.piece(&p.piece, io, true, &mut out)?;
        }
        Ok(out
            .into_iter()
            .filter_map(|f| {
                if let Frag::Text { s, .. } = f {
                    Some(s)
                } else {
                    None
                }
            })
            .collect())
    }

    pub(super) fn frags(
        &mut self,
        w: &str,
        io: &Io,
        quoted: bool,
    ) -> Result<Vec<Frag>, ShellError> {
        let pieces = word::parse(w, &ParserOptions::default()).map_err(|e| match e {
            brush_parser::WordParseError::Parameter(..) => ShellError::BadSubstitution(w.into()),
            e => ShellError::Failed(format!("{w}: {e}")),
        })?;
        let mut out = Vec::new();
        for p in &pieces {
            self.piece(&p.piece, io, quoted, &mut out)?;
        }
        Ok(out)
    }

    fn piece(
        &mut self,
        p: &WP,
        io: &Io,
        quoted: bool,
        out: &mut Vec<Frag>,
    ) -> Result<(), ShellError> {
        match p {
            WP::Text(s) => out.push(text(s.clone(), quoted, false)),
            WP::SingleQuotedText(s) => out.push(text(s.clone(), true, false)),
            WP::AnsiCQuotedText(s) => out.push(text(ansi_c(s), true, false)),
            WP::EscapeSequence(s) => {
                let c = s.strip_prefix('\\').unwrap_or(s);
                // Inside double quotes a backslash only escapes $ ` " \ and newline.
                if quoted && !matches!(c, "$" | "`" | "\"" | "\\" | "\n") {
                    out.push(text(s.clone(), true, false));
                } else if c != "\n" {
                    out.push(text(c, true, false));
                }
            }
            WP::DoubleQuotedSequence(ps) | WP::GettextDoubleQuotedSequence(ps) => {
                out.push(text("", true, false));
                for p in ps {
                    self.piece(&p.piece, io, true, out)?;
                }
            }
            WP::TildeExpansion(t) => {
                let s = match t {
                    word::TildeExpr::Home => self.get_var("HOME").unwrap_or_default(),
                    word::TildeExpr::WorkingDir => self.cwd(),
                    word::TildeExpr::OldWorkingDir => self.get_var("OLDPWD").unwrap_or_default(),
                    word::TildeExpr::UserHome(u) => format!("~{u}"),
                    _ => "~".into(),
                };
                out.push(text(s, true, false));
            }
            WP::ParameterExpansion(e) => self.param(e, io, quoted, out)?,
            WP::CommandSubstitution(src) | WP::BackquotedCommandSubstitution(src) => {
                let s = self.capture(src, io);
                out.push(text(s, quoted, !quoted));
            }
            WP::ArithmeticExpression(e) => {
                let v = self.arith_str(&e.value)?;
                out.push(text(v.to_string(), quoted, !quoted));
            }
        }
        Ok(())
    }

    /// The one simple command `$(src)` is, when this shell can start its program itself with the
    /// same effect as a subshell would: a program (see `runs_directly`) whose words cannot change
    /// this shell's state or end it (no `${`, whose `:=` assigns and `?` exits, no arithmetic,
    /// whose `++` assigns, and no variable a subshell reads differently). `$(wc -l < "$f")` in
    /// a loop then costs one process an iteration, not two.
    fn lone_program<'p>(
        &self,
        src: &str,
        prog: &'p ast::Program,
    ) -> Option<&'p ast::SimpleCommand> {
        // `$RANDOM` and `$BASHPID` read differently in a subshell.
        if ["${", "$((", "$[", "RANDOM", "BASHPID"]
            .iter()
            .any(|s| src.contains(s))
        {
            return None;
        }
        let [list] = prog.complete_commands.as_slice() else {
            return None;
        };
        let [ast::CompoundListItem(ao, ast::SeparatorOperator::Sequence)] = list.0.as_slice()
        else {
            return None;
        };
        let p = &ao.first;
        if !ao.additional.is_empty() || p.bang || p.timed.is_some() {
            return None;
        }
        match p.seq.as_slice() {
            [ast::Command::Simple(sc)] if self.runs_directly(sc) => Some(sc),
            _ => None,
        }
    }

    /// Runs `src` in a subshell and returns its output without trailing newlines.
    pub fn capture(&mut self, src: &str, io: &Io) -> String {
        let Ok((r, w)) = crate::sys::pipe() else {
            return String::new();
        };
        let mut cio = io.clone();
        cio.0.insert(1, w);
        // Parsed once, here: the subshell gets the tree (or, when it does not parse, the text,
        // so the child reports the error as bash's subshell would).
        let pid = match super::exec::parse(src) {
            Ok(prog) => match self.lone_program(src, &prog) {
                Some(sc) => self.spawn_simple(sc, &cio, None),
                None => self
                    .spawn_sub(super::state::Body::Program(prog), &cio)
                    .map_err(|_| 1),
            },
            Err(_) => self
                .spawn_sub(super::state::Body::Source(src.to_string()), &cio)
                .map_err(|_| 1),
        };
        // SAFETY: both ends came from `pipe` above; the child has its own copy of `w`.
        let mut data = unsafe {
            crate::sys::close(w);
            crate::sys::read_to_end(r)
        };
        let st = pid.map_or_else(|s| s, crate::sys::wait);
        self.status = st;
        self.cmd_subst_status = Some(st);
        while data.last() == Some(&b'\n') {
            data.pop();
        }
        String::from_utf8_lossy(&data).into_owned()
    }

    /// Splits fragments into fields on IFS and expands globs in unquoted parts.
    fn fields(&self, frags: Vec<Frag>) -> Vec<String> {
        let ifs = self.get_var("IFS").unwrap_or_else(|| " \t\n".into());
        let mut fields: Vec<(String, String, bool, bool)> = Vec::new(); // (text, pattern, has_glob, nonempty)
        let mut cur = (String::new(), String::new(), false, false);
        for f in frags {
            match f {
                Frag::Break => fields.push(std::mem::take(&mut cur)),
                Frag::Text {
                    s, quoted: true, ..
                } => {
                    cur.1.push_str(&escape_glob(&s));
                    cur.0.push_str(&s);
                    cur.3 = true;
                }
                Frag::Text {
                    s,
                    quoted: false,
                    split: false,
                } => {
                    cur.2 |= s.contains(['*', '?', '[']);
                    cur.1.push_str(&s);
                    cur.0.push_str(&s);
                    cur.3 |= !s.is_empty();
                }
                Frag::Text {
                    s,
                    quoted: false,
                    split: true,
                } => {
                    for part in split_ifs(&s, &ifs) {
                        match part {
                            None => {
                                if cur.3 {
                                    fields.push(std::mem::take(&mut cur));
                                }
                            }
                            Some(p) => {
                                cur.2 |= p.contains(['*', '?', '[']);
                                cur.1.push_str(&p);
                                cur.0.push_str(&p);
                                cur.3 = true;
                            }
                        }
                    }
                }
            }
        }
        fields.push(cur);
        let mut out = Vec::new();
        for (t, pat, glob, nonempty) in fields {
            if !nonempty {
                continue;
            }
            if glob && !self.opts.noglob {
                let m = glob_paths(&pat);
                if !m.is_empty() || self.opts.nullglob {
                    out.extend(m);
                    continue;
                }
            }
            out.push(t);
        }
        out
    }

    pub(super) fn flags(&self) -> String {
        let mut f = String::from("h");
        if self.opts.errexit {
            f.push('e');
        }
        if self.opts.nounset {
            f.push('u');
        }
        if self.opts.xtrace {
            f.push('x');
        }
        f.push('B');
        f.push('c');
        f
    }

    pub(super) fn random(&mut self) -> u64 {
        // RandomState is seeded from WASI random_get, which the host seeds per session.
        use std::hash::BuildHasher;
        std::collections::hash_map::RandomState::new().hash_one(self.line)
    }
}
