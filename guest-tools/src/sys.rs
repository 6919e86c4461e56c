//! Bindings to the host's `rcabox` import module (see the host's `sandbox::wasi::imports`).

use std::fs::File;
use std::io::{Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;

pub use rcabox_proto::SpawnRequest;

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "rcabox")]
unsafe extern "C" {
    #[link_name = "spawn"]
    fn host_spawn(req: *const u8, len: usize, pid: *mut u32) -> u16;
    #[link_name = "wait"]
    fn host_wait(pid: u32, status: *mut u32) -> u16;
    #[link_name = "pipe"]
    fn host_pipe(fds: *mut u32) -> u16;
    #[link_name = "memfd"]
    fn host_memfd(data: *const u8, len: usize, fd: *mut u32) -> u16;
    #[link_name = "state"]
    fn host_state(buf: *mut u8, len: usize) -> i32;
    #[link_name = "exec"]
    fn host_exec(req: *const u8, len: usize) -> u16;
}

#[cfg(target_arch = "wasm32")]
unsafe extern "C" {
    // wasi-libc's: drop the cached `environ` and read it again from the host's `environ_get`.
    fn __wasilibc_deinitialize_environ();
    fn __wasilibc_initialize_environ();
}

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "wasi_snapshot_preview1")]
unsafe extern "C" {
    fn fd_fdstat_get(fd: u32, buf: *mut u8) -> u16;
}

/// Built natively (`cargo test` of the guest's pure logic: patterns, IFS, arithmetic, bc, jq's
/// arguments), the host's functions are absent: each call fails with ENOSYS, as an import the
/// host does not provide would.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    const ENOSYS: u16 = 52;
    pub unsafe fn host_spawn(_: *const u8, _: usize, _: *mut u32) -> u16 {
        ENOSYS
    }
    pub unsafe fn host_wait(_: u32, _: *mut u32) -> u16 {
        ENOSYS
    }
    pub unsafe fn host_pipe(_: *mut u32) -> u16 {
        ENOSYS
    }
    pub unsafe fn host_memfd(_: *const u8, _: usize, _: *mut u32) -> u16 {
        ENOSYS
    }
    pub unsafe fn host_state(_: *mut u8, _: usize) -> i32 {
        0
    }
    pub unsafe fn host_exec(_: *const u8, _: usize) -> u16 {
        ENOSYS
    }
    pub unsafe fn __wasilibc_deinitialize_environ() {}
    pub unsafe fn __wasilibc_initialize_environ() {}
    pub unsafe fn fd_fdstat_get(_: u32, _: *mut u8) -> u16 {
        ENOSYS
    }
}
#[cfg(not(target_arch = "wasm32"))]
use native::*;

/// WASI file type of a descriptor (0 unknown/pipe, 2 character device, 3 directory, 4 file).
pub fn fd_filetype(fd: u32) -> Option<u8> {
    let mut buf = [0u8; 24];
    // SAFETY: fdstat is 24 bytes; the host writes exactly that into `buf`.
    (unsafe { fd_fdstat_get(fd, buf.as_mut_ptr()) } == 0).then_some(buf[0])
}

/// A WASI error number returned by the host.
#[derive(Debug, Clone, Copy)]
pub struct Errno(pub u16);

impl Errno {
    /// The message strerror would give.
    pub fn message(self) -> &'static str {
        match self.0 {
            6 => "Resource temporarily unavailable",
            8 => "Bad file descriptor",
            44 => "No such file or directory",
            54 => "Not a directory",
            _ => "Operation failed",
        }
    }
}

fn check(e: u16) -> Result<(), Errno> {
    if e == 0 { Ok(()) } else { Err(Errno(e)) }
}

/// Starts a process.
pub fn spawn(req: &SpawnRequest) -> Result<u32, Errno> {
    let bytes = req.encode();
    let mut pid = 0u32;
    // SAFETY: the host reads `len` bytes at `req` and writes one u32 at `pid`, both ours.
    check(unsafe { host_spawn(bytes.as_ptr(), bytes.len(), &mut pid) })?;
    Ok(pid)
}

/// Becomes the program `req` names, in place: the host swaps this process's arguments,
/// environment, descriptors and start state for the request's, and this side reloads what libc
/// caches of them (the environment, the working directory). On error nothing changed.
pub fn exec(req: &SpawnRequest) -> Result<(), Errno> {
    // Output still buffered belongs on the old standard output, which the swap closes.
    let _ = std::io::stdout().flush();
    let bytes = req.encode();
    // SAFETY: the host reads `len` bytes at `req`, ours.
    check(unsafe { host_exec(bytes.as_ptr(), bytes.len()) })?;
    // SAFETY: the guest is single-threaded, and nothing holds a pointer into the old
    // `environ` across this call.
    unsafe {
        __wasilibc_deinitialize_environ();
        __wasilibc_initialize_environ();
    }
    let _ = std::env::set_current_dir(String::from_utf8_lossy(&req.cwd).as_ref());
    Ok(())
}

/// Waits for a child and returns its exit status.
pub fn wait(pid: u32) -> i32 {
    let mut status = 0u32;
    // SAFETY: the host writes one u32 at `status`.
    match check(unsafe { host_wait(pid, &mut status) }) {
        Ok(()) => status as i32,
        Err(_) => 127,
    }
}

/// Makes a pipe: (read end, write end).
pub fn pipe() -> Result<(u32, u32), Errno> {
    let mut fds = [0u32; 2];
    // SAFETY: the host writes two u32 at `fds`.
    check(unsafe { host_pipe(fds.as_mut_ptr()) })?;
    Ok((fds[0], fds[1]))
}

