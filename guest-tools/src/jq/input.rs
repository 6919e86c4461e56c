//! jq's inputs: the JSON values of each file (stdin when there is none), parsed as the filter
//! asks for them from a buffer refilled a piece at a time. jq over a large file holds one
//! piece of its text and one value, not the whole text: reading 100 MB into guest memory at
//! once made the kernel zero and map every page of it (a sixth of `jq 'select(..)'` over the
//! benchmark's input) and put files near the memory limit out of reach.
//!
//! Files are opened in turn, as jq 1.6 does: one that cannot be read is reported when its
//! turn comes, and the rest are still read (exit status 2 at the end).

use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::Read;
use std::rc::Rc;

use jaq_json::Val;

use super::{args, messages};

/// Bytes read at a time. A piece stays in the cache while it is parsed.
const PIECE: usize = 256 * 1024;

/// Unparsed text after which the rest of the file is read at once (see `refill`).
const LONG_VALUE: usize = 4 * PIECE;

/// How close to the end of the buffer a parse error must be to be the buffer's end rather than
/// the text's: a literal (`false`), a `\u` escape or a UTF-8 sequence cut short fails a few
/// bytes before the end; anything further back is an error in the text itself.
const LOOKAHEAD: usize = 64;

/// The file being read, for `jq: error (at FILE:LINE)`: none before the first file and after
/// the last.
#[derive(Default)]
pub struct Position(RefCell<Option<(Rc<str>, Pieces)>>);

impl Position {
    /// `input_line_number`: jq 1.6's line (see `Pieces::line`), 0 when no file is being read.
    pub fn line(&self) -> usize {
        self.0.borrow().as_ref().map_or(0, |(_, p)| p.line())
    }

    /// `FILE:LINE` as jq 1.6 prints it, or `<unknown>` when no file is being read.
    pub fn describe(&self) -> String {
        match &*self.0.borrow() {
            Some((name, p)) => format!("{name}:{}", p.line()),
            None => "<unknown>".into(),
        }
    }
}

/// The inputs in order. `at` follows the file being read, `file` names the latest one opened
/// (`input_filename`), and `failed` is set when a file could not be read.
pub fn values<'a>(
    o: &args::Opts,
    at: &'a Position,
    file: &'a RefCell<Option<Rc<str>>>,
    failed: &'a Cell<bool>,
) -> Box<dyn Iterator<Item = Result<Val, String>> + 'a> {
    let names: Vec<Option<Rc<str>>> = if o.files.is_empty() {
        vec![None]
    } else {
        o.files.iter().map(|f| Some(f.as_str().into())).collect()
    };
    if o.raw_input {
        let all: Vec<u8> = names.iter().flat_map(|n| read_all(n, failed)).collect();
        let s = String::from_utf8_lossy(&all).into_owned();
        if o.slurp {
            return Box::new(std::iter::once(Ok(Val::from(s))));
        }
        let lines: Vec<Val> = s.lines().map(|l| Val::from(l.to_string())).collect();
        return Box::new(lines.into_iter().map(Ok));
    }
    let values = Values {
        stdin: o.files.is_empty(),
        names: names.into_iter(),
        at,
        file,
        failed,
    };
    if !o.slurp {
        return Box::new(values);
    }
    match values.collect::<Result<Vec<Val>, String>>() {
        Ok(all) => Box::new(std::iter::once(Ok(Val::Arr(all.into())))),
        Err(e) => Box::new(std::iter::once(Err(e))),
    }
}

/// The values of each file in turn.
struct Values<'a> {
    /// Reading stdin (no files named).
    stdin: bool,
    names: std::vec::IntoIter<Option<Rc<str>>>,
    at: &'a Position,
    file: &'a RefCell<Option<Rc<str>>>,
    failed: &'a Cell<bool>,
}

impl Iterator for Values<'_> {
    type Item = Result<Val, String>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut current = self.at.0.borrow_mut();
        loop {
            if let Some((_, p)) = current.as_mut()
                && let Some(v) = p.next()
            {
                return Some(v);
            }
            let Some(name) = self.names.next() else {
                // jq 1.6 forgets a file once read to its end, but not stdin.
                if !self.stdin {
                    *current = None;
                }
                return None;
            };
            let shown: Rc<str> = name.clone().unwrap_or_else(|| "<stdin>".into());
            *current = Pieces::open(name.as_deref(), self.failed).map(|p| (shown.clone(), p));
            if current.is_some() {
                *self.file.borrow_mut() = Some(shown);
            }
        }
    }
}

/// Opens `name` (stdin when none), reporting a failure as jq does.
fn open(name: Option<&str>, failed: &Cell<bool>) -> Option<Box<dyn Read>> {
    let Some(name) = name else {
        return Some(Box::new(std::io::stdin()));
    };
    match File::open(name) {
        Ok(f) => Some(Box::new(f)),
        Err(e) => {
            report(name, &e, failed);
            None
        }
    }
}

fn report(name: &str, e: &std::io::Error, failed: &Cell<bool>) {
    let why = crate::io_message::io_message(e);
    eprintln!("jq: error: Could not open {name}: {why}");
    failed.set(true);
}

