//! The checked-in tool module matches the sources: a change to the guest that was not followed
//! by `cargo xtask guest-module` fails here, not silently in a slower first build elsewhere.

#[path = "../build/sources.rs"]
#[allow(dead_code, reason = "shared with the build script and cargo xtask")]
mod sources;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("guest-module/ sits in the repository")
        .to_path_buf()
}

fn record() -> sources::Record {
    sources::Record::read(&root()).expect("the record is read and has its three fields")
}

#[test]
fn the_checked_in_module_was_built_from_these_sources() {
    let now = sources::sources_sha256(&root()).expect("the sources are read");
    assert_eq!(
        record().sources_sha256,
        now,
        "the guest's sources changed since {} was built: run `cargo xtask guest-module` and \
         commit the module and its record",
        sources::MODULE
    );
}

#[test]
fn the_checked_in_module_is_the_one_recorded() {
    let module = std::fs::read(root().join(sources::MODULE)).expect("the module is read");
    assert!(module.starts_with(b"\0asm"), "not a wasm module");
    assert_eq!(sources::sha256(&module), record().module_sha256);
}

#[test]
fn the_sources_hash_changes_with_a_file_and_with_a_name() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path();
    for rel in sources::SOURCES {
        let p = dir.join(rel);
        if rel.ends_with(".rs") || rel.ends_with(".toml") || rel.ends_with(".lock") {
            std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
            std::fs::write(&p, rel.as_bytes()).expect("write");
        } else {
            std::fs::create_dir_all(p.join("sub")).expect("mkdir");
            std::fs::write(p.join("sub").join("a.rs"), b"a").expect("write");
        }
    }
    let first = sources::sources_sha256(dir).expect("hashed");
    assert_eq!(first, sources::sources_sha256(dir).expect("hashed"));
    let file = dir.join("guest-tools/src/sub/a.rs");
    std::fs::write(&file, b"b").expect("write");
    let edited = sources::sources_sha256(dir).expect("hashed");
    assert_ne!(first, edited);
    std::fs::rename(&file, dir.join("guest-tools/src/sub/b.rs")).expect("rename");
    assert_ne!(edited, sources::sources_sha256(dir).expect("hashed"));
}

#[test]
fn a_record_reads_back_what_it_renders() {
    let r = sources::Record {
        sources_sha256: "ab".repeat(32),
        module_sha256: "cd".repeat(32),
        rustc: "rustc 1.95.0 (59807616e 2026-04-14)".into(),
    };
    assert_eq!(sources::Record::parse(&r.render()), Some(r));
    assert_eq!(sources::Record::parse("sources_sha256 = \"x\"\n"), None);
}
