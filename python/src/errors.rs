//! Rust errors as Python exceptions: file errors as the built-in `OSError` subclasses a Python
//! caller already handles, everything else as `rcabox.RcaboxError` with the Rust message.

use pyo3::exceptions::{
    PyException, PyFileNotFoundError, PyIsADirectoryError, PyNotADirectoryError, PyOSError,
    PyPermissionError, PyValueError,
};
use pyo3::{PyErr, create_exception};
use rcabox_runtime::sandbox::{FileError, RunError};

create_exception!(
    _native,
    RcaboxError,
    PyException,
    "An rcabox error: the message says what went wrong, where, and how to fix it."
);
create_exception!(
    _native,
    FileTooLargeError,
    RcaboxError,
    "A file larger than the read limit given."
);

/// Any displayable error as `RcaboxError`, with its whole chain of causes.
pub fn rcabox_err(e: impl std::fmt::Display) -> PyErr {
    RcaboxError::new_err(e.to_string())
}

/// A file error as the exception Python's own file functions raise for it.
pub fn file_err(e: FileError) -> PyErr {
    let msg = e.to_string();
    match e {
        FileError::NotFound(_) => PyFileNotFoundError::new_err(msg),
        FileError::IsADirectory(_) => PyIsADirectoryError::new_err(msg),
        FileError::NotADirectory(_) => PyNotADirectoryError::new_err(msg),
        FileError::ReadOnly(_) => PyPermissionError::new_err(msg),
        // ENOSPC, so `e.errno == errno.ENOSPC` holds as for a full disk.
        FileError::NoSpace(_) => PyOSError::new_err((28, msg)),
        FileError::TooLarge { .. } => FileTooLargeError::new_err(msg),
        FileError::Invalid { .. } => PyValueError::new_err(msg),
        FileError::Io { .. } => PyOSError::new_err(msg),
    }
}

/// Unusable options of one command.
pub fn run_err(e: RunError) -> PyErr {
    match e {
        RunError::Cwd(f) => file_err(f),
        RunError::Env(_) => PyValueError::new_err(e.to_string()),
    }
}
