// Integration tests
//
// SPDX-License-Identifier: MIT
// Copyright (c) 2025 Diomidis Spinellis
//
// This file is part of the uutils sed package.
// It is licensed under the MIT License.
// For the full copyright and license information, please view the LICENSE
// file that was distributed with this source code.

use std::fs;
use std::io::{Read, Write};

#[cfg(unix)]
use assert_fs::fixture::{FileWriteStr, PathChild};

use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;
use uutests::new_ucmd;

////////////////////////////////////////////////////////////
// Test application's invocation
#[test]
fn test_invalid_arg() {
    new_ucmd!().arg("--definitely-invalid").fails().code_is(1);
}

#[test]
fn test_version() {
    let short = new_ucmd!()
        .arg("-V")
        .succeeds()
        .no_stderr()
        .stdout_str()
        .to_owned();

    new_ucmd!()
        .arg("--version")
        .succeeds()
        .no_stderr()
        .stdout_is(&short);

    assert!(short.contains("uutils"));
}

#[test]
fn test_help_mentions_uutils() {
    new_ucmd!()
        .arg("--help")
        .succeeds()
        .no_stderr()
        .stdout_contains("part of uutils");
}

#[test]
fn test_debug() {
    new_ucmd!().args(&["--debug", ""]).succeeds();
}

#[test]
fn test_silent_alias() {
    new_ucmd!().args(&["--silent", ""]).succeeds();
}

#[test]
fn test_missing_script_argument() {
    new_ucmd!()
        .args(&["-n"])
        .fails()
        .code_is(1)
        .stderr_contains("missing script");
}

#[test]
fn test_no_arguments() {
    new_ucmd!()
        .fails()
        .code_is(1)
        .stdout_contains("Stream editor for filtering and transforming text");
}

#[test]
fn test_positional_script_ok() {
    new_ucmd!().arg("l").succeeds().code_is(0);
}

#[test]
fn test_empty_positional_script_ok() {
    new_ucmd!().arg("").succeeds().code_is(0);
}

#[test]
fn test_e_script_ok() {
    new_ucmd!().args(&["-e", "l"]).succeeds();
}

#[test]
fn test_f_script_ok() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-f", "script/hanoi.sed"])
        .succeeds()
        .stdout_is_bytes(b"");
}

////////////////////////////////////////////////////////////
// Test simple I/O processing
const INPUT_FILES: &[&str] = &[
    "input/two-lines.txt",
    "input/no-new-line.txt",
    "input/dots-4k.txt",
    "input/dots-8k.txt",
    "input/dots-64k.txt",
];

#[test]
fn test_no_script_stdin() {
    for fixture in INPUT_FILES {
        new_ucmd!()
            .arg("")
            .pipe_in_fixture(fixture)
            .succeeds()
            .stdout_is_fixture(fixture);
    }
}

#[test]
fn test_no_script_file() {
    for fixture in INPUT_FILES {
        new_ucmd!()
            .args(&["-e", "", fixture])
            .succeeds()
            .stdout_is_fixture(fixture);
    }
}

/// Test correct functioning of copy_file_range.
#[test]
fn test_multiple_input_files() {
    new_ucmd!()
        .args(&[
            "-e",
            "",
            "input/dots-64k.txt",
            "input/no-new-line.txt",
            "input/dots-64k.txt",
        ])
        .succeeds()
        .stdout_is_fixture("output/multiple_input_files");
}

#[test]
fn test_delete_stdin() {
    for fixture in INPUT_FILES {
        new_ucmd!()
            .arg("d")
            .pipe_in_fixture(fixture)
            .succeeds()
            .no_stdout();
    }
}

#[test]
fn test_delete_file() {
    for fixture in INPUT_FILES {
        new_ucmd!()
            .args(&["-e", "d", fixture])
            .succeeds()
            .no_stdout();
    }
}

#[test]
#[cfg(unix)]
fn test_special_file() {
    for fixture in INPUT_FILES {
        // To test path avoiding copy_file_range
        let devnull = fs::File::create("/dev/null").unwrap();

        new_ucmd!()
            .args(&["-e", "", fixture])
            .set_stdout(devnull)
            .succeeds();
    }
}

/// Create a new test function to verify an execution for specified output.
macro_rules! check_output {
    ($name:ident, $args:expr) => {
        #[test]
        fn $name() {
            new_ucmd!()
                .args(&$args)
                .succeeds()
                .stdout_is_fixture(&format!("output/{}", stringify!($name)));
        }
    };
}

// Run ucmd twice to test POSIX conformance: Once where posix is "--posix"
// and once where it has the dummy value "--follow-symlinks".
// This shall be used to test commands that behave differently under POSIX.
macro_rules! check_output_posix {
    ($name:ident, [$($args:expr),* $(,)?]) => {
        #[test]
        fn $name() {
            for posix in ["--posix", "--follow-symlinks"] {
                new_ucmd!()
                    .args(&[posix $(, $args)*]) // prepend posix, then add args
                    .succeeds()
                    .stdout_is_fixture(&format!("output/{}", stringify!($name)));
            }
        }
    };
}

////////////////////////////////////////////////////////////
// Individual command tests

// Input files
const LINES1: &str = "input/lines1";
const LINES2: &str = "input/lines2";
const NO_NEW_LINE: &str = "input/no-new-line.txt";

////////////////////////////////////////////////////////////
// Comments
check_output!(comment, ["-n", "-e", "4p;# comment", LINES1]);
check_output!(comment_silent, ["-e", "#n", "-e", "4p", LINES1]);
check_output!(comment_no_silent, ["-e", "4p;#n comment", LINES1]);

////////////////////////////////////////////////////////////
// Address ranges: One and two, numeric and pattern
check_output!(addr_one_line, ["-n", "-e", "4p", LINES1]);
check_output!(addr_straddle, ["-n", "-e", "20p", LINES1, LINES2]);
check_output!(addr_last_one_file, ["-n", "-e", "$p", LINES1]);
check_output!(addr_last_two_files, ["-n", "-e", "$p", LINES1, LINES2]);

check_output!(addr_append_empty, ["-e", "$a\\\nhello", "input/empty"]);

check_output!(
    addr_last_empty,
    ["-n", "-e", "$p", LINES1, "input/empty", LINES2]
);

check_output!(addr_past_last, ["-n", "-e", "20p", LINES1]);
check_output!(addr_not_found, ["-n", "-e", "/NOTFOUND/p", LINES1]);
check_output!(addr_found, ["-n", "/l1_7/p", LINES1]);
check_output!(addr_found_space, ["-n", " /l1_7/ p", LINES1]);
check_output!(addr_escaped_delimiter, ["-n", "\\_l1\\_7_p", LINES1]);
check_output!(addr_range_numeric, ["-n", "1,4p", LINES1]);
check_output!(addr_range_to_last, ["-n", "1,$p", LINES1, LINES2]);
check_output!(addr_range_to_pattern, ["-n", "1,/l2_9/p", LINES1, LINES2]);
check_output!(
    addr_range_straddle,
    ["-n", "/l1_3/,/l2_3/p", LINES1, LINES2]
);
check_output!(
    addr_range_separate,
    ["-n", "--separate", "/l1_3/,/l2_3/p", LINES1, LINES2]
);
check_output!(addr_range_from_zero_to_pattern, ["-n", "0,/_1/p", LINES1]);
check_output!(addr_pattern_to_last, ["-n", "/4/,$p", LINES1, LINES2]);
check_output!(addr_pattern_to_straddle, ["-n", "/4/,20p", LINES1, LINES2]);
check_output!(addr_pattern_to_pattern, ["-n", "/4/,/10/p", LINES1, LINES2]);
check_output!(
    addr_pattern_straddle,
    ["-n", "/l2_3/,/l1_8/p", LINES1, LINES2]
);
check_output!(addr_range_reverse, ["-n", "12,3p", LINES1, LINES2]);
check_output!(
    addr_pattern_range_reverse,
    ["-n", "/l1_7/,3p", LINES1, LINES2]
);
check_output!(addr_numeric_to_relative, ["-n", "13,+4p", LINES1, LINES2]);
check_output!(
    addr_pattern_to_relative,
    ["-n", "/l1_6/,+2p", LINES1, LINES2]
);
check_output!(addr_numeric_relative_straddle, ["-n", "12,+1p", LINES1]);
check_output!(
    addr_first_separate,
    ["-n", "--separate", "1p", LINES1, LINES2]
);
check_output!(addr_last_separate, ["-ns", "$p", LINES1, LINES2]);
check_output!(addr_two_lines_semicolon, ["-n", "-e", "4p;8p", LINES1]);
check_output!(addr_two_lines_newline, ["-n", "-e", "4p\n8p", LINES1]);
check_output!(addr_three_lines_semicolon, ["-n", "-e", "4p;8p;1p", LINES1]);
check_output!(addr_one_line_negate, ["-n", "-e", "4!p", LINES1]);
check_output!(addr_range_numeric_negate, ["-n", "1,4!p", LINES1]);
check_output!(
    addr_pattern_to_pattern_negate,
    ["-n", "/1_4/,/10/!p", LINES1]
);
check_output!(addr_empty_re_reuse, ["-n", "/_2/,//p", LINES1, LINES2]);
check_output!(addr_simple_negation, ["-e", r"4,12!s/^/^/", LINES1]);
check_output!(addr_range_even, ["-n", "0~2p", LINES1]);
check_output!(addr_range_odd, ["-n", "1~2p", LINES1]);
check_output!(addr_range_step_zero, ["-n", "10~0p", LINES1]);
check_output!(addr_range_end_multiple, ["-n", "/l1_2/,~10p", LINES1]);

#[test]
fn command_may_end_before_closing_brace() {
    for script in ["{p}", "1{p}", "/a/{p}"] {
        new_ucmd!()
            .arg(script)
            .pipe_in("a\n")
            .succeeds()
            .stdout_is("a\na\n");
    }
}

////////////////////////////////////////////////////////////

// Quantifiers: {m,n}
// m and n are considered to be the first and second numbers in the interval, respectively.

const REGEX_QUANTIFIERS_INPUT: &str =
    "Hello World\nHelo World\nHelllllo World\nHeo Word\nHeo Worl}d\n";

#[test]
fn ere_quantifier_exactly_m() {
    new_ucmd!()
        .args(&["-n", "-E", "-e", "/l{2}/p"])
        .pipe_in(REGEX_QUANTIFIERS_INPUT)
        .succeeds()
        .stdout_is("Hello World\nHelllllo World\n");
}

#[test]
fn ere_quantifier_minimum_m() {
    new_ucmd!()
        .args(&["-n", "-E", "-e", "/l{1,}/p"])
        .pipe_in(REGEX_QUANTIFIERS_INPUT)
        .succeeds()
        .stdout_is("Hello World\nHelo World\nHelllllo World\nHeo Worl}d\n");
}

#[test]
fn ere_quantifier_m_to_n() {
    new_ucmd!()
        .args(&["-n", "-E", "-e", "/l{3,4}/p"])
        .pipe_in(REGEX_QUANTIFIERS_INPUT)
        .succeeds()
        .stdout_is("Helllllo World\n");
}

#[test]
fn ere_quantifier_comma_n() {
    new_ucmd!()
        .args(&["-n", "-E", "-e", "/l{,4}/p"])
        .pipe_in(REGEX_QUANTIFIERS_INPUT)
        .succeeds()
        .stdout_is(REGEX_QUANTIFIERS_INPUT);
}

#[test]
fn bre_quantifier_minimum_m() {
    new_ucmd!()
        .args(&["-n", "-e", "/l\\{3,\\}/p"])
        .pipe_in(REGEX_QUANTIFIERS_INPUT)
        .succeeds()
        .stdout_is("Helllllo World\n");
}

#[test]
fn bre_quantifier_comma() {
    new_ucmd!()
        .args(&["-n", "-e", "/l\\{,\\}/p"])
        .pipe_in(REGEX_QUANTIFIERS_INPUT)
        .succeeds()
        .stdout_is(REGEX_QUANTIFIERS_INPUT);
}

