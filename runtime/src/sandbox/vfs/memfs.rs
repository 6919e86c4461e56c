//! The writable mounts, `/workspace` and `/tmp`: an in-memory tree with one byte quota.
//!
//! Keeping them in memory rather than in a host directory makes the quota exact (every byte
//! written passes through here), keeps host disks and host metadata out of the sandbox, and
//! makes "dropped with the session" free. `--workspace DIR` loads and saves a host directory
//! around a command for callers who want the files afterwards.

use std::collections::BTreeMap;

use super::Errno;

/// Index of a node in the tree's arena; also its inode number.
pub type Ino = usize;

/// One file or directory.
#[derive(Debug, Clone)]
pub enum MemNode {
    /// Child names to nodes.
    Dir {
        children: BTreeMap<String, Ino>,
        mtime: u64,
    },
    /// File contents.
    File { data: Vec<u8>, mtime: u64 },
    /// A removed node whose arena slot is not reused, so open descriptors fail cleanly.
    Gone,
}

/// The in-memory tree with its quota.
#[derive(Debug)]
pub struct MemFs {
    nodes: Vec<MemNode>,
    /// Bytes of file data the tree may hold.
    pub quota: u64,
    used: u64,
    /// Set when a write was refused for lack of quota, so the command can report it.
    pub quota_hit: bool,
}

/// The root directories this tree serves, by mount name.
pub const MOUNTS: &[&str] = &["tmp", "workspace"];

/// Per-directory bookkeeping charged against the quota, so that creating files without data
/// cannot grow host memory without bound.
const NODE_COST: u64 = 256;

impl MemFs {
    /// An empty tree with one empty directory per mount.
    pub fn new(quota: u64, mtime: u64) -> Self {
        let mut fs = MemFs {
            nodes: Vec::new(),
            quota,
            used: 0,
            quota_hit: false,
        };
        for _ in MOUNTS {
            fs.nodes.push(MemNode::Dir {
                children: BTreeMap::new(),
                mtime,
            });
        }
        fs
    }

    /// The root node of a mount.
    pub fn mount_root(name: &str) -> Option<Ino> {
        MOUNTS.iter().position(|m| *m == name)
    }

    /// Bytes charged against the quota.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// The node for `ino`.
    pub fn node(&self, ino: Ino) -> Option<&MemNode> {
        match self.nodes.get(ino) {
            Some(MemNode::Gone) | None => None,
            n => n,
        }
    }

    /// Walks `parts` from `start`; every part must be a directory but the last.
    pub fn lookup(&self, start: Ino, parts: &[&str]) -> Result<Ino, Errno> {
        let mut cur = start;
        for p in parts {
            match self.node(cur) {
                Some(MemNode::Dir { children, .. }) => {
                    cur = *children.get(*p).ok_or(Errno::Noent)?
                }
                Some(_) => return Err(Errno::Notdir),
                None => return Err(Errno::Noent),
            }
        }
        Ok(cur)
    }

    fn charge(&mut self, grow: u64) -> Result<(), Errno> {
        if self.used.saturating_add(grow) > self.quota {
            self.quota_hit = true;
            return Err(Errno::Nospc);
        }
        self.used += grow;
        Ok(())
    }

    /// Creates `name` in directory `dir`, as a file or a directory.
    pub fn create(&mut self, dir: Ino, name: &str, is_dir: bool, mtime: u64) -> Result<Ino, Errno> {
        if name.is_empty() || name == "." || name == ".." {
            return Err(Errno::Exist);
        }
        match self.node(dir) {
            Some(MemNode::Dir { children, .. }) if children.contains_key(name) => {
                return Err(Errno::Exist);
            }
            Some(MemNode::Dir { .. }) => {}
            Some(_) => return Err(Errno::Notdir),
            None => return Err(Errno::Noent),
        }
        self.charge(NODE_COST + name.len() as u64)?;
        let ino = self.nodes.len();
        self.nodes.push(if is_dir {
            MemNode::Dir {
                children: BTreeMap::new(),
                mtime,
            }
        } else {
            MemNode::File {
                data: Vec::new(),
                mtime,
            }
        });
        if let Some(MemNode::Dir { children, mtime: m }) = self.nodes.get_mut(dir) {
            children.insert(name.to_string(), ino);
            *m = mtime;
        }
        Ok(ino)
    }