/// A readable descriptor over `data`.
pub fn memfd(data: &[u8]) -> Result<u32, Errno> {
    let mut fd = 0u32;
    // SAFETY: the host reads `data.len()` bytes and writes one u32 at `fd`.
    check(unsafe { host_memfd(data.as_ptr(), data.len(), &mut fd) })?;
    Ok(fd)
}

/// The state this process was started with (empty for a top-level shell).
pub fn start_state() -> Vec<u8> {
    // SAFETY: with a null buffer of length 0 the host only returns the size.
    let n = unsafe { host_state(std::ptr::null_mut(), 0) };
    if n <= 0 {
        return Vec::new();
    }
    let mut buf = vec![0u8; n as usize];
    // SAFETY: the host writes at most `buf.len()` bytes into `buf`.
    unsafe { host_state(buf.as_mut_ptr(), buf.len()) };
    buf
}

fn borrow(fd: u32) -> ManuallyDrop<File> {
    // SAFETY: the descriptor stays owned by the shell; ManuallyDrop never closes it.
    ManuallyDrop::new(unsafe { File::from_raw_fd(fd as i32) })
}

/// Writes all of `data` to `fd`.
pub fn write_fd(fd: u32, data: &[u8]) -> std::io::Result<()> {
    borrow(fd).write_all(data)
}

/// Reads up to `buf.len()` bytes from `fd`.
pub fn read_fd(fd: u32, buf: &mut [u8]) -> std::io::Result<usize> {
    borrow(fd).read(buf)
}

/// Closes `fd`.
///
/// # Safety
/// The caller owns `fd` (this process opened it and nothing else will close it) and never uses
/// the number again: a later descriptor may reuse it.
pub unsafe fn close(fd: u32) {
    // SAFETY: the caller's contract.
    drop(unsafe { File::from_raw_fd(fd as i32) });
}

/// Reads `fd` to end of file and closes it (the read end of a capture pipe).
///
/// # Safety
/// As [`close`]: the caller owns `fd` and gives it up.
pub unsafe fn read_to_end(fd: u32) -> Vec<u8> {
    let mut data = Vec::new();
    let mut buf = vec![0u8; 65536];
    while let Ok(n) = read_fd(fd, &mut buf) {
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    // SAFETY: the caller gave `fd` up (this function's contract).
    unsafe { close(fd) };
    data
}

/// A tool's arguments after `argv[0]`, as strings (invalid UTF-8 replaced).
pub fn utf8_args(args: Vec<std::ffi::OsString>) -> Vec<String> {
    args.into_iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

/// Names in directory `path`, sorted, so no output depends on the host's listing order.
pub fn sorted_names(path: impl AsRef<std::path::Path>) -> std::io::Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(path)?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    Ok(names)
}

/// Runs tool `argv[0]` with this process's environment and directory and the descriptor map
/// `fds`, and waits for it: `find -exec` and `xargs`. `who` prefixes error messages.
pub fn run_tool(who: &str, argv: &[String], fds: Vec<(u32, u32)>) -> i32 {
    run_tool_within(who, argv, fds, 0)
}

/// [`run_tool`], stopped by the host `timeout_ns` after it starts (0: never).
pub fn run_tool_within(who: &str, argv: &[String], fds: Vec<(u32, u32)>, timeout_ns: u64) -> i32 {
    match start_tool(argv, fds, timeout_ns) {
        Ok(pid) => wait(pid),
        Err(None) => {
            eprintln!("{who}: '{}': No such file or directory", argv[0]);
            127
        }
        Err(Some(e)) => {
            eprintln!("{who}: {}: {}", argv[0], e.message());
            126
        }
    }
}

/// Starts tool `argv[0]` as [`run_tool_within`] does, without waiting: its pid, or `None` for
/// a tool that does not exist and the host's error otherwise.
pub fn start_tool(
    argv: &[String],
    fds: Vec<(u32, u32)>,
    timeout_ns: u64,
) -> Result<u32, Option<Errno>> {
    let name = argv[0].rsplit('/').next().unwrap_or(&argv[0]).to_string();
    if !rcabox_proto::TOOLS.contains(&name.as_str()) {
        return Err(None);
    }
    let mut args: Vec<Vec<u8>> = argv.iter().map(|a| a.clone().into_bytes()).collect();
    args[0] = name.into_bytes();
    spawn(&request(args, fds, Vec::new(), timeout_ns)).map_err(Some)
}

/// A request to start `argv` in this process's environment and working directory, with
/// descriptors `fds` and start state `state`.
pub fn request(
    argv: Vec<Vec<u8>>,
    fds: Vec<(u32, u32)>,
    state: Vec<u8>,
    timeout_ns: u64,
) -> SpawnRequest {
    SpawnRequest {
        argv,
        env: std::env::vars()
            .map(|(k, v)| format!("{k}={v}").into_bytes())
            .collect(),
        cwd: std::env::current_dir()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "/".into())
            .into_bytes(),
        fds,
        state,
        timeout_ns,
    }
}

/// Owns descriptor `fd` as a file (closed on drop).
///
/// # Safety
/// As [`close`]: the caller owns `fd` and hands it to the file.
pub unsafe fn own(fd: u32) -> File {
    // SAFETY: the caller's contract.
    unsafe { File::from_raw_fd(fd as i32) }
}
