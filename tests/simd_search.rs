//! Differential tests of the SIMD searchers patched in guest-tools/vendor against GNU grep:
//! the wasm32 simd128 Teddy in aho-corasick (alternations of literals) and memchr's memmem
//! scan (single literals). Patterns and haystacks are generated from small alphabets so that
//! candidates and matches are dense and fall at every offset of a vector and of a 64-byte
//! pass; every match position and text (`grep -o -b`) and every count must equal GNU's.
//! Needs GNU grep (`.ci/run` installs it).

use std::fmt::Write as _;
use std::process::Command;

mod common;

/// xorshift64*: a fixed sequence, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn word(&mut self, alphabet: &[u8], len: u64) -> String {
        (0..len)
            .map(|_| alphabet[self.below(alphabet.len() as u64) as usize] as char)
            .collect()
    }
}

#[test]
fn grep_alternations_match_gnu_grep() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let alphabet = b"abcdeABCDE-_ 01";
    let mut hay = String::new();
    for _ in 0..4000 {
        let len = rng.below(120);
        hay.push_str(&rng.word(alphabet, len));
        hay.push('\n');
    }
    std::fs::write(dir.path().join("hay.txt"), &hay).expect("write");
    let mut pats = String::new();
    for _ in 0..300 {
        let n = 1 + rng.below(8);
        let mut lits: Vec<String> = (0..n)
            .map(|_| {
                let len = 1 + rng.below(6);
                rng.word(b"abcdeAB-_0", len)
            })
            .collect();
        // No literal a prefix of another: then at most one matches at any position, and GNU's
        // leftmost-longest and the regex crate's leftmost-first agree (a known difference
        // otherwise, docs/COMPATIBILITY.md).
        let lower: Vec<String> = lits.iter().map(|l| l.to_lowercase()).collect();
        let keep: Vec<bool> = (0..lits.len())
            .map(|i| {
                !(0..lits.len()).any(|j| {
                    j != i && lower[j].starts_with(&lower[i]) && (lower[j] != lower[i] || j < i)
                })
            })
            .collect();
        let mut k = keep.iter();
        lits.retain(|_| *k.next().unwrap_or(&false));
        writeln!(pats, "{}", lits.join("|")).expect("string");
    }
    std::fs::write(dir.path().join("pats.txt"), &pats).expect("write");
    let script = "while IFS= read -r p; do \
                    grep -E -o -b -- \"$p\" hay.txt | cksum; \
                    grep -E -i -c -- \"$p\" hay.txt; \
                  done < pats.txt";
    same_as_gnu(dir.path(), script, &pats);
}

#[test]
fn grep_literals_match_gnu_grep() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    // Needles of 2 to 11 bytes take memmem's packed-pair search; every fourth, up to 41
    // bytes, its prefilter for the Two-Way search.
    let needles: Vec<String> = (0..200)
        .map(|i| {
            let max = if i % 4 == 0 { 40 } else { 10 };
            let len = 2 + rng.below(max);
            rng.word(b"abcab-", len)
        })
        .collect();
    let mut hay = String::new();
    for _ in 0..3000 {
        let len = rng.below(200);
        let mut line = rng.word(b"abcdeab- ", len);
        if rng.below(3) == 0 {
            let at = rng.below(line.len() as u64 + 1) as usize;
            line.insert_str(at, &needles[rng.below(needles.len() as u64) as usize]);
        }
        hay.push_str(&line);
        hay.push('\n');
    }
    std::fs::write(dir.path().join("hay.txt"), &hay).expect("write");
    let list = needles.join("\n") + "\n";
    std::fs::write(dir.path().join("pats.txt"), &list).expect("write");
    let script = "while IFS= read -r p; do \
                    grep -F -o -b -- \"$p\" hay.txt | cksum; \
                    grep -F -c -- \"$p\" hay.txt; \
                  done < pats.txt";
    same_as_gnu(dir.path(), script, &list);
}

/// Runs `script` natively (GNU grep) and in the sandbox over `dir`; each pattern of
/// `pats` prints two lines, and each line must be the same in both.
fn same_as_gnu(dir: &std::path::Path, script: &str, pats: &str) {
    let native = Command::new("bash")
        .args(["-c", script])
        .current_dir(dir)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("bash runs");
    assert!(native.status.success(), "native run failed");
    let sandbox = common::succeeded(
        Command::new(env!("CARGO_BIN_EXE_rcabox"))
            .args(["exec", "--snapshot"])
            .arg(dir)
            .arg(script),
        "rcabox exec",
    );
    let (n, s) = (
        String::from_utf8_lossy(&native.stdout),
        String::from_utf8_lossy(&sandbox.stdout),
    );
    assert_eq!(n.lines().count(), 2 * pats.lines().count());
    for ((i, a), b) in n.lines().enumerate().zip(s.lines()) {
        assert_eq!(
            a,
            b,
            "pattern {}: {}",
            i / 2 + 1,
            pats.lines().nth(i / 2).unwrap_or("")
        );
    }
    assert_eq!(n, s);
}
