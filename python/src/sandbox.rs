//! `rcabox.Sandbox`: one sandbox session in-process, the GIL released while a command runs.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rcabox_runtime::sandbox::{
    Cancel, CommandResult, ErrorKind, Kind, Limits, RunOptions, Runtime, Session, SessionConfig,
};

use crate::errors::{file_err, rcabox_err, run_err};

/// Largest file `read_file` returns unless told otherwise: the session's whole disk quota is
/// 256 MiB by default, and snapshot files beyond this are for commands, not one host read.
const DEFAULT_READ_LIMIT: u64 = 1 << 30;

/// What one command did.
#[pyclass(module = "rcabox._native", frozen, get_all)]
pub struct ExecResult {
    /// Exit status as bash reports it (124 after a timeout, 128+n for a signal).
    exit_code: i32,
    /// Captured standard output.
    stdout: Py<PyBytes>,
    /// Captured standard error.
    stderr: Py<PyBytes>,
    /// Whether stdout was cut to the output limit (its middle dropped).
    stdout_truncated: bool,
    /// Whether stderr was cut.
    stderr_truncated: bool,
    /// The limit hit: "timeout", "cpu_limit", "memory_limit", "process_limit",
    /// "output_limit", "disk_quota", "interrupted", or None.
    error_kind: Option<&'static str>,
    /// Wall time of the command, milliseconds.
    duration_ms: f64,
    /// The most host memory the command's memory budget held at once, bytes: every process's
    /// linear memory plus the pipes and buffers kept for it.
    peak_memory_bytes: u64,
}

#[pymethods]
impl ExecResult {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "ExecResult(exit_code={}, stdout={} bytes, stderr={} bytes, error_kind={:?}, duration_ms={})",
            self.exit_code,
            self.stdout.bind(py).as_bytes().len(),
            self.stderr.bind(py).as_bytes().len(),
            self.error_kind,
            self.duration_ms
        )
    }
}

fn result(py: Python<'_>, r: CommandResult) -> ExecResult {
    ExecResult {
        exit_code: r.exit_code,
        stdout: PyBytes::new(py, &r.stdout).unbind(),
        stderr: PyBytes::new(py, &r.stderr).unbind(),
        stdout_truncated: r.stdout_truncated,
        stderr_truncated: r.stderr_truncated,
        error_kind: r
            .error_kind
            .filter(|k| *k != ErrorKind::Finished)
            .map(ErrorKind::name),
        duration_ms: r.duration_ms,
        peak_memory_bytes: r.peak_memory_bytes,
    }
}

/// Seconds as a Duration, refusing what `Duration::from_secs_f64` would panic on.
fn seconds(what: &str, s: f64) -> PyResult<Duration> {
    if s.is_finite() && s > 0.0 && s < 1e9 {
        Ok(Duration::from_secs_f64(s))
    } else {
        Err(PyValueError::new_err(format!(
            "{what} must be a positive number of seconds below 1e9, not {s}"
        )))
    }
}

/// Bytes from `str` (UTF-8) or any bytes-like object.
#[derive(FromPyObject)]
pub enum Data {
    /// Text, written as UTF-8.
    Text(String),
    /// Bytes as they are.
    Bytes(Vec<u8>),
}

impl Data {
    fn into_bytes(self) -> Vec<u8> {
        match self {
            Data::Text(s) => s.into_bytes(),
            Data::Bytes(b) => b,
        }
    }
}

/// One agent's sandbox: the snapshot read-only (its ground truth hidden), `/workspace` and
/// `/tmp` writable and kept across commands, every limit of `rcabox exec`. With
/// `snapshot_in_workspace=NAME` the snapshot also appears at `/workspace/NAME`; with it or
/// `workspace_cwd=True` commands start in `/workspace` instead of `/snapshot`.
#[pyclass(module = "rcabox._native", frozen)]
pub struct Sandbox {
    session: Mutex<Session>,
    /// The running command's stop flag, for `interrupt`.
    running: Mutex<Option<Cancel>>,
    workspace: Option<PathBuf>,
    snapshot: Option<PathBuf>,
    cwd: &'static str,
}