    /// Reads up to `out.len()` bytes at `pos`.
    pub fn read(&self, ino: Ino, pos: u64, out: &mut [u8]) -> Result<usize, Errno> {
        match self.node(ino) {
            Some(MemNode::File { data, .. }) => {
                let start = usize::try_from(pos).unwrap_or(usize::MAX).min(data.len());
                let n = out.len().min(data.len() - start);
                out[..n].copy_from_slice(&data[start..start + n]);
                Ok(n)
            }
            Some(MemNode::Dir { .. }) => Err(Errno::Isdir),
            _ => Err(Errno::Badf),
        }
    }

    /// Writes `data` at `pos`, growing the file; fails with `ENOSPC` past the quota.
    pub fn write(&mut self, ino: Ino, pos: u64, data: &[u8], mtime: u64) -> Result<usize, Errno> {
        let len = match self.node(ino) {
            Some(MemNode::File { data, .. }) => data.len() as u64,
            Some(MemNode::Dir { .. }) => return Err(Errno::Isdir),
            _ => return Err(Errno::Badf),
        };
        let end = pos.checked_add(data.len() as u64).ok_or(Errno::Fbig)?;
        self.charge(end.saturating_sub(len))?;
        if let Some(MemNode::File {
            data: buf,
            mtime: m,
        }) = self.nodes.get_mut(ino)
        {
            let (start, end) = (pos as usize, end as usize);
            if buf.len() < end {
                buf.resize(end, 0);
            }
            buf[start..end].copy_from_slice(data);
            *m = mtime;
        }
        Ok(data.len())
    }

    /// Sets a file's length.
    pub fn truncate(&mut self, ino: Ino, size: u64, mtime: u64) -> Result<(), Errno> {
        let len = match self.node(ino) {
            Some(MemNode::File { data, .. }) => data.len() as u64,
            Some(MemNode::Dir { .. }) => return Err(Errno::Isdir),
            _ => return Err(Errno::Badf),
        };
        if size > len {
            self.charge(size - len)?;
        } else {
            self.used -= len - size;
        }
        if let Some(MemNode::File { data, mtime: m }) = self.nodes.get_mut(ino) {
            data.resize(size as usize, 0);
            *m = mtime;
        }
        Ok(())
    }

    /// Size and modification time of a node; directories report their entry count as size.
    pub fn stat(&self, ino: Ino) -> Option<(bool, u64, u64)> {
        match self.node(ino)? {
            MemNode::Dir { children, mtime } => Some((true, children.len() as u64, *mtime)),
            MemNode::File { data, mtime } => Some((false, data.len() as u64, *mtime)),
            MemNode::Gone => None,
        }
    }

    /// Sets a node's modification time.
    pub fn touch(&mut self, ino: Ino, t: u64) {
        if let Some(MemNode::Dir { mtime, .. } | MemNode::File { mtime, .. }) =
            self.nodes.get_mut(ino)
        {
            *mtime = t;
        }
    }

    /// Sorted child names of a directory.
    pub fn list(&self, ino: Ino) -> Result<Vec<(String, Ino)>, Errno> {
        match self.node(ino) {
            Some(MemNode::Dir { children, .. }) => {
                Ok(children.iter().map(|(k, v)| (k.clone(), *v)).collect())
            }
            Some(_) => Err(Errno::Notdir),
            None => Err(Errno::Noent),
        }
    }

