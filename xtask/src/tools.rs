//! The outside programs the tests compare against or drive, and how each is installed.

use std::process::Command;

/// One program the tests need: what to look for on `PATH`, and where it comes from.
pub struct Tool {
    /// Names to look for; any one of them will do (Chromium has three).
    pub names: &'static [&'static str],
    /// The Debian/Ubuntu package that installs it.
    pub apt: &'static str,
    /// Which tests need it.
    pub for_what: &'static str,
}

/// Everything the test suite runs besides the Rust toolchain and python3.
pub const TOOLS: &[Tool] = &[
    Tool {
        names: &["gawk"],
        apt: "gawk",
        for_what: "the compatibility corpora (GNU awk is the reference)",
    },
    Tool {
        names: &["jq"],
        apt: "jq",
        for_what: "the compatibility corpora",
    },
    Tool {
        names: &["bc"],
        apt: "bc",
        for_what: "the compatibility corpora",
    },
    Tool {
        names: &["column"],
        apt: "bsdextrautils",
        for_what: "the compatibility corpora",
    },
    Tool {
        names: &["rg"],
        apt: "ripgrep",
        for_what: "the compatibility corpora and `rcabox bench`",
    },
    Tool {
        names: &["chromium", "chromium-browser", "google-chrome"],
        apt: "chromium",
        for_what: "the HTML report and bench page tests (headless)",
    },
];

/// Whether `name` is an executable on `PATH`.
pub fn on_path(name: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            let p = dir.join(name);
            std::fs::metadata(&p).is_ok_and(|m| {
                use std::os::unix::fs::PermissionsExt;
                m.is_file() && m.permissions().mode() & 0o111 != 0
            })
        })
    })
}

/// The tools not found on this machine.
pub fn missing() -> Vec<&'static Tool> {
    TOOLS
        .iter()
        .filter(|t| !t.names.iter().any(|n| on_path(n)))
        .collect()
}

/// Installs `tools` with apt when this is a Debian-like machine and we are root; returns
/// whether it tried and apt succeeded.
pub fn apt_install(tools: &[&Tool]) -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if !root || !on_path("apt-get") {
        return false;
    }
    let mut packages: Vec<&str> = tools.iter().map(|t| t.apt).collect();
    packages.dedup();
    eprintln!("xtask: apt-get install {}", packages.join(" "));
    let quiet = |c: &mut Command| {
        c.env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    };
    quiet(Command::new("apt-get").args(["update", "-qq"]))
        && quiet(
            Command::new("apt-get")
                .args(["install", "-y", "-qq"])
                .args(&packages),
        )
}

/// Makes sure the tools are there: installs them where it can, and otherwise says exactly what
/// is missing and how to add it (the tests that need it then fail with that line).
pub fn ensure() {
    let missing = missing();
    if missing.is_empty() {
        return;
    }
    if apt_install(&missing) && self::missing().is_empty() {
        return;
    }
    for t in self::missing() {
        eprintln!(
            "xtask: missing `{}`, needed by {}: install it with `apt-get install {}` (or your system's package)",
            t.names[0], t.for_what, t.apt
        );
    }
}