impl Sandbox {
    /// What is at `path`; every method takes the session's lock with the GIL released, so a
    /// thread waiting for a running command never holds up the others.
    fn kind(&self, py: Python<'_>, path: &str) -> PyResult<Option<Kind>> {
        py.detach(|| self.session().kind(path)).map_err(file_err)
    }

    fn session(&self) -> MutexGuard<'_, Session> {
        // A panic inside the sandbox leaves its session usable: each command builds its own
        // state and the filesystem is kept consistent by its own lock.
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[pymethods]
impl Sandbox {
    #[new]
    #[pyo3(signature = (snapshot=None, *, workspace=None, timeout=300.0, cpu_limit=None,
        memory_mb=512, memory_mb_total=2048, max_processes=4096, max_output=8 << 20,
        disk_mb=256, seed=0, hidden=None, snapshot_in_workspace=None, workspace_cwd=false))]
    #[expect(
        clippy::too_many_arguments,
        reason = "keyword arguments of the Python constructor"
    )]
    fn new(
        py: Python<'_>,
        snapshot: Option<PathBuf>,
        workspace: Option<PathBuf>,
        timeout: f64,
        cpu_limit: Option<f64>,
        memory_mb: usize,
        memory_mb_total: u64,
        max_processes: usize,
        max_output: usize,
        disk_mb: u64,
        seed: u64,
        hidden: Option<Vec<String>>,
        snapshot_in_workspace: Option<String>,
        workspace_cwd: bool,
    ) -> PyResult<Self> {
        let timeout = seconds("timeout", timeout)?;
        let cpu = cpu_limit.map(|c| seconds("cpu_limit", c)).transpose()?;
        if let Some(s) = &snapshot
            && !s.is_dir()
        {
            return Err(rcabox_err(format!(
                "snapshot {} is not a directory: pass the folder of an ITBench snapshot (alerts/, *.tsv)",
                s.display()
            )));
        }
        let mut cfg = match &snapshot {
            Some(s) => rcabox_runtime::domain::session_config(s),
            None => SessionConfig {
                snapshot: None,
                snapshot_in_workspace: None,
                start_in_workspace: false,
                hidden: Vec::new(),
                limits: Limits::default(),
                seed: 0,
                epoch_ns: 0,
            },
        };
        cfg.snapshot_in_workspace = snapshot_in_workspace.clone();
        cfg.start_in_workspace = workspace_cwd;
        if let Some(h) = hidden {
            cfg.hidden.extend(h);
        }
        cfg.limits = Limits {
            timeout,
            cpu: cpu.unwrap_or(timeout),
            memory_bytes: memory_mb.saturating_mul(1 << 20),
            memory_total_bytes: memory_mb_total.saturating_mul(1 << 20),
            max_processes,
            output_bytes: max_output,
            disk_bytes: disk_mb.saturating_mul(1 << 20),
            ..Limits::default()
        };
        cfg.seed = seed;
        let ws = workspace.clone();
        let session = py.detach(move || -> Result<Session, String> {
            let runtime = Runtime::shared().map_err(|e| e.to_string())?;
            let mut session = Session::new(runtime, cfg).map_err(|e| e.to_string())?;
            if let Some(dir) = &ws {
                session.load_workspace(dir).map_err(|e| e.to_string())?;
            }
            Ok(session)
        });
        let session = session.map_err(rcabox_err)?;
        let cwd = session.cwd();
        Ok(Sandbox {
            session: Mutex::new(session),
            cwd,
            running: Mutex::new(None),
            workspace,
            snapshot,
        })
    }

    /// Runs `cmd` with bash semantics and returns its ExecResult; the GIL is released while it
    /// runs. `stdin` is bytes or text, `env` extra variables, `cwd` the starting directory
    /// (default /snapshot, or /workspace without a snapshot), `timeout` seconds for this
    /// command, `max_output` bytes kept of each stream for this command. Commands of one
    /// sandbox run one at a time.
    #[pyo3(signature = (cmd, timeout=None, stdin=None, env=None, cwd=None, max_output=None))]
    #[expect(
        clippy::too_many_arguments,
        reason = "keyword arguments of the Python method"
    )]
    fn exec(
        &self,
        py: Python<'_>,
        cmd: &str,
        timeout: Option<f64>,
        stdin: Option<Data>,
        env: Option<BTreeMap<String, String>>,
        cwd: Option<String>,
        max_output: Option<usize>,
    ) -> PyResult<ExecResult> {
        let opts = RunOptions {
            stdin: stdin.map(Data::into_bytes),
            env: env.unwrap_or_default().into_iter().collect(),
            cwd,
            timeout: timeout.map(|t| seconds("timeout", t)).transpose()?,
            max_output,
        };
        let r = py.detach(|| {
            let mut session = self.session();
            let cancel = Cancel::default();
            *self.running.lock().unwrap_or_else(|e| e.into_inner()) = Some(cancel.clone());
            let r = session.run_with(cmd, opts, Some(&cancel));
            *self.running.lock().unwrap_or_else(|e| e.into_inner()) = None;
            r
        });
        Ok(result(py, r.map_err(run_err)?))
    }

    /// Stops the command running now, if any (it ends with error_kind "interrupted").
    fn interrupt(&self) {
        if let Some(c) = &*self.running.lock().unwrap_or_else(|e| e.into_inner()) {
            c.set(ErrorKind::Interrupted);
        }
    }

    /// The bytes of a file (relative paths from the starting directory); FileNotFoundError,
    /// IsADirectoryError, or FileTooLargeError past `limit` bytes.
    #[pyo3(signature = (path, limit=DEFAULT_READ_LIMIT))]
    fn read_file<'py>(
        &self,
        py: Python<'py>,
        path: &str,
        limit: u64,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = py.detach(|| self.session().read_file(path, limit));
        Ok(PyBytes::new(py, &bytes.map_err(file_err)?))
    }

    /// Writes a file under /workspace or /tmp (bytes, or text as UTF-8), making its parent
    /// directories; PermissionError elsewhere, OSError(ENOSPC) past the disk quota.
    fn write_file(&self, py: Python<'_>, path: &str, data: Data) -> PyResult<()> {
        let data = data.into_bytes();
        py.detach(|| self.session().write_file(path, &data))
            .map_err(file_err)
    }

    /// Whether anything exists at `path` (hidden files do not).
    fn exists(&self, py: Python<'_>, path: &str) -> PyResult<bool> {
        Ok(self.kind(py, path)?.is_some())
    }

    /// Whether `path` is a directory.
    fn is_dir(&self, py: Python<'_>, path: &str) -> PyResult<bool> {
        Ok(self.kind(py, path)? == Some(Kind::Dir))
    }

    /// Whether `path` is a regular file.
    fn is_file(&self, py: Python<'_>, path: &str) -> PyResult<bool> {
        Ok(self.kind(py, path)? == Some(Kind::File))
    }

    /// The sorted names in a directory.
    #[pyo3(signature = (path="."))]
    fn list_dir(&self, py: Python<'_>, path: &str) -> PyResult<Vec<String>> {
        let entries = py
            .detach(|| self.session().list_dir(path))
            .map_err(file_err)?;
        Ok(entries.into_iter().map(|(n, _)| n).collect())
    }

    /// `path` as the absolute path the sandbox resolves it to.
    fn abspath(&self, py: Python<'_>, path: &str) -> PyResult<String> {
        py.detach(|| self.session().absolute(path))
            .map_err(file_err)
    }

    /// The directory commands start in and relative paths resolve against.
    #[getter]
    fn cwd(&self) -> &'static str {
        self.cwd
    }

    /// The snapshot directory mounted at /snapshot, if any.
    #[getter]
    fn snapshot(&self) -> Option<PathBuf> {
        self.snapshot.clone()
    }

    /// Copies /workspace to the host directory given as `workspace` (or to `dir`): the host
    /// directory becomes equal to it.
    #[pyo3(signature = (dir=None))]
    fn save_workspace(&self, py: Python<'_>, dir: Option<PathBuf>) -> PyResult<()> {
        let Some(dir) = dir.or_else(|| self.workspace.clone()) else {
            return Err(PyValueError::new_err(
                "no workspace directory: pass Sandbox(..., workspace=DIR) or save_workspace(DIR)",
            ));
        };
        py.detach(|| self.session().save_workspace(&dir))
            .map_err(rcabox_err)
    }
}
