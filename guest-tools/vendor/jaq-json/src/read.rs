//! JSON support.
use crate::{Map, Num, Val};
use alloc::{string::ToString, vec::Vec};
use core::fmt::{self, Formatter};
use hifijson::token::{Expect, Lex};
use hifijson::{LexAlloc, SliceLexer};
#[cfg(feature = "std")]
use std::io;

/// Eat whitespace/comments, then peek at next character.
fn ws_tk<L: Lex>(lexer: &mut L) -> Option<u8> {
    loop {
        lexer.eat_whitespace();
        match lexer.peek_next() {
            Some(b'#') => lexer.skip_until(|c| c == b'\n'),
            next => return next,
        }
    }
}

/// Parse error.
#[derive(Debug)]
pub struct Error(usize, hifijson::Error);

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        write!(f, "byte offset {}: {}", self.0, self.1)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

// rcabox: jq reports an unparsable input by line and column, which the offset gives.
impl Error {
    /// Where in the text parsing failed, in bytes.
    pub fn offset(&self) -> usize {
        self.0
    }

    /// What was wrong there.
    pub fn reason(&self) -> &hifijson::Error {
        &self.1
    }
}

/// Parse exactly one JSON value.
pub fn parse_single(slice: &[u8]) -> Result<Val, Error> {
    let offset = |rest: &[u8]| rest.as_ptr() as usize - slice.as_ptr() as usize;
    let mut lexer = SliceLexer::new(slice);
    lexer
        .exactly_one(ws_tk, parse)
        .map_err(|e| Error(offset(lexer.as_slice()), e))
}

/// Parse a sequence of JSON values.
pub fn parse_many(slice: &[u8]) -> impl Iterator<Item = Result<Val, Error>> + '_ {
    let offset = |rest: &[u8]| rest.as_ptr() as usize - slice.as_ptr() as usize;
    let mut lexer = SliceLexer::new(slice);
    // rcabox: one stack for every value's objects (see `parse_with`).
    let mut stack = Vec::new();
    core::iter::from_fn(move || {
        let next = ws_tk(&mut lexer)?;
        Some(
            parse_with(next, &mut lexer, &mut stack)
                .map_err(|e| Error(offset(lexer.as_slice()), e)),
        )
    })
}

// rcabox: jq reads a large file a piece at a time (src/jq/input.rs) and parses each piece with
// this, so it needs to know where a value ended.
/// Parses the first value of `slice`: the value (or the error, with its offset in `slice`) and
/// the bytes it and the whitespace before it took; `None` when only whitespace is left.
pub fn parse_prefix(
    slice: &[u8],
    stack: &mut Vec<(Val, Val)>,
) -> Option<(Result<Val, Error>, usize)> {
    let offset = |rest: &[u8]| rest.as_ptr() as usize - slice.as_ptr() as usize;
    let mut lexer = SliceLexer::new(slice);
    let next = ws_tk(&mut lexer)?;
    let value = parse_with(next, &mut lexer, stack);
    let used = offset(lexer.as_slice());
    Some((value.map_err(|e| Error(used, e)), used))
}

#[cfg(feature = "std")]
/// Read a sequence of JSON values.
pub fn read_many<'a>(read: impl io::BufRead + 'a) -> impl Iterator<Item = io::Result<Val>> + 'a {
    let invalid_data = |e| io::Error::new(io::ErrorKind::InvalidData, e);
    let mut lexer = hifijson::IterLexer::new(read.bytes());
    core::iter::from_fn(move || {
        let v = ws_tk(&mut lexer).map(|next| parse(next, &mut lexer).map_err(invalid_data));
        // always return I/O error if present, regardless of the output value!
        lexer.error.take().map(Err).or(v)
    })
}

/// Parse a single number.
pub fn parse_single_num(slice: &[u8]) -> Option<Num> {
    Some(match slice {
        b"Infinity" => Num::Float(f64::INFINITY),
        b"NaN" => Num::Float(f64::NAN),
        _ => {
            let mut lexer = SliceLexer::new(slice);
            parse_num(&mut lexer)
                .ok()
                .filter(|_| lexer.as_slice().is_empty())?
        }
    })
}

