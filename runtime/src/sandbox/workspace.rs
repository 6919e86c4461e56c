//! `--workspace DIR`: mirror a host directory into `/workspace` and back.
//!
//! `/workspace` lives in memory (see [`super::vfs::memfs`]); a caller who wants its files to
//! outlive the process names a host directory. Loading charges the quota like any write;
//! saving makes the host directory equal the sandbox's `/workspace` (files removed inside are
//! removed outside), writing each file through a temporary name so a crash never leaves half
//! a file.

use std::path::Path;

use super::vfs::memfs::{Ino, MemFs, MemNode};
use super::{SandboxError, Session};

fn err(path: &Path, reason: String) -> SandboxError {
    SandboxError::Workspace {
        path: path.to_path_buf(),
        reason,
    }
}

impl Session {
    /// Copies the host directory `dir` into `/workspace`.
    pub fn load_workspace(&mut self, dir: &Path) -> Result<(), SandboxError> {
        if !dir.exists() {
            std::fs::create_dir_all(dir).map_err(|e| err(dir, e.to_string()))?;
        }
        let root =
            MemFs::mount_root("workspace").ok_or_else(|| err(dir, "no /workspace mount".into()))?;
        let t = self.vfs().epoch_ns;
        let mut mem = self.vfs().mem();
        load(&mut mem, root, dir, t)
    }

    /// Makes the host directory `dir` equal to `/workspace`.
    pub fn save_workspace(&self, dir: &Path) -> Result<(), SandboxError> {
        let root =
            MemFs::mount_root("workspace").ok_or_else(|| err(dir, "no /workspace mount".into()))?;
        let mem = self.vfs().mem();
        save(&mem, root, dir)
    }
}

fn load(mem: &mut MemFs, at: Ino, dir: &Path, t: u64) -> Result<(), SandboxError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| err(dir, e.to_string()))?
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        let path = e.path();
        let ft = e.file_type().map_err(|x| err(&path, x.to_string()))?;
        if ft.is_dir() {
            let ino = mem
                .create(at, &name, true, t)
                .map_err(|x| err(&path, format!("{x:?}")))?;
            load(mem, ino, &path, t)?;
        } else if ft.is_file() {
            let data = std::fs::read(&path).map_err(|x| err(&path, x.to_string()))?;
            let ino = mem
                .create(at, &name, false, t)
                .map_err(|x| err(&path, format!("{x:?}")))?;
            mem.write(ino, 0, &data, t)
                .map_err(|x| err(&path, format!("{x:?} (over the --disk-mb quota?)")))?;
        }
    }
    Ok(())
}

fn save(mem: &MemFs, at: Ino, dir: &Path) -> Result<(), SandboxError> {
    std::fs::create_dir_all(dir).map_err(|e| err(dir, e.to_string()))?;
    let entries = mem.list(at).map_err(|e| err(dir, format!("{e:?}")))?;
    for (name, ino) in &entries {
        let path = dir.join(name);
        match mem.node(*ino) {
            Some(MemNode::Dir { .. }) => save(mem, *ino, &path)?,
            Some(MemNode::File { data, .. }) => {
                let tmp = dir.join(format!(".{name}.rcabox-tmp"));
                std::fs::write(&tmp, data).map_err(|e| err(&tmp, e.to_string()))?;
                std::fs::rename(&tmp, &path).map_err(|e| err(&path, e.to_string()))?;
            }
            _ => {}
        }
    }
    for e in std::fs::read_dir(dir)
        .map_err(|e| err(dir, e.to_string()))?
        .flatten()
    {
        let gone = e
            .file_name()
            .into_string()
            .map(|n| !entries.iter().any(|(k, _)| *k == n))
            .unwrap_or(false);
        if gone {
            let p = e.path();
            let r = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
            r.map_err(|x| err(&p, x.to_string()))?;
        }
    }
    Ok(())
}
