//! Word expansion: braces, tilde, parameters, `$(...)`, `$((...))`, field splitting, globbing.
//!
//! Expansion produces fragments that remember whether they were quoted; field splitting and
//! pathname expansion then only act on the unquoted ones, which is what makes `"$x"`, `$x`
//! and `'*'` behave as in bash.

use brush_parser::ParserOptions;
use brush_parser::ast;
use brush_parser::word::{
    self, BraceExpressionMember as BM, BraceExpressionOrText as BT, Parameter, ParameterExpr as PE,
    SpecialParameter as SP, WordPiece as WP,
};

use super::Io;
use super::state::{Shell, Value};

/// One piece of an expanded word.
#[derive(Debug, Clone)]
enum Frag {
    /// Text; `quoted` disables splitting and globbing, `split` marks expansion results.
    Text {
        s: String,
        quoted: bool,
        split: bool,
    },
    /// A field boundary that survives quoting (between the words of `"$@"`).
    Break,
}

fn text(s: impl Into<String>, quoted: bool, split: bool) -> Frag {
    Frag::Text {
        s: s.into(),
        quoted,
        split,
    }
}

impl Shell {
    /// Full expansion of one word into fields.
    pub fn expand_word(&mut self, w: &str, io: &Io) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        for w in brace_expand(w) {
            let frags = self.frags(&w, io, false)?;
            out.extend(self.fields(frags));
        }
        Ok(out)
    }

    /// Expansion without splitting or globbing (assignments, `case`, redirection targets).
    pub fn expand_string(&mut self, w: &str, io: &Io) -> Result<String, String> {
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
    pub fn expand_pattern(&mut self, w: &str, io: &Io) -> Result<String, String> {
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
    pub fn expand_heredoc(&mut self, body: &str, io: &Io) -> Result<String, String> {
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

    fn frags(&mut self, w: &str, io: &Io, quoted: bool) -> Result<Vec<Frag>, String> {
        let pieces = word::parse(w, &ParserOptions::default()).map_err(|e| format!("{w}: {e}"))?;
        let mut out = Vec::new();
        for p in &pieces {
            self.piece(&p.piece, io, quoted, &mut out)?;
        }
        Ok(out)
    }

    fn piece(&mut self, p: &WP, io: &Io, quoted: bool, out: &mut Vec<Frag>) -> Result<(), String> {
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

    /// Runs `src` in a subshell and returns its output without trailing newlines.
    pub fn capture(&mut self, src: &str, io: &Io) -> String {
        let Ok((r, w)) = crate::sys::pipe() else {
            return String::new();
        };
        let mut cio = io.clone();
        cio.0.insert(1, w);
        let pid = self.spawn_sub(src.to_string(), &cio);
        crate::sys::close(w);
        let mut data = crate::sys::read_to_end(r);
        let st = pid.map(crate::sys::wait).unwrap_or(1);
        self.status = st;
        self.cmd_subst_status = Some(st);
        while data.last() == Some(&b'\n') {
            data.pop();
        }
        String::from_utf8_lossy(&data).into_owned()
    }

    /// The values of a parameter: one for scalars, many for `$@` and `${a[@]}`.
    fn param_values(
        &mut self,
        p: &Parameter,
        indirect: bool,
    ) -> Result<(Vec<String>, bool, bool), String> {
        // (values, is_set, multi)
        let p = if indirect {
            let name = self.param_values(p, false)?.0.join(" ");
            word::parse_parameter(&name, &ParserOptions::default())
                .map_err(|_| format!("{name}: invalid indirect expansion"))?
        } else {
            p.clone()
        };
        Ok(match &p {
            Parameter::Positional(n) => {
                let v = if *n == 0 {
                    Some(self.name.clone())
                } else {
                    self.positional.get(*n as usize - 1).cloned()
                };
                (v.clone().into_iter().collect(), v.is_some(), false)
            }
            Parameter::Special(sp) => match sp {
                SP::AllPositionalParameters { concatenate } => {
                    (self.positional.clone(), true, !concatenate)
                }
                SP::PositionalParameterCount => {
                    (vec![self.positional.len().to_string()], true, false)
                }
                SP::LastExitStatus => (vec![self.status.to_string()], true, false),
                SP::ProcessId => (vec!["1".into()], true, false),
                SP::LastBackgroundProcessId => (
                    self.last_bg.map(|p| p.to_string()).into_iter().collect(),
                    self.last_bg.is_some(),
                    false,
                ),
                SP::ShellName => (vec![self.name.clone()], true, false),
                SP::CurrentOptionFlags => (vec![self.flags()], true, false),
            },
            Parameter::Named(n) => match n.as_str() {
                "RANDOM" => (vec![(self.random() % 32768).to_string()], true, false),
                "LINENO" => (vec![self.line.to_string()], true, false),
                "PWD" => (vec![self.cwd()], true, false),
                _ => match self.vars.get(n) {
                    Some(v) => (vec![v.value.scalar()], true, false),
                    None => (vec![], false, false),
                },
            },
            Parameter::NamedWithIndex { name, index } => {
                let v = match self.vars.get(name).map(|v| v.value.clone()) {
                    Some(Value::Assoc(m)) => {
                        let key = self.expand_string(index, &Io::default())?;
                        m.get(&key).cloned()
                    }
                    Some(Value::Indexed(m)) => {
                        let i = self.arith_str(index)?;
                        let i = if i < 0 {
                            m.keys().next_back().map(|k| k + 1 + i).unwrap_or(i)
                        } else {
                            i
                        };
                        m.get(&i).cloned()
                    }
                    Some(Value::Str(s)) => (self.arith_str(index)? == 0).then_some(s),
                    None => None,
                };
                (v.clone().into_iter().collect(), v.is_some(), false)
            }
            Parameter::NamedWithAllIndices { name, concatenate } => match self.vars.get(name) {
                Some(v) => (v.value.elements(), true, !concatenate),
                None => (vec![], false, !concatenate),
            },
        })
    }

    fn param(&mut self, e: &PE, io: &Io, quoted: bool, out: &mut Vec<Frag>) -> Result<(), String> {
        let ifs_first = self
            .get_var("IFS")
            .map(|s| s.chars().next().map(String::from).unwrap_or_default())
            .unwrap_or(" ".into());
        let emit = |vals: Vec<String>, multi: bool, out: &mut Vec<Frag>| {
            if multi && quoted {
                for (i, v) in vals.into_iter().enumerate() {
                    if i > 0 {
                        out.push(Frag::Break);
                    }
                    out.push(text(v, true, false));
                }
            } else if multi {
                for (i, v) in vals.into_iter().enumerate() {
                    if i > 0 {
                        out.push(Frag::Break);
                    }
                    out.push(text(v, false, true));
                }
            } else {
                out.push(text(vals.join(&ifs_first), quoted, !quoted));
            }
        };
        let name_of = |p: &Parameter| {
            p.to_string()
                .trim_start_matches("${")
                .trim_start_matches('$')
                .trim_end_matches('}')
                .to_string()
        };
        match e {
            PE::Parameter {
                parameter,
                indirect,
            } => {
                let (v, set, multi) = self.param_values(parameter, *indirect)?;
                if !set
                    && self.opts.nounset
                    && !matches!(
                        parameter,
                        Parameter::Special(SP::AllPositionalParameters { .. })
                    )
                {
                    return Err(format!("{}: unbound variable", name_of(parameter)));
                }
                emit(v, multi, out);
            }
            PE::UseDefaultValues {
                parameter,
                indirect,
                test_type,
                default_value,
            }
            | PE::AssignDefaultValues {
                parameter,
                indirect,
                test_type,
                default_value,
            } => {
                let (v, set, multi) = self.param_values(parameter, *indirect)?;
                let empty = v.iter().all(|s| s.is_empty());
                let use_default =
                    !set || (matches!(test_type, word::ParameterTestType::UnsetOrNull) && empty);
                if use_default {
                    // Expanded once: a `$(cmd)` in the default runs once, and `:=` assigns
                    // exactly the text that is substituted.
                    let frags = match default_value {
                        Some(dv) => self.frags(dv, io, quoted)?,
                        None => vec![],
                    };
                    if let PE::AssignDefaultValues { .. } = e {
                        let d: String = frags
                            .iter()
                            .map(|f| match f {
                                Frag::Text { s, .. } => s.as_str(),
                                Frag::Break => " ",
                            })
                            .collect();
                        self.set_var(&name_of(parameter), &d);
                    }
                    out.extend(frags.into_iter().map(|f| match f {
                        Frag::Text {
                            s,
                            quoted: q,
                            split,
                        } => Frag::Text {
                            s,
                            quoted: q || quoted,
                            split: split && !quoted,
                        },
                        b => b,
                    }));
                } else {
                    emit(v, multi, out);
                }
            }
            PE::IndicateErrorIfNullOrUnset {
                parameter,
                indirect,
                test_type,
                error_message,
            } => {
                let (v, set, multi) = self.param_values(parameter, *indirect)?;
                let empty = v.iter().all(|s| s.is_empty());
                if !set || (matches!(test_type, word::ParameterTestType::UnsetOrNull) && empty) {
                    let msg = match error_message {
                        Some(m) => self.expand_string(m, io)?,
                        None => "parameter null or not set".into(),
                    };
                    return Err(format!("{}: {msg}!", name_of(parameter)));
                }
                emit(v, multi, out);
            }
            PE::UseAlternativeValue {
                parameter,
                indirect,
                test_type,
                alternative_value,
            } => {
                let (v, set, _) = self.param_values(parameter, *indirect)?;
                let empty = v.iter().all(|s| s.is_empty());
                if set && !(matches!(test_type, word::ParameterTestType::UnsetOrNull) && empty) {
                    if let Some(a) = alternative_value {
                        let frags = self.frags(a, io, quoted)?;
                        out.extend(frags);
                    }
                } else if quoted {
                    out.push(text("", true, false));
                }
            }
            PE::ParameterLength {
                parameter,
                indirect,
            } => {
                let (v, set, multi) = self.param_values(parameter, *indirect)?;
                if !set && self.opts.nounset {
                    return Err(format!("{}: unbound variable", name_of(parameter)));
                }
                let n = if multi || matches!(parameter, Parameter::NamedWithAllIndices { .. }) {
                    v.len()
                } else {
                    v.first().map(|s| s.chars().count()).unwrap_or(0)
                };
                out.push(text(n.to_string(), quoted, false));
            }
            PE::RemoveSmallestSuffixPattern {
                parameter,
                indirect,
                pattern,
            }
            | PE::RemoveLargestSuffixPattern {
                parameter,
                indirect,
                pattern,
            }
            | PE::RemoveSmallestPrefixPattern {
                parameter,
                indirect,
                pattern,
            }
            | PE::RemoveLargestPrefixPattern {
                parameter,
                indirect,
                pattern,
            } => {
                let (v, _, multi) = self.param_values(parameter, *indirect)?;
                let pat = match pattern {
                    Some(p) => self.expand_pattern(p, io)?,
                    None => String::new(),
                };
                let (suffix, largest) = match e {
                    PE::RemoveSmallestSuffixPattern { .. } => (true, false),
                    PE::RemoveLargestSuffixPattern { .. } => (true, true),
                    PE::RemoveSmallestPrefixPattern { .. } => (false, false),
                    _ => (false, true),
                };
                let v = v
                    .into_iter()
                    .map(|s| remove_affix(&s, &pat, suffix, largest))
                    .collect();
                emit(v, multi, out);
            }
            PE::Substring {
                parameter,
                indirect,
                offset,
                length,
            } => {
                let (v, _, multi) = self.param_values(parameter, *indirect)?;
                let off = self.arith_str(&offset.value)?;
                let len = match length {
                    Some(l) => Some(self.arith_str(&l.value)?),
                    None => None,
                };
                if multi {
                    let n = v.len() as i64;
                    let start = if off < 0 {
                        (n + off).max(0)
                    } else {
                        off.min(n)
                    } as usize;
                    let end = match len {
                        Some(l) if l < 0 => ((n + l).max(start as i64)) as usize,
                        Some(l) => (start + l as usize).min(v.len()),
                        None => v.len(),
                    };
                    emit(v[start..end].to_vec(), true, out);
                } else {
                    let s: Vec<char> = v.first().cloned().unwrap_or_default().chars().collect();
                    let n = s.len() as i64;
                    let start = if off < 0 {
                        (n + off).max(0)
                    } else {
                        off.min(n)
                    } as usize;
                    let end = match len {
                        Some(l) if l < 0 => {
                            let e = n + l;
                            if e < start as i64 {
                                return Err(format!("{l}: substring expression < 0"));
                            }
                            e as usize
                        }
                        Some(l) => (start + l as usize).min(s.len()),
                        None => s.len(),
                    };
                    out.push(text(
                        s[start..end].iter().collect::<String>(),
                        quoted,
                        !quoted,
                    ));
                }
            }
            PE::ReplaceSubstring {
                parameter,
                indirect,
                pattern,
                replacement,
                match_kind,
            } => {
                let (v, _, multi) = self.param_values(parameter, *indirect)?;
                let pat = self.expand_pattern(pattern, io)?;
                let rep = match replacement {
                    Some(r) => self.expand_string(r, io)?,
                    None => String::new(),
                };
                let v = v
                    .into_iter()
                    .map(|s| replace(&s, &pat, &rep, match_kind))
                    .collect();
                emit(v, multi, out);
            }
            PE::UppercaseFirstChar {
                parameter,
                indirect,
                ..
            }
            | PE::UppercasePattern {
                parameter,
                indirect,
                ..
            }
            | PE::LowercaseFirstChar {
                parameter,
                indirect,
                ..
            }
            | PE::LowercasePattern {
                parameter,
                indirect,
                ..
            } => {
                let (v, _, multi) = self.param_values(parameter, *indirect)?;
                let f = |s: String| -> String {
                    match e {
                        PE::UppercasePattern { .. } => s.to_uppercase(),
                        PE::LowercasePattern { .. } => s.to_lowercase(),
                        PE::UppercaseFirstChar { .. } => {
                            let mut c = s.chars();
                            c.next()
                                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                                .unwrap_or_default()
                        }
                        _ => {
                            let mut c = s.chars();
                            c.next()
                                .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
                                .unwrap_or_default()
                        }
                    }
                };
                emit(v.into_iter().map(f).collect(), multi, out);
            }
            PE::Transform {
                parameter,
                indirect,
                op,
            } => {
                let (v, _, multi) = self.param_values(parameter, *indirect)?;
                let v = v
                    .into_iter()
                    .map(|s| match op {
                        word::ParameterTransformOp::Quoted => super::builtins::quote(&s),
                        word::ParameterTransformOp::ToUpperCase => s.to_uppercase(),
                        word::ParameterTransformOp::ToLowerCase => s.to_lowercase(),
                        word::ParameterTransformOp::ExpandEscapeSequences => ansi_c(&s),
                        _ => s,
                    })
                    .collect();
                emit(v, multi, out);
            }
            PE::VariableNames {
                prefix,
                concatenate,
            } => {
                let mut names: Vec<String> = self
                    .vars
                    .keys()
                    .filter(|k| k.starts_with(prefix.as_str()))
                    .cloned()
                    .collect();
                names.sort();
                emit(names, !concatenate, out);
            }
            PE::MemberKeys {
                variable_name,
                concatenate,
            } => {
                let keys = match self.vars.get(variable_name).map(|v| &v.value) {
                    Some(Value::Indexed(m)) => m.keys().map(|k| k.to_string()).collect(),
                    Some(Value::Assoc(m)) => m.keys().cloned().collect(),
                    Some(Value::Str(_)) => vec!["0".to_string()],
                    None => vec![],
                };
                emit(keys, !concatenate, out);
            }
        }
        Ok(())
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

    fn flags(&self) -> String {
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

    fn random(&mut self) -> u64 {
        // RandomState is seeded from WASI random_get, which the host seeds per session.
        use std::hash::BuildHasher;
        std::collections::hash_map::RandomState::new().hash_one(self.line)
    }

    /// `NAME=value`: sets the variable, or returns it for a command's environment.
    pub fn assign(
        &mut self,
        a: &ast::Assignment,
        io: &Io,
        temp: bool,
    ) -> Result<Option<(String, String)>, String> {
        let (name, index) = match &a.name {
            ast::AssignmentName::VariableName(n) => (n.clone(), None),
            ast::AssignmentName::ArrayElementName(n, i) => (n.clone(), Some(i.clone())),
        };
        match &a.value {
            ast::AssignmentValue::Scalar(w) => {
                let v = self.expand_string(&w.value, io)?;
                if temp && index.is_none() {
                    return Ok(Some((name, v)));
                }
                // `declare -i n`: the value is an arithmetic expression, `+=` adds.
                if self.vars.get(&name).is_some_and(|x| x.integer) && index.is_none() {
                    let mut x = self.arith_str(&v)?;
                    if a.append {
                        let cur = self.get_var(&name).unwrap_or_default();
                        x = x.wrapping_add(cur.trim().parse::<i64>().unwrap_or(0));
                    }
                    if !self.set_value(&name, Value::Str(x.to_string())) {
                        return Err(format!("{name}: readonly variable"));
                    }
                    return Ok(None);
                }
                let old = if a.append {
                    self.vars.get(&name).map(|x| x.value.clone())
                } else {
                    None
                };
                match index {
                    Some(i) => {
                        let is_assoc = matches!(
                            self.vars.get(&name).map(|v| &v.value),
                            Some(Value::Assoc(_))
                        );
                        if is_assoc {
                            let key = self.expand_string(&i, io)?;
                            if let Some(Value::Assoc(m)) =
                                self.vars.get_mut(&name).map(|v| &mut v.value)
                            {
                                let e = m.entry(key).or_default();
                                if a.append { e.push_str(&v) } else { *e = v }
                            }
                        } else {
                            let idx = self.arith_str(&i)?;
                            let mut m = match self.vars.get(&name).map(|v| v.value.clone()) {
                                Some(Value::Indexed(m)) => m,
                                Some(Value::Str(s)) => [(0, s)].into(),
                                _ => Default::default(),
                            };
                            let e = m.entry(idx).or_default();
                            if a.append {
                                e.push_str(&v)
                            } else {
                                *e = v
                            }
                            self.set_value(&name, Value::Indexed(m));
                        }
                    }
                    None => {
                        let nv = match old {
                            Some(Value::Str(s)) => s + &v,
                            Some(other) => other.scalar() + &v,
                            None => v,
                        };
                        if !self.set_value(&name, Value::Str(nv)) {
                            return Err(format!("{name}: readonly variable"));
                        }
                    }
                }
            }
            ast::AssignmentValue::Array(items) => {
                let is_assoc = matches!(
                    self.vars.get(&name).map(|v| &v.value),
                    Some(Value::Assoc(_))
                );
                if is_assoc {
                    let mut m = match (a.append, self.vars.get(&name).map(|v| v.value.clone())) {
                        (true, Some(Value::Assoc(m))) => m,
                        _ => Default::default(),
                    };
                    for (k, v) in items {
                        let val = self.expand_string(&v.value, io)?;
                        let key = match k {
                            Some(k) => self.expand_string(&k.value, io)?,
                            None => val.clone(),
                        };
                        m.insert(key, val);
                    }
                    self.set_value(&name, Value::Assoc(m));
                } else {
                    let mut m = match (a.append, self.vars.get(&name).map(|v| v.value.clone())) {
                        (true, Some(Value::Indexed(m))) => m,
                        (true, Some(Value::Str(s))) => [(0, s)].into(),
                        _ => Default::default(),
                    };
                    let mut next = m.keys().next_back().map(|k| k + 1).unwrap_or(0);
                    for (k, v) in items {
                        match k {
                            Some(k) => {
                                let i = self.arith_str(&k.value)?;
                                m.insert(i, self.expand_string(&v.value, io)?);
                                next = i + 1;
                            }
                            None => {
                                for f in self.expand_word(&v.value, io)? {
                                    m.insert(next, f);
                                    next += 1;
                                }
                            }
                        }
                    }
                    self.set_value(&name, Value::Indexed(m));
                }
            }
        }
        Ok(None)
    }
}

/// Splits on IFS: `None` ends a field, `Some` is text (possibly an empty field of its own).
pub(super) fn split_ifs(s: &str, ifs: &str) -> Vec<Option<String>> {
    if ifs.is_empty() {
        return vec![Some(s.to_string())];
    }
    let is_ws = |c: char| c.is_whitespace() && ifs.contains(c);
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !ifs.contains(c) {
            cur.push(c);
            i += 1;
            continue;
        }
        // One delimiter: white space around at most one non-white IFS character.
        let mut j = i;
        while j < chars.len() && is_ws(chars[j]) {
            j += 1;
        }
        let mut hard = false;
        if j < chars.len() && ifs.contains(chars[j]) && !is_ws(chars[j]) {
            hard = true;
            j += 1;
            while j < chars.len() && is_ws(chars[j]) {
                j += 1;
            }
        }
        if !cur.is_empty() || (hard && i > 0) {
            out.push(Some(std::mem::take(&mut cur)));
        }
        out.push(None);
        i = j;
    }
    if !cur.is_empty() {
        out.push(Some(cur));
    }
    out
}

/// Escapes glob characters so a pattern matches them literally.
pub fn escape_glob(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '*' | '?' | '[' | ']' | '\\' | '(' | ')' | '|' | '!' | '+' | '@'
        ) {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

/// A shell pattern as an anchored regex.
pub fn pattern_regex(pat: &str) -> Option<regex::Regex> {
    let r = brush_parser::pattern::pattern_to_regex_str(pat, true).ok()?;
    regex::RegexBuilder::new(&format!("^(?s:{r})$"))
        .build()
        .ok()
}

/// Whether `s` matches shell pattern `pat` (whole string).
pub fn pattern_match(pat: &str, s: &str) -> bool {
    pattern_regex(pat).is_some_and(|r| r.is_match(s))
}

fn remove_affix(s: &str, pat: &str, suffix: bool, largest: bool) -> String {
    let Some(re) = pattern_regex(pat) else {
        return s.to_string();
    };
    let mut bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
    // Shortest suffix: latest start first; longest prefix: latest end first.
    if suffix != largest {
        bounds.reverse();
    }
    for i in bounds {
        if suffix {
            if re.is_match(&s[i..]) {
                return s[..i].to_string();
            }
        } else if re.is_match(&s[..i]) {
            return s[i..].to_string();
        }
    }
    s.to_string()
}

fn replace(s: &str, pat: &str, rep: &str, kind: &word::SubstringMatchKind) -> String {
    let Some(re) = pattern_regex(pat) else {
        return s.to_string();
    };
    let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
    let longest_at = |start: usize| {
        bounds
            .iter()
            .rev()
            .copied()
            .filter(|e| *e >= start)
            .find(|e| re.is_match(&s[start..*e]) && (*e > start || pat.is_empty()))
    };
    match kind {
        word::SubstringMatchKind::Prefix => match longest_at(0) {
            Some(e) => format!("{rep}{}", &s[e..]),
            None => s.to_string(),
        },
        word::SubstringMatchKind::Suffix => {
            for b in &bounds {
                if re.is_match(&s[*b..]) {
                    return format!("{}{rep}", &s[..*b]);
                }
            }
            s.to_string()
        }
        word::SubstringMatchKind::FirstOccurrence | word::SubstringMatchKind::Anywhere => {
            let all = matches!(kind, word::SubstringMatchKind::Anywhere);
            let mut out = String::new();
            let mut i = 0;
            let mut done = false;
            while i < s.len() {
                if let Some(e) = longest_at(i).filter(|e| !done && *e > i) {
                    out.push_str(rep);
                    i = e;
                    done = !all;
                    continue;
                }
                let c = s[i..].chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
            }
            out
        }
    }
}

/// Bash brace expansion: `{a,b}`, `{1..5}`, `{a..e..2}`.
fn brace_expand(w: &str) -> Vec<String> {
    if !w.contains('{') {
        return vec![w.to_string()];
    }
    match word::parse_brace_expansions(w, &ParserOptions::default()) {
        Ok(Some(parts)) => expand_brace_parts(&parts),
        _ => vec![w.to_string()],
    }
}

fn expand_brace_parts(parts: &[BT]) -> Vec<String> {
    let mut acc = vec![String::new()];
    for p in parts {
        let alts: Vec<String> = match p {
            BT::Text(t) => vec![t.clone()],
            BT::Expr(members) => members
                .iter()
                .flat_map(|m| match m {
                    BM::NumberSequence {
                        start,
                        end,
                        increment,
                    } => {
                        let inc = increment.unsigned_abs().max(1) as i64;
                        let mut v = Vec::new();
                        let mut i = *start;
                        if start <= end {
                            while i <= *end {
                                v.push(i.to_string());
                                i += inc;
                            }
                        } else {
                            while i >= *end {
                                v.push(i.to_string());
                                i -= inc;
                            }
                        }
                        v
                    }
                    BM::CharSequence {
                        start,
                        end,
                        increment,
                    } => {
                        let inc = increment.unsigned_abs().max(1) as u32;
                        let (s, e) = (*start as u32, *end as u32);
                        let mut v = Vec::new();
                        let mut i = s;
                        if s <= e {
                            while i <= e {
                                v.extend(char::from_u32(i).map(String::from));
                                i += inc;
                            }
                        } else {
                            while i >= e {
                                v.extend(char::from_u32(i).map(String::from));
                                if i < inc {
                                    break;
                                }
                                i -= inc;
                            }
                        }
                        v
                    }
                    BM::Child(c) => expand_brace_parts(c),
                })
                .collect(),
        };
        acc = acc
            .iter()
            .flat_map(|a| alts.iter().map(move |b| format!("{a}{b}")))
            .collect();
    }
    acc
}

/// Pathname expansion of `pat`; sorted, dotfiles only when the pattern names them.
fn glob_paths(pat: &str) -> Vec<String> {
    let absolute = pat.starts_with('/');
    let comps: Vec<&str> = pat.split('/').filter(|c| !c.is_empty()).collect();
    let mut cur: Vec<String> = vec![if absolute { "/".into() } else { String::new() }];
    for (i, comp) in comps.iter().enumerate() {
        let last = i + 1 == comps.len();
        let mut next = Vec::new();
        let has_glob = comp.contains(['*', '?', '[']);
        for base in &cur {
            let dir = if base.is_empty() {
                ".".to_string()
            } else {
                base.clone()
            };
            let join = |n: &str| {
                if base.is_empty() {
                    n.to_string()
                } else if base.ends_with('/') {
                    format!("{base}{n}")
                } else {
                    format!("{base}/{n}")
                }
            };
            if !has_glob {
                let lit = unescape(comp);
                let p = join(&lit);
                if std::fs::symlink_metadata(&p).is_ok() {
                    next.push(p);
                }
                continue;
            }
            let Some(re) = pattern_regex(comp) else {
                continue;
            };
            let Ok(names) = crate::sys::sorted_names(&dir) else {
                continue;
            };
            for n in names {
                if n.starts_with('.') && !comp.starts_with('.') {
                    continue;
                }
                if re.is_match(&n) {
                    let p = join(&n);
                    if !last && !std::path::Path::new(&p).is_dir() {
                        continue;
                    }
                    next.push(p);
                }
            }
        }
        cur = next;
        if cur.is_empty() {
            break;
        }
    }
    if pat.ends_with('/') {
        cur = cur
            .into_iter()
            .filter(|p| std::path::Path::new(p).is_dir())
            .map(|p| p + "/")
            .collect();
    }
    cur
}

fn unescape(s: &str) -> String {
    let mut o = String::new();
    let mut esc = false;
    for c in s.chars() {
        if c == '\\' && !esc {
            esc = true;
            continue;
        }
        esc = false;
        o.push(c);
    }
    o
}

/// Interprets `$'...'` escapes (and `echo -e`'s, which are the same but for `\c`).
pub fn ansi_c(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('e') | Some('E') => out.push('\x1b'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some('\\') => out.push('\\'),
            Some('\'') => out.push('\''),
            Some('"') => out.push('"'),
            Some('?') => out.push('?'),
            Some('x') => {
                let mut h = String::new();
                while h.len() < 2 && it.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                    h.extend(it.next());
                }
                match u32::from_str_radix(&h, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push_str("\\x"),
                }
            }
            Some(d @ '0'..='7') => {
                let mut o = String::from(d);
                while o.len() < 3 && it.peek().is_some_and(|c| ('0'..='7').contains(c)) {
                    o.extend(it.next());
                }
                if let Some(ch) = u32::from_str_radix(&o, 8).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}
