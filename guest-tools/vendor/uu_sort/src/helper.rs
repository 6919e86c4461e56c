// rcabox: this module is not upstream's (see vendor/README.md).

//! A large sort in two processes. wasip1 has no threads, so where GNU sort splits its work
//! between threads, the sandbox's sort hands part of a large input to a helper `sort` process
//! (the sandbox runs each process on a host thread of its own), sorts the rest meanwhile and
//! merges the two. The helper answers with the order of its lines (a 4-byte line number
//! each), not their text: the first process holds the text already, and copying 50 MB back
//! through a pipe cost more than the second core saved. The embedding program says how to
//! start a helper ([`set_start`]) and tells a helper that it is one ([`become_helper`]).
//!
//! A single regular file is shared, not sent: the helper gets the open file and reads its part
//! itself, at once, while the first process reads the whole. Sending 50 MB through a sandbox
//! pipe took a quarter of a second in which neither process sorted. Any other input (standard
//! input, several files) is read by the first process, which writes the helper's part to it.
//!
//! The output is the one-process output byte for byte: ties keep the first part's line first,
//! which is input order, so `-s` and `-u` keep the lines they keep in one process. Whatever
//! goes wrong with the helper (it cannot start, dies, or returns other lines), the first
//! process sorts the second part itself.

use std::cell::Cell;
use std::cmp::Ordering;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};

use itertools::Itertools;
use memchr::memchr;
use uucore::error::UResult;

use crate::chunks::{self, Chunk, LineData};
use crate::{GlobalSettings, Line, Output, SortError, compare_by, print_sorted, sort_by};

/// Inputs smaller than this are sorted in one process: below it, starting a helper and
/// copying half the input to it costs about what the second core saves.
pub const TWO_PROCESS_MIN: usize = 8 << 20;

/// The helper's share of a shared file, in percent. More than half: the first process also
/// reads and parses the helper's part (the merge needs its keys), so with equal parts the
/// helper would wait for it. Measured over the benchmark's 100 MB (plain and `-k` sorts).
const HELPER_SHARE_PERCENT: u64 = 55;

/// What a helper reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Its standard input, a pipe the first process writes the helper's lines to.
    Piped,
    /// The lines of its standard input, a regular file, that start at or after byte `from`
    /// (`from` >= 1; see [`line_start`]).
    FileFrom(u64),
}

/// A started helper: where its part goes (if it is piped), where its answer comes from, and
/// how to wait for its exit status.
pub struct Helper {
    /// Where a piped part goes; `None` when the helper reads a shared file.
    pub stdin: Option<Box<dyn Write>>,
    /// Where the helper's answer comes from.
    pub stdout: Box<dyn Read>,
    /// Waits for the helper to end and returns its exit status.
    pub wait: Box<dyn FnOnce() -> i32>,
}

/// Starts `sort` with these arguments as a helper reading `part`; with [`Part::FileFrom`],
/// descriptor `file` is the helper's standard input. `None` when it cannot be started.
pub type Start = fn(&[OsString], Part, Option<u32>) -> Option<Helper>;

thread_local! {
    static START: Cell<Option<Start>> = const { Cell::new(None) };
    static HELPER_PART: Cell<Option<Part>> = const { Cell::new(None) };
}

/// Lets large sorts start helpers with `start`.
pub fn set_start(start: Start) {
    START.with(|s| s.set(Some(start)));
}

/// Makes this process a helper that reads `part` of its standard input and answers on its
/// standard output, whatever files and `-o` its arguments (its parent's) name, and starts no
/// helper of its own.
pub fn become_helper(part: Part) {
    HELPER_PART.with(|h| h.set(Some(part)));
}

/// Whether this process is a helper.
pub fn is_helper() -> bool {
    HELPER_PART.with(Cell::get).is_some()
}

/// Whether this process may start a helper.
pub fn can_start() -> bool {
    !is_helper() && START.with(Cell::get).is_some()
}

/// The first line start at or after byte `from` (>= 1): one past the first line end at or
/// after `from - 1`. Both processes find the helper's first line this way. `None` when no line
/// starts there.
fn line_start(input: &[u8], from: usize, separator: u8) -> Option<usize> {
    let from = from.max(1);
    let end = memchr(separator, input.get(from - 1..)?)?;
    Some(from + end).filter(|s| *s < input.len())
}

