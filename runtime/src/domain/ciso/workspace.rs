//! The agent's working directory as the evaluation takes it: from a host directory
//! (`rcabox score --ciso SCENARIO --workspace DIR`) or from the `/workspace` of the session
//! the agent ran in. Either way bounded by [`super::scenario::MAX_FILES`] and
//! [`super::scenario::MAX_BYTES`].

use std::path::Path;

use super::scenario::{Files, MAX_BYTES, MAX_FILES, ScenarioError, read_tree};
use crate::sandbox::{Kind, Session};

/// The files under the host directory `dir` (symlinks skipped).
pub fn from_dir(dir: &Path) -> Result<Files, ScenarioError> {
    if !dir.is_dir() {
        return Err(ScenarioError::Missing {
            path: dir.to_path_buf(),
            what: "the agent's working directory, holding fetch.sh and policy.rego".into(),
        });
    }
    read_tree(dir)
}

/// The files of the session's `/workspace`, without the snapshot's read-only view when the
/// session shows it there.
pub fn from_session(session: &Session) -> Result<Files, ScenarioError> {
    let mut files = Files::new();
    let mut bytes = 0u64;
    let skip = session.snapshot_mount().map(|m| m.to_string());
    walk(
        session,
        "/workspace",
        "",
        skip.as_deref(),
        &mut files,
        &mut bytes,
    )?;
    Ok(files)
}

fn err(path: &str, e: impl ToString) -> ScenarioError {
    ScenarioError::Io {
        path: path.into(),
        reason: e.to_string(),
    }
}

fn walk(
    session: &Session,
    dir: &str,
    prefix: &str,
    skip: Option<&str>,
    files: &mut Files,
    bytes: &mut u64,
) -> Result<(), ScenarioError> {
    for (name, kind) in session.list_dir(dir).map_err(|e| err(dir, e))? {
        if prefix.is_empty() && Some(name.as_str()) == skip {
            continue;
        }
        let path = format!("{dir}/{name}");
        let rel = format!("{prefix}{name}");
        match kind {
            Kind::Dir => walk(session, &path, &format!("{rel}/"), None, files, bytes)?,
            Kind::File => {
                if files.len() >= MAX_FILES {
                    return Err(ScenarioError::TooLarge {
                        path: dir.into(),
                        limit: format!("{MAX_FILES} files"),
                    });
                }
                let data = session
                    .read_file(&path, MAX_BYTES - *bytes)
                    .map_err(|e| err(&path, e))?;
                *bytes += data.len() as u64;
                files.insert(rel, data);
            }
        }
    }
    Ok(())
}
