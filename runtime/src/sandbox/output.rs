//! Capped capture of a command's stdout and stderr.
//!
//! A guest must never learn that its output is being cut: a full buffer that fails the write
//! makes a Rust guest panic (EIO), and a program that knows it is truncated behaves differently
//! from one that is not. So the sink accepts every byte, keeps the first and last halves of its
//! budget, and counts the rest, like Stirrup's head/tail truncation.

use std::collections::VecDeque;
use std::sync::Mutex;

/// A stream of output bytes kept within a byte budget.
pub struct Sink {
    inner: Mutex<Inner>,
}

struct Inner {
    cap: usize,
    head: Vec<u8>,
    tail: VecDeque<u8>,
    total: u64,
}

/// What a sink captured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// The bytes, with a truncation marker between head and tail when the budget was exceeded.
    pub bytes: Vec<u8>,
    /// Whether bytes were dropped.
    pub truncated: bool,
    /// How many bytes the program wrote in all.
    pub total: u64,
}

impl Sink {
    /// A sink that keeps at most `cap` bytes.
    pub fn new(cap: usize) -> Self {
        Sink {
            inner: Mutex::new(Inner {
                cap,
                head: Vec::new(),
                tail: VecDeque::new(),
                total: 0,
            }),
        }
    }

    /// Accepts all of `data`.
    pub fn write(&self, data: &[u8]) {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        s.total += data.len() as u64;
        let head_cap = s.cap / 2 + s.cap % 2;
        let take = head_cap.saturating_sub(s.head.len()).min(data.len());
        s.head.extend_from_slice(&data[..take]);
        let rest = &data[take..];
        let tail_cap = s.cap / 2;
        if tail_cap == 0 {
            return;
        }
        let rest = if rest.len() > tail_cap {
            &rest[rest.len() - tail_cap..]
        } else {
            rest
        };
        s.tail.extend(rest);
        let excess = s.tail.len().saturating_sub(tail_cap);
        s.tail.drain(..excess);
    }

    /// Whether more bytes were written than the budget keeps.
    pub fn overflowed(&self) -> bool {
        let s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        s.total > s.cap as u64
    }

    /// The captured bytes; the marker names the original size in bytes.
    pub fn captured(&self) -> Captured {
        let s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let kept = s.head.len() + s.tail.len();
        let truncated = s.total > kept as u64;
        let mut bytes = s.head.clone();
        if truncated {
            bytes.extend_from_slice(truncation_marker(s.total, s.cap).as_bytes());
        }
        bytes.extend(s.tail.iter());
        Captured {
            bytes,
            truncated,
            total: s.total,
        }
    }
}

/// The text placed where output was cut; Stirrup's wording, counted in bytes.
pub fn truncation_marker(total: u64, cap: usize) -> String {
    format!(
        "\n... This content has been truncated from an original {total} bytes to stay below {cap} bytes ...\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_everything_within_budget() {
        let s = Sink::new(10);
        s.write(b"hello");
        s.write(b"world");
        let c = s.captured();
        assert_eq!(
            (c.bytes.as_slice(), c.truncated, c.total),
            (&b"helloworld"[..], false, 10)
        );
    }

    #[test]
    fn keeps_head_and_tail_beyond_budget() {
        let s = Sink::new(6);
        for chunk in [&b"abc"[..], b"defgh", b"ij", b"klmnop"] {
            s.write(chunk);
        }
        let c = s.captured();
        assert!(c.truncated);
        assert_eq!(c.total, 16);
        let text = String::from_utf8(c.bytes).unwrap_or_default();
        assert!(
            text.starts_with("abc\n... This content has been truncated from an original 16 bytes"),
            "{text}"
        );
        assert!(text.ends_with("...\nnop"), "{text}");
        assert!(s.overflowed());
    }
}