/// A helper's input: its part of a shared file, or all of its standard input.
pub fn read_part(separator: u8) -> std::io::Result<Vec<u8>> {
    let Some(Part::FileFrom(from)) = HELPER_PART.with(Cell::get) else {
        let mut input = Vec::new();
        std::io::stdin().lock().read_to_end(&mut input)?;
        return Ok(input);
    };
    // SAFETY: descriptor 0 is this process's; ManuallyDrop leaves it open.
    let file = std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(0) });
    let size = file.metadata()?.len();
    // Find the first line end at or after `from - 1` a block at a time (lines are short),
    // then read from the line after it straight into a buffer of the right size.
    let mut at = from.max(1) - 1;
    let mut block = vec![0; 64 << 10];
    let start = loop {
        let n = read_at(block.as_mut_ptr(), block.len(), at)?;
        if n == 0 {
            return Ok(Vec::new());
        }
        if let Some(i) = memchr(separator, &block[..n]) {
            break at + i as u64 + 1;
        }
        at += n as u64;
    };
    // Positional reads only: the first process reads the same open file, whose offset is
    // shared. Straight into spare capacity: zeroing it first was a pass over 50 MB.
    let mut input: Vec<u8> = Vec::with_capacity(size.saturating_sub(start) as usize);
    loop {
        if input.len() == input.capacity() {
            // Full as sized: look for more before growing, which would copy it all.
            let mut probe = [0; 64];
            let n = read_at(probe.as_mut_ptr(), probe.len(), start + input.len() as u64)?;
            if n == 0 {
                return Ok(input);
            }
            input.extend_from_slice(&probe[..n]);
        }
        let spare = input.spare_capacity_mut();
        let n = read_at(
            spare.as_mut_ptr().cast(),
            spare.len(),
            start + input.len() as u64,
        )?;
        if n == 0 {
            return Ok(input);
        }
        // SAFETY: `read_at` wrote `n` bytes into the spare capacity.
        unsafe { input.set_len(input.len() + n) };
    }
}

/// Reads up to `len` bytes of standard input at byte `at` to `buf` without moving its offset,
/// which the first process shares (std's positional reads are unstable on wasi).
fn read_at(buf: *mut u8, len: usize, at: u64) -> std::io::Result<usize> {
    let at = libc::off_t::try_from(at).map_err(|_| std::io::ErrorKind::InvalidInput)?;
    // SAFETY: the callers pass memory writable for `len` bytes (initialised or not).
    let n = unsafe { libc::pread(0, buf.cast(), len, at) };
    usize::try_from(n).map_err(|_| std::io::Error::last_os_error())
}

/// Sorts a large regular file in two processes, the helper reading its part of the open file
/// itself; gives `output` back when `path` is not such a file (or cannot be opened: the
/// caller's own open reports it), for the caller to sort as usual.
pub fn sort_file(
    path: &OsStr,
    args: &[OsString],
    settings: &GlobalSettings,
    output: Output,
) -> Result<UResult<()>, Output> {
    let Ok(mut file) = File::open(path) else {
        return Err(output);
    };
    let size = match file.metadata() {
        Ok(m) if m.is_file() && m.len() >= TWO_PROCESS_MIN as u64 => m.len(),
        _ => return Err(output),
    };
    let Some(start) = START.with(Cell::get) else {
        return Err(output);
    };
    let from = size - size * HELPER_SHARE_PERCENT / 100;
    let helper = start(args, Part::FileFrom(from), Some(file.as_raw_fd() as u32));
    let mut input = Vec::new();
    if let Err(error) = file.read_to_end(&mut input) {
        if let Some(h) = helper {
            drop(h.stdout);
            (h.wait)();
        }
        let path = path.into();
        return Ok(Err(SortError::ReadFailed { path, error }.into()));
    }
    let separator: u8 = settings.line_ending.into();
    match (helper, line_start(&input, from as usize, separator)) {
        (Some(helper), Some(split)) => Ok(merge_with(helper, true, input, split, settings, output)),
        (helper, _) => {
            if let Some(h) = helper {
                drop(h.stdout);
                (h.wait)();
            }
            Ok(crate::ext_sort::sort_in_memory(input, settings, output))
        }
    }
}

/// Sorts `input` in two processes, writing the helper's part to it, and prints it; gives
/// `input` and `output` back when no helper could be started, for the caller to sort alone.
pub fn sort_in_two(
    input: Vec<u8>,
    args: &[OsString],
    settings: &GlobalSettings,
    output: Output,
) -> Result<UResult<()>, (Vec<u8>, Output)> {
    let separator: u8 = settings.line_ending.into();
    let Some(split) = line_start(&input, input.len() / 2 + 1, separator) else {
        return Err((input, output));
    };
    let Some(start) = START.with(Cell::get) else {
        return Err((input, output));
    };
    let Some(mut helper) = start(args, Part::Piped, None) else {
        return Err((input, output));
    };
    // A helper that did not take all of its part cannot answer with their order.
    let sent = helper
        .stdin
        .take()
        .is_some_and(|mut stdin| stdin.write_all(&input[split..]).is_ok());
    Ok(merge_with(helper, sent, input, split, settings, output))
}

/// Sorts the lines of `input` before `split` while the helper sorts the rest, then prints the
/// merge of the two (or, when the helper's answer is not an order of its lines, or it did not
/// get them all (`!given`), sorts the rest here too).
fn merge_with(
    mut helper: Helper,
    given: bool,
    input: Vec<u8>,
    split: usize,
    settings: &GlobalSettings,
    output: Output,
) -> UResult<()> {
    let separator: u8 = settings.line_ending.into();
    // Every line is parsed here, as in one process; the helper's part is the lines from
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
    let order = (given && received && status == 0)
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
    print_merged(ours, theirs, data, settings, output)
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
