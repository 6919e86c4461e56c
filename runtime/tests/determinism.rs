//! Same snapshot and same commands, same bytes: within a session, across sessions, whatever
//! order the host filesystem lists directories in.

mod common;
use common::*;

const PROBES: &str = "date; date -u +%s; ls -la; ls -f alerts; find . | head -20; echo $RANDOM; \
    shuf -n 3 -e a b c d e f; od -An -N8 -tx1 /dev/urandom 2>/dev/null; mktemp; \
    stat -c %Y otel_logs_raw.tsv 2>/dev/null; ls -l --time-style=full-iso alerts | head -3; sleep 2; date +%T.%N";

#[test]
fn same_commands_give_same_bytes() {
    let snap = snapshot();
    let mut a = session(snap.path());
    let first = a.run(PROBES);
    assert_eq!(first.exit_code, 0, "{}", err(&first));
    let again = a.run(PROBES);
    let mut b = session(snap.path());
    let other = b.run(PROBES);
    // Commands within a session draw different random streams (as a real shell would), but the
    // same position in two sessions is identical.
    assert_eq!(first.stdout, other.stdout);
    assert_eq!(first.stderr, other.stderr);
    assert_eq!(again.stdout, b.run(PROBES).stdout);
}

#[test]
fn clock_is_the_capture_time() {
    let snap = snapshot();
    let mut s = session(snap.path());
    // The newest alert file is alerts_at_2025-12-15T17-49-07.250000.json.
    let r = s.run("date -u '+%Y-%m-%dT%H:%M:%S'; TZ=UTC date; sleep 90; date -u +%H:%M:%S");
    assert_eq!(
        out(&r),
        "2025-12-15T17:49:07\nMon Dec 15 17:49:07 UTC 2025\n17:50:37\n"
    );
}

#[test]
fn listings_are_sorted_whatever_the_host_order() {
    let snap = snapshot();
    let d = snap.path().join("order");
    std::fs::create_dir(&d).expect("mkdir");
    for n in [
        "zeta", "Alpha", "mid", "beta", ".hidden", "_under", "10", "9",
    ] {
        std::fs::write(d.join(n), n).expect("write");
    }
    let mut s = session(snap.path());
    assert_eq!(
        out(&s.run("ls -f order | tr '\\n' ' '")),
        ". .. .hidden 10 9 Alpha _under beta mid zeta "
    );
    assert_eq!(
        out(&s.run("find order | tr '\\n' ' '")),
        "order order/.hidden order/10 order/9 order/Alpha order/_under order/beta order/mid order/zeta "
    );
    assert_eq!(
        out(&s.run("echo order/*")),
        "order/10 order/9 order/Alpha order/_under order/beta order/mid order/zeta\n"
    );
}

#[test]
fn the_tool_module_names_no_path_of_the_machine_that_built_it() {
    // Panic locations name source files; those of crates from cargo's registry lie under
    // `$CARGO_HOME` (guest-module/build.rs remaps it to /cargo), so the module's bytes, and
    // the tools hash every trajectory records, would otherwise depend on the builder's home.
    let home = std::env::var_os("CARGO_HOME")
        .filter(|h| !h.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")))
        .expect("CARGO_HOME or HOME is set where cargo runs");
    let wasm = rcabox_runtime::TOOLS_WASM;
    let found = |needle: &[u8]| wasm.windows(needle.len()).any(|w| w == needle);
    let home = home.to_string_lossy().into_owned();
    assert!(!found(home.as_bytes()), "the tool module contains {home}");
    // What the remapped paths look like instead (a crate of the registry that the shell uses).
    assert!(found(b"/cargo/registry/src/"));
}

#[test]
fn the_guest_workspace_reaches_no_path_dependency_outside_itself() {
    // Cargo hashes a path dependency outside the workspace by its absolute path into the
    // crate's metadata, and so into every symbol of the module above it: the module's bytes
    // would depend on where the checkout is (hence the `guest-tools/proto` symlink). A line
    // check, as the manifest writes each dependency on one line.
    let manifest =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest-tools/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("guest-tools/Cargo.toml");
    let outside: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter(|l| l.contains("path = \"..") || l.contains("path = \"/"))
        .collect();
    assert!(
        outside.is_empty(),
        "path dependencies outside guest-tools: {outside:?}"
    );
}