#[test]
fn bre_quantifier_only_closing_brace() {
    new_ucmd!()
        .args(&["-n", "-e", "/l\\}/p"])
        .pipe_in(REGEX_QUANTIFIERS_INPUT)
        .succeeds()
        .stdout_is("Heo Worl}d\n");
}

#[test]
fn test_ere_quantifier_n_gt_m() {
    new_ucmd!()
        .args(&["-E", "-e", "/l{3,2}/p"])
        .fails()
        .code_is(1)
        .stderr_contains("Invalid content of \\{\\}");
}

#[test]
fn test_ere_quantifier_negative_m() {
    new_ucmd!()
        .args(&["-E", "-e", "/l{-2,4}/p"])
        .fails()
        .code_is(1)
        .stderr_contains("Invalid content of \\{\\}");
}

#[test]
fn test_ere_quantifier_invalid_m() {
    new_ucmd!()
        .args(&["-E", "-e", "/l{d,}/p"])
        .fails()
        .code_is(1)
        .stderr_contains("Invalid content of \\{\\}");
}

#[test]
fn test_ere_quantifier_m_too_big() {
    new_ucmd!()
        .args(&["-E", "-e", "/l{32768,}/p"])
        .fails()
        .code_is(1)
        .stderr_contains("Regular expression too big");
}

#[test]
fn test_ere_quantifier_empty() {
    new_ucmd!()
        .args(&["-E", "-e", "/l{}/p"])
        .fails()
        .code_is(1)
        .stderr_contains("Invalid content of \\{\\}");
}

#[test]
fn test_ere_quantifier_whitespace() {
    new_ucmd!()
        .args(&["-E", "-e", "/l{ }/p"])
        .fails()
        .code_is(1)
        .stderr_contains("Invalid content of \\{\\}");
}

#[test]
fn test_ere_quantifier_unmatched_brace() {
    new_ucmd!()
        .args(&["-E", "-e", "/l{,/p"])
        .fails()
        .code_is(1)
        .stderr_contains("Unmatched \\{");
}

#[test]
fn test_ere_quantifier_unmatched_brace_2() {
    new_ucmd!()
        .args(&["-E", "-e", "/l{m,n/p"])
        .fails()
        .code_is(1)
        .stderr_contains("Unmatched \\{");
}

#[test]
fn test_bre_quantifier_unmatched_brace() {
    new_ucmd!()
        .args(&["-e", "/l\\{1,2}/p"])
        .fails()
        .code_is(1)
        .stderr_contains("Unmatched \\{");
}

#[test]
fn test_ere_quantifier_leading_comma_n_too_big() {
    // The {,n} form must enforce the RE_DUP_MAX upper bound on n.
    new_ucmd!()
        .args(&["-E", "-e", "/l{,32768}/p"])
        .fails()
        .code_is(1)
        .stderr_contains("Regular expression too big");
}

// A closing brace used as the regex delimiter must terminate the regex
// rather than being treated as a literal quantifier brace.
#[test]
fn ere_closing_brace_delimiter() {
    new_ucmd!()
        .args(&["-E", "-e", "s}x}-}g"])
        .pipe_in("axbxc\n")
        .succeeds()
        .stdout_is("a-b-c\n");
}

#[test]
fn ere_opening_brace_delimiter() {
    new_ucmd!()
        .args(&["-E", "-e", "s{x{-{g"])
        .pipe_in("axbxc\n")
        .succeeds()
        .stdout_is("a-b-c\n");
}

#[test]
fn bre_closing_brace_delimiter() {
    new_ucmd!()
        .args(&["-e", "s}x}-}g"])
        .pipe_in("axbxc\n")
        .succeeds()
        .stdout_is("a-b-c\n");
}

// Substitution: s
check_output!(subst_any, ["-e", r"s/./X/g", LINES1]);
check_output!(subst_any_global, ["-e", r"s,.,X,g", LINES1]);
check_output!(subst_escaped_magic_separator, ["-e", r"s.\..X.g", LINES1]);
check_output!(subst_escaped_braced_separator, ["-e", r"s/[\/]/Q/", LINES1]);
check_output!(subst_escaped_separator, ["-e", r"s_\__X_", LINES1]);
check_output!(subst_whole_match_group, ["-e", r"s/./(&)/g", LINES1]);
check_output!(subst_print, ["-ne", "s/1_1/S&/p", LINES1]);
check_output!(
    subst_escaped_whole_match_group,
    ["-e", r"s/./(\&)/g", LINES1]
);
check_output!(
    subst_numerical_groups,
    ["-e", r"s/\(.\)\(.\)\(.\)/x\3x\2x\1/g", LINES1]
);
check_output!(
    subst_ere_numerical_groups,
    [
        "--regexp-extended",
        "-e",
        r"s/(.)(.)(.)/x\3x\2x\1/g",
        LINES1
    ]
);
check_output!(
    subst_quantifier_zero_or_one,
    ["-e", r"s/_[0-9]\([0-9]\)\?/_x\1/g", LINES1]
);
check_output!(
    subst_quantifier_one_or_more,
    ["-e", r"s/_[0-9]\+/_x/g", LINES1]
);
check_output!(subst_alternation_operator, ["-e", r"s/0\|1/x/g", LINES1]);
check_output!(subst_multiline, ["-e", "s/_/u0\\\nu1\\\nu2/g", LINES1]);
check_output!(subst_numbered_replacement, ["-e", r"s/./X/4", LINES1]);
check_output!(subst_brace, ["-e", r"s/[123]/X/g", LINES1]);
check_output!(subst_case_insensitive, ["-e", r"s/L/Line/", LINES1]);
check_output!(subst_no_new_line, ["-e", r"s/l/L/g", NO_NEW_LINE]);
check_output!(subst_re_reuse, ["-e", r"2s//M/;1s/l/L/", LINES1]);
check_output!(subst_newline_class, ["-n", r"1{;N;s/[\n]/X/;p;}", LINES1]);
check_output!(subst_newline_re, ["-n", r"1{;N;s/\n/X/;p;}", LINES1]);

#[test]
fn subst_dot_matches_newline() {
    new_ucmd!()
        .arg("N;s/foo.*bar/X/")
        .pipe_in("foo\nbar\n")
        .succeeds()
        .stdout_is("X\n");
}

#[test]
fn subst_multiline_dot_does_not_match_newline() {
    new_ucmd!()
        .arg("N;s/foo.*bar/X/m")
        .pipe_in("foo\nbar\n")
        .succeeds()
        .stdout_is("foo\nbar\n");
}

#[test]
fn subst_multiline_flag_matches_embedded_line_start() {
    new_ucmd!()
        .arg("N;s/^./X/gm")
        .pipe_in("foo\nbar\n")
        .succeeds()
        .stdout_is("Xoo\nXar\n");
}

#[test]
fn subst_multiline_flag_matches_embedded_line_end() {
    new_ucmd!()
        .arg("N;s/.$/X/gM")
        .pipe_in("foo\nbar\n")
        .succeeds()
        .stdout_is("foX\nbaX\n");
}

// Check appropriate selection and behavior of fast_Regex matcher
// Literal matcher
check_output!(subst_literal_start, ["-e", r"s/^l1/L1/", LINES1]);
check_output!(subst_literal_end, ["-e", r"s/2$/TWO/", LINES1]);
check_output!(subst_literal, ["-e", r"s/_/-/", LINES1]);

// Fancy matcher
/// Substitute using a backreference under an explicit UTF-8 locale.
#[test]
fn subst_backref() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-e", r"s/l\(.\)_\1/same-number/", LINES1])
        .succeeds()
        .stdout_is_fixture_bytes("output/subst_backref");
}

/// Substitute a Unicode range under an explicit UTF-8 locale.
#[test]
fn subst_greek() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-e", r"s/[α-ω]/G/g", "input/unicode"])
        .succeeds()
        .stdout_is_fixture_bytes("output/subst_greek");
}

/// Substitute the final Unicode scalar under an explicit UTF-8 locale.
#[test]
fn subst_any_unicode() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-e", r"s/.$/:-)/", "input/unicode"])
        .succeeds()
        .stdout_is_fixture_bytes("output/subst_any_unicode");
}

/// Substitute case-insensitive Unicode text under an explicit UTF-8 locale.
#[test]
fn subst_lcase() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-e", r"s/κ/*/gi", "input/unicode"])
        .succeeds()
        .stdout_is_fixture_bytes("output/subst_lcase");
}

/// Substitute Unicode word matches under an explicit UTF-8 locale.
#[test]
fn subst_word() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-E", "-e", r"s/\w+/WORD/g", "input/unicode"])
        .succeeds()
        .stdout_is_fixture_bytes("output/subst_word");
}

/// Reject FancyRegex-only substitution patterns in byte mode.
#[test]
fn subst_backref_rejected_in_c_locale() {
    new_ucmd!()
        .env("LC_ALL", "C")
        .args(&["-e", r"s/\(.\)\1/X/"])
        .fails()
        .stderr_contains("back-references are not supported in byte mode");
}

/// Allow substitution back-references when the locale selects UTF-8 mode.
#[test]
fn subst_backref_allowed_in_c_utf8_locale() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-e", r"s/\(.\)\1/X/"])
        .pipe_in("aa\n")
        .succeeds()
        .stdout_is_bytes(b"X\n");
}

/// Match non-UTF-8 input bytes with byte escapes in byte mode.
#[test]
fn subst_byte_escape_matches_invalid_input_in_c_locale() {
    new_ucmd!()
        .env("LC_ALL", "C")
        .args(&["-e", r"s/\xE9/Z/"])
        .pipe_in(b"\xE9\n".to_vec())
        .succeeds()
        .stdout_is_bytes(b"Z\n");
}

/// Match raw invalid UTF-8 script bytes as literal bytes in UTF-8 mode.
#[test]
fn subst_raw_invalid_script_bytes_match_literal_in_c_utf8_locale() {
    let mut script = NamedTempFile::new().expect("create temporary sed script");
    script
        .write_all(b"s/\xC2\xE7\xCF\xC2/\xC6\xFC\xCB\xDC/\n")
        .expect("write temporary sed script");
    let script_path = script.path().to_str().expect("temporary path is UTF-8");

    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-f", script_path])
        .pipe_in(b"\xA4\xC4 \xC2\xE7\xCF\xC2\xA4\xCE\n".to_vec())
        .succeeds()
        .stdout_is_bytes(b"\xA4\xC4 \xC6\xFC\xCB\xDC\xA4\xCE\n");
}

#[test]
fn subst_write_file() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    let path = temp.path();
    let cmd = format!("s/_1/S_1/w {}", path.display());

    new_ucmd!().args(&["-n", &cmd, LINES1]).succeeds();

    let mut actual = String::new();
    temp.reopen()?.read_to_string(&mut actual)?;

    let expected = fs::read_to_string("tests/fixtures/sed/output/subst_write_file")?;
    assert_eq!(actual, expected, "Output did not match fixture");

    Ok(())
}

#[test]
fn test_subst_e_flag_basic() {
    new_ucmd!()
        .arg("s/.*/echo hi/e")
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("hi\n");
}

#[test]
fn test_subst_e_flag_preserves_unmatched_lines() {
    new_ucmd!()
        .args(&["-e", "s/^match$/echo replaced/e"])
        .pipe_in("no\nmatch\nno\n")
        .succeeds()
        .stdout_is("no\nreplaced\nno\n");
}

#[test]
fn test_subst_e_flag_strips_trailing_newline() {
    // echo produces "hello\n", e flag should strip trailing newline
    new_ucmd!()
        .arg("s/.*/echo hello/e")
        .pipe_in("x\n")
        .succeeds()
        .stdout_is("hello\n");
}

