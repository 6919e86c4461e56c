//! The writable mounts, `/workspace` and `/tmp`: an in-memory tree with one byte quota.
//!
//! Keeping them in memory rather than in a host directory makes the quota exact (every byte
//! written passes through here), keeps host disks and host metadata out of the sandbox, and
//! makes "dropped with the session" free. `--workspace DIR` loads and saves a host directory
//! around a command for callers who want the files afterwards.

use std::collections::{BTreeMap, HashMap};

use super::Errno;

/// Inode number of a node; never reused within a session, so a descriptor left open on a
/// removed file fails cleanly instead of reaching whatever took its place.
pub type Ino = usize;

/// One file or directory.
#[derive(Debug, Clone)]
pub enum MemNode {
    /// Child names to nodes.
    Dir {
        /// Its entries.
        children: BTreeMap<String, Ino>,
        /// Last change, nanoseconds since the epoch on the sandbox's clock.
        mtime: u64,
    },
    /// File contents.
    File {
        /// The bytes.
        data: Vec<u8>,
        /// Last change, nanoseconds since the epoch on the sandbox's clock.
        mtime: u64,
    },
}

/// A node with its parent link, so that ancestry is a walk up (threat H-CPU-RENAME: the
/// ancestor test of a directory rename scanned every node for every level).
#[derive(Debug)]
struct Slot {
    node: MemNode,
    parent: Ino,
}

/// The in-memory tree with its quota.
#[derive(Debug)]
pub struct MemFs {
    /// Live nodes only: a removed node's memory is freed at once (threat H-MEM-NODES: removed
    /// nodes used to stay in an arena for the rest of the session).
    nodes: HashMap<Ino, Slot>,
    next: Ino,
    /// Bytes of file data and metadata the tree may hold.
    pub quota: u64,
    used: u64,
}

/// The root directories this tree serves, by mount name.
pub const MOUNTS: &[&str] = &["tmp", "workspace"];

/// Per-node bookkeeping charged against the quota, so that creating files without data
/// cannot grow host memory without bound (threat H-DISK-NODES). A node is also charged the
/// length of its name, re-charged when a rename changes it.
pub const NODE_COST: u64 = 256;

/// Longest name of one directory entry, as Linux's `NAME_MAX`: a longer name could neither be
/// saved to a host `--workspace` nor be charged fairly (threat H-DISK-NAMES).
pub const NAME_MAX: usize = 255;

fn check_name(name: &str) -> Result<(), Errno> {
    match name {
        "" | "." | ".." => Err(Errno::Exist),
        n if n.len() > NAME_MAX => Err(Errno::Nametoolong),
        n if n.contains('/') || n.contains('\0') => Err(Errno::Inval),
        _ => Ok(()),
    }
}

fn cost(name: &str) -> u64 {
    NODE_COST + name.len() as u64
}

