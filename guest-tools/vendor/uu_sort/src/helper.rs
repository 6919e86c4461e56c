// rcabox: this module is not upstream's (see vendor/README.md).

//! A large sort in two processes. wasip1 has no threads, so where GNU sort splits its work
//! between threads, the sandbox's sort hands the second half of a large input to a helper
//! `sort` process (the sandbox runs each process on a host thread of its own), sorts the first
//! half meanwhile and merges the two. The helper answers with the order of its lines (a
//! 4-byte line number each), not their text: the first process holds the text already, and
//! copying 50 MB back through a pipe cost more than the second core saved. The embedding
//! program says how to start a helper ([`set_start`]) and tells a helper that it is one
//! ([`become_helper`]).
//!
//! The output is the one-process output byte for byte: ties keep the first half's line first,
//! which is input order, so `-s` and `-u` keep the lines they keep in one process. Whatever
//! goes wrong with the helper (it cannot start, dies, or returns other lines), the first
//! process sorts the second half itself.

use std::cell::Cell;
use std::cmp::Ordering;
use std::ffi::OsString;
use std::io::{Read, Write};

use itertools::Itertools;
use memchr::memchr;
use uucore::error::UResult;

use crate::chunks::{self, Chunk, LineData};
use crate::{GlobalSettings, Line, Output, compare_by, print_sorted, sort_by};

/// Inputs smaller than this are sorted in one process: below it, starting a helper and
/// copying half the input to it costs about what the second core saves.
pub const TWO_PROCESS_MIN: usize = 8 << 20;

/// A started helper: its standard input and output, and how to wait for its exit status.
pub struct Helper {
    /// Where the second half goes.
    pub stdin: Box<dyn Write>,
    /// Where the sorted second half comes from.
    pub stdout: Box<dyn Read>,
    /// Waits for the helper to end and returns its exit status.
    pub wait: Box<dyn FnOnce() -> i32>,
}

/// Starts `sort` with these arguments as a helper; `None` when it cannot be started.
pub type Start = fn(&[OsString]) -> Option<Helper>;

thread_local! {
    static START: Cell<Option<Start>> = const { Cell::new(None) };
    static IS_HELPER: Cell<bool> = const { Cell::new(false) };
}

/// Lets large sorts start helpers with `start`.
pub fn set_start(start: Start) {
    START.with(|s| s.set(Some(start)));
}

/// Makes this process a helper: it sorts its standard input to its standard output, whatever
/// files and `-o` its arguments (its parent's) name, and starts no helper of its own.
pub fn become_helper() {
    IS_HELPER.with(|h| h.set(true));
}

/// Whether this process is a helper.
pub fn is_helper() -> bool {
    IS_HELPER.with(Cell::get)
}

/// Whether this process may start a helper.
pub fn can_start() -> bool {
    !is_helper() && START.with(Cell::get).is_some()
}

/// Sorts `input` in two processes and prints it; gives `input` and `output` back when no
/// helper could be started, for the caller to sort alone.
pub fn sort_in_two(
    input: Vec<u8>,
    args: &[OsString],
    settings: &GlobalSettings,
    output: Output,
) -> Result<UResult<()>, (Vec<u8>, Output)> {
    let separator: u8 = settings.line_ending.into();
    // The second half starts after the first line end past the middle.
    let Some(split) = memchr(separator, &input[input.len() / 2..])
        .map(|i| input.len() / 2 + i + 1)
        .filter(|s| *s < input.len())
    else {
        return Err((input, output));
    };
    let Some(start) = START.with(Cell::get) else {
        return Err((input, output));
    };
    let Some(mut helper) = start(args) else {
        return Err((input, output));
    };
    let sent = helper.stdin.write_all(&input[split..]).is_ok();
    drop(helper.stdin);

    // Every line is parsed here, as in one process; the helper's half is the lines from
    // `first` (the first starting at `split`), which it numbers from 0.
    let mut chunk = Chunk::new(input, |buffer| {
        chunks::parse_into_chunk(buffer, separator, settings)
    });
    let second = chunk.borrow_owner()[split..].as_ptr();
    let first = chunk.lines().partition_point(|l| l.line.as_ptr() < second);
    chunk.with_dependent_mut(|_, c| sort_by(&mut c.lines[..first], settings, &c.line_data));

    let mut answer = Vec::new();
    let received = helper.stdout.read_to_end(&mut answer).is_ok();
    let status = (helper.wait)();
    let order = (sent && received && status == 0)
        .then(|| read_order(&answer, chunk.lines().len() - first, settings.unique))
        .flatten();
    chunk.with_dependent_mut(|_, c| {
        let theirs = &mut c.lines[first..];
        match &order {
            // Their lines in their order; `theirs` holds them in input order.
            Some(order) => {
                let sorted: Vec<_> = order.iter().map(|i| theirs[*i].clone()).collect();
                c.lines.truncate(first);
                c.lines.extend(sorted);
            }
            None => sort_by(theirs, settings, &c.line_data),
        }
    });
    let data = chunk.line_data();
    let (ours, theirs) = chunk.lines().split_at(first);
    Ok(print_merged(ours, theirs, data, settings, output))
}

/// The line numbers a helper answered, checked against the `count` lines it was given: each
/// at most once, and each exactly once unless `unique` let it drop some. `None` when the answer
/// cannot be the order of those lines (a helper that failed or was cut short).
fn read_order(answer: &[u8], count: usize, unique: bool) -> Option<Vec<usize>> {
    if answer.len() % 4 != 0 {
        return None;
    }
    let mut seen = vec![false; count];
    let mut order = Vec::with_capacity(answer.len() / 4);
    for n in answer.chunks_exact(4) {
        let i = u32::from_le_bytes([n[0], n[1], n[2], n[3]]) as usize;
        if i >= count || std::mem::replace(&mut seen[i], true) {
            return None;
        }
        order.push(i);
    }
    (order.len() == count || unique).then_some(order)
}

/// A helper's answer: the line number of each sorted line (after `-u` dropped equal ones), as
/// 4 little-endian bytes, on standard output.
pub fn write_order(lines: &[Line], data: &LineData, settings: &GlobalSettings) -> UResult<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut write = |l: &Line| out.write_all(&(l.index as u32).to_le_bytes());
    let result = if settings.unique {
        lines
            .iter()
            .dedup_by(|a, b| compare_by(a, b, settings, data, data) == Ordering::Equal)
            .try_for_each(&mut write)
    } else {
        lines.iter().try_for_each(&mut write)
    };
    result.and_then(|()| out.flush())?;
    Ok(())
}

/// Prints the merge of two sorted runs of one chunk's lines; on a tie the first run's line
/// comes first.
fn print_merged(
    a: &[Line],
    b: &[Line],
    data: &LineData,
    settings: &GlobalSettings,
    output: Output,
) -> UResult<()> {
    let cmp = |x: &&Line, y: &&Line| compare_by(x, y, settings, data, data);
    let merged = a
        .iter()
        .merge_by(b.iter(), |x, y| cmp(x, y) != Ordering::Greater);
    if settings.unique {
        print_sorted(
            merged.dedup_by(|x, y| cmp(x, y) == Ordering::Equal),
            settings,
            output,
        )
    } else {
        print_sorted(merged, settings, output)
    }
}
