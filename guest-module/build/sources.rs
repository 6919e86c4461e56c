//! What the checked-in tool module (`guest-module/rcabox-tools.wasm`) was built from, and how
//! to tell whether it still is. Shared, through `#[path]`, by guest-module's build script, its
//! test and `cargo xtask guest-module`, so the three cannot disagree on the files or the hash.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use sha2::{Digest, Sha256};

/// The checked-in module, relative to the repository's root.
pub const MODULE: &str = "guest-module/rcabox-tools.wasm";

/// What built it, relative to the repository's root.
pub const RECORD: &str = "guest-module/rcabox-tools.wasm.toml";

/// Everything the module's bytes depend on besides the toolchain, relative to the repository's
/// root; a directory stands for every file below it. guest-module's build script is not here:
/// only the part of it that runs the guest's cargo (`build/from_source.rs`) shapes the bytes.
pub const SOURCES: &[&str] = &[
    "guest-module/build/from_source.rs",
    "guest-tools/.cargo/config.toml",
    "guest-tools/Cargo.lock",
    "guest-tools/Cargo.toml",
    "guest-tools/locale-sources/Cargo.lock",
    "guest-tools/locale-sources/Cargo.toml",
    "guest-tools/src",
    "guest-tools/vendor",
    "proto/Cargo.toml",
    "proto/src",
];

/// SHA-256 over [`SOURCES`]: each file's path (with `/`), length and bytes, in path order.
pub fn sources_sha256(root: &Path) -> io::Result<String> {
    let mut files = Vec::new();
    for s in SOURCES {
        collect(root, s, &mut files)?;
    }
    files.sort();
    let mut h = Sha256::new();
    for rel in &files {
        let bytes = fs::read(root.join(rel))?;
        h.update(rel.as_bytes());
        h.update([0]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Ok(hex(&h.finalize()))
}

/// SHA-256 of `bytes`, in lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Adds `rel` (a file, or every file below a directory, following links) to `out`.
fn collect(root: &Path, rel: &str, out: &mut Vec<String>) -> io::Result<()> {
    let path = root.join(rel);
    let meta = fs::metadata(&path).map_err(|e| io::Error::new(e.kind(), format!("{rel}: {e}")))?;
    if !meta.is_dir() {
        out.push(rel.to_string());
        return Ok(());
    }
    for entry in fs::read_dir(&path)? {
        let name = entry?.file_name();
        let name = name.to_str().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{rel}: a file name that is not UTF-8"),
            )
        })?;
        collect(root, &format!("{rel}/{name}"), out)?;
    }
    Ok(())
}

/// The contents of [`RECORD`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// [`sources_sha256`] of the sources the module was built from.
    pub sources_sha256: String,
    /// SHA-256 of the module's bytes.
    pub module_sha256: String,
    /// `rustc --version` of the toolchain that built it.
    pub rustc: String,
}

impl Record {
    /// The checked-in record ([`RECORD`] under `root`); the error says what is wrong with it.
    pub fn read(root: &Path) -> Result<Record, String> {
        let text = fs::read_to_string(root.join(RECORD))
            .map_err(|e| format!("{RECORD} cannot be read ({e})"))?;
        Record::parse(&text).ok_or_else(|| format!("{RECORD} is malformed"))
    }

    /// Reads `key = "value"` lines (a subset of TOML, so no parser is needed at build time).
    pub fn parse(text: &str) -> Option<Record> {
        let field = |key: &str| {
            text.lines().find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
            })
        };
        Some(Record {
            sources_sha256: field("sources_sha256")?,
            module_sha256: field("module_sha256")?,
            rustc: field("rustc")?,
        })
    }

    /// The record's text, as [`Record::parse`] reads it.
    pub fn render(&self) -> String {
        format!(
            "# What built rcabox-tools.wasm beside this file. Written by `cargo xtask guest-module`;\n\
             # guest-module's build script uses the module only while sources_sha256 matches the\n\
             # sources (guest-module/build/sources.rs), and CI rebuilds it to compare the bytes.\n\
             sources_sha256 = \"{}\"\nmodule_sha256 = \"{}\"\nrustc = \"{}\"\n",
            self.sources_sha256, self.module_sha256, self.rustc
        )
    }
}
