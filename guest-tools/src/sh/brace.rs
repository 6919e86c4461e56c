//! Brace expansion: `{a,b}`, `{1..5}`, `{a..e..2}`, nested, before every other expansion.

use brush_parser::ParserOptions;
use brush_parser::word::{self, BraceExpressionMember as BM, BraceExpressionOrText as BT};

/// Bash brace expansion: `{a,b}`, `{1..5}`, `{a..e..2}`.
pub(super) fn brace_expand(w: &str) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::brace_expand;

    #[test]
    fn lists_sequences_and_steps_expand_as_in_bash() {
        assert_eq!(brace_expand("a{b,c}d"), ["abd", "acd"]);
        assert_eq!(brace_expand("{1..3}"), ["1", "2", "3"]);
        assert_eq!(brace_expand("{a..e..2}"), ["a", "c", "e"]);
        assert_eq!(brace_expand("{x,y}{1,2}"), ["x1", "x2", "y1", "y2"]);
        assert_eq!(brace_expand("plain"), ["plain"]);
    }
}
