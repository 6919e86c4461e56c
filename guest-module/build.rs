//! Builds the guest tools (`../guest-tools`) for `wasm32-wasip1` and hands the module's path
//! to `rcabox-runtime` (`DEP_RCABOX_GUEST_WASM`), so a fresh checkout needs no manual step.
//! When the target is missing it is added through rustup; when that is impossible the build
//! stops with a message saying what to run.
//!
//! A crate of its own, with no dependencies, so cargo starts this build at once, beside the
//! host's: it used to run in the runtime's build script, after wasmtime and Cranelift had
//! compiled, and its single-threaded link-time optimisation then had a core to itself while
//! the other waited (docs/PERFORMANCE.md, the build).

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip1";

fn main() {
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .expect("guest-module/ has a parent")
        .to_path_buf();
    let guest = root.join("guest-tools");
    let proto = root.join("proto");
    for p in [
        guest.join("src"),
        guest.join("Cargo.toml"),
        guest.join("Cargo.lock"),
        guest.join("locale-sources").join("Cargo.toml"),
        guest.join("vendor"),
        guest.join(".cargo").join("config.toml"),
        proto.join("src"),
        proto.join("Cargo.toml"),
    ] {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    println!("cargo:rerun-if-env-changed=RCABOX_GUEST_WASM");
    println!("cargo:rerun-if-env-changed=CARGO_HOME");
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out =
        PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("rcabox-tools.wasm");

    // An escape hatch for packagers who build the guest separately.
    if let Ok(prebuilt) = env::var("RCABOX_GUEST_WASM") {
        // A rebuilt guest must be copied again, whether or not its sources changed since.
        println!("cargo:rerun-if-changed={prebuilt}");
        std::fs::copy(&prebuilt, &out)
            .unwrap_or_else(|e| fail(&format!("cannot copy RCABOX_GUEST_WASM={prebuilt}: {e}")));
        println!("cargo:wasm={}", out.display());
        return;
    }

    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    ensure_target(&rustc);
    fetch_locale_sources(&cargo, &guest);

    // A target directory of its own: the outer cargo holds a lock on the workspace's.
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("guest");
    let mut cmd = Command::new(cargo);
    // Run from guest-tools/ so cargo reads its .cargo/config.toml (target features).
    cmd.current_dir(&guest);
    cmd.args([
        "build",
        "--release",
        "--locked",
        "--target",
        TARGET,
        "--manifest-path",
    ])
    .arg(guest.join("Cargo.toml"))
    .arg("--target-dir")
    .arg(&target_dir);
    // Panic locations in crates from cargo's registry name their source files by absolute
    // path, under `$CARGO_HOME`, which differs from machine to machine: the module (and so
    // `TOOLS_SHA256` in every trajectory, and a panicking tool's message) differed with it.
    // Remapped, the same sources build the same bytes anywhere. `--config` arrays are
    // appended to guest-tools/.cargo/config.toml's flags, not put in their place.
    if let Some(flags) = remap_flags(&cargo_homes()) {
        cmd.arg("--config").arg(flags);
    }
    // The outer build's flags and wrappers (clippy, coverage, host RUSTFLAGS) are for the host.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_PROFILE_RELEASE_DEBUG",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd
        .status()
        .unwrap_or_else(|e| fail(&format!("cannot run cargo to build the guest tools: {e}")));
    if !status.success() {
        fail("building guest-tools for wasm32-wasip1 failed (see the errors above)");
    }
    let built = target_dir
        .join(TARGET)
        .join("release")
        .join("rcabox-tools.wasm");
    std::fs::copy(&built, &out)
        .unwrap_or_else(|e| fail(&format!("cannot copy {}: {e}", built.display())));
    println!("cargo:wasm={}", out.display());
}

/// Unpacks the published uutils crates that guest-tools replaces with vendored copies (see
/// guest-tools/locale-sources/Cargo.toml). uucore's build script embeds the messages of the
/// `uu_*` crates it finds beside the published uucore in cargo's registry, where a patched
/// (path) dependency never lands: on a fresh machine `ls -l` printed `ls-total` instead of
/// `total`. Runs before the guest build, so before uucore's build script.
fn fetch_locale_sources(cargo: &str, guest: &Path) {
    let manifest = guest.join("locale-sources").join("Cargo.toml");
    let ok = Command::new(cargo)
        .args(["fetch", "--locked", "--target", TARGET, "--manifest-path"])
        .arg(&manifest)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        fail(&format!(
            "`cargo fetch --manifest-path {}` failed: without those crates in cargo's registry \
             the tools print message ids instead of their messages. Check access to \
             crates.io, then build again.",
            manifest.display()
        ));
    }
}

/// Where cargo's home may be, as cargo finds it (`$CARGO_HOME`, else `~/.cargo`) and with
/// symbolic links resolved, since rustc sees whichever path cargo hands it.
fn cargo_homes() -> Vec<PathBuf> {
    let home = env::var_os("CARGO_HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let mut homes: Vec<PathBuf> = home.into_iter().collect();
    if let Some(real) = homes.first().and_then(|h| h.canonicalize().ok())
        && !homes.contains(&real)
    {
        homes.push(real);
    }
    homes
}

/// The `--config` value that remaps each of `homes` to `/cargo` in the guest's rustc flags.
fn remap_flags(homes: &[PathBuf]) -> Option<String> {
    let flags: Vec<String> = homes
        .iter()
        .filter_map(|h| h.to_str())
        .map(|h| toml_string(&format!("--remap-path-prefix={h}=/cargo")))
        .collect();
    (!flags.is_empty()).then(|| format!("target.{TARGET}.rustflags=[{}]", flags.join(",")))
}

/// `s` as a TOML basic string. By hand: this crate has no dependencies, so that cargo starts it
/// first (a TOML crate would wait for its own build).
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Adds the wasm target through rustup when the toolchain lacks it.
fn ensure_target(rustc: &str) {
    if target_installed(rustc) {
        return;
    }
    println!(
        "cargo:warning=adding the {TARGET} target with rustup (needed once for the sandbox's guest tools)"
    );
    let ok = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok || !target_installed(rustc) {
        fail(&format!(
            "the Rust target {TARGET} is missing and rustup could not add it.\n\
             Install it with `rustup target add {TARGET}` (or your distribution's rust-std for {TARGET}), then build again."
        ));
    }
}

fn target_installed(rustc: &str) -> bool {
    Command::new(rustc)
        .args(["--print", "target-libdir", "--target", TARGET])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| has_std(&o.stdout))
        .unwrap_or(false)
}

fn has_std(libdir: &[u8]) -> bool {
    let dir = PathBuf::from(String::from_utf8_lossy(libdir).trim());
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("libstd-"))
        })
        .unwrap_or(false)
}

fn fail(msg: &str) -> ! {
    eprintln!("error: {msg}");
    panic!("{msg}");
}