/// Parse a JSON string as byte or text string, preserving invalid UTF-8 as-is.
fn parse_string<L: LexAlloc>(lexer: &mut L, bytes: bool) -> Result<Vec<u8>, hifijson::Error> {
    let on_string = |bytes: &mut L::Bytes, out: &mut Vec<u8>| {
        // rcabox: a string without escapes is one piece. Sized exactly, its buffer becomes the
        // value's `Bytes` as it is; a growing Vec starts at 8 bytes, and `Bytes::from` then
        // allocates a header for the spare capacity: one more allocation for most keys.
        if out.is_empty() {
            out.reserve_exact(bytes.as_ref().len());
        }
        out.extend(bytes.as_ref());
        Ok(())
    };
    let s = lexer.str_fold(Vec::new(), on_string, |lexer, out| {
        use hifijson::escape::Error;
        match lexer.take_next().ok_or(Error::Eof)? {
            b'u' if bytes => Err(Error::InvalidKind(b'u'))?,
            b'x' if bytes => out.push(lexer.hex()?),
            c => out.extend(lexer.escape(c)?.encode_utf8(&mut [0; 4]).as_bytes()),
        }
        Ok(())
    });
    s.map_err(hifijson::Error::Str)
}

fn parse_num<L: LexAlloc>(lexer: &mut L) -> Result<Num, hifijson::Error> {
    let num = hifijson::num::Num::signed_digits();
    let (num, parts) = lexer.num_string_with(num).unvalidated();
    let num = num.as_ref();
    Ok(match num {
        "+" if lexer.strip_prefix(b"Infinity") => Num::Float(f64::INFINITY),
        "-" if lexer.strip_prefix(b"Infinity") => Num::Float(f64::NEG_INFINITY),
        _ if num.ends_with(|c: char| c.is_ascii_digit()) => {
            if parts.is_int() {
                Num::from_str_radix(num, 10).unwrap()
            } else {
                Num::Dec(num.to_string().into())
            }
        }
        _ => Err(hifijson::num::Error::ExpectedDigit)?,
    })
}

/// Parse a JSON value, given an initial non-whitespace character and a lexer.
///
/// If the underlying lexer reads input fallibly (for example [`hifijson::IterLexer`]),
/// the error returned by this function might be misleading.
/// In that case, always check whether the lexer contains an error.
fn parse<L: LexAlloc>(next: u8, lexer: &mut L) -> Result<Val, hifijson::Error> {
    parse_with(next, lexer, &mut Vec::new())
}

/// `parse`, gathering each object's entries on `stack` first.
///
/// rcabox: upstream inserted into a map that started empty, so a five-key record grew its hash
/// table twice (rehashing every key) and its entry vector three times; a parse of JSON lines
/// spent a tenth of its time there. The entries now go on a stack shared by the whole parse
/// (nested objects above their parent's) and then into a map sized for them.
fn parse_with<L: LexAlloc>(
    next: u8,
    lexer: &mut L,
    stack: &mut Vec<(Val, Val)>,
) -> Result<Val, hifijson::Error> {
    Ok(match next {
        b'n' if lexer.strip_prefix(b"null") => Val::Null,
        b't' if lexer.strip_prefix(b"true") => Val::Bool(true),
        b'f' if lexer.strip_prefix(b"false") => Val::Bool(false),
        b'b' if lexer.strip_prefix(b"b\"") => Val::byte_str(parse_string(lexer, true)?),
        b'N' if lexer.strip_prefix(b"NaN") => Val::Num(Num::Float(f64::NAN)),
        b'I' if lexer.strip_prefix(b"Infinity") => Val::Num(Num::Float(f64::INFINITY)),
        b'0'..=b'9' | b'+' | b'-' => Val::Num(parse_num(lexer)?),
        b'"' => Val::utf8_str(parse_string(lexer.discarded(), false)?),
        b'[' => Val::Arr({
            let mut arr = Vec::new();
            lexer.discarded().seq(b']', ws_tk, |next, lexer| {
                arr.push(parse_with(next, lexer, stack)?);
                Ok::<_, hifijson::Error>(())
            })?;
            arr.into()
        }),
        b'{' => Val::obj({
            let start = stack.len();
            let entries = lexer.discarded().seq(b'}', ws_tk, |next, lexer| {
                let key = parse_with(next, lexer, stack)?;
                lexer.expect(ws_tk, b':').ok_or(Expect::Colon)?;
                let value = parse_with(ws_tk(lexer).ok_or(Expect::Value)?, lexer, stack)?;
                stack.push((key, value));
                Ok::<_, hifijson::Error>(())
            });
            // Taken off the stack even on an error, so an enclosing object never sees them.
            let mut obj = Map::with_capacity_and_hasher(stack.len() - start, Default::default());
            obj.extend(stack.drain(start..));
            entries?;
            obj
        }),
        _ => Err(Expect::Value)?,
    })
}
