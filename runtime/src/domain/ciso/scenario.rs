//! A CISO scenario read from disk: the task, the violating resources and, for the evaluation,
//! the compliant ones. Every read is bounded (a scenario directory is input like any other).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Files of a directory tree: path relative to the tree's root (`/`-separated) to bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Files one tree may hold.
pub const MAX_FILES: usize = 10_000;
/// Bytes one tree may hold.
pub const MAX_BYTES: u64 = 64 << 20;
/// Directory depth one tree may reach.
const MAX_DEPTH: usize = 32;

/// Why a scenario or a workspace could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// A required part is missing.
    #[error("{path}: missing ({what})")]
    Missing {
        /// The path looked for.
        path: PathBuf,
        /// What it should hold and how to fix it.
        what: String,
    },
    /// The host refused a read.
    #[error("{path}: {reason}")]
    Io {
        /// The path read.
        path: PathBuf,
        /// The host's error.
        reason: String,
    },
    /// A tree beyond [`MAX_FILES`], [`MAX_BYTES`] or the depth limit.
    #[error("{path}: more than {limit} (a CISO scenario holds a few Kubernetes YAML files)")]
    TooLarge {
        /// The tree read.
        path: PathBuf,
        /// The limit passed, in words.
        limit: String,
    },
}

fn io(path: &Path, e: impl ToString) -> ScenarioError {
    ScenarioError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// One scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// Its id: the directory's name (`k8s-opa-static-cis-5.1.1`), ITBench's `incident_id`.
    pub id: String,
    /// Its directory, as given.
    pub dir: PathBuf,
    /// `problem.md`, when present (the evaluation does not need it).
    pub problem: Option<String>,
    /// `static-resources/`: the resources with violations.
    pub resources: Files,
    /// `static-resources-compliant/`, when present (ITBench-Evaluations gives every criterion
    /// 0 without it).
    pub compliant: Option<Files>,
}

impl Scenario {
    /// Reads the scenario at `dir`; `static-resources/` must exist.
    pub fn load(dir: &Path) -> Result<Scenario, ScenarioError> {
        let resources_dir = dir.join("static-resources");
        if !resources_dir.is_dir() {
            return Err(ScenarioError::Missing {
                path: resources_dir,
                what: "the Kubernetes YAML the task is about; is this a CISO scenario directory (k8s-opa-static-cis-<control>/)?".into(),
            });
        }
        let problem_path = dir.join("problem.md");
        let problem = if problem_path.is_file() {
            let bytes = read_bounded(&problem_path, MAX_BYTES)?;
            Some(String::from_utf8_lossy(&bytes).into_owned())
        } else {
            None
        };
        let compliant_dir = dir.join("static-resources-compliant");
        let compliant = if compliant_dir.is_dir() {
            Some(read_tree(&compliant_dir)?)
        } else {
            None
        };
        let id = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| dir.to_string_lossy().into_owned());
        Ok(Scenario {
            id,
            dir: dir.to_path_buf(),
            problem,
            resources: read_tree(&resources_dir)?,
            compliant,
        })
    }
}

/// Reads one file, refusing more than `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ScenarioError> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| io(path, e))?;
    let mut buf = Vec::new();
    f.take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| io(path, e))?;
    if buf.len() as u64 > limit {
        return Err(ScenarioError::TooLarge {
            path: path.to_path_buf(),
            limit: format!("{limit} bytes"),
        });
    }
    Ok(buf)
}

/// Reads every regular file under `root` (symlinks are skipped, never followed), within
/// [`MAX_FILES`] and [`MAX_BYTES`].
pub fn read_tree(root: &Path) -> Result<Files, ScenarioError> {
    let mut files = Files::new();
    let mut bytes = 0u64;
    walk(root, "", 0, &mut files, &mut bytes)?;
    Ok(files)
}

fn walk(
    dir: &Path,
    prefix: &str,
    depth: usize,
    files: &mut Files,
    bytes: &mut u64,
) -> Result<(), ScenarioError> {
    if depth > MAX_DEPTH {
        return Err(ScenarioError::TooLarge {
            path: dir.to_path_buf(),
            limit: format!("{MAX_DEPTH} directory levels"),
        });
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| io(dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        let path = e.path();
        let rel = format!("{prefix}{name}");
        let ft = e.file_type().map_err(|x| io(&path, x))?;
        if ft.is_dir() {
            walk(&path, &format!("{rel}/"), depth + 1, files, bytes)?;
        } else if ft.is_file() {
            if files.len() >= MAX_FILES {
                return Err(ScenarioError::TooLarge {
                    path: dir.to_path_buf(),
                    limit: format!("{MAX_FILES} files"),
                });
            }
            let data = read_bounded(&path, MAX_BYTES - *bytes)?;
            *bytes += data.len() as u64;
            files.insert(rel, data);
        }
    }
    Ok(())
}

/// Writes `files` under `root` on the host, making directories as needed.
pub fn write_tree(root: &Path, files: &Files) -> Result<(), ScenarioError> {
    for (rel, data) in files {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&path, data).map_err(|e| io(&path, e))?;
    }
    Ok(())
}