    /// Removes `name` from `dir`: a file when `want_dir` is false, an empty directory otherwise.
    pub fn remove(&mut self, dir: Ino, name: &str, want_dir: bool) -> Result<(), Errno> {
        let child = self.lookup(dir, &[name])?;
        let freed = match self.node(child) {
            Some(MemNode::Dir { children, .. }) => {
                if !want_dir {
                    return Err(Errno::Isdir);
                }
                if !children.is_empty() {
                    return Err(Errno::Notempty);
                }
                0
            }
            Some(MemNode::File { data, .. }) => {
                if want_dir {
                    return Err(Errno::Notdir);
                }
                data.len() as u64
            }
            _ => return Err(Errno::Noent),
        };
        if let Some(MemNode::Dir { children, .. }) = self.nodes.get_mut(dir) {
            children.remove(name);
        }
        self.nodes[child] = MemNode::Gone;
        self.used = self
            .used
            .saturating_sub(freed + NODE_COST + name.len() as u64);
        Ok(())
    }

    /// Moves `from_dir/from` to `to_dir/to`, replacing a file there.
    pub fn rename(
        &mut self,
        from_dir: Ino,
        from: &str,
        to_dir: Ino,
        to: &str,
    ) -> Result<(), Errno> {
        let child = self.lookup(from_dir, &[from])?;
        if matches!(self.node(child), Some(MemNode::Dir { .. })) && self.is_ancestor(child, to_dir)
        {
            return Err(Errno::Inval);
        }
        match self.lookup(to_dir, &[to]) {
            Ok(existing) if existing == child => return Ok(()),
            Ok(existing) => {
                let want_dir = matches!(self.node(existing), Some(MemNode::Dir { .. }));
                self.remove(to_dir, to, want_dir)?;
            }
            Err(Errno::Noent) => {}
            Err(e) => return Err(e),
        }
        if !matches!(self.node(to_dir), Some(MemNode::Dir { .. })) {
            return Err(Errno::Notdir);
        }
        if let Some(MemNode::Dir { children, .. }) = self.nodes.get_mut(from_dir) {
            children.remove(from);
        }
        if let Some(MemNode::Dir { children, .. }) = self.nodes.get_mut(to_dir) {
            children.insert(to.to_string(), child);
        }
        Ok(())
    }

    fn is_ancestor(&self, anc: Ino, mut node: Ino) -> bool {
        // Parent links are not stored; directories are few, so search from the mount roots.
        loop {
            if node == anc {
                return true;
            }
            let parent = self.nodes.iter().position(|n| match n {
                MemNode::Dir { children, .. } => children.values().any(|c| *c == node),
                _ => false,
            });
            match parent {
                Some(p) => node = p,
                None => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_refuses_growth_and_frees_on_remove() {
        let mut fs = MemFs::new(4096, 0);
        let tmp = MemFs::mount_root("tmp").unwrap_or_default();
        let f = fs.create(tmp, "a", false, 0).expect("create");
        assert_eq!(fs.write(f, 0, &[1; 3000], 0), Ok(3000));
        assert_eq!(fs.write(f, 3000, &[1; 3000], 0), Err(Errno::Nospc));
        assert!(fs.quota_hit);
        fs.remove(tmp, "a", false).expect("remove");
        assert_eq!(fs.used(), 0);
    }

    #[test]
    fn rename_and_listing_order() {
        let mut fs = MemFs::new(1 << 20, 0);
        let ws = MemFs::mount_root("workspace").unwrap_or_default();
        for n in ["b", "c", "a"] {
            fs.create(ws, n, false, 0).expect("create");
        }
        fs.rename(ws, "c", ws, "a").expect("rename");
        let names: Vec<String> = fs
            .list(ws)
            .expect("list")
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(names, ["a", "b"]);
        let d = fs.create(ws, "d", true, 0).expect("mkdir");
        assert_eq!(fs.rename(ws, "d", d, "x"), Err(Errno::Inval));
    }
}