#[test]
#[cfg(unix)]
fn test_subst_e_flag_multiline_output() {
    // Command that produces multiple lines
    new_ucmd!()
        .arg(r#"s/.*/printf 'a\nb'/e"#)
        .pipe_in("x\n")
        .succeeds()
        .stdout_is("a\nb\n");
}

#[test]
fn test_subst_e_flag_combined_with_g() {
    // e flag with other flags
    new_ucmd!().arg("s/x/echo y/ge").pipe_in("x\n").succeeds();
}

#[cfg(unix)]
#[test]
fn test_subst_flags_ep_execute_then_print() {
    // 'ep': execute first, then prints the command's result.
    new_ucmd!()
        .arg("s/.*/echo hi/ep")
        .pipe_in("x\n")
        .succeeds()
        .stdout_is("hi\nhi\n");
}

#[cfg(unix)]
#[test]
fn test_subst_flags_pe_print_then_execute() {
    // 'pe': prints the pre-execution text first, then execute. The 'p'
    // and 'e' flags are applied in the order written, matching GNU sed.
    new_ucmd!()
        .arg("s/.*/echo hi/pe")
        .pipe_in("x\n")
        .succeeds()
        .stdout_is("echo hi\nhi\n");
}

#[test]
fn test_subst_e_flag_rejected_with_posix() {
    // e flag is rejected at compile time if --posix or --sandbox is provided.
    new_ucmd!()
        .args(&["--posix", "s/.*/echo hi/e"])
        .fails()
        .stderr_contains("not allowed with --posix or --sandbox");
}

#[test]
fn test_subst_e_flag_rejected_with_sandbox() {
    new_ucmd!()
        .args(&["--sandbox", "s/.*/echo hi/e"])
        .fails()
        .stderr_contains("not allowed with --posix or --sandbox");
}

#[test]
fn test_subst_e_flag_command_failure() {
    // A non-existent command produces empty output but sed itself succeeds
    // (matching GNU sed behavior: the shell runs, the command inside fails)
    new_ucmd!()
        .arg("s/.*/nonexistent_command/e")
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("\n");
}

#[test]
fn test_subst_e_flag_no_match_no_exec() {
    // If substitution doesn't match, command should not execute
    new_ucmd!()
        .arg("s/nomatch/echo bad/e")
        .pipe_in("hello\n")
        .succeeds()
        .stdout_is("hello\n");
}

////////////////////////////////////////////////////////////
// e command (execute)
// The with-argument form writes the shell's raw, unmodified output to the
// stream, so its byte-exact terminator differs by platform: LF from /bin/sh
// on Unix, CRLF from cmd.exe on Windows. sed's own pattern-space auto-print
// always uses LF. Hence the parallel Unix/Windows tests below.
#[cfg(unix)]
#[test]
fn test_e_command_with_arg_basic() {
    // With an argument, the command runs immediately and its output is
    // written to the stream before the (unmodified) pattern space.
    new_ucmd!()
        .arg("e echo hi")
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("hi\na\n");
}

#[cfg(windows)]
#[test]
fn test_e_command_with_arg_basic() {
    new_ucmd!()
        .arg("e echo hi")
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("hi\r\na\n");
}

#[cfg(unix)]
#[test]
fn test_e_command_with_arg_no_space_required() {
    // No whitespace is required between 'e' and its argument.
    new_ucmd!()
        .arg("eecho hi")
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("hi\na\n");
}

#[cfg(windows)]
#[test]
fn test_e_command_with_arg_no_space_required() {
    new_ucmd!()
        .arg("eecho hi")
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("hi\r\na\n");
}

#[cfg(unix)]
#[test]
fn test_e_command_with_arg_runs_real_shell_command() -> Result<(), Box<dyn std::error::Error>> {
    // The argument is executed and not just its output captured.
    // Verify a real filesystem side effect, matching GNU sed's own
    // testsuite check for this command (testsuite/sandbox.sh).
    let temp_dir = assert_fs::TempDir::new()?;
    let marker = temp_dir.child("marker");

    new_ucmd!()
        .arg(format!("etouch {}", marker.path().display()))
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("a\n");

    assert!(marker.path().exists());
    Ok(())
}

#[test]
fn test_e_command_no_arg_pattern_space_becomes_command() {
    // With no argument, the pattern space itself is executed and replaced
    // by the command's output.
    new_ucmd!()
        .arg("e")
        .pipe_in("echo hi\n")
        .succeeds()
        .stdout_is("hi\n");
}

#[cfg(unix)]
#[test]
fn test_e_command_no_arg_strips_one_trailing_newline() {
    new_ucmd!()
        .arg("e")
        .pipe_in("printf \"a\\nb\\n\"\n")
        .succeeds()
        .stdout_is("a\nb\n");
}

#[cfg(unix)]
#[test]
fn test_e_command_with_arg_does_not_strip_trailing_newline() {
    // Unlike the no-argument form, e-with-argument writes the child's
    // stdout unmodified (echo's own newline is preserved).
    new_ucmd!()
        .arg("e echo hi")
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("hi\na\n");
}

#[cfg(windows)]
#[test]
fn test_e_command_with_arg_does_not_strip_trailing_newline() {
    // The preserved CRLF (rather than a stripped-then-LF "hi\n") is what
    // proves the with-argument form leaves the child's output unmodified.
    new_ucmd!()
        .arg("e echo hi")
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("hi\r\na\n");
}

#[cfg(unix)]
#[test]
fn test_e_command_with_address() {
    new_ucmd!()
        .arg("1e echo address")
        .pipe_in("a\nb\n")
        .succeeds()
        .stdout_is("address\na\nb\n");
}

#[cfg(windows)]
#[test]
fn test_e_command_with_address() {
    new_ucmd!()
        .arg("1e echo address")
        .pipe_in("a\nb\n")
        .succeeds()
        .stdout_is("address\r\na\nb\n");
}

#[cfg(unix)]
#[test]
fn test_e_command_semicolon_is_part_of_argument() {
    // Unlike most commands, ';' does not terminate e's argument.
    // Rest of the line is consumed unconditionally, so the shell (not
    // sed) is what splits on the ';' here.
    new_ucmd!()
        .arg("e echo hi; echo bye")
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("hi\nbye\na\n");
}

#[cfg(unix)]
#[test]
fn test_e_command_recognized_escape_decoded() {
    // Escape sequences in the argument are decoded by sed itself (\t is
    // the tab character) before the shell ever sees them, same as a/c/i.
    new_ucmd!()
        .arg(r#"e echo "hi\tthere""#)
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("hi\tthere\na\n");
}

#[cfg(unix)]
#[test]
fn test_e_command_unrecognized_escape_falls_back_to_literal() {
    // '\;' is not a recognized escape, so the backslash is dropped and
    // ';' is kept literally. It's then the shell's own ';' that splits
    // the resulting single-line command into two statements.
    new_ucmd!()
        .arg(r"e echo hi\;there")
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("hi\na\n")
        .stderr_contains("there");
}

#[cfg(unix)]
#[test]
fn test_e_command_backslash_continuation() {
    // A trailing backslash continues the argument onto the next script
    // line, joined by an embedded newline. The shell then treats that
    // as two separate statements.
    new_ucmd!()
        .arg("e echo hi \\\nthere")
        .pipe_in("x\n")
        .succeeds()
        .stdout_is("hi\nx\n")
        .stderr_contains("there");
}

#[test]
fn test_e_command_dangling_backslash_falls_back_to_no_arg() {
    // A leading backslash with nothing left to continue into at the end
    // of the script is treated the same as no argument at all.
    new_ucmd!()
        .arg(r"e\")
        .pipe_in("echo hi\n")
        .succeeds()
        .stdout_is("hi\n");
}

#[test]
fn test_e_command_rejected_with_posix() {
    new_ucmd!()
        .args(&["--posix", "e echo hi"])
        .fails()
        .stderr_contains("not allowed with --posix or --sandbox");
}

#[test]
fn test_e_command_rejected_with_sandbox() {
    new_ucmd!()
        .args(&["--sandbox", "e echo hi"])
        .fails()
        .stderr_contains("not allowed with --posix or --sandbox");
}

#[cfg(unix)]
#[test]
fn test_e_command_rejected_with_sandbox_no_side_effect() -> Result<(), Box<dyn std::error::Error>> {
    // Rejection happens at compile time, before any input is processed, so
    // the shell command must never run.
    let temp_dir = assert_fs::TempDir::new()?;
    let marker = temp_dir.child("marker");

    new_ucmd!()
        .args(&[
            "--sandbox",
            "-e",
            &format!("etouch {}", marker.path().display()),
        ])
        .fails();

    assert!(!marker.path().exists());
    Ok(())
}

#[test]
fn test_e_command_with_arg_command_failure() {
    // A failing command's own error goes to stderr. sed itself succeeds.
    new_ucmd!()
        .arg("e nonexistent_command")
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("a\n")
        .stderr_contains("nonexistent_command");
}

#[test]
fn test_e_command_no_arg_command_failure() {
    new_ucmd!()
        .arg("e")
        .pipe_in("nonexistent_command\n")
        .succeeds()
        .stdout_is("\n")
        .stderr_contains("nonexistent_command");
}

#[cfg(unix)]
#[test]
fn test_e_command_no_arg_non_utf8_output_passthrough() {
    // Non-UTF-8 shell output passes through as raw bytes, matching GNU
    // sed rather than being rejected. The pattern space is passed to
    // the shell verbatim, so its printf emits raw 0xff.
    new_ucmd!()
        .arg("e")
        .pipe_in("printf '\\377'\n")
        .succeeds()
        .stdout_is_bytes(b"\xff\n");
}

#[cfg(unix)]
#[test]
fn test_e_command_with_arg_non_utf8_output_passthrough() {
    // Same for the with-argument form (a separate execution path). The
    // doubled backslashes survive sed's own escape decoding as single ones,
    // so the shell's printf emits raw 0xff followed by a newline.
    new_ucmd!()
        .arg(r"e printf '\\377\\n'")
        .pipe_in("a\n")
        .succeeds()
        .stdout_is_bytes(b"\xff\na\n");
}

////////////////////////////////////////////////////////////
// Transliteration: y
check_output!(trans_simple, ["-e", r"y/0123456789/9876543210/", LINES1]);
check_output!(
    trans_delimiter,
    ["-e", r"y10\123456789198765432\101", LINES1]
);
check_output!(trans_no_new_line, ["-e", r"y/l/L/", NO_NEW_LINE]);

/// Transliterate non-UTF-8 input bytes using byte escapes in byte mode.
#[test]
fn trans_byte_escape_matches_invalid_input_in_c_locale() {
    new_ucmd!()
        .env("LC_ALL", "C")
        .args(&["-e", r"y/\xE9/Z/"])
        .pipe_in(b"\xE9\n".to_vec())
        .succeeds()
        .stdout_is_bytes(b"Z\n");
}

/// Transliterate UTF-8 characters as characters when the locale selects UTF-8 mode.
#[test]
fn trans_utf8_character_in_c_utf8_locale() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-e", r"y/κ/K/"])
        .pipe_in("κa\n")
        .succeeds()
        .stdout_is_bytes(b"Ka\n");
}

/// Transliterate a decoded hex escape as UTF-8 in UTF-8 mode.
#[test]
fn trans_utf8_escape_in_c_utf8_locale() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-e", r"y/\xE9/Z/"])
        .pipe_in("é\n")
        .succeeds()
        .stdout_is_bytes(b"Z\n");
}

/// Reject raw invalid UTF-8 transliteration script bytes in UTF-8 mode.
#[test]
fn trans_raw_invalid_script_byte_rejected_in_c_utf8_locale() {
    let mut script = NamedTempFile::new().expect("create temporary sed script");
    script
        .write_all(b"y/\xE9/Z/")
        .expect("write temporary sed script");
    let script_path = script.path().to_str().expect("temporary path is UTF-8");

    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-f", script_path])
        .fails()
        .stderr_contains("invalid UTF-8 in transliteration string");
}

#[test]
fn pattern_clear_with_z_command() {
    new_ucmd!()
        .arg("z")
        .pipe_in("a\nb\n")
        .succeeds()
        .stdout_is("\n\n");
}

#[test]
fn pattern_clear_with_z_command_silent_print() {
    new_ucmd!()
        .args(&["-n", "z;p"])
        .pipe_in("a\nb\n")
        .succeeds()
        .stdout_is("\n\n");
}

#[test]
fn pattern_clear_with_z_preserves_substitution_flag() {
    new_ucmd!()
        .args(&["-n", "s/a/b/;z;t changed;b;:changed;c\\\nchanged"])
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("changed\n");
}

#[test]
fn pattern_clear_with_z_is_non_posix() {
    new_ucmd!()
        .args(&["--posix", "z"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:1: error: invalid command code `z'\n");
}
check_output!(trans_newline, ["-e", r"1N;2y/\n/X/", LINES1]);

////////////////////////////////////////////////////////////
// Rich diagnostics, drawn for a terminal and controlled by UUTILS_DIAG
#[test]
fn diagnostics_stay_out_of_the_way_of_scripts() {
    // stderr is not a terminal here, so only the plain message is printed.
    for value in [None, Some(""), Some("never")] {
        let mut command = new_ucmd!();
        if let Some(value) = value {
            command.env("UUTILS_DIAG", value);
        }
        command
            .args(&["--posix", "z"])
            .fails()
            .code_is(1)
            .stderr_is("sed: <script argument 1>:1:1: error: invalid command code `z'\n");
    }
}

#[test]
fn diagnostics_underline_the_offending_character() {
    new_ucmd!()
        .env("UUTILS_DIAG", "always")
        .args(&["s/a/b/q"])
        .fails()
        .code_is(1)
        .stderr_is(concat!(
            "sed: <script argument 1>:1:7: error: invalid substitute flag: 'q'\n",
            "   ╭─[ <script argument 1>:1:7 ]\n",
            "   │\n",
            " 1 │ s/a/b/q\n",
            "   │       ─\n",
            "───╯\n",
        ));
}

#[test]
fn diagnostics_can_point_past_the_end_of_the_line() {
    new_ucmd!()
        .env("UUTILS_DIAG", "always")
        .args(&["/adrift"])
        .fails()
        .code_is(1)
        .stderr_is(concat!(
            "sed: <script argument 1>:1:8: error: unterminated regular expression\n",
            "   ╭─[ <script argument 1>:1:8 ]\n",
            "   │\n",
            " 1 │ /adrift\n",
            "   │        ─\n",
            "───╯\n",
        ));
}

#[test]
fn diagnostics_count_columns_in_bytes_like_the_message() {
    // `é` is two bytes: the header must use byte column 8, not 7.
    new_ucmd!()
        .env("UUTILS_DIAG", "always")
        .args(&["s/é/e/z"])
        .fails()
        .code_is(1)
        .stderr_is(concat!(
            "sed: <script argument 1>:1:8: error: invalid substitute flag: 'z'\n",
            "   ╭─[ <script argument 1>:1:8 ]\n",
            "   │\n",
            " 1 │ s/é/e/z\n",
            "   │       ─\n",
            "───╯\n",
        ));
}

#[test]
fn diagnostics_reach_errors_raised_after_the_line_was_read() {
    // Undefined labels are found after compilation; the gutter shows line 2.
    new_ucmd!()
        .env("UUTILS_DIAG", "always")
        .args(&["-e", "p\nb nowhere"])
        .fails()
        .code_is(1)
        .stderr_is(concat!(
            "sed: <script argument 1>:2:1: error: undefined label `nowhere'\n",
            "   ╭─[ <script argument 1>:2:1 ]\n",
            "   │\n",
            " 2 │ b nowhere\n",
            "   │ ─\n",
            "───╯\n",
        ));
}

#[test]
fn diagnostics_line_up_under_wide_characters() {
    // `日本` takes four columns: the underline must sit under `q`.
    new_ucmd!()
        .env("UUTILS_DIAG", "always")
        .args(&["s/日本/x/q"])
        .fails()
        .code_is(1)
        .stderr_is(concat!(
            "sed: <script argument 1>:1:12: error: invalid substitute flag: 'q'\n",
            "   ╭─[ <script argument 1>:1:12 ]\n",
            "   │\n",
            " 1 │ s/日本/x/q\n",
            "   │          ─\n",
            "───╯\n",
        ));
}

#[test]
fn diagnostics_underline_a_wide_character_across_its_columns() {
    new_ucmd!()
        .env("UUTILS_DIAG", "always")
        .args(&["p日"])
        .fails()
        .code_is(1)
        .stderr_is(concat!(
            "sed: <script argument 1>:1:2: error: extra characters at the end of the p command\n",
            "   ╭─[ <script argument 1>:1:2 ]\n",
            "   │\n",
            " 1 │ p日\n",
            "   │  ──\n",
            "───╯\n",
        ));
}

#[test]
fn diagnostics_keep_tabs_and_widen_the_gutter() {
    // Line 10 starts with a tab, kept in the indent so the underline lines up.
    new_ucmd!()
        .env("UUTILS_DIAG", "always")
        .args(&[format!("{}\tpz", "p\n".repeat(9))])
        .fails()
        .code_is(1)
        .stderr_is(concat!(
            "sed: <script argument 1>:10:3: error: extra characters at the end of the p command\n",
            "    ╭─[ <script argument 1>:10:3 ]\n",
            "    │\n",
            " 10 │ \tpz\n",
            "    │ \t ─\n",
            "────╯\n",
        ));
}

#[test]
fn diagnostics_skip_scripts_that_are_not_utf8() {
    // A line that is not valid UTF-8 cannot be quoted: only the message.
    let mut script = NamedTempFile::new().expect("create temporary sed script");
    script
        .write_all(b"s/\xff/x/q\n")
        .expect("write temporary sed script");
    let script_path = script.path().to_str().expect("temporary path is UTF-8");

    new_ucmd!()
        .env("UUTILS_DIAG", "always")
        .args(&["-f", script_path])
        .fails()
        .code_is(1)
        .stderr_is(format!(
            "sed: {script_path}:1:7: error: invalid substitute flag: 'q'\n"
        ));
}

////////////////////////////////////////////////////////////
// Pattern space manipulation: D, d, H, h, N, n, P, p, q, x
check_output!(pattern_print_to_newline, ["-n", r"1{;N;P;P;p;}", LINES1]);
check_output!(pattern_next_print, ["-n", r"N;N;P", LINES1]);
check_output!(pattern_delete_to_newline, ["-n", r"2N;3p;3D;3p", LINES1]);
check_output!(pattern_delete_no_newline, ["-e", r"2D", LINES1]);
check_output!(pattern_delete_print, ["-n", r"4d;p", LINES1]);

// FreeBSD sed does not produce any output for the following two
check_output!(pattern_append_delete, ["-e", r"N;N;N;D", LINES1]);
check_output!(pattern_append_delete_2, ["-e", r"N;N;N;D", LINES1, LINES2]);

check_output!(
    pattern_append_delete2_separate,
    ["-s", r"N;N;N;D", LINES1, LINES2]
);
check_output!(
    pattern_hold_append_swap,
    ["-e", r"2h;3H;4g;5G;6x;6p;6x;6p", LINES1]
);
check_output!(
    pattern_swap_separate,
    ["--separate", r"4x;6x", LINES1, LINES2]
);
check_output!(pattern_next_output, ["-e", r"4n", LINES1]);
check_output!(pattern_next_no_output, ["-n", "-e", r"4n", LINES1]);
check_output!(pattern_next_print_output, ["-e", r"4n;p", LINES1]);
check_output!(pattern_next_print_no_output, ["-n", "-e", r"4n;p", LINES1]);
check_output!(pattern_quit, [r"5q", LINES1]);
check_output!(pattern_quit_2, [r"5q", LINES1, LINES2]);
check_output!(pattern_re_reuse, ["-n", r"/_1/p;//p", LINES1]);
check_output!(pattern_subst_re_reuse, ["-n", r"/_1/p;s//-N/p", LINES1]);

#[test]
fn test_next_continues_with_following_command() {
    new_ucmd!()
        .args(&["n;d"])
        .pipe_in("1\n2\n3\n4\n")
        .succeeds()
        .stdout_is("1\n3\n");
    new_ucmd!()
        .args(&["-n", "-e", "a A", "-e", "n;p"])
        .pipe_in("a\nb\n")
        .succeeds()
        .stdout_is("A\nb\n");
    // At the end of input, `n` ends processing.
    new_ucmd!()
        .args(&["n;q5"])
        .pipe_in("1\n")
        .succeeds()
        .stdout_is("1\n");
}

#[test]
fn test_next_reads_across_files_unless_separate() {
    new_ucmd!()
        .args(&["n;s/^/X/", "-", "input/two-lines.txt"])
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("a\nXline one\nline two\n");
    new_ucmd!()
        .args(&["-s", "n;s/^/X/", "-", "input/two-lines.txt"])
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("a\nline one\nXline two\n");
}

#[test]
fn test_quit_exit_code() {
    new_ucmd!()
        .args(&["5q 42", LINES1])
        .fails()
        .code_is(42)
        .stdout_is_fixture("output/pattern_quit");
}

#[test]
fn test_quit_now_exit_code() {
    new_ucmd!()
        .args(&["6Q 12", LINES1])
        .fails()
        .code_is(12)
        .stdout_is_fixture("output/pattern_quit");
}

// Test for delete command preventing automatic pattern printing
#[test]
fn test_delete_command_prevents_automatic_printing() {
    // Test 'd' command - delete line 2
    new_ucmd!()
        .args(&["2d"])
        .pipe_in("line1\nline2\nline3")
        .succeeds()
        .stdout_is("line1\nline3");
}

#[test]
fn test_delete_range_prevents_automatic_printing() {
    // Test 'd' command on range - delete lines 2-3
    new_ucmd!()
        .args(&["2,3d"])
        .pipe_in("line1\nline2\nline3\nline4")
        .succeeds()
        .stdout_is("line1\nline4");
}

#[test]
fn test_change_command_prevents_automatic_printing() {
    // Test 'c' command - change line 2
    new_ucmd!()
        .args(&["2c\\replaced"])
        .pipe_in("line1\nline2\nline3")
        .succeeds()
        .stdout_is("line1\nreplaced\nline3");
}

#[test]
fn test_uppercase_delete_prevents_automatic_printing() {
    // Test 'D' command - delete up to newline and restart
    new_ucmd!()
        .args(&["-e", "N", "-e", "D"])
        .pipe_in("line1\nline2\nline3")
        .succeeds()
        .stdout_is("line3\n");
}

////////////////////////////////////////////////////////////
// Command blocks: {}
check_output!(
    block_simple_range,
    [
        "-e",
        r#"
4,12 {
	s/^/^/
	s/$/$/
	s/_/T/
}"#,
        LINES1
    ]
);

check_output!(
    block_negative_range,
    [
        "-e",
        r#"
4,12 !{
	s/^/^/
	s/$/$/
	s/_/T/
}"#,
        LINES1
    ]
);

check_output!(
    block_negative_range_2,
    [
        "-e",
        r#"
4,12 !{
	s/^/^/
	s/$/$/
	s/_/T/
}"#,
        LINES1,
        LINES2
    ]
);

check_output!(
    block_nested_selection,
    [
        "-e",
        r#"
4,12 {
	s/^/^/
	/6/,/10/ {
		s/$/$/
		/8/ s/_/T/
	}
}"#,
        LINES1
    ]
);

check_output!(
    block_nested_negative_selection,
    [
        "-e",
        r#"
4,12 !{
	s/^/^/
	/6/,/10/ !{
		s/$/$/
		/8/ !s/_/T/
	}
}"#,
        LINES1
    ]
);

check_output!(
    branch_plain,
    [
        "-n",
        "-e",
        r#"
b label4
:label3
s/^/label3_/p
b end
:label4
2,12b label1
b label2
:label1
s/^/label1_/p
b
:label2
s/^/label2_/p
b label3
:end
"#,
        LINES1
    ]
);

////////////////////////////////////////////////////////////
// Branching: :, b, t
check_output!(
    branch_conditional_simple,
    [
        "-n",
        "-e",
        r#"
s/l1_/l2_/
t ok
b
:ok
s/^/tested /p
"#,
        LINES1,
        LINES2
    ]
);

// SunOS and GNU sed behave as follows: lines 9-$ aren"#,t printed at all
check_output!(
    branch_to_block,
    [
        "-n",
        "-e",
        r#"
5,8b inside
1,5 {
	s/^/^/p
	:inside
	s/$/$/p
}
"#,
        LINES1
    ]
);

// Check that t clears the substitution done flag
check_output!(
    branch_test_clears,
    [
        "-n",
        "-e",
        r#"
1,8s/^/^/
t l1
:l1
t l2
s/$/$/p
b
:l2
s/^/ERROR/
"#,
        LINES1
    ]
);

// Check that reading a line clears the substitution done flag
check_output!(
    branch_cycle_clears,
    [
        "-n",
        "-e",
        r#"
t l2
1,8s/^/^/p
2,7N
b
:l2
s/^/ERROR/p
"#,
        LINES1
    ]
);

check_output!(
    branch_conditional_boundary,
    [
        "-e",
        r#"
{
:b
}
s/l/m/
tb"#,
        LINES1
    ]
);

// T branches when NO substitution was made (inverse of t).
// Lines not ending in "2" leave s/2$/X/ with no match, so T branches to
// :skip and keeps the original line; lines ending in "2" fall through and
// get the "SUB " mark.
check_output!(
    branch_no_sub_simple,
    [
        "-n",
        "-e",
        r#"
s/2$/X/
Tskip
s/^/SUB /
:skip
p
"#,
        LINES1
    ]
);

// Check that T also clears the substitution-done flag, matching t.
// After s/// sets the flag, the first T sees a substitution so it does
// not branch but still clears the flag; the second T then sees no
// substitution and branches to :y. Reaching :y (CLEARED) rather than
// falling through to :x (NOTCLEARED) proves the first T cleared the flag.
check_output!(
    branch_no_sub_clears,
    [
        "-n",
        "-e",
        r#"
s/^/^/
Tx
Ty
:x
s/^/NOTCLEARED /p
b
:y
s/^/CLEARED /p
"#,
        LINES1
    ]
);

#[test]
fn test_branch_no_sub_non_posix() {
    new_ucmd!()
        .args(&["--posix", "T"])
        .fails()
        .code_is(1)
        .stderr_contains("invalid command code");
}

////////////////////////////////////////////////////////////
// Text: a, c, i

// Check both POSIX and GNU parsing routines.

check_output!(
    text_simple_insert,
    [
        "-e",
        r#"
2,4i\
extra
"#,
        LINES1
    ]
);

check_output!(
    text_simple_append,
    [
        "-e",
        r#"
2,4a\
extra
"#,
        LINES1
    ]
);

check_output_posix!(
    text_insert_quit,
    [
        "-e",
        r#"
5i\
hello
5q
"#,
        LINES1
    ]
);

check_output_posix!(
    text_insert_between_subst,
    [
        "-n",
        "-e",
        r#"
s/^/before_i/p
20i\
inserted
s/^/after_i/p
"#,
        LINES1,
        LINES2
    ]
);

check_output_posix!(
    text_append_between_subst,
    [
        "-n",
        "-e",
        r#"
5,12s/^/5-12/
s/^/before_a/p
/5-12/a\
appended
s/^/after_a/p
"#,
        LINES1,
        LINES2
    ]
);

check_output_posix!(
    text_append_before_next,
    [
        "-n",
        "-e",
        r#"
s/^/^/p
/l1_/a\
appended
8,10N
s/$/$/p
"#,
        LINES1,
        LINES2
    ]
);

check_output_posix!(
    text_change_global,
    [
        "-n",
        "-e",
        r#"
c\
hello
"#,
        LINES1
    ]
);

check_output_posix!(
    text_change_line,
    [
        "-e",
        r#"
8c\
hello
"#,
        LINES1
    ]
);

check_output_posix!(
    text_change_range,
    [
        "-e",
        r#"
3,14c\
hello
"#,
        LINES1
    ]
);

check_output_posix!(
    text_change_reverse_range,
    [
        "-e",
        r#"
8,3c\
hello
"#,
        LINES1
    ]
);

check_output!(text_delete, ["d", LINES1]);

// Check that the pattern space is deleted.
check_output_posix!(
    text_change_print,
    [
        "-n",
        "-e",
        r#"
c\
changed
p
"#,
        LINES1
    ]
);

// GNU syntax extensions:
// Text can follow the initial \.
// Character escapes are supported.
// Invalid escapes result in the escaped character.
check_output!(
    text_insert_gnu,
    ["-e", "i\\>\\h\\elll\x08o\\nto\\\nall\\a", LINES1]
);

////////////////////////////////////////////////////////////
// r, w, W commands
check_output!(read_ok, [format!("4r {LINES2}"), LINES1.to_string()]);
check_output!(read_missing, ["5r /xyzzyxyzy42", LINES1]);
check_output!(read_empty, ["6r input/empty", LINES1]);
check_output!(
    cmd_read_zero_addr,
    [format!("0r {LINES2}"), LINES1.to_string()]
);
check_output!(
    cmd_read_one_addr,
    [format!("1r {LINES2}"), LINES1.to_string()]
);

#[test]
fn sandbox_rejects_read_command() {
    new_ucmd!()
        .args(&["--sandbox", &format!("1r {LINES2}"), LINES1])
        .fails()
        .stderr_contains("command not allowed with --sandbox");
}

#[test]
fn sandbox_rejects_subst_write_flag() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    let cmd = format!("s/l1/x/w {}", temp.path().display());

    new_ucmd!()
        .args(&["--sandbox", &cmd, LINES1])
        .fails()
        .stderr_contains("command not allowed with --sandbox");

    let mut actual = String::new();
    temp.reopen()?.read_to_string(&mut actual)?;
    assert_eq!(actual, "");

    Ok(())
}

#[test]
fn sandbox_rejects_write_command() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    let cmd = format!("w {}", temp.path().display());

    new_ucmd!()
        .args(&["--sandbox", &cmd, LINES1])
        .fails()
        .stderr_contains("command not allowed with --sandbox");

    let mut actual = String::new();
    temp.reopen()?.read_to_string(&mut actual)?;
    assert_eq!(actual, "");

    Ok(())
}

