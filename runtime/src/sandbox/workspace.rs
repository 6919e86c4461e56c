//! `--workspace DIR`: mirror a host directory into `/workspace` and back.
//!
//! `/workspace` lives in memory (see [`super::vfs::memfs`]); a caller who wants its files to
//! outlive the process names a host directory. Loading charges the quota like any write;
//! saving makes the host directory equal the sandbox's `/workspace` (files removed inside are
//! removed outside), writing each file through a temporary name so a crash never leaves half
//! a file.
//!
//! The host directory may be hostile (threats ESC-WS and LEAK-WS in docs/SECURITY.md): every
//! access goes through a cap-std [`Dir`] opened on it, so no path leaves it (cap-std refuses
//! any resolution that would), and neither the loader nor the saver follows a symlink: each
//! entry's own type is checked before it is opened as a directory. A symlink is not loaded; where the sandbox has a
//! file or directory of that name, the saver removes the link itself (never its target) and
//! writes a real one. Hidden names (the ground truth's) are neither loaded nor saved.

use std::path::Path;

use cap_std::ambient_authority;
use cap_std::fs::Dir;

use super::vfs::memfs::{Ino, MemFs, MemNode};
use super::{SandboxError, Session};

fn err(path: &Path, reason: impl ToString) -> SandboxError {
    SandboxError::Workspace {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

impl Session {
    /// Copies the host directory `dir` into `/workspace`.
    pub fn load_workspace(&mut self, dir: &Path) -> Result<(), SandboxError> {
        if !dir.exists() {
            std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
        }
        let root = MemFs::mount_root("workspace").ok_or_else(|| err(dir, "no /workspace mount"))?;
        let host = Dir::open_ambient_dir(dir, ambient_authority()).map_err(|e| err(dir, e))?;
        let t = self.vfs().epoch_ns;
        let hidden = self.hidden().to_vec();
        let mut mem = self.vfs().mem();
        load(&mut mem, root, &host, dir, t, &hidden)
    }

    /// Makes the host directory `dir` equal to `/workspace`.
    pub fn save_workspace(&self, dir: &Path) -> Result<(), SandboxError> {
        let root = MemFs::mount_root("workspace").ok_or_else(|| err(dir, "no /workspace mount"))?;
        std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
        let host = Dir::open_ambient_dir(dir, ambient_authority()).map_err(|e| err(dir, e))?;
        let mem = self.vfs().mem();
        save(&mem, root, &host, dir, self.hidden())
    }
}

fn load(
    mem: &mut MemFs,
    at: Ino,
    host: &Dir,
    shown: &Path,
    t: u64,
    hidden: &[String],
) -> Result<(), SandboxError> {
    let mut entries: Vec<_> = host
        .entries()
        .map_err(|e| err(shown, e))?
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        if hidden.contains(&name) {
            continue;
        }
        let path = shown.join(&name);
        // The entry's own type: a symlink is neither a file nor a directory here.
        let ft = e.file_type().map_err(|x| err(&path, x))?;
        if ft.is_dir() {
            let sub = host.open_dir(&name).map_err(|x| err(&path, x))?;
            let ino = mem
                .create(at, &name, true, t)
                .map_err(|x| err(&path, format!("{x:?}")))?;
            load(mem, ino, &sub, &path, t, hidden)?;
        } else if ft.is_file() {
            let data = host.read(&name).map_err(|x| err(&path, x))?;
            let ino = mem
                .create(at, &name, false, t)
                .map_err(|x| err(&path, format!("{x:?}")))?;
            mem.write(ino, 0, &data, t)
                .map_err(|x| err(&path, format!("{x:?} (over the --disk-mb quota?)")))?;
        }
    }
    Ok(())
}

/// Removes `name` from `host` without following it: a directory with its contents, anything
/// else (a symlink included) as itself.
fn remove(host: &Dir, name: &str, shown: &Path) -> Result<(), SandboxError> {
    let m = host.symlink_metadata(name).map_err(|e| err(shown, e))?;
    if m.is_dir() {
        host.remove_dir_all(name)
    } else {
        host.remove_file(name)
    }
    .map_err(|e| err(shown, e))
}

fn save(
    mem: &MemFs,
    at: Ino,
    host: &Dir,
    shown: &Path,
    hidden: &[String],
) -> Result<(), SandboxError> {
    let entries = mem.list(at).map_err(|e| err(shown, format!("{e:?}")))?;
    for (name, ino) in &entries {
        if hidden.contains(name) {
            continue;
        }
        let path = shown.join(name);
        let existing = host.symlink_metadata(name).ok();
        match mem.node(*ino) {
            Some(MemNode::Dir { .. }) => {
                if existing.as_ref().is_some_and(|m| !m.is_dir()) {
                    remove(host, name, &path)?;
                }
                if existing.as_ref().is_none_or(|m| !m.is_dir()) {
                    host.create_dir(name).map_err(|e| err(&path, e))?;
                }
                let sub = host.open_dir(name).map_err(|e| err(&path, e))?;
                save(mem, *ino, &sub, &path, hidden)?;
            }
            Some(MemNode::File { data, .. }) => {
                if existing.as_ref().is_some_and(|m| m.is_dir()) {
                    remove(host, name, &path)?;
                }
                // Written under a temporary name, then renamed over the entry: rename replaces
                // a symlink itself, never what it points at.
                let tmp = format!(".rcabox-tmp-{ino}");
                host.write(&tmp, data)
                    .map_err(|e| err(&shown.join(&tmp), e))?;
                host.rename(&tmp, host, name).map_err(|e| err(&path, e))?;
            }
            None => {}
        }
    }
    for e in host.entries().map_err(|e| err(shown, e))?.flatten() {
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        if !hidden.contains(&name) && !entries.iter().any(|(k, _)| *k == name) {
            remove(host, &name, &shown.join(&name))?;
        }
    }
    Ok(())
}
