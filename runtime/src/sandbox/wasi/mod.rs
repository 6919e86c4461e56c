//! WASI preview 1, implemented by the host over rcabox's own filesystem and process layer.
//!
//! Why not `wasmtime-wasi`: its p1 implementation is generated into a private module, so it can
//! be replaced but not wrapped. The sandbox needs what it cannot do: hide files from every path
//! spelling, list directories in one sorted order, report the snapshot's capture time instead of
//! host mtimes, charge writes to a quota, give pipes created by a guest real descriptors that it
//! can hand to children, and stop a blocked read when its command is cancelled. Each function
//! here follows the `wasi_snapshot_preview1.witx` ABI; `wasmtime` still does all wasm execution.

mod fs;
pub mod imports;
mod misc;

use wasmtime::Result;
use wasmtime::{Caller, Linker};

use super::ErrorKind;
use super::fdtable::{Backing, OpenFile};
use super::process::{CommandCtx, ProcState};
use super::vfs::Errno;

/// The module name guests import WASI from.
const P1: &str = "wasi_snapshot_preview1";

/// How a call fails: an error number for the guest, or a trap that ends the process.
pub(crate) enum Fail {
    Errno(Errno),
    Trap(wasmtime::Error),
}

impl From<Errno> for Fail {
    fn from(e: Errno) -> Self {
        Fail::Errno(e)
    }
}

impl From<wasmtime::Error> for Fail {
    fn from(e: wasmtime::Error) -> Self {
        Fail::Trap(e)
    }
}

pub(crate) type R<T = ()> = std::result::Result<T, Fail>;

/// Runs a call and turns its outcome into the `i32` errno the ABI returns.
pub(crate) fn ret(f: impl FnOnce() -> R) -> Result<i32> {
    match f() {
        Ok(()) => Ok(0),
        Err(Fail::Errno(e)) => Ok(e as i32),
        Err(Fail::Trap(t)) => Err(t),
    }
}

/// Guest memory and process state, borrowed together.
pub(crate) fn split<'a>(c: &'a mut Caller<'_, ProcState>) -> R<(&'a mut [u8], &'a mut ProcState)> {
    let mem = c.data().memory.ok_or(Errno::Fault)?;
    Ok(mem.data_and_store_mut(c))
}

/// `len` bytes of guest memory at `ptr`, bounds-checked.
pub(crate) fn slice(mem: &[u8], ptr: i32, len: i32) -> R<&[u8]> {
    let (p, l) = (ptr as u32 as usize, len as u32 as usize);
    mem.get(p..p.checked_add(l).ok_or(Errno::Fault)?)
        .ok_or(Fail::Errno(Errno::Fault))
}

/// Mutable `len` bytes of guest memory at `ptr`, bounds-checked.
pub(crate) fn slice_mut(mem: &mut [u8], ptr: i32, len: i32) -> R<&mut [u8]> {
    let (p, l) = (ptr as u32 as usize, len as u32 as usize);
    mem.get_mut(p..p.checked_add(l).ok_or(Errno::Fault)?)
        .ok_or(Fail::Errno(Errno::Fault))
}

pub(crate) fn read_u32(mem: &[u8], ptr: i32) -> R<u32> {
    let b = slice(mem, ptr, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

pub(crate) fn read_u64(mem: &[u8], ptr: i32) -> R<u64> {
    let b = slice(mem, ptr, 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Ok(u64::from_le_bytes(a))
}

pub(crate) fn write_u32(mem: &mut [u8], ptr: i32, v: u32) -> R {
    slice_mut(mem, ptr, 4)?.copy_from_slice(&v.to_le_bytes());
    Ok(())
}

pub(crate) fn write_u64(mem: &mut [u8], ptr: i32, v: u64) -> R {
    slice_mut(mem, ptr, 8)?.copy_from_slice(&v.to_le_bytes());
    Ok(())
}

/// A guest string (a path), which must be UTF-8 and at most `PATH_MAX` bytes: the length
/// is checked before anything is copied (threat H-MEM-NAMES).
pub(crate) fn read_str(mem: &[u8], ptr: i32, len: i32) -> R<String> {
    if len as u32 as usize > super::vfs::PATH_MAX {
        return Err(Errno::Nametoolong.into());
    }
    let b = slice(mem, ptr, len)?;
    String::from_utf8(b.to_vec()).map_err(|_| Fail::Errno(Errno::Inval))
}

/// The iovec list at `iovs`: `(ptr, len)` pairs.
pub(crate) fn iovecs(mem: &[u8], iovs: i32, n: i32) -> R<Vec<(i32, i32)>> {
    if !(0..=1024).contains(&n) {
        return Err(Errno::Inval.into());
    }
    (0..n)
        .map(|i| {
            let at = iovs.wrapping_add(i * 8);
            Ok((read_u32(mem, at)? as i32, read_u32(mem, at + 4)? as i32))
        })
        .collect()
}

/// Writes all of `data` to an open file on behalf of the host (error messages), ignoring
/// failures: a reader that went away does not care.
pub(crate) fn write_to(f: &OpenFile, data: &[u8], ctx: &CommandCtx) {
    match &f.backing {
        Backing::Sink(s) => {
            s.write(data);
            if s.overflowed() {
                ctx.soft_error(ErrorKind::OutputLimit);
            }
        }
        Backing::PipeWrite(w) => {
            let mut off = 0;
            while off < data.len() {
                match w.write(&data[off..], &|| ctx.cancel.is_set()) {
                    Ok(n) => off += n,
                    Err(_) => return,
                }
            }
        }
        _ => {}
    }
}

/// Adds every WASI p1 function and the `rcabox` process imports to `linker`.
pub fn add_to_linker(linker: &mut Linker<ProcState>) -> Result<()> {
    fs::add(linker)?;
    misc::add(linker)?;
    imports::add(linker)?;
    Ok(())
}
