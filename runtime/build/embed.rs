//! Lists the data the generator and the bundled set need (`data/itbench/`'s scenario specs and
//! `snapshots/bundle.json`) into `$OUT_DIR/embedded_data.rs`, so a binary or a Python wheel
//! installed far from the source tree still generates snapshots (src/snapshot/embedded.rs).

use std::fmt::Write as _;
use std::path::Path;

/// Writes the list; `root` is the repository.
pub fn emit(root: &Path, out_dir: &Path) {
    let itbench = root.join("data").join("itbench");
    let recipe = root.join("snapshots").join("bundle.json");
    println!("cargo:rerun-if-changed={}", itbench.display());
    println!("cargo:rerun-if-changed={}", recipe.display());
    let mut files: Vec<(String, std::path::PathBuf)> = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(&itbench)
        .unwrap_or_else(|e| super::fail(&format!("cannot list {}: {e}", itbench.display())))
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let Some(name) = dir.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
            continue;
        };
        if dir.is_dir() && name.starts_with("scenario_") {
            println!("cargo:rerun-if-changed={}", dir.display());
            for f in ["scenario.yaml", "groundtruth_v1.yaml"] {
                if dir.join(f).is_file() {
                    files.push((format!("data/itbench/{name}/{f}"), dir.join(f)));
                }
            }
        } else if dir.is_file() {
            files.push((format!("data/itbench/{name}"), dir.clone()));
        }
    }
    files.push(("snapshots/bundle.json".into(), recipe));
    let mut src = String::from(
        "/// Files by their path in the repository.\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (rel, path) in &files {
        let _ = writeln!(
            src,
            "    ({rel:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    src.push_str("];\n");
    let out = out_dir.join("embedded_data.rs");
    std::fs::write(&out, src)
        .unwrap_or_else(|e| super::fail(&format!("cannot write {}: {e}", out.display())));
}
