//! The sandbox's filesystem under a generated sequence of the operations the preview 1 layer
//! makes (path normalisation and resolution, create, write at any offset, truncate, rename,
//! remove, list) with guest-chosen paths, offsets and sizes, against a fresh tree with a small
//! quota. Invariants: no panic; the bytes held never exceed the quota; after everything is
//! removed the tree holds nothing.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rcabox_runtime::sandbox::vfs::memfs::MemFs;
use rcabox_runtime::sandbox::vfs::{Loc, Vfs, normalize};

#[derive(Arbitrary, Debug)]
enum Op {
    Create { path: String, dir: bool },
    Write { path: String, at: u32, len: u16 },
    Truncate { path: String, size: u32 },
    Rename { from: String, to: String },
    Remove { path: String, dir: bool },
    List { path: String },
    Normalize { base: String, path: String },
}

const QUOTA: u64 = 1 << 20;

fn mem(vfs: &Vfs, path: &str) -> Option<usize> {
    match vfs.resolve(&normalize("/tmp", path).ok()?).ok()? {
        Loc::Mem(i) => Some(i),
        _ => None,
    }
}

fuzz_target!(|ops: Vec<Op>| {
    let vfs = Vfs::new(None, &[], QUOTA, vec!["cat".into()], 0).expect("vfs");
    for op in ops.iter().take(256) {
        match op {
            Op::Create { path, dir } => {
                if let Ok(abs) = normalize("/tmp", path) {
                    if let Ok((parent, name)) = vfs.mem_parent(&abs) {
                        let _ = vfs.mem().create(parent, &name, *dir, 1);
                    }
                }
            }
            Op::Write { path, at, len } => {
                if let Some(i) = mem(&vfs, path) {
                    let data = vec![7u8; *len as usize];
                    let _ = vfs.mem().write(i, u64::from(*at), &data, 2);
                }
            }
            Op::Truncate { path, size } => {
                if let Some(i) = mem(&vfs, path) {
                    let _ = vfs.mem().truncate(i, u64::from(*size), 3);
                }
            }
            Op::Rename { from, to } => {
                let (Ok(f), Ok(t)) = (normalize("/tmp", from), normalize("/tmp", to)) else {
                    continue;
                };
                if let (Ok((fp, fname)), Ok((tp, tname))) = (vfs.mem_parent(&f), vfs.mem_parent(&t))
                {
                    let _ = vfs.mem().rename(fp, &fname, tp, &tname);
                }
            }
            Op::Remove { path, dir } => {
                if let Ok(abs) = normalize("/tmp", path) {
                    if let Ok((parent, name)) = vfs.mem_parent(&abs) {
                        let _ = vfs.mem().remove(parent, &name, *dir);
                    }
                }
            }
            Op::List { path } => {
                if let Ok(abs) = normalize("/", path) {
                    if let Ok(loc) = vfs.resolve(&abs) {
                        let _ = vfs.list(&loc);
                        let _ = vfs.stat(&loc);
                    }
                }
            }
            Op::Normalize { base, path } => {
                if let Ok(n) = normalize(&format!("/{base}"), path) {
                    assert!(
                        n.starts_with('/') && !n.contains("/../") && !n.ends_with("/.."),
                        "{n}"
                    );
                }
            }
        }
        assert!(vfs.mem().used() <= QUOTA);
    }
    // Remove everything, deepest first: the counter must come back to zero.
    fn clear(m: &mut MemFs, dir: usize) {
        for (name, ino) in m.list(dir).unwrap_or_default() {
            if m.list(ino).is_ok() {
                clear(m, ino);
                let _ = m.remove(dir, &name, true);
            } else {
                let _ = m.remove(dir, &name, false);
            }
        }
    }
    let mut m = vfs.mem();
    for root in ["tmp", "workspace"] {
        if let Some(r) = MemFs::mount_root(root) {
            clear(&mut m, r);
        }
    }
    assert_eq!(m.used(), 0, "bytes left charged after removing everything");
});
