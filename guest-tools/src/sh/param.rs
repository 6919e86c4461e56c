//! Parameter expansion: `$x`, `${x:-d}`, `${#x}`, `${x%pat}`, `${x/a/b}`, `${a[@]}`, `$@` and
//! the special parameters, as fragments for [`super::expand`].

use brush_parser::ParserOptions;
use brush_parser::word::{self, Parameter, ParameterExpr as PE, SpecialParameter as SP};

use super::Io;
use super::error::ShellError;
use super::expand::{Frag, text};
use super::quote::ansi_c;
use super::state::{Shell, Value};
use crate::pattern::pattern_regex;

impl Shell {
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

    pub(super) fn param(
        &mut self,
        e: &PE,
        io: &Io,
        quoted: bool,
        out: &mut Vec<Frag>,
    ) -> Result<(), ShellError> {
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
                    return Err(ShellError::Unbound(name_of(parameter)));
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
                    let given = match error_message {
                        Some(m) => self.expand_string(m, io)?,
                        None => String::new(),
                    };
                    // bash's words when none are given: `${x?}` only tests for unset.
                    let msg = match (given.is_empty(), test_type) {
                        (false, _) => given,
                        (true, word::ParameterTestType::UnsetOrNull) => {
                            "parameter null or not set".into()
                        }
                        (true, _) => "parameter not set".into(),
                    };
                    return Err(ShellError::Unset {
                        name: name_of(parameter),
                        message: msg,
                    });
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
                    return Err(ShellError::Unbound(name_of(parameter)));
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
                let positional = matches!(
                    parameter,
                    Parameter::Special(SP::AllPositionalParameters { .. })
                );
                if multi || positional {
                    // Arrays, `$@` and `$*` slice their elements (`$*` then joins them); the
                    // positional parameters count from `$0`: offset 1 is `$1`.
                    let mut v = v;
                    if positional {
                        v.insert(0, self.name.clone());
                    }
                    let (start, end) = substring_range(v.len(), off, len, true)
                        .map_err(|l| format!("{l}: substring expression < 0"))?;
                    emit(v[start..end].to_vec(), multi, out);
                } else {
                    let s: Vec<char> = v.first().cloned().unwrap_or_default().chars().collect();
                    let (start, end) = substring_range(s.len(), off, len, false)
                        .map_err(|l| format!("{l}: substring expression < 0"))?;
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
                        word::ParameterTransformOp::Quoted => super::quote::quote(&s),
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
}

/// The `[start, end)` that `${x:off:len}` takes of `n` items: a negative offset counts from the
/// end, a negative length stops that far before the end (an error, `Err(len)`, when that is
/// before the start, unless `clamp`, as for arrays). Saturating: `${x:1:4294967295}` once
/// wrapped a 32-bit sum below the start and panicked the shell.
fn substring_range(
    n: usize,
    off: i64,
    len: Option<i64>,
    clamp: bool,
) -> Result<(usize, usize), i64> {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    let start = if off < 0 {
        n.saturating_add(off).max(0)
    } else {
        off.min(n)
    };
    let end = match len {
        Some(l) if l < 0 => {
            let e = n.saturating_add(l);
            if e < start && !clamp {
                return Err(l);
            }
            e.max(start)
        }
        Some(l) => start.saturating_add(l).min(n),
        None => n,
    };
    // Both lie in 0..=n, which came from a usize.
    Ok((start as usize, end as usize))
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

#[cfg(test)]
mod tests {
    use super::substring_range;

    #[test]
    fn substrings_take_what_bash_takes_and_never_overflow() {
        assert_eq!(substring_range(5, 1, Some(3), false), Ok((1, 4)));
        assert_eq!(substring_range(5, -2, None, false), Ok((3, 5)));
        assert_eq!(substring_range(5, 1, Some(-1), false), Ok((1, 4)));
        assert_eq!(substring_range(5, 3, Some(-3), false), Err(-3));
        assert_eq!(substring_range(3, 1, Some(-5), true), Ok((1, 1)));
        assert_eq!(
            substring_range(5, 1, Some(4_294_967_295), false),
            Ok((1, 5))
        );
        assert_eq!(substring_range(5, 9, Some(i64::MAX), false), Ok((5, 5)));
        assert_eq!(
            substring_range(5, i64::MIN, Some(i64::MIN), true),
            Ok((0, 0))
        );
    }
}
