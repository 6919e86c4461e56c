//! Builds the guest tools (`guest-tools/`) for `wasm32-wasip1` from source. Shared, through
//! `#[path]`, by guest-module's build script (when the checked-in module does not match the
//! sources) and `cargo xtask guest-module` (which refreshes or checks it). Its flags shape the
//! module's bytes, so this file is one of the module's sources (`sources.rs`).

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The guest's target.
pub const TARGET: &str = "wasm32-wasip1";

/// The toolchain's cargo (`$CARGO`, as cargo sets it for build scripts and `cargo run`).
fn cargo() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The toolchain's rustc (`$RUSTC`, likewise).
fn rustc() -> String {
    env::var("RUSTC").unwrap_or_else(|_| "rustc".into())
}

/// Builds the module with the toolchain's cargo into `target/guest` (under `$CARGO_TARGET_DIR`
/// when set; a target directory of its own, since an outer cargo holds a lock on the
/// workspace's), adding the target through rustup when it is missing; returns the built
/// module's path. `warn` is told what the build does besides building.
pub fn build(root: &Path, warn: &mut dyn FnMut(&str)) -> Result<PathBuf, String> {
    let (cargo, rustc) = (cargo(), rustc());
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("guest");
    let guest = root.join("guest-tools");
    ensure_target(&rustc, warn)?;
    fetch_locale_sources(&cargo, &guest)?;
    let mut cmd = Command::new(&cargo);
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
        .map_err(|e| format!("cannot run cargo to build the guest tools: {e}"))?;
    if !status.success() {
        return Err("building guest-tools for wasm32-wasip1 failed (see the errors above)".into());
    }
    Ok(target_dir
        .join(TARGET)
        .join("release")
        .join("rcabox-tools.wasm"))
}

/// `rustc --version` of the toolchain's rustc, for the module's record.
pub fn rustc_version() -> Result<String, String> {
    let rustc = rustc();
    let out = Command::new(&rustc)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run {rustc} --version: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Unpacks the published uutils crates that guest-tools replaces with vendored copies (see
/// guest-tools/locale-sources/Cargo.toml). uucore's build script embeds the messages of the
/// `uu_*` crates it finds beside the published uucore in cargo's registry, where a patched
/// (path) dependency never lands: on a fresh machine `ls -l` printed `ls-total` instead of
/// `total`. Runs before the guest build, so before uucore's build script.
fn fetch_locale_sources(cargo: &str, guest: &Path) -> Result<(), String> {
    let manifest = guest.join("locale-sources").join("Cargo.toml");
    let ok = Command::new(cargo)
        .args(["fetch", "--locked", "--target", TARGET, "--manifest-path"])
        .arg(&manifest)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if ok {
        return Ok(());
    }
    Err(format!(
        "`cargo fetch --manifest-path {}` failed: without those crates in cargo's registry \
         the tools print message ids instead of their messages. Check access to crates.io, \
         then build again.",
        manifest.display()
    ))
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

/// `s` as a TOML basic string. By hand: a TOML crate would be one more build-dependency that the
/// guest's build waits for.
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
fn ensure_target(rustc: &str, warn: &mut dyn FnMut(&str)) -> Result<(), String> {
    if target_installed(rustc) {
        return Ok(());
    }
    warn(&format!(
        "adding the {TARGET} target with rustup (needed once for the sandbox's guest tools)"
    ));
    let ok = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if ok && target_installed(rustc) {
        return Ok(());
    }
    Err(format!(
        "the Rust target {TARGET} is missing and rustup could not add it.\n\
         Install it with `rustup target add {TARGET}` (or your distribution's rust-std for {TARGET}), then build again."
    ))
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