#[test]
fn sandbox_rejects_first_line_write_command() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    let cmd = format!("W {}", temp.path().display());

    new_ucmd!()
        .args(&["--sandbox", &cmd, LINES1])
        .fails()
        .stderr_contains("command not allowed with --sandbox");

    let mut actual = String::new();
    temp.reopen()?.read_to_string(&mut actual)?;
    assert_eq!(actual, "");

    Ok(())
}

#[test]
fn write_single_file() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    let cmd = format!("3,12w {}", temp.path().display());

    new_ucmd!().args(&["-e", &cmd, LINES1]).succeeds();

    let mut actual = String::new();
    temp.reopen()?.read_to_string(&mut actual)?;

    let expected = fs::read_to_string("tests/fixtures/sed/output/write_single_file")?;
    assert_eq!(actual, expected, "Output did not match fixture");

    Ok(())
}

#[test]
fn write_single_file_no_newline() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    let cmd = format!("w {}", temp.path().display());

    new_ucmd!()
        .args(&[cmd.as_str(), "input/no-new-line.txt"])
        .succeeds();

    let mut actual = String::new();
    temp.reopen()?.read_to_string(&mut actual)?;

    assert_eq!(actual, "Hello", "Output did not match expected");

    Ok(())
}

#[test]
fn write_two_files() -> std::io::Result<()> {
    let temp1 = NamedTempFile::new()?;
    let temp2 = NamedTempFile::new()?;
    let cmd = format!(
        "3,12w {}\n1,2w {}",
        temp1.path().display(),
        temp2.path().display()
    );

    new_ucmd!().args(&["-e", &cmd, LINES1]).succeeds();

    let mut actual = String::new();

    temp1.reopen()?.read_to_string(&mut actual)?;
    let expected = fs::read_to_string("tests/fixtures/sed/output/write_two_files_1")?;
    assert_eq!(actual, expected, "Output 1 did not match fixture");

    actual.clear();

    temp2.reopen()?.read_to_string(&mut actual)?;
    let expected = fs::read_to_string("tests/fixtures/sed/output/write_two_files_2")?;
    assert_eq!(actual, expected, "Output 2 did not match fixture");

    Ok(())
}

