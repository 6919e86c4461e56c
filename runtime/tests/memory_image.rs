//! The tools' memory image: every process's initial linear memory (8 MiB of stack, the data
//! image, the heap's arena) is charged to the command's budget whether it is touched or not,
//! so what the image holds decides how many processes a budget admits (issue 37: a
//! five-stage pipeline under 64 MiB).

mod common;
use common::*;

#[test]
fn a_five_stage_pipeline_holds_under_64_mib() {
    let snap = snapshot();
    let mut s = session(snap.path());
    // The bench's five-stage row. Its stages may overlap fully (five instances, the shell
    // become `head`) or not; either way the peak is at most five images and the pipes.
    let cmd = "cut -f8 otel_logs_raw.tsv | sort | uniq -c | sort -rn | head -3";
    let r = s.run(cmd);
    assert_eq!(r.exit_code, 0, "{}", err(&r));
    assert!(!r.stdout.is_empty());
    assert!(peak_mib(&r) < 64.0, "{cmd}: {} MiB", peak_mib(&r));
    // A single process is one image: under a fifth of that.
    let one = s.run("grep -c ERROR otel_logs_raw.tsv");
    assert!(peak_mib(&one) < 12.75, "grep -c: {} MiB", peak_mib(&one));
}

#[test]
fn cksum_computes_the_catalog_crcs() {
    let snap = snapshot();
    let mut s = session(snap.path());
    // "123456789" is the CRC catalogue's check input. `cksum` (CRC-32/CKSUM with the length
    // appended) prints what GNU cksum prints; `-a crc32b` is CRC-32/ISO-HDLC, whose catalogue
    // check value is 0xcbf43926. The 588,895-byte input takes the tables' long-input path;
    // its values are GNU cksum's and CPython's `zlib.crc32`.
    let r = s.run(
        "printf 123456789 | cksum; printf 123456789 | cksum -a crc32b; \
         seq 1 100000 | cksum; seq 1 100000 | cksum -a crc32b; cksum </dev/null",
    );
    assert_eq!(
        out(&r),
        "930766865 9\n3421780262 9\n2052179976 588895\n3239055117 588895\n4294967295 0\n"
    );
}
