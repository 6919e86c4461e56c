//! Field splitting on IFS, as `$x` unquoted and `read` do it.

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

#[cfg(test)]
mod tests {
    use super::split_ifs;

    fn fields(s: &str, ifs: &str) -> Vec<String> {
        // As `set -- $x`: `None` ends a field.
        let mut out = Vec::new();
        let mut cur: Option<String> = None;
        for part in split_ifs(s, ifs) {
            match part {
                Some(t) => cur.get_or_insert_with(String::new).push_str(&t),
                None => out.extend(cur.take()),
            }
        }
        out.extend(cur);
        out
    }

    #[test]
    fn white_space_runs_are_one_delimiter_and_others_are_not() {
        assert_eq!(fields("  a \t b  ", " \t\n"), ["a", "b"]);
        assert_eq!(fields("a,,b", ","), ["a", "", "b"]);
        assert_eq!(fields("a , b", " ,"), ["a", "b"]);
        assert_eq!(fields("a b", ""), ["a b"]);
    }
}