#[test]
fn write_first_line_newline() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    let cmd = format!("N;W {}", temp.path().display());

    new_ucmd!()
        .args(&["-n", "-e", &cmd])
        .pipe_in("abc\ndef\n")
        .succeeds();

    let mut actual = String::new();
    temp.reopen()?.read_to_string(&mut actual)?;
    assert_eq!(actual, "abc\n");

    Ok(())
}

#[test]
fn write_first_line_no_newline() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    let cmd = format!("W {}", temp.path().display());

    new_ucmd!()
        .args(&["-n", "-e", &cmd])
        .pipe_in("abc")
        .succeeds();

    let mut actual = String::new();
    temp.reopen()?.read_to_string(&mut actual)?;
    assert_eq!(actual, "abc");

    Ok(())
}

#[test]
fn write_first_line_with_w_command_is_non_posix() {
    new_ucmd!()
        .args(&["--posix", "W /tmp/out"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:1: error: invalid command code `W'\n");
}

#[test]
fn read_one_line_reads_successive_lines() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    fs::write(temp.path(), "one\ntwo\n")?;
    let cmd = format!("R {}", temp.path().display());

    // One line of the file is queued per cycle; the third cycle finds EOF.
    new_ucmd!()
        .args(&["-e", &cmd])
        .pipe_in("a\nb\nc\n")
        .succeeds()
        .stdout_is("a\none\nb\ntwo\nc\n");

    Ok(())
}

#[test]
fn read_one_line_missing_file_is_silent() {
    new_ucmd!()
        .args(&["-e", "R /nonexistent/xyzzy-42-does-not-exist"])
        .pipe_in("a\nb\n")
        .succeeds()
        .stdout_is("a\nb\n");
}

#[test]
fn sandbox_rejects_read_one_line_command() {
    new_ucmd!()
        .args(&["--sandbox", "R /tmp/out", LINES1])
        .fails()
        .stderr_contains("command not allowed with --sandbox");
}

#[test]
fn read_one_line_with_r_command_is_non_posix() {
    new_ucmd!()
        .args(&["--posix", "R /tmp/out"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:1: error: invalid command code `R'\n");
}

#[test]
fn read_one_line_appends_even_with_suppressed_autoprint() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    fs::write(temp.path(), "x1\nx2\n")?;
    let cmd = format!("R {}", temp.path().display());

    // `-n` suppresses the pattern space auto-print, but `R` still queues the
    // file's lines to the output stream (like `a`/`r`).
    new_ucmd!()
        .args(&["-n", "-e", &cmd])
        .pipe_in("a\nb\n")
        .succeeds()
        .stdout_is("x1\nx2\n");

    Ok(())
}

#[test]
fn read_one_line_stops_when_file_shorter_than_input() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    fs::write(temp.path(), "only\n")?;
    let cmd = format!("R {}", temp.path().display());

    // The file has one line; later cycles read nothing and emit no extra text.
    new_ucmd!()
        .args(&["-e", &cmd])
        .pipe_in("a\nb\nc\n")
        .succeeds()
        .stdout_is("a\nonly\nb\nc\n");

    Ok(())
}

#[test]
fn read_one_line_preserves_last_line_without_newline() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    // Final line has no trailing newline.
    fs::write(temp.path(), "N1\nN2")?;
    let cmd = format!("R {}", temp.path().display());

    // The unterminated last line is emitted verbatim, with no newline added.
    new_ucmd!()
        .args(&["-e", &cmd])
        .pipe_in("a\nb\n")
        .succeeds()
        .stdout_is("a\nN1\nb\nN2");

    Ok(())
}

#[test]
fn read_one_line_honors_address_and_advances_only_when_run() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    fs::write(temp.path(), "f1\nf2\nf3\n")?;
    let cmd = format!("2R {}", temp.path().display());

    // `R` runs only on the matched cycle, so the cursor advances only then:
    // line 2 pulls the file's first line, other cycles read nothing.
    new_ucmd!()
        .args(&["-e", &cmd])
        .pipe_in("a\nb\nc\n")
        .succeeds()
        .stdout_is("a\nb\nf1\nc\n");

    Ok(())
}