impl MemFs {
    /// An empty tree with one empty directory per mount.
    pub fn new(quota: u64, mtime: u64) -> Self {
        let mut fs = MemFs {
            nodes: HashMap::new(),
            next: MOUNTS.len(),
            quota,
            used: 0,
        };
        for i in 0..MOUNTS.len() {
            let node = MemNode::Dir {
                children: BTreeMap::new(),
                mtime,
            };
            fs.nodes.insert(i, Slot { node, parent: i });
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

    /// Live nodes, mount roots included.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The node for `ino`.
    pub fn node(&self, ino: Ino) -> Option<&MemNode> {
        self.nodes.get(&ino).map(|s| &s.node)
    }

    fn node_mut(&mut self, ino: Ino) -> Option<&mut MemNode> {
        self.nodes.get_mut(&ino).map(|s| &mut s.node)
    }

    fn children_mut(&mut self, dir: Ino) -> Option<&mut BTreeMap<String, Ino>> {
        match self.node_mut(dir) {
            Some(MemNode::Dir { children, .. }) => Some(children),
            _ => None,
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
            return Err(Errno::Nospc);
        }
        self.used += grow;
        Ok(())
    }

    fn refund(&mut self, freed: u64) {
        // Every refund matches an earlier charge; saturation only guards the invariant.
        debug_assert!(freed <= self.used);
        self.used = self.used.saturating_sub(freed);
    }

    fn dir_of(&self, dir: Ino) -> Result<&BTreeMap<String, Ino>, Errno> {
        match self.node(dir) {
            Some(MemNode::Dir { children, .. }) => Ok(children),
            Some(_) => Err(Errno::Notdir),
            None => Err(Errno::Noent),
        }
    }

    /// Creates `name` in directory `dir`, as a file or a directory.
    pub fn create(&mut self, dir: Ino, name: &str, is_dir: bool, mtime: u64) -> Result<Ino, Errno> {
        check_name(name)?;
        if self.dir_of(dir)?.contains_key(name) {
            return Err(Errno::Exist);
        }
        self.charge(cost(name))?;
        let ino = self.next;
        self.next += 1;
        let node = if is_dir {
            MemNode::Dir {
                children: BTreeMap::new(),
                mtime,
            }
        } else {
            MemNode::File {
                data: Vec::new(),
                mtime,
            }
        };
        self.nodes.insert(ino, Slot { node, parent: dir });
        if let Some(MemNode::Dir { children, mtime: m }) = self.node_mut(dir) {
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
            None => Err(Errno::Badf),
        }
    }

    fn file_len(&self, ino: Ino) -> Result<u64, Errno> {
        match self.node(ino) {
            Some(MemNode::File { data, .. }) => Ok(data.len() as u64),
            Some(MemNode::Dir { .. }) => Err(Errno::Isdir),
            None => Err(Errno::Badf),
        }
    }

    /// Writes `data` at `pos`, growing the file; fails with `ENOSPC` past the quota.
    pub fn write(&mut self, ino: Ino, pos: u64, data: &[u8], mtime: u64) -> Result<usize, Errno> {
        let len = self.file_len(ino)?;
        let end = pos.checked_add(data.len() as u64).ok_or(Errno::Fbig)?;
        // The quota is far below the address space, so a charged end fits in usize.
        self.charge(end.saturating_sub(len))?;
        if let Some(MemNode::File {
            data: buf,
            mtime: m,
        }) = self.node_mut(ino)
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
        let len = self.file_len(ino)?;
        if size > len {
            self.charge(size - len)?;
        } else {
            self.refund(len - size);
        }
        if let Some(MemNode::File { data, mtime: m }) = self.node_mut(ino) {
            data.resize(size as usize, 0);
            if size < len {
                data.shrink_to_fit();
            }
            *m = mtime;
        }
        Ok(())
    }

    /// Size and modification time of a node; directories report their entry count as size.
    pub fn stat(&self, ino: Ino) -> Option<(bool, u64, u64)> {
        match self.node(ino)? {
            MemNode::Dir { children, mtime } => Some((true, children.len() as u64, *mtime)),
            MemNode::File { data, mtime } => Some((false, data.len() as u64, *mtime)),
        }
    }

    /// Sets a node's modification time.
    pub fn touch(&mut self, ino: Ino, t: u64) {
        if let Some(MemNode::Dir { mtime, .. } | MemNode::File { mtime, .. }) = self.node_mut(ino) {
            *mtime = t;
        }
    }

    /// Sorted child names of a directory.
    pub fn list(&self, ino: Ino) -> Result<Vec<(String, Ino)>, Errno> {
        Ok(self
            .dir_of(ino)?
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect())
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
            None => return Err(Errno::Noent),
        };
        if let Some(children) = self.children_mut(dir) {
            children.remove(name);
        }
        self.nodes.remove(&child);
        self.refund(freed + cost(name));
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
        check_name(to)?;
        let child = self.lookup(from_dir, &[from])?;
        self.dir_of(to_dir)?;
        if matches!(self.node(child), Some(MemNode::Dir { .. })) && self.is_ancestor(child, to_dir)
        {
            return Err(Errno::Inval);
        }
        let existing = match self.lookup(to_dir, &[to]) {
            Ok(existing) if existing == child => return Ok(()),
            Ok(existing) => Some(existing),
            Err(Errno::Noent) => None,
            Err(e) => return Err(e),
        };
        // The entry's name is part of what it costs: a longer new name is charged before
        // anything changes (threat H-DISK-NAMES: renames used to move names uncharged).
        let (old_cost, new_cost) = (cost(from), cost(to));
        if new_cost > old_cost {
            self.charge(new_cost - old_cost)?;
        }
        if let Some(existing) = existing {
            let want_dir = matches!(self.node(existing), Some(MemNode::Dir { .. }));
            if let Err(e) = self.remove(to_dir, to, want_dir) {
                if new_cost > old_cost {
                    self.refund(new_cost - old_cost);
                }
                return Err(e);
            }
        }
        if new_cost < old_cost {
            self.refund(old_cost - new_cost);
        }
        if let Some(children) = self.children_mut(from_dir) {
            children.remove(from);
        }
        if let Some(children) = self.children_mut(to_dir) {
            children.insert(to.to_string(), child);
        }
        if let Some(slot) = self.nodes.get_mut(&child) {
            slot.parent = to_dir;
        }
        Ok(())
    }

    /// Whether `anc` is `node` or one of its ancestors: a walk up the parent links, as long
    /// as the tree is deep (and a path of 4096 bytes bounds that).
    fn is_ancestor(&self, anc: Ino, mut node: Ino) -> bool {
        loop {
            if node == anc {
                return true;
            }
            match self.nodes.get(&node) {
                Some(s) if s.parent != node => node = s.parent,
                _ => return false,
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

    /// H-DISK-NAMES: names over 255 bytes are refused, a rename charges a longer name and
    /// refunds a shorter one, and create-rename-remove cycles leave the counter where it was.
    #[test]
    fn names_are_limited_and_charged_through_renames() {
        let mut fs = MemFs::new(1 << 20, 0);
        let tmp = MemFs::mount_root("tmp").unwrap_or_default();
        let long = "a".repeat(NAME_MAX + 1);
        assert_eq!(fs.create(tmp, &long, false, 0), Err(Errno::Nametoolong));
        let ok = "b".repeat(NAME_MAX);
        for _ in 0..100 {
            fs.create(tmp, "x", false, 0).expect("create");
            fs.rename(tmp, "x", tmp, &ok).expect("rename");
            assert_eq!(fs.used(), cost(&ok));
            fs.remove(tmp, &ok, false).expect("remove");
            assert_eq!(fs.used(), 0);
        }
        assert_eq!(fs.rename(tmp, "x", tmp, &long), Err(Errno::Nametoolong));
        // A rename that the quota cannot pay for changes nothing.
        let mut small = MemFs::new(cost("x") + 10, 0);
        small.create(tmp, "x", false, 0).expect("create");
        assert_eq!(small.rename(tmp, "x", tmp, &ok), Err(Errno::Nospc));
        assert!(small.lookup(tmp, &["x"]).is_ok());
        // Truncating after all that never underflows: the counter stays exact.
        let f = fs.create(tmp, "f", false, 0).expect("create");
        fs.write(f, 0, &[0; 100], 0).expect("write");
        fs.truncate(f, 0, 0).expect("truncate");
        assert_eq!(fs.used(), cost("f"));
    }

    /// H-MEM-NODES: removed nodes are freed; H-CPU-RENAME: the ancestor test walks up.
    #[test]
    fn removed_nodes_are_freed_and_deep_renames_are_cheap() {
        let mut fs = MemFs::new(1 << 30, 0);
        let tmp = MemFs::mount_root("tmp").unwrap_or_default();
        for round in 0..3 {
            for i in 0..1000 {
                fs.create(tmp, &format!("f{i}"), false, 0).expect("create");
            }
            for i in 0..1000 {
                fs.remove(tmp, &format!("f{i}"), false).expect("remove");
            }
            assert_eq!(fs.node_count(), MOUNTS.len(), "round {round}");
        }
        let top = fs.create(tmp, "top", true, 0).expect("mkdir");
        let mut d = top;
        for _ in 0..2000 {
            d = fs.create(d, "d", true, 0).expect("mkdir");
        }
        assert_eq!(fs.rename(tmp, "top", d, "x"), Err(Errno::Inval));
        let other = fs.create(tmp, "other", true, 0).expect("mkdir");
        fs.rename(tmp, "other", d, "x")
            .expect("rename into the deep end");
        assert!(fs.is_ancestor(top, other));
    }
}
