//! yq expressions run on jaq. Most of what fetch scripts write (`.a.b`, `.items[]`,
//! `select(...)`, `[.]`, `{"items": [.]}`, `map`, `*` merges) means the same in jq; the
//! forms below are yq's own and are rewritten into jq:
//!
//! - `eval-all` runs the expression once over the stream of all documents: `[.]` there
//!   collects them (jq's `[inputs]`), and `. as $x ireduce (INIT; BODY)` folds them (jq's
//!   `reduce inputs as $x (INIT; BODY)`). Any other `eval-all` expression runs per document,
//!   which is what yq gives for expressions that do not combine documents.
//! - `keys` lists keys in document order (jq sorts them), as yq does.

/// How to run an expression.
pub enum Plan {
    /// Once, on `null`, with every document available to `inputs`.
    Once(String),
    /// On each document in turn.
    PerDocument(String),
}

/// yq's definitions that differ from jq's.
const PRELUDE: &str = "def keys: keys_unsorted; ";

/// `[.]` with any spacing, not inside a string.
fn replace_collect(e: &str) -> Option<String> {
    let mut out = String::new();
    let mut found = false;
    let mut i = 0;
    let mut in_str = false;
    while let Some(c) = e[i..].chars().next() {
        if in_str {
            if c == '\\'
                && let Some(n) = e[i + 1..].chars().next()
            {
                out.push(c);
                out.push(n);
                i += 1 + n.len_utf8();
                continue;
            }
            in_str = c != '"';
        } else if c == '"' {
            in_str = true;
        } else if c == '[' {
            let rest = e[i + 1..].trim_start();
            if let Some(after) = rest.strip_prefix('.') {
                let after_t = after.trim_start();
                if after_t.starts_with(']') {
                    out.push_str("[inputs]");
                    i = e.len() - after_t.len() + 1;
                    found = true;
                    continue;
                }
            }
        }
        out.push(c);
        i += c.len_utf8();
    }
    found.then_some(out)
}

/// `. as $x ireduce (ARGS)` as a whole expression: `$x` and `ARGS`.
fn ireduce(e: &str) -> Option<(&str, &str)> {
    let rest = e
        .trim()
        .strip_prefix('.')?
        .trim_start()
        .strip_prefix("as")?
        .trim_start();
    let var_end = rest.find(|c: char| c.is_whitespace())?;
    let (var, rest) = rest.split_at(var_end);
    let args = rest.trim_start().strip_prefix("ireduce")?.trim_start();
    let inner = args.strip_prefix('(')?.strip_suffix(')')?;
    var.starts_with('$').then_some((var, inner))
}

/// The jq program for yq's expression `e`; `all` for `eval-all` (and `-n`).
pub fn plan(e: &str, all: bool) -> Plan {
    if let Some((var, args)) = ireduce(e) {
        let source = if all { "inputs" } else { "." };
        let code = format!("{PRELUDE}reduce {source} as {var} ({args})");
        return if all {
            Plan::Once(code)
        } else {
            Plan::PerDocument(code)
        };
    }
    if all && let Some(code) = replace_collect(e) {
        return Plan::Once(format!("{PRELUDE}{code}"));
    }
    Plan::PerDocument(format!("{PRELUDE}{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(p: Plan) -> (bool, String) {
        match p {
            Plan::Once(c) => (true, c.trim_start_matches(PRELUDE).to_string()),
            Plan::PerDocument(c) => (false, c.trim_start_matches(PRELUDE).to_string()),
        }
    }

    #[test]
    fn rewrites() {
        assert_eq!(code(plan("[.]", true)), (true, "[inputs]".into()));
        assert_eq!(
            code(plan("{\"items\": [ . ]}", true)),
            (true, "{\"items\": [inputs]}".into())
        );
        assert_eq!(code(plan("\"[.]\"", true)), (false, "\"[.]\"".into()));
        assert_eq!(
            code(plan(". as $item ireduce ([]; . + $item)", true)),
            (true, "reduce inputs as $item ([]; . + $item)".into())
        );
        assert_eq!(code(plan(".a.b", false)), (false, ".a.b".into()));
    }
}