#[test]
fn read_one_line_distinct_files_have_independent_cursors() -> std::io::Result<()> {
    let f1 = NamedTempFile::new()?;
    let f2 = NamedTempFile::new()?;
    fs::write(f1.path(), "f1\nf2\nf3\n")?;
    fs::write(f2.path(), "x1\nx2\n")?;
    let r1 = format!("R {}", f1.path().display());
    let r2 = format!("R {}", f2.path().display());

    // Each `R` reads from its own file and advances its own cursor; the
    // shorter file simply runs out first.
    new_ucmd!()
        .args(&["-e", &r1, "-e", &r2])
        .pipe_in("a\nb\nc\n")
        .succeeds()
        .stdout_is("a\nf1\nx1\nb\nf2\nx2\nc\nf3\n");

    Ok(())
}

#[test]
fn read_one_line_same_file_shares_cursor() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    fs::write(temp.path(), "l1\nl2\n")?;
    let cmd = format!("R {}", temp.path().display());

    // Both `R` commands name the same file, so they share one cursor and read
    // successive lines ("l1" then "l2") rather than each restarting at "l1".
    new_ucmd!()
        .args(&["-e", &cmd, "-e", &cmd])
        .pipe_in("a\n")
        .succeeds()
        .stdout_is("a\nl1\nl2\n");

    Ok(())
}

////////////////////////////////////////////////////////////
// =, l, F commands
check_output!(number_continuous, ["/l2_/=", LINES1, LINES2]);
check_output!(number_separate, ["-s", "/l._8/=", LINES1, LINES2]);
check_output!(number_range, ["-e", "10,12=", LINES1]);
check_output!(number_range_out_of_bounds, ["-e", "47,60=", LINES1]);

check_output!(list_ascii, ["-n", "l 60", "input/ascii"]);
check_output!(list_empty, ["-n", "l 60", "input/empty"]);

check_output!(filename_file, ["-n", r"F", LINES1]);
// Non-ASCII filename
check_output!(filename_αρχείο1, [r"F", "input/αρχείο1"]);

#[test]
fn filename_stdin() {
    new_ucmd!()
        .args(&["-n", "F"])
        .pipe_in("a\nb\n")
        .succeeds()
        .stdout_is("-\n-\n");
}

#[test]
fn filename_non_posix() {
    new_ucmd!()
        .args(&["--posix", "F"])
        .fails()
        .code_is(1)
        .stderr_contains("invalid command code");
}

/// List Unicode input under an explicit UTF-8 locale
/// with uutil extensions enabled.
#[test]
fn list_unicode() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["--uutil-extensions", "l 60", "input/unicode"])
        .succeeds()
        .stdout_is_fixture_bytes("output/list_unicode");
}

// List Unicode input without uutil extensions should generate octal bytes.
check_output!(list_unicode_octal, ["l 60", "input/unicode"]);

/// List Unicode input without uutil extensions should generate octal bytes,
/// even under an explicit UTF-8 locale.
#[test]
fn list_unicode_octal_env() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["l 60", "input/unicode"])
        .succeeds()
        .stdout_is_fixture_bytes("output/list_unicode_octal");
}

/// List invalid UTF-8 bytes without decoding in byte mode.
#[test]
fn list_invalid_utf8_byte_locale() {
    new_ucmd!()
        .env("LC_ALL", "C")
        .args(&["-n", "l"])
        .pipe_in(b"\xE9\n".to_vec())
        .succeeds()
        .stdout_is_bytes(b"\\351$\n");
}

/// `l` shows an empty pattern space as `$`, even when the line lacked a
/// newline, as GNU sed does.
#[test]
fn list_empty_line_without_newline() {
    new_ucmd!()
        .args(&["-n", "s/a//;l"])
        .pipe_in("a")
        .succeeds()
        .stdout_is("$\n");
}

////////////////////////////////////////////////////////////
// In-place editing
#[test]
fn in_place_edit_replace() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("input");

    std::fs::write(&path, "hello, world\n")?;

    new_ucmd!()
        .args(&["-i", "-e", "s/world/universe/", path.to_str().unwrap()])
        .succeeds();

    let actual = std::fs::read_to_string(&path)?;

    assert_eq!(actual, "hello, universe\n");
    Ok(())
}

// `sed -i SCRIPT FILE`: the argument after `-i` is the script, not a suffix.
#[test]
fn in_place_edit_script_after_bare_i() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("input");

    std::fs::write(&path, "hello, world\n")?;

    new_ucmd!()
        .args(&["-i", "s/world/universe/", path.to_str().unwrap()])
        .succeeds();

    let actual = std::fs::read_to_string(&path)?;
    assert_eq!(actual, "hello, universe\n");
    Ok(())
}

// As in GNU sed, BSD's detached suffix is a script or an input file.
#[test]
fn in_place_edit_detached_suffix_is_not_suffix() -> std::io::Result<()> {
    let script = "s/world/universe/";
    let cases: &[(&[&str], &str)] = &[
        (&["-i", "", "-e", script], "''"),
        (&["-i", ".bak", "-e", script], "'.bak'"),
        // The empty argument is the script, and the script is an input file.
        (&["-i", "", script], "'s/world/universe/'"),
    ];
    for (args, missing) in cases {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("input");
        std::fs::write(&path, "hello, world\n")?;

        new_ucmd!()
            .args(args)
            .arg(&path)
            .fails()
            .stderr_contains(format!("error opening input file {missing}"));
    }
    Ok(())
}

#[test]
fn in_place_edit_backup() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("input");

    std::fs::write(&path, b"hello, world\n")?;

    new_ucmd!()
        .args(&["-i.bak", "-e", "s/world/universe/", path.to_str().unwrap()])
        .succeeds();

    // Read edited file
    let actual = std::fs::read_to_string(&path)?;
    assert_eq!(actual, "hello, universe\n");

    // Read backup file
    let backup_path = path.with_file_name(format!(
        "{}.bak",
        path.file_name().unwrap().to_string_lossy()
    ));
    let backup = std::fs::read_to_string(&backup_path)?;
    assert_eq!(backup, "hello, world\n");

    Ok(())
}

#[test]
fn in_place_edit_backup_forms() -> std::io::Result<()> {
    for (arg, expected) in [
        ("-i.bak", "hello, universe\nhello, universe\n"),
        ("--in-place=.bak", "hello, universe\nhello, universe\n"),
        ("-ni.bak", "hello, universe\n"),
    ] {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("input");
        std::fs::write(&path, "hello, world\n")?;

        new_ucmd!()
            .args(&[arg, "s/world/universe/p", path.to_str().unwrap()])
            .succeeds();

        assert_eq!(std::fs::read_to_string(&path)?, expected, "{arg}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("input.bak"))?,
            "hello, world\n",
            "{arg}"
        );
    }
    Ok(())
}

// As in GNU sed, the value of `-f` is not taken as `-i`.
#[test]
fn script_file_named_like_in_place_option() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("-ifoo.sed"), "s/world/universe/\n")?;
    std::fs::write(dir.path().join("input"), "hello, world\n")?;

    new_ucmd!()
        .current_dir(dir.path())
        .args(&["-f", "-ifoo.sed", "input"])
        .succeeds()
        .stdout_is("hello, universe\n");

    assert_eq!(
        std::fs::read_to_string(dir.path().join("input"))?,
        "hello, world\n"
    );
    Ok(())
}

#[cfg(unix)]
#[test]
fn in_place_edit_follow_symlink_edits_target() -> Result<(), Box<dyn std::error::Error>> {
    let temp_dir = assert_fs::TempDir::new()?;
    let target = temp_dir.child("target.txt");
    let link = temp_dir.child("link.txt");

    target.write_str("hello, world\n")?;

    std::os::unix::fs::symlink(target.path(), link.path())?;

    new_ucmd!()
        .args(&[
            "--follow-symlinks",
            "-i",
            "-e",
            "s/world/universe/",
            link.path().to_str().unwrap(),
        ])
        .succeeds();

    let actual = std::fs::read_to_string(target.path())?;
    assert_eq!(actual, "hello, universe\n");

    Ok(())
}

#[cfg(unix)]
#[test]
fn in_place_edit_symlink_replaced_when_not_following() -> Result<(), Box<dyn std::error::Error>> {
    let temp_dir = assert_fs::TempDir::new()?;
    let target = temp_dir.child("target.txt");
    let link = temp_dir.child("link.txt");

    target.write_str("hello, world\n")?;

    std::os::unix::fs::symlink(target.path(), link.path())?;

    // Run command without --follow-symlinks
    new_ucmd!()
        .args(&[
            "-i",
            "-e",
            "s/world/universe/",
            link.path().to_str().unwrap(),
        ])
        .succeeds();

    // The original target should be untouched
    let original = std::fs::read_to_string(target.path())?;
    assert_eq!(original, "hello, world\n");

    // The symlink path should now contain the edited content
    let edited = std::fs::read_to_string(link.path())?;
    assert_eq!(edited, "hello, universe\n");

    Ok(())
}

#[cfg(unix)]
#[test]
fn in_place_edit_follow_symlink_with_backup() -> Result<(), Box<dyn std::error::Error>> {
    let temp_dir = assert_fs::TempDir::new()?;
    let target = temp_dir.child("target.txt");
    let link = temp_dir.child("link.txt");

    target.write_str("hello, world\n")?;

    std::os::unix::fs::symlink(target.path(), link.path())?;

    new_ucmd!()
        .args(&[
            "--follow-symlinks",
            "-i.bak",
            "-e",
            "s/world/universe/",
            link.path().to_str().unwrap(),
        ])
        .succeeds();

    // Verify target was modified
    let edited = std::fs::read_to_string(target.path())?;
    assert_eq!(edited, "hello, universe\n");

    // Backup file is created alongside the target
    let backup_path = target.path().with_file_name(format!(
        "{}.bak",
        target.file_name().unwrap().to_string_lossy()
    ));
    let backup = std::fs::read_to_string(&backup_path)?;
    assert_eq!(backup, "hello, world\n");

    Ok(())
}

#[cfg(unix)]
#[test]
fn in_place_edit_symlink_replaced_with_backup() -> Result<(), Box<dyn std::error::Error>> {
    let temp_dir = assert_fs::TempDir::new()?;
    let target = temp_dir.child("target.txt");
    let link = temp_dir.child("link.txt");

    target.write_str("hello, world\n")?;

    std::os::unix::fs::symlink(target.path(), link.path())?;

    new_ucmd!()
        .args(&[
            "-i.bak",
            "-e",
            "s/world/universe/",
            link.path().to_str().unwrap(),
        ])
        .succeeds();

    // Target should remain untouched
    let unchanged = std::fs::read_to_string(target.path())?;
    assert_eq!(unchanged, "hello, world\n");

    // Symlink path should now contain the updated content
    let edited = std::fs::read_to_string(link.path())?;
    assert_eq!(edited, "hello, universe\n");

    // Backup of the symlink file (not the target) should exist
    let backup_path = link.path().with_file_name(format!(
        "{}.bak",
        link.file_name().unwrap().to_string_lossy()
    ));
    let backup = std::fs::read_to_string(&backup_path)?;
    assert_eq!(backup, "hello, world\n");

    Ok(())
}

// -i implies -s: each file is edited as a separate stream.

/// Create two input files in a fresh temporary directory.
/// The returned directory must be kept alive for the paths to stay valid.
fn two_inputs(
    first: &str,
    second: &str,
) -> std::io::Result<(tempfile::TempDir, std::path::PathBuf, std::path::PathBuf)> {
    let dir = tempfile::tempdir()?;
    let path1 = dir.path().join("input1");
    let path2 = dir.path().join("input2");
    std::fs::write(&path1, first)?;
    std::fs::write(&path2, second)?;
    Ok((dir, path1, path2))
}