/// The whole text of `name` (for `-R`, which splits it into lines).
fn read_all(name: &Option<Rc<str>>, failed: &Cell<bool>) -> Vec<u8> {
    let mut text = Vec::new();
    if let Some(mut r) = open(name.as_deref(), failed)
        && let Err(e) = r.read_to_end(&mut text)
    {
        report(name.as_deref().unwrap_or("<stdin>"), &e, failed);
    }
    text
}

/// Lines and column before `upto` in a [`Pieces`] buffer.
#[derive(Clone, Copy, Default)]
struct Counted {
    upto: usize,
    lines: usize,
    column: usize,
}

/// The values of one file, parsed from a buffer that holds its unparsed text.
struct Pieces {
    read: Box<dyn Read>,
    /// Text read and not yet parsed is `buf[pos..]`.
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    /// Set after an error: jq stops reading there.
    done: bool,
    /// Lines and column counted, for jq's `at line L, column C` and `(at FILE:LINE)`: each
    /// byte once, when an error or `input_line_number` asks or `refill` drops parsed text (a
    /// count from `buf[0]` at every ask made an error on every input quadratic).
    counted: Cell<Counted>,
    /// Object entries being parsed, shared by every value (see jaq-json's `parse_with`).
    stack: Vec<(Val, Val)>,
}

impl Pieces {
    /// Opens the file and reads its first piece, so that a directory or an unreadable file is
    /// reported as one that could not be opened.
    fn open(name: Option<&str>, failed: &Cell<bool>) -> Option<Self> {
        let mut p = Self {
            read: open(name, failed)?,
            buf: Vec::new(),
            pos: 0,
            eof: false,
            done: false,
            counted: Cell::default(),
            stack: Vec::new(),
        };
        match p.refill() {
            Ok(()) => Some(p),
            Err(e) => {
                report(name.unwrap_or("<stdin>"), &e, failed);
                None
            }
        }
    }

    /// Drops the parsed text (counting its lines) and reads at least one more piece, or to the
    /// end. A value longer than the buffer grows it; one longer than `LONG_VALUE` gets the rest
    /// of the file.
    fn refill(&mut self) -> std::io::Result<()> {
        let (lines, column) = self.count_to(self.pos);
        self.counted.set(Counted {
            upto: 0,
            lines,
            column,
        });
        self.buf.drain(..self.pos);
        self.pos = 0;
        if self.buf.len() >= LONG_VALUE {
            // One value spans several pieces (a large document): read the rest at once rather
            // than parse its beginning again after every doubling.
            self.read.read_to_end(&mut self.buf)?;
            self.eof = true;
            return Ok(());
        }
        let want = PIECE.max(self.buf.len());
        self.buf.reserve(want);
        // Into the spare capacity: no zeroing of what the read overwrites.
        let got = (&mut self.read)
            .take(want as u64)
            .read_to_end(&mut self.buf)?;
        self.eof = got < want;
        Ok(())
    }

    /// jq 1.6's line for an error: the lines read through the one where the latest value
    /// ended (jq reads a line at a time, so a value on the last, unterminated line does not
    /// count it).
    fn line(&self) -> usize {
        let (lines, _) = self.count_to(self.pos);
        lines + usize::from(self.buf[self.pos..].contains(&b'\n'))
    }

    /// Lines and column before `buf[end]`; `end` never goes back within a buffer.
    fn count_to(&self, end: usize) -> (usize, usize) {
        let c = self.counted.get();
        let (lines, column) = messages::advance((c.lines, c.column), &self.buf[c.upto..end]);
        self.counted.set(Counted {
            upto: end,
            lines,
            column,
        });
        (lines, column)
    }

    /// Whether `parsed`, from the unparsed text `rest`, might change with more text: a value
    /// (a number) or an error reaching the end of the buffer, or nothing but whitespace.
    fn may_continue(&self, parsed: &Option<(Result<Val, jaq_json::read::Error>, usize)>) -> bool {
        let rest = self.buf.len() - self.pos;
        !self.eof
            && match parsed {
                None => true,
                Some((Ok(_), used)) => *used >= rest,
                Some((Err(e), _)) => e.offset() + LOOKAHEAD >= rest,
            }
    }
}

impl Iterator for Pieces {
    type Item = Result<Val, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            let parsed = jaq_json::read::parse_prefix(&self.buf[self.pos..], &mut self.stack);
            if self.may_continue(&parsed) {
                if let Err(e) = self.refill() {
                    self.done = true;
                    return Some(Err(format!(
                        "jq: error: {}",
                        crate::io_message::io_message(&e)
                    )));
                }
                continue;
            }
            let (value, used) = parsed?;
            let value = match value {
                Ok(v) => Ok(v),
                Err(e) => {
                    self.done = true;
                    let at = self.count_to(self.pos);
                    let before = &self.buf[self.pos..(self.pos + e.offset()).min(self.buf.len())];
                    Err(messages::parse_error(before, &e, at))
                }
            };
            self.pos += used;
            return Some(value);
        }
    }
}
