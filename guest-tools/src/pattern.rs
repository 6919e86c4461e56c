//! Shell patterns (`*`, `?`, `[...]`, extglob) as anchored regexes, for the shell (`case`,
//! `[[ == ]]`, `${x%pat}`, globbing) and for grep's and find's name filters.
//!
//! Compiled patterns are cached: a `case` in a loop over a thousand lines compiled its
//! patterns a thousand times. The guest is single-threaded, so the cache is a thread-local
//! map, cleared when it reaches [`CACHE_ENTRIES`] so a command cannot grow it without bound.

use std::cell::RefCell;
use std::collections::HashMap;

/// Patterns kept compiled at once; the cache is emptied when it holds this many.
const CACHE_ENTRIES: usize = 256;

thread_local! {
    static CACHE: RefCell<HashMap<String, Option<regex::Regex>>> = RefCell::new(HashMap::new());
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
    if let Some(hit) = CACHE.with_borrow(|c| c.get(pat).cloned()) {
        return hit;
    }
    let compiled = brush_parser::pattern::pattern_to_regex_str(pat, true)
        .ok()
        .and_then(|r| {
            regex::RegexBuilder::new(&format!("^(?s:{r})$"))
                .build()
                .ok()
        });
    CACHE.with_borrow_mut(|c| {
        if c.len() >= CACHE_ENTRIES {
            c.clear();
        }
        c.insert(pat.to_string(), compiled.clone());
    });
    compiled
}

/// Whether `s` matches shell pattern `pat` (whole string).
pub fn pattern_match(pat: &str, s: &str) -> bool {
    pattern_regex(pat).is_some_and(|r| r.is_match(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_strings_as_bash_does() {
        assert!(pattern_match("*.tsv", "otel_logs_raw.tsv"));
        assert!(!pattern_match("*.tsv", "alerts.json"));
        assert!(pattern_match("service_[a-c]*", "service_cart_raw.tsv"));
        assert!(pattern_match("?", "x") && !pattern_match("?", "xy"));
        assert!(pattern_match(&escape_glob("a*[b]"), "a*[b]"));
        assert!(!pattern_match(&escape_glob("a*"), "abc"));
    }

    #[test]
    fn the_cache_stays_bounded() {
        for i in 0..3 * CACHE_ENTRIES {
            assert!(pattern_match(&format!("p{i}*"), &format!("p{i}x")));
        }
        assert!(CACHE.with_borrow(|c| c.len()) <= CACHE_ENTRIES);
    }
}
