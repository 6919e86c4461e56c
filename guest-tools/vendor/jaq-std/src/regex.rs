//! Helpers to interface with the `regex` crate.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use bstr::ByteSlice;
use regex_bites::bytes::{self as regex, Error, Regex, RegexBuilder};

#[derive(Copy, Clone, Default)]
pub struct Flags {
    // global search
    g: bool,
    // ignore empty matches
    n: bool,
    // case-insensitive
    i: bool,
    // multi-line mode: ^ and $ match begin/end of line
    m: bool,
    // single-line mode: allow . to match \n
    s: bool,
    // greedy
    l: bool,
    // extended mode: ignore whitespace and allow line comments (starting with `#`)
    x: bool,
}

impl Flags {
    pub fn new(flags: &str) -> Result<Self, char> {
        let mut out = Self::default();
        for flag in flags.chars() {
            match flag {
                'g' => out.g = true,
                'n' => out.n = true,
                'i' => out.i = true,
                'm' => out.m = true,
                's' => out.s = true,
                'l' => out.l = true,
                'x' => out.x = true,
                'p' => {
                    out.m = true;
                    out.s = true;
                }
                c => return Err(c),
            }
        }
        Ok(out)
    }

    pub fn ignore_empty(self) -> bool {
        self.n
    }

    pub fn global(self) -> bool {
        self.g
    }

    fn impact(self, builder: &mut RegexBuilder) -> &mut RegexBuilder {
        builder
            .case_insensitive(self.i)
            .multi_line(self.m)
            .dot_matches_new_line(self.s)
            .swap_greed(self.l)
            .ignore_whitespace(self.x)
    }

    pub fn regex(self, re: &str) -> Result<Regex, Error> {
        let mut builder = RegexBuilder::new(re);
        self.impact(&mut builder).build()
    }
}

type CharIndices<'a> =
    core::iter::Chain<bstr::CharIndices<'a>, core::iter::Once<(usize, usize, char)>>;

/// Mapping between byte and character indices.
pub struct ByteChar<'a>(core::iter::Peekable<core::iter::Enumerate<CharIndices<'a>>>);

impl<'a> ByteChar<'a> {
    pub fn new(s: &'a [u8]) -> Self {
        let last = core::iter::once((s.len(), 0, '\0'));
        Self(s.char_indices().chain(last).enumerate().peekable())
    }

    /// Convert byte offset to UTF-8 character offset.
    ///
    /// This needs to be called with monotonically increasing values of `byte_offset`.
    fn char_of_byte(&mut self, byte_offset: usize) -> Option<usize> {
        loop {
            let (char_i, (byte_i, _, _char)) = self.0.peek()?;
            if byte_offset == *byte_i {
                return Some(*char_i);
            } else {
                self.0.next();
            }
        }
    }
}

// rcabox: matches carry what jq 1.6 prints for them. A capture group has a `name` key (null
// when unnamed), and a group that took no part in the match is still listed, with offset -1,
// length 0 and a null string, so `capture("(?<a>x)?(?<b>y)")` gives `{"a":null,"b":"y"}`.
// Upstream left such groups out and gave unnamed groups no `name`.
pub struct Match<B, S> {
    pub offset: isize,
    pub length: usize,
    /// None for a group that took no part in the match.
    pub string: Option<B>,
    pub name: Option<S>,
    /// False for the whole match, which has no `name` key.
    pub group: bool,
}

impl<'a> Match<&'a [u8], &'a str> {
    pub fn new(bc: &mut ByteChar, m: regex::Match<'a>, name: Option<&'a str>, group: bool) -> Self {
        Self {
            offset: bc.char_of_byte(m.start()).unwrap() as isize,
            length: m.as_bytes().chars().count(),
            string: Some(m.as_bytes()),
            name,
            group,
        }
    }

    /// A capture group that took no part in the match.
    pub fn absent(name: Option<&'a str>) -> Self {
        Self {
            offset: -1,
            length: 0,
            string: None,
            name,
            group: true,
        }
    }

    /// The match as jq's object, in jq 1.6's key order; `null` makes a null value.
    pub fn fields<T: From<isize> + From<String> + 'a>(
        &self,
        f: impl Fn(&'a [u8]) -> T,
        null: impl Fn() -> T,
    ) -> impl Iterator<Item = (T, T)> + '_ {
        let offset = ("offset", T::from(self.offset));
        let length = ("length", T::from(self.length as isize));
        let string = ("string", self.string.map_or_else(&null, &f));
        let fields = match self.string {
            Some(_) => [offset, length, string],
            None => [offset, string, length],
        };
        let name = self.group.then(|| {
            (
                "name",
                self.name.map_or_else(&null, |n| n.to_string().into()),
            )
        });
        fields
            .into_iter()
            .chain(name)
            .map(|(k, v)| (k.to_string().into(), v))
    }
}

pub enum Part<B, S> {
    Matches(Vec<Match<B, S>>),
    Mismatch(B),
}

/// Apply a regular expression to the given input value.
///
/// `sm` indicates whether to
/// 1. output strings that do *not* match the regex, and
/// 2. output the matches.
pub fn regex<'a>(
    s: &'a [u8],
    re: &'a Regex,
    flags: Flags,
    sm: (bool, bool),
) -> Vec<Part<&'a [u8], &'a str>> {
    // mismatches & matches
    let (mi, ma) = sm;

    let mut last_byte = 0;
    let mut bc = ByteChar::new(s);
    let mut out = Vec::new();

    for c in re.captures_iter(s) {
        let whole = c.get(0).unwrap();
        if flags.ignore_empty() && whole.as_bytes().is_empty() {
            continue;
        }
        let match_names = c.iter().zip(re.capture_names()).enumerate();
        let matches = match_names.map(|(i, (m, n))| match m {
            Some(m) => Match::new(&mut bc, m, n, i > 0),
            None => Match::absent(n),
        });
        if mi {
            out.push(Part::Mismatch(&s[last_byte..whole.start()]));
            last_byte = whole.end();
        }
        if ma {
            out.push(Part::Matches(matches.collect()));
        }
        if !flags.global() {
            break;
        }
    }
    if mi {
        out.push(Part::Mismatch(&s[last_byte..]));
    }
    out
}
