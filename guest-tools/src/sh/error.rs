//! Why a step of the shell failed, and whether bash then stops the whole shell.
//!
//! Most failures end one command with status 1 and the script goes on; an unset variable
//! under `set -u`, `${x?}` and a bad substitution stop a non-interactive bash. The kind says
//! which, so nothing is decided by looking for words in a message.

use std::fmt;

/// A failed expansion, assignment, redirection or test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellError {
    /// `set -u` and a name that is not set.
    Unbound(String),
    /// `${x?message}` or `${x:?message}` on an unset (or empty) `x`.
    Unset {
        /// The parameter.
        name: String,
        /// The message given, or bash's default.
        message: String,
    },
    /// A parameter expansion bash cannot parse (`${a b}`).
    BadSubstitution(String),
    /// Anything else (a readonly variable, a bad number, a file that cannot be opened): the
    /// command fails and the shell goes on.
    Failed(String),
}

impl ShellError {
    /// Whether a non-interactive shell stops here (status 1), as bash's does.
    pub fn fatal(&self) -> bool {
        !matches!(self, ShellError::Failed(_))
    }
}

impl fmt::Display for ShellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShellError::Unbound(name) => write!(f, "{name}: unbound variable"),
            ShellError::Unset { name, message } => write!(f, "{name}: {message}"),
            ShellError::BadSubstitution(word) => write!(f, "{word}: bad substitution"),
            ShellError::Failed(message) => f.write_str(message),
        }
    }
}

impl From<String> for ShellError {
    fn from(message: String) -> Self {
        ShellError::Failed(message)
    }
}

impl From<ShellError> for String {
    fn from(e: ShellError) -> Self {
        e.to_string()
    }
}
