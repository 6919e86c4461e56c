//! LEAK-*: the ground truth (and rcabox's own files that name the fault) by every path and
//! every tool: its name, hard links and symlinks to it, a symlink into a directory of a hidden
//! name, globs, recursive searches.

use super::harness::{Category::Hidden, Probe, Want::*, p};

/// Text found only in hidden content of the fixture.
const SECRETS: [&str; 3] = ["SECRET-ROOT-CAUSE", "SECRET-INNER", "SECRET-PROVENANCE"];

fn never() -> Vec<super::harness::Want> {
    SECRETS.iter().map(|s| Never(s)).collect()
}

pub fn probes() -> Vec<Probe> {
    let mut v = Vec::new();
    let cmds = [
        "cat ground_truth.yaml",
        "cat ./ground_truth.yaml",
        "cat /snapshot/ground_truth.yaml",
        "cat alerts/../ground_truth.yaml",
        "cat /snapshot//alerts/..//ground_truth.yaml",
        "cat gt_hard.yaml",
        "cat gt_link.yaml",
        "cat gtdirlink",
        "cat d/ground_truth.yaml/inner.txt",
        "ls d/ground_truth.yaml",
        "cat rcabox-provenance.json",
        "cat ground*",
        "cat g*",
        "cat */*",
        "cat * 2>/dev/null",
        "head -c 100 ground_truth.yaml",
        "tail ground_truth.yaml",
        "awk 1 ground_truth.yaml",
        "sed -n p ground_truth.yaml",
        "jq -R . ground_truth.yaml",
        "cut -c1- ground_truth.yaml",
        "md5sum ground_truth.yaml; wc -c ground_truth.yaml",
        "stat ground_truth.yaml",
        "test -e ground_truth.yaml && echo present",
        "[ -f gt_hard.yaml ] && echo present",
        "while read l; do echo $l; done < ground_truth.yaml",
        "echo $(<ground_truth.yaml)",
        "exec 3<ground_truth.yaml && cat <&3",
        "xargs cat <<< ground_truth.yaml",
        "grep -r SECRET . 2>/dev/null",
        "grep -r SECRET / 2>/dev/null",
        "grep -rl root_cause /snapshot 2>/dev/null",
        "rg SECRET 2>/dev/null",
        "rg -uu --hidden SECRET / 2>/dev/null",
        "rg --files | xargs cat 2>/dev/null",
        "find . -type f | xargs cat 2>/dev/null",
        "find / -name '*ground*' 2>/dev/null",
        "find . -exec cat {} + 2>/dev/null",
        "ls -laR 2>/dev/null",
        "du -a | grep -i ground",
        "for f in * .*; do cat \"$f\" 2>/dev/null; done",
        "echo * .*",
        "diff ground_truth.yaml /dev/null",
        "cp ground_truth.yaml /tmp/g 2>&1; cat /tmp/g",
        "ln gt_hard.yaml /tmp/h 2>&1; cat /tmp/h",
    ];
    for cmd in cmds {
        let mut want = never();
        // Listings must not even name hidden entries (an error about a path the command
        // itself names may repeat it).
        if ["ls -laR", "find /", "find .", "echo *", "du -a"]
            .iter()
            .any(|c| cmd.starts_with(c))
        {
            want.push(Never("ground_truth"));
            want.push(Never("gt_hard"));
            want.push(Never("gtdirlink"));
        }
        v.push(p("LEAK-NAME", Hidden, cmd, &want));
    }
    v
}