#[test]
fn in_place_edit_separate() -> std::io::Result<()> {
    let a = "a1\na2\na3\n";
    let b = "b1\nb2\nb3\n";

    // Arguments, the two inputs, and the two expected results.
    let cases: &[(&[&str], &str, &str, &str, &str)] = &[
        // $ is the last line of each file, and line numbers restart.
        (&["-i", "-e", "$d"], a, b, "a1\na2\n", "b1\nb2\n"),
        (&["-i", "-e", "1d"], a, b, "a2\na3\n", "b2\nb3\n"),
        (
            &["-i", "-e", "="],
            a,
            b,
            "1\na1\n2\na2\n3\na3\n",
            "1\nb1\n2\nb2\n3\nb3\n",
        ),
        // A range left open at the end of a file does not continue into the next.
        (&["-i", "-e", "/a3/,/b2/d"], a, b, "a1\na2\n", b),
        // N does not join the last line of one file with the first of the next.
        (
            &["-i", "-e", r"N;s/\n/+/"],
            a,
            b,
            "a1+a2\na3\n",
            "b1+b2\nb3\n",
        ),
        // n on the last line of a file does not read the first line of the next.
        (
            &["-i", "-e", "n;s/^/X/"],
            a,
            b,
            "a1\nXa2\na3\n",
            "b1\nXb2\nb3\n",
        ),
        // Lines collected in the hold space stay in their own file.
        (
            &["-i", "-e", r"H;$!d;x;s/\n/,/g"],
            a,
            b,
            ",a1,a2,a3\n",
            ",b1,b2,b3\n",
        ),
        // Q on the last line of the first file: the second one is never opened.
        (&["-i", "-e", "$Q"], a, b, "a1\na2\n", b),
        // q still quits for good, leaving the second file alone.
        (&["-i", "-e", "2q"], a, b, "a1\na2\n", b),
        // With -n the pending N is dropped rather than carried into the next file.
        (
            &["-n", "-i", "-e", r"N;s/\n/+/;p"],
            a,
            b,
            "a1+a2\n",
            "b1+b2\n",
        ),
        (&["-n", "-i", "-e", "N;p"], "a1\n", b, "", "b1\nb2\n"),
    ];

    for (args, first, second, expected1, expected2) in cases {
        let (_dir, path1, path2) = two_inputs(first, second)?;
        let mut argv = args.to_vec();
        argv.push(path1.to_str().unwrap());
        argv.push(path2.to_str().unwrap());

        new_ucmd!().args(&argv).succeeds();

        assert_eq!(
            std::fs::read_to_string(&path1)?,
            *expected1,
            "first file, {args:?}"
        );
        assert_eq!(
            std::fs::read_to_string(&path2)?,
            *expected2,
            "second file, {args:?}"
        );
    }
    Ok(())
}

#[test]
fn in_place_edit_separate_backup() -> std::io::Result<()> {
    let (dir, path1, path2) = two_inputs("a1\na2\na3\n", "b1\nb2\nb3\n")?;

    new_ucmd!()
        .args(&[
            "-i.bak",
            "-e",
            "$d",
            path1.to_str().unwrap(),
            path2.to_str().unwrap(),
        ])
        .succeeds();

    assert_eq!(std::fs::read_to_string(&path1)?, "a1\na2\n");
    assert_eq!(std::fs::read_to_string(&path2)?, "b1\nb2\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("input1.bak"))?,
        "a1\na2\na3\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("input2.bak"))?,
        "b1\nb2\nb3\n"
    );
    Ok(())
}

#[test]
fn join_lines_quiet_separate() -> std::io::Result<()> {
    let (_dir, path1, path2) = two_inputs("a1\na2\na3\n", "b1\nb2\nb3\n")?;

    // The same pending N, with -s instead of -i, writing to standard output.
    new_ucmd!()
        .args(&[
            "-n",
            "-s",
            "-e",
            r"N;s/\n/+/;p",
            path1.to_str().unwrap(),
            path2.to_str().unwrap(),
        ])
        .succeeds()
        .stdout_is("a1+a2\nb1+b2\n");
    Ok(())
}

////////////////////////////////////////////////////////////
// Large complex scripts

// Math expression evaluation
check_output!(math1, ["-f", "script/math.sed", "input/expression1"]);

// Calculate π (scaled) to several decimal places
check_output!(pi, ["-f", "script/math.sed", "input/pi"]);

/// Solve the Towers of Hanoi puzzle under an explicit UTF-8 locale.
#[test]
fn hanoi() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-f", "script/hanoi.sed", "input/hanoi"])
        .succeeds()
        .stdout_is_fixture_bytes("output/hanoi");
}

////////////////////////////////////////////////////////////
// Long-running scripts
// Test with cargo test -- --ignored

// Check the output of Bach's prelude in C major from WTC book I.
// Run with cargo test test_bach_prelude_matches -- --ignored.
#[test]
#[ignore] // Slow; produces 5.8 MB of raw audio.
fn test_bach_prelude_matches() {
    let res = new_ucmd!()
        .args(&["-E", "-f", "script/bach.sed"])
        .pipe_in("\n")
        .succeeds();

    // Compare SHA-256 output against GNU sed output.
    let mut hasher = Sha256::new();
    hasher.update(res.stdout());
    let digest = hasher.finalize();

    let got = hex::encode(digest);
    assert_eq!(
        got,
        "c4e50d6791a60692745e958dc48d43a40bccea2ce5cea31b7125a40604cc3219"
    );
}

// Draw the Mandelbrot set.
#[ignore] // Slow; takes > 15" on an i7 CPU
#[test]
fn test_mandelbrod() {
    new_ucmd!()
        .args(&["-En", "-f", "script/mandelbrot.sed", "input/newline"])
        .succeeds()
        .stdout_is_fixture("output/mandelbrot");
}

////////////////////////////////////////////////////////////
// Error handling
#[test]
fn test_invalid_backreference() {
    new_ucmd!()
        .args(&["-n", "-e", r"s/./X/;s//\1/", LINES1])
        .fails()
        .code_is(2)
        .stderr_is("sed: <script argument 1>:1:8: error: invalid reference \\1 on command's RHS\n");
}

