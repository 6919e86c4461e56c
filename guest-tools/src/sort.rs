//! `sort`: uutils sort, plus `-c`/`-C`, whose uutils implementation reads on a helper thread
//! (wasip1 has none). The check sorts a copy with the same options through uutils and compares:
//! the same comparison, so the same verdict. A large sort runs in two processes: this module
//! starts the second (see the vendored uu_sort's helper.rs).

use std::ffi::OsString;
use std::os::wasi::ffi::OsStrExt;

use rcabox_proto::{SortPart, StartState};

use crate::sys;

/// The part a helper's start state names; `None` when this process is not a helper.
fn helper_part(state: &[u8]) -> Option<uu_sort::helper::Part> {
    match StartState::decode(state).ok()? {
        StartState::SortHelper(SortPart::Piped) => Some(uu_sort::helper::Part::Piped),
        StartState::SortHelper(SortPart::FileFrom(at)) => Some(uu_sort::helper::Part::FileFrom(at)),
        _ => None,
    }
}

/// Entry point for `sort`.
pub fn main(args: Vec<OsString>) -> i32 {
    crate::localize("sort");
    if let Some(part) = helper_part(&sys::start_state()) {
        uu_sort::helper::become_helper(part);
    }
    uu_sort::helper::set_start(start_helper);
    let is_check = |a: &OsString| {
        let s = a.to_string_lossy();
        s == "--check"
            || s.starts_with("--check=")
            || (s.starts_with('-') && !s.starts_with("--") && (s.contains('c') || s.contains('C')))
                && s[1..].chars().all(|c| "bcCdfgiMnrsuVzh".contains(c))
    };
    if !args.iter().skip(1).any(is_check) {
        return uu_sort::uumain(args.into_iter());
    }
    let quiet = args.iter().skip(1).any(|a| {
        let s = a.to_string_lossy();
        s == "--check=quiet"
            || s == "--check=silent"
            || (s.starts_with('-') && !s.starts_with("--") && s.contains('C'))
    });
    check(args, quiet)
}

fn check(args: Vec<OsString>, quiet: bool) -> i32 {
    let mut opts: Vec<OsString> = Vec::new();
    let mut files = Vec::new();
    let mut after_dashes = false;
    let mut iter = args.into_iter();
    let argv0 = iter.next().unwrap_or_else(|| "sort".into());
    while let Some(a) = iter.next() {
        let s = a.to_string_lossy().into_owned();
        if after_dashes || s == "-" || !s.starts_with('-') {
            files.push(s);
        } else if s == "--" {
            after_dashes = true;
        } else if s.starts_with("--check") {
        } else if s.starts_with("--") {
            opts.push(a);
        } else {
            let rest: String = s[1..].chars().filter(|c| *c != 'c' && *c != 'C').collect();
            if !rest.is_empty() {
                opts.push(format!("-{rest}").into());
            }
            // Options with a separate value (-k 2, -t ,).
            if matches!(s.chars().last(), Some('k' | 't' | 'T' | 'S' | 'o'))
                && let Some(v) = iter.next()
            {
                opts.push(v);
            }
        }
    }
    if files.len() > 1 {
        eprintln!("sort: extra operand '{}' not allowed with -c", files[1]);
        return 2;
    }
    let file = files.pop().unwrap_or_else(|| "-".into());
    let input = if file == "-" {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut v);
        v
    } else {
        match std::fs::read(&file) {
            Ok(v) => v,
            Err(e) => {
                eprintln!(
                    "sort: cannot read: {file}: {}",
                    crate::io_message::io_message(&e)
                );
                return 2;
            }
        }
    };
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let (src, dst) = (
        format!("/tmp/.rcabox-sort-check-{stamp}-in"),
        format!("/tmp/.rcabox-sort-check-{stamp}-out"),
    );
    if std::fs::write(&src, &input).is_err() {
        eprintln!("sort: cannot check: /tmp is not writable");
        return 2;
    }
    let mut argv = vec![argv0];
    argv.extend(opts);
    argv.extend(["-o".into(), dst.clone().into(), src.clone().into()]);
    let st = uu_sort::uumain(argv.into_iter());
    let sorted = std::fs::read(&dst).unwrap_or_default();
    let _ = std::fs::remove_file(&src);
    let _ = std::fs::remove_file(&dst);
    if st != 0 {
        return 2;
    }
    let a: Vec<&[u8]> = input.split(|&c| c == b'\n').collect();
    let b: Vec<&[u8]> = sorted.split(|&c| c == b'\n').collect();
    match a.iter().zip(&b).position(|(x, y)| x != y) {
        None => 0,
        Some(k) => {
            if !quiet {
                eprintln!(
                    "sort: {file}:{}: disorder: {}",
                    k + 1,
                    String::from_utf8_lossy(a[k])
                );
            }
            1
        }
    }
}

/// Starts `sort ARGS` as a helper reading `part`: from a pipe from us, or from `file`. Its
/// answer comes through a pipe to us.
fn start_helper(
    args: &[OsString],
    part: uu_sort::helper::Part,
    file: Option<u32>,
) -> Option<uu_sort::helper::Helper> {
    use uu_sort::helper::Part;
    let (out_r, out_w) = sys::pipe().ok()?;
    let (input, ours, state) = match (part, file) {
        (Part::FileFrom(from), Some(fd)) => (
            fd,
            None,
            StartState::SortHelper(SortPart::FileFrom(from)).encode(),
        ),
        _ => match sys::pipe() {
            Ok((in_r, in_w)) => (
                in_r,
                Some(in_w),
                StartState::SortHelper(SortPart::Piped).encode(),
            ),
            Err(_) => {
                // SAFETY: both ends came from `pipe` above and are not used again.
                unsafe {
                    sys::close(out_r);
                    sys::close(out_w);
                }
                return None;
            }
        },
    };
    let mut argv: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
    if let Some(first) = argv.first_mut() {
        *first = b"sort".to_vec();
    }
    let fds = vec![(0, input), (1, out_w), (2, 2)];
    let started = sys::spawn(&sys::request(argv, fds, state, 0));
    // The child has its own copies. With ours open, the child would never see the end of a
    // piped input and we would never see the end of its output. A shared file stays ours.
    // The descriptors below all came from `pipe` above; each is closed or owned once, and a
    // shared file (`ours` is None) is left to its owner.
    if ours.is_some() {
        // SAFETY: `input` is our pipe's read end; the child has its own copy.
        unsafe { sys::close(input) };
    }
    // SAFETY: the child has its own copy of `out_w`.
    unsafe { sys::close(out_w) };
    match started {
        Ok(pid) => Some(uu_sort::helper::Helper {
            // SAFETY: `w` is our pipe's write end, owned here once.
            stdin: ours.map(|w| Box::new(unsafe { sys::own(w) }) as Box<dyn std::io::Write>),
            // SAFETY: `out_r` is our pipe's read end, owned here once.
            stdout: Box::new(unsafe { sys::own(out_r) }),
            wait: Box::new(move || sys::wait(pid)),
        }),
        Err(_) => {
            if let Some(w) = ours {
                // SAFETY: nothing else holds `w`.
                unsafe { sys::close(w) };
            }
            // SAFETY: nothing else holds `out_r`.
            unsafe { sys::close(out_r) };
            None
        }
    }
}
