//! `grep -P` / `rg -P` patterns the regex crate refuses: look-around (`(?<=id=)\d+`), `\K`
//! (`svc=\K\w+`) and back-references, which agents write often. PCRE2 is C and does not build
//! for the sandbox; fancy-regex implements these by backtracking and hands the plain parts of a
//! pattern to the regex crate. Patterns the regex crate accepts never come here, so they keep
//! its linear-time search.

use grep_matcher::{Match, Matcher, NoCaptures};

/// A grep matcher over fancy-regex.
pub struct FancyMatcher(fancy_regex::Regex);

/// A search that fancy-regex gave up on (its backtracking limit).
#[derive(Debug)]
pub struct FancyError(String);

impl std::fmt::Display for FancyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl FancyMatcher {
    /// Compiles `patterns` as alternatives, with grep's `-i`, `-w` and `-x` applied around them.
    pub fn new(patterns: &[String], ci: bool, word: bool, line: bool) -> Result<Self, String> {
        let alts: Vec<String> = patterns.iter().map(|p| format!("(?:{p})")).collect();
        let mut re = alts.join("|");
        if word {
            // GNU's -w: the match is neither preceded nor followed by a word character.
            re = format!(r"(?<!\w)(?:{re})(?!\w)");
        }
        if line {
            re = format!("^(?:{re})$");
        }
        if ci {
            re = format!("(?i){re}");
        }
        fancy_regex::Regex::new(&re)
            .map(FancyMatcher)
            .map_err(|e| format!("invalid regular expression: {e}"))
    }
}

impl Matcher for FancyMatcher {
    type Captures = NoCaptures;
    type Error = FancyError;

    fn find_at(&self, haystack: &[u8], at: usize) -> Result<Option<Match>, FancyError> {
        // No line terminator is declared, so the searcher hands over one line at a time and
        // a pattern like `\s` cannot run into the next line.
        self.0
            .find_from_pos(haystack, at)
            .map(|m| m.map(|m| Match::new(m.start(), m.end())))
            .map_err(|e| FancyError(e.to_string()))
    }

    fn new_captures(&self) -> Result<NoCaptures, FancyError> {
        Ok(NoCaptures::new())
    }
}