#[test]
fn test_duplicate_label() {
    new_ucmd!()
        .args(&[":foo;:foo"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:6: error: duplicate label `foo'\n");
}

#[test]
fn test_undefined_label() {
    new_ucmd!()
        .args(&["b foo"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:1: error: undefined label `foo'\n");
}

#[test]
fn test_unmatched_brace_points_at_the_open_block() {
    // As in GNU sed, the location is that of the command that opened the
    // block left open.
    new_ucmd!()
        .args(&["-e", "p", "-e", "{", "-e", "p"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 2>:1:1: error: unmatched `{'\n");
}

#[test]
fn test_unmatched_brace_points_at_the_innermost_block() {
    // It is reported before an undefined label, as GNU sed does.
    new_ucmd!()
        .args(&["-e", "p;1{", "-e", "2{", "-e", "b nowhere"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 2>:1:1: error: unmatched `{'\n");
}

#[test]
fn test_unmatched_brace_points_at_the_address_of_the_block() {
    // The second block of the first expression opens with its address.
    for (script, column) in [("1{;2{", 4), ("$!{;/re/{", 5)] {
        new_ucmd!()
            .args(&["-e", script, "-e", "p"])
            .fails()
            .code_is(1)
            .stderr_is(format!(
                "sed: <script argument 1>:1:{column}: error: unmatched `{{'\n"
            ));
    }
}

#[test]
fn test_incomplete_test_command_posix() {
    new_ucmd!()
        .args(&["--posix", "i\\"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:3: error: incomplete command\n");
}

#[test]
fn test_error_at_end_of_script_keeps_its_position() {
    // The script is exhausted when the error is found: report its last line,
    // as GNU sed does ("-e expression #1").
    new_ucmd!()
        .args(&["s/a/b\\"])
        .fails()
        .code_is(1)
        .stderr_is(
            "sed: <script argument 1>:1:7: error: unterminated substitute replacement (unexpected EOF)\n",
        );
}

#[test]
fn test_error_at_end_of_script_file_keeps_its_position() {
    // The replacement on the last line of a script file runs past its end:
    // report that file and line.
    let mut script = NamedTempFile::new().expect("create temporary sed script");
    script
        .write_all(b"p\n$!d\ns/one/two\\")
        .expect("write temporary sed script");
    let script_path = script.path().to_str().expect("temporary path is UTF-8");

    new_ucmd!()
        .args(&["-f", script_path])
        .fails()
        .code_is(1)
        .stderr_is(format!(
            "sed: {script_path}:3:11: error: unterminated substitute replacement (unexpected EOF)\n"
        ));
}

#[test]
fn test_empty_text_commands_fail() {
    for command in ["a", "c", "i"] {
        new_ucmd!()
            .args(&["-e", command])
            .fails()
            .code_is(1)
            .stderr_contains(format!("command `{command}' expects \\ followed by text"));
    }
}

#[test]
fn test_addr0_non_posix() {
    new_ucmd!()
        .args(&["--posix", "0,/foo/p"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:2: error: address 0 is invalid in POSIX mode\n");
}

#[test]
fn test_addr0_second_required() {
    new_ucmd!()
        .args(&["0p"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:2: error: address 0 can only be used with ~step, a second regular expression, or a read command\n");
}

#[test]
fn test_addr0_second_re_only() {
    new_ucmd!()
        .args(&["0,4p"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:4: error: address 0 can only be used with ~step, a second regular expression, or a read command\n");
}

#[test]
fn test_step_match_non_posix() {
    new_ucmd!()
        .args(&["--posix", "3~2p"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:3: error: ~step is invalid in POSIX mode\n");
}

#[test]
fn test_step_end_non_posix() {
    new_ucmd!()
        .args(&["--posix", "3,~2p"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:4: error: ~step is invalid in POSIX mode\n");
}

#[test]
fn test_step_without_number_is_zero() {
    // `N~` and `N,~` select line N alone, like a step of 0.
    for script in ["3~=", "3,~=", "3,~0="] {
        new_ucmd!()
            .args(&["-n", script])
            .pipe_in("q\nr\ns\nt\n")
            .succeeds()
            .stdout_is("3\n");
    }
}

#[test]
fn test_step_match_zero_closes_range() {
    // `3~0` selects line 3 alone, so `c` prints its text there.
    new_ucmd!()
        .args(&["3~0c\\X"])
        .pipe_in("1\n2\n3\n4\n5\n")
        .succeeds()
        .stdout_is("1\n2\nX\n4\n5\n");
}

#[test]
fn test_range_numeric_start_already_passed() {
    // The inner range is first evaluated on line 3, after its start line.
    for (script, expected) in [
        ("3,6{ 1,4p }", "3\n4\n"),
        ("3,6{ 3,4p }", "3\n4\n"),
        ("3,6{ 1,3p }", "3\n"),
        ("3,6{ 1,2p }", ""),
        ("3,6{ 1,~4p }", "3\n4\n"),
        ("3,6{ 1,+1p }", "3\n4\n"),
        ("3,6{ 1,/5/p }", "3\n4\n5\n"),
        ("3,6{ 1,$p }", "3\n4\n5\n6\n"),
        ("3,6{ 1,2!p }", "3\n4\n5\n6\n"),
    ] {
        new_ucmd!()
            .args(&["-n", script])
            .pipe_in("1\n2\n3\n4\n5\n6\n7\n")
            .succeeds()
            .stdout_is(expected);
    }
}

#[test]
fn test_range_numeric_start_passed_starts_once() {
    // Once the range has ended, it does not start again.
    for (script, expected) in [
        ("/[2468]/{ 1,/[48]/p }", "2\n4\n"),
        ("/[3579]/{ 2,/./p }", "3\n5\n"),
        ("1,/3/p", "1\n2\n3\n"),
        ("0,/2/p", "1\n2\n"),
        ("/[3-9]/{ 0,/5/p }", "3\n4\n5\n"),
    ] {
        new_ucmd!()
            .args(&["-n", script])
            .pipe_in("1\n2\n3\n4\n5\n6\n7\n8\n9\n")
            .succeeds()
            .stdout_is(expected);
    }
}

#[test]
fn test_range_numeric_start_passed_separate_files() -> std::io::Result<()> {
    // With -s the "started once" state is reset, so the range starts again in the second file.
    let input = "1\n2\n3\n4\n5\n6\n7\n";
    let (_dir, path1, path2) = two_inputs(input, input)?;

    new_ucmd!()
        .args(&[
            "-n",
            "-s",
            "3,6{ 1,4p }",
            path1.to_str().unwrap(),
            path2.to_str().unwrap(),
        ])
        .succeeds()
        .stdout_is("3\n4\n3\n4\n");
    Ok(())
}

#[test]
fn test_range_numeric_start_skipped_by_d() {
    new_ucmd!()
        .args(&["-e", "1,3d", "-e", "2,5s/$/!/"])
        .pipe_in("a\nb\nc\nd\ne\nf\n")
        .succeeds()
        .stdout_is("d!\ne!\nf\n");
}

#[test]
fn test_step_non_numeric() {
    for (script, column) in [("1~/x/p", 6), ("1,~/x/p", 7)] {
        new_ucmd!()
            .args(&[script])
            .fails()
            .code_is(1)
            .stderr_is(format!(
                "sed: <script argument 1>:1:{column}: error: ~step can only be specified through numeric values\n"
            ));
    }
}

#[test]
fn test_step_without_number_at_end_of_line() {
    new_ucmd!()
        .args(&["7~"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:3: error: command expected\n");
}

#[test]
fn test_addr0_step_zero() {
    for script in ["0~0p", "0~p"] {
        new_ucmd!()
            .args(&[script])
            .fails()
            .code_is(1)
            .stderr_contains("address 0 can only be used with ~step");
    }
}

#[test]
fn test_comma_without_second_address() {
    for (script, column) in [("5,", 3), ("5,=", 3), ("5, x", 4)] {
        new_ucmd!()
            .args(&[script])
            .fails()
            .code_is(1)
            .stderr_is(format!(
                "sed: <script argument 1>:1:{column}: error: unexpected `,'\n"
            ));
    }
}

#[test]
fn test_unterminated_s_or_y_command() {
    for (script, column, command) in [
        ("s", 2, 's'),
        ("1s", 3, 's'),
        ("p;s", 4, 's'),
        ("y", 2, 'y'),
        ("{y", 3, 'y'),
    ] {
        new_ucmd!()
            .args(&[script])
            .fails()
            .code_is(1)
            .stderr_is(format!(
                "sed: <script argument 1>:1:{column}: error: unterminated `{command}' command\n"
            ));
    }
}

// The following test diverse ways in which regexes are matched.
// Search for 'regex\.' to find them in the code.
#[test]
fn test_fancy_regex_is_match_error() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-E", r"/(\.+)+\1b$/p", "input/dots-4k.txt"])
        .fails()
        .code_is(2)
        .stderr_is("sed: <script argument 1>:1:1: 'input/dots-4k.txt':1 error: Error executing regex: Max limit for backtracking count exceeded\n");
}

#[test]
fn test_fancy_regex_find_error() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-E", r"p;s/(\.+)+\1b$/X/", "input/dots-4k.txt"])
        .fails()
        .code_is(2)
        .stderr_is("sed: <script argument 1>:1:3: 'input/dots-4k.txt':1 error: Error executing regex: Max limit for backtracking count exceeded\n");
}

#[test]
fn test_fancy_regex_captures_error() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-E", r"p;s/(\.+)+\1b$/\1/", "input/dots-4k.txt"])
        .fails()
        .code_is(2)
        .stderr_is("sed: <script argument 1>:1:3: 'input/dots-4k.txt':1 error: Error executing regex: Max limit for backtracking count exceeded\n");
}

#[test]
fn test_fancy_regex_captures_iter_error() {
    new_ucmd!()
        .env("LC_ALL", "C.UTF-8")
        .args(&["-E", r"p;s/(\.+)+\1b$/\1/3", "input/dots-4k.txt"])
        .fails()
        .code_is(2)
        .stderr_is("sed: <script argument 1>:1:3: 'input/dots-4k.txt':1 error: error retrieving RE captures: Error executing regex: Max limit for backtracking count exceeded\n");
}

#[test]
fn test_write_file_failure() {
    new_ucmd!()
        .args(&["w /xyzzy/xyzy", LINES1])
        .fails()
        .code_is(2)
        .stderr_contains("sed: <script argument 1>:1:1: error: creating file '/xyzzy/xyzy':");
}

#[test]
fn test_missing_substitute_re() {
    new_ucmd!()
        .args(&["l;s//foo/", LINES1])
        .fails()
        .code_is(2)
        .stderr_is("sed: <script argument 1>:1:3: 'input/lines1':1 error: no previous regular expression\n");
}

#[test]
fn test_missing_address_re() {
    new_ucmd!()
        .args(&["l\np;//s/foo/bar/", LINES1])
        .fails()
        .code_is(2)
        .stderr_is("sed: <script argument 1>:2:3: 'input/lines1':1 error: no previous regular expression\n");
}

////////////////////////////////////////////////////////////
// issue #143: p with no trailing newline
#[test]
fn test_print_command_adds_newline() {
    new_ucmd!()
        .args(&["-e", "p"])
        .pipe_in("foo")
        .succeeds()
        .stdout_is("foo\nfoo");
}

#[test]
fn test_print_command_multiline_no_newline() {
    new_ucmd!()
        .args(&["-e", "p"])
        .pipe_in("a\nfoo")
        .succeeds()
        .stdout_is("a\na\nfoo\nfoo");
}

// -n p must not add a trailing newline when input has none
#[test]
fn test_print_command_silent_no_newline() {
    new_ucmd!()
        .args(&["-n", "p"])
        .pipe_in("foo")
        .succeeds()
        .stdout_is("foo");
}

// sanity: normal newline-terminated input is unaffected
#[test]
fn test_print_command_with_newline() {
    new_ucmd!()
        .args(&["-e", "p"])
        .pipe_in("foo\n")
        .succeeds()
        .stdout_is("foo\nfoo\n");
}

// issue #254: 2x missing newline
#[test]
fn test_exchange_command_adds_newline() {
    new_ucmd!()
        .args(&["2x"])
        .pipe_in("a\nb\nc\n")
        .succeeds()
        .stdout_is("a\n\nc\n");
}

// issue #306: 1x with no-newline input should output an empty line
#[test]
fn test_exchange_no_newline_outputs_empty_line() {
    new_ucmd!()
        .args(&["1x"])
        .pipe_in("abc")
        .succeeds()
        .stdout_is("\n");
}

// q with no newline input must not drop the trailing newline
#[test]
fn test_quit_no_newline() {
    new_ucmd!()
        .args(&["q"])
        .pipe_in("foo")
        .succeeds()
        .stdout_is("foo\n");
}

/// `Q` discards text queued by `a`, `r` and `R`, as GNU sed does.
#[test]
fn test_quit_silently_discards_appended_text() -> std::io::Result<()> {
    new_ucmd!()
        .args(&["-e", "a A", "-e", "Q"])
        .pipe_in("x\n")
        .succeeds()
        .stdout_is("");

    let dir = tempfile::tempdir()?;
    let (one, two, text) = (
        dir.path().join("1"),
        dir.path().join("2"),
        dir.path().join("text"),
    );
    fs::write(&one, "a")?;
    fs::write(&two, "b\n")?;
    fs::write(&text, "X\n")?;
    new_ucmd!()
        .args(&["-e", &format!("R {}", text.display()), "-e", "Q"])
        .pipe_in("x\n")
        .succeeds()
        .stdout_is("");
    new_ucmd!()
        .args(&["-e", &format!("2r {}", text.display()), "-e", "2Q"])
        .arg(&one)
        .arg(&two)
        .succeeds()
        .stdout_is("a");
    Ok(())
}

/// `Q` does not write a newline that the last line lacks, as GNU sed does.
#[test]
fn test_quit_silently_keeps_missing_newline() {
    new_ucmd!()
        .arg("p;Q")
        .pipe_in("a")
        .succeeds()
        .stdout_is("a");
}

#[test]
fn test_quit_after_print_adds_missing_newline() {
    new_ucmd!()
        .arg("p;q")
        .pipe_in("a")
        .succeeds()
        .stdout_is("a\na\n");
}

#[test]
fn test_quit_after_print_silent_adds_missing_newline() {
    new_ucmd!()
        .args(&["-n", "p;q"])
        .pipe_in("a")
        .succeeds()
        .stdout_is("a\n");
}

// P with single line no newline input
#[test]
fn test_print_first_line_no_newline() {
    new_ucmd!()
        .args(&["-n", "P"])
        .pipe_in("foo")
        .succeeds()
        .stdout_is("foo");
}

#[test]
fn test_expected_newer_version() {
    new_ucmd!()
        .args(&["v4.10"])
        .fails()
        .stderr_is("sed: <script argument 1>:1:6: error: expected newer version of sed\n");
}

#[test]
fn test_invalid_version() {
    new_ucmd!()
        .args(&["v4.a"])
        .fails()
        .stderr_is("sed: <script argument 1>:1:5: error: invalid version of sed\n");
}

#[test]
fn test_valid_version() {
    new_ucmd!().args(&["v4.9"]).succeeds();
}

#[test]
fn test_valid_only_major_version() {
    // v4.0.0
    new_ucmd!().args(&["v4"]).succeeds();
}

#[test]
fn test_invalid_only_major_version() {
    // v999.0.0
    new_ucmd!()
        .args(&["v999"])
        .fails()
        .stderr_is("sed: <script argument 1>:1:5: error: invalid version of sed\n");
}

#[test]
fn test_default_version() {
    // defaults to v4.9.0
    new_ucmd!().args(&["v"]).succeeds();
}

//--posix should reject GNU substitute flags i/I https://github.com/uutils/sed/issues/401
#[test]
fn test_posix_reject_flags() {
    new_ucmd!()
        .args(&["--posix", "s/a/b/i"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:7: error: unknown option to 's'\n");

    new_ucmd!()
        .args(&["--posix", "s/a/b/m"])
        .fails()
        .code_is(1)
        .stderr_is("sed: <script argument 1>:1:7: error: unknown option to 's'\n");
}

/// `r` first writes a newline that the line lacks, even when the file is
/// missing, and then copies the file unchanged, as GNU sed does.
#[test]
fn test_read_file_after_line_without_newline() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let (one, two, text) = (
        dir.path().join("1"),
        dir.path().join("2"),
        dir.path().join("text"),
    );
    fs::write(&one, "a")?;
    fs::write(&two, "b\n")?;
    fs::write(&text, "X\nY")?;
    new_ucmd!()
        .arg(format!("1r {}", text.display()))
        .arg(&one)
        .arg(&two)
        .succeeds()
        .stdout_is("a\nX\nYb\n");

    let missing = dir.path().join("missing");
    new_ucmd!()
        .arg(format!("r {}", missing.display()))
        .pipe_in("x")
        .succeeds()
        .stdout_is("x\n");
    // `n` reads the next line without starting a new cycle, so `r` is not
    // applied to it.
    new_ucmd!()
        .args(&["-e", &format!("r {}", missing.display()), "-e", "n"])
        .pipe_in("x\ny")
        .succeeds()
        .stdout_is("x\ny");

    // Text queued by `R` that lacks a newline is not ended before `r`.
    let unterminated = dir.path().join("unterminated");
    fs::write(&unterminated, "R")?;
    new_ucmd!()
        .args(&["-e", &format!("R {}", unterminated.display())])
        .args(&["-e", &format!("r {}", text.display())])
        .pipe_in("x\ny\n")
        .succeeds()
        .stdout_is("x\nRX\nYy\nX\nY");
    new_ucmd!()
        .args(&["-n", "-e", &format!("R {}", unterminated.display())])
        .args(&["-e", &format!("r {}", text.display())])
        .pipe_in("x\ny\n")
        .succeeds()
        .stdout_is("RX\nYX\nY");
    Ok(())
}

/// `R` copies a line lacking a newline unchanged, as GNU sed does.
#[test]
fn test_read_one_line_without_newline_is_copied_unchanged() -> std::io::Result<()> {
    let temp = NamedTempFile::new()?;
    fs::write(temp.path(), "x")?;
    new_ucmd!()
        .arg(format!("R {}", temp.path().display()))
        .pipe_in("a\nb\n")
        .succeeds()
        .stdout_is("a\nxb\n");
    Ok(())
}

/// The output of the `e` command is copied unchanged, as GNU sed does.
#[cfg(unix)]
#[test]
fn test_execute_command_output_is_copied_unchanged() {
    new_ucmd!()
        .arg("1e printf hi")
        .pipe_in("a\nb\n")
        .succeeds()
        .stdout_is("hia\nb\n");
    // A line that lacks its newline is ended before the output, even when
    // there is none.
    new_ucmd!()
        .args(&["-n", "p;e true"])
        .pipe_in("a")
        .succeeds()
        .stdout_is("a\n");
}
