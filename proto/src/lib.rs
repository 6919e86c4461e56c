//! The wire format of rcabox's process layer.
//!
//! A guest asks the host to start a program by passing one [`SpawnRequest`], encoded with
//! [`SpawnRequest::encode`], to the `rcabox.spawn` import. The encoding is a flat little-endian
//! byte string (counts and lengths as `u32`) so that neither side needs a serialisation crate and
//! the host can reject a malformed request with a precise error instead of trusting guest memory.
//!
//! The same crate names the import module and its functions. The guest's `#[link_name]`s must be
//! literals, so they cannot use these constants; the runtime's test
//! `the_tool_module_imports_exactly_the_host_functions` reads the built tool module's imports and
//! holds them to [`imports::ALL`], which the host's linker also defines from.

/// The wasm import module the host provides to guests.
pub const IMPORT_MODULE: &str = "rcabox";

/// The functions of [`IMPORT_MODULE`].
pub mod imports {
    /// Start a program: `(request, request_len, out_pid) -> errno`.
    pub const SPAWN: &str = "spawn";
    /// Wait for a child: `(pid, out_status) -> errno`.
    pub const WAIT: &str = "wait";
    /// A pipe: `(out_fds) -> errno`, read end then write end.
    pub const PIPE: &str = "pipe";
    /// A read-only descriptor over bytes (a heredoc): `(data, len, out_fd) -> errno`.
    pub const MEMFD: &str = "memfd";
    /// The start state the parent passed: `(buf, len) -> full length or -1`.
    pub const STATE: &str = "state";
    /// Become another program in place, as `exec` does: `(request, request_len) -> errno`.
    /// The calling process keeps its pid, memory and children; its arguments, environment,
    /// descriptors and start state become the request's.
    pub const EXEC: &str = "exec";
    /// Every function, in the host linker's order.
    pub const ALL: &[&str] = &[SPAWN, WAIT, PIPE, MEMFD, STATE, EXEC];
}

/// Exit status a process gets when it writes to a pipe nobody reads (128 + SIGPIPE), as bash shows.
pub const STATUS_SIGPIPE: i32 = 141;
/// Exit status of a process the host stopped (timeout, CPU or memory limit, kill), as SIGKILL.
pub const STATUS_KILLED: i32 = 137;
/// Exit status of a process stopped by `timeout`'s deadline (128 + SIGTERM), as bash shows.
pub const STATUS_TERM: i32 = 143;
/// Exit status of a guest that trapped (a Rust panic, an out-of-bounds access), as SIGABRT.
pub const STATUS_TRAPPED: i32 = 134;

/// One program to start: its arguments, environment, working directory and open descriptors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpawnRequest {
    /// `argv[0]` names the program; the host runs the multicall tool binary with these arguments.
    pub argv: Vec<Vec<u8>>,
    /// `NAME=value` entries.
    pub env: Vec<Vec<u8>>,
    /// Absolute working directory inside the sandbox.
    pub cwd: Vec<u8>,
    /// `(child_fd, parent_fd)`: the child's descriptor `child_fd` shares the parent's `parent_fd`.
    pub fds: Vec<(u32, u32)>,
    /// A [`StartState`], encoded: what the child starts from besides its arguments. The host
    /// holds and charges these bytes but never reads them.
    pub state: Vec<u8>,
    /// When non-zero, the child and its descendants are stopped with [`STATUS_TERM`] this many
    /// nanoseconds after the spawn (sandbox time: virtual sleeps count, and so does wall time
    /// spent computing). `timeout` uses it.
    pub timeout_ns: u64,
}

/// Why a byte string is not a valid [`SpawnRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub &'static str);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed spawn request: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

impl SpawnRequest {
    /// Encodes the request as the host expects it.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_list(&mut out, &self.argv);
        put_list(&mut out, &self.env);
        put_bytes(&mut out, &self.cwd);
        put_u32(&mut out, self.fds.len() as u32);
        for (c, p) in &self.fds {
            put_u32(&mut out, *c);
            put_u32(&mut out, *p);
        }
        put_bytes(&mut out, &self.state);
        out.extend_from_slice(&self.timeout_ns.to_le_bytes());
        out
    }

    /// Decodes a request, checking every length against the input.
    pub fn decode(mut b: &[u8]) -> Result<Self, DecodeError> {
        let argv = get_list(&mut b)?;
        let env = get_list(&mut b)?;
        let cwd = get_bytes(&mut b)?;
        let n = get_u32(&mut b)? as usize;
        if n > b.len() / 8 {
            return Err(DecodeError("descriptor count exceeds the request"));
        }
        let mut fds = Vec::with_capacity(n);
        for _ in 0..n {
            fds.push((get_u32(&mut b)?, get_u32(&mut b)?));
        }
        let state = get_bytes(&mut b)?;
        let (t, rest) = b.split_at_checked(8).ok_or(DecodeError("truncated"))?;
        let timeout_ns = u64::from_le_bytes(t.try_into().map_err(|_| DecodeError("truncated"))?);
        b = rest;
        if !b.is_empty() {
            return Err(DecodeError("trailing bytes"));
        }
        if argv.is_empty() {
            return Err(DecodeError("empty argv"));
        }
        Ok(SpawnRequest {
            argv,
            env,
            cwd,
            fds,
            state,
            timeout_ns,
        })
    }
}

/// What a process starts from besides its arguments, as a parent puts it in
/// [`SpawnRequest::state`] and the child reads it back through the `state` import. Typed, so a
/// shell never mistakes a sort helper's start for a subshell's or the reverse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartState {
    /// A program started from its arguments alone (the empty encoding).
    Fresh,
    /// A subshell: the parent shell's variables, functions, options and the parsed program to
    /// run, in the shell's own encoding (guest-tools' `sh::state::SubState`; the syntax trees
    /// are brush-parser's, which only the guest links).
    Shell(Vec<u8>),
    /// A helper process of `sort` (the vendored uu_sort's helper.rs).
    SortHelper(SortPart),
}

/// Which part of the input a sort helper sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortPart {
    /// Everything it reads on standard input.
    Piped,
    /// A shared file from this byte offset on.
    FileFrom(u64),
}

const STATE_SHELL: u8 = 1;
const STATE_SORT_PIPED: u8 = 2;
const STATE_SORT_FILE: u8 = 3;

impl StartState {
    /// Encodes the state for [`SpawnRequest::state`].
    pub fn encode(&self) -> Vec<u8> {
        match self {
            StartState::Fresh => Vec::new(),
            StartState::Shell(b) => {
                let mut out = Vec::with_capacity(b.len() + 1);
                out.push(STATE_SHELL);
                out.extend_from_slice(b);
                out
            }
            StartState::SortHelper(SortPart::Piped) => vec![STATE_SORT_PIPED],
            StartState::SortHelper(SortPart::FileFrom(at)) => {
                let mut out = vec![STATE_SORT_FILE];
                out.extend_from_slice(&at.to_le_bytes());
                out
            }
        }
    }

    /// Decodes a state, refusing an unknown kind or a malformed sort part.
    pub fn decode(b: &[u8]) -> Result<Self, DecodeError> {
        let Some((&kind, rest)) = b.split_first() else {
            return Ok(StartState::Fresh);
        };
        match kind {
            STATE_SHELL => Ok(StartState::Shell(rest.to_vec())),
            STATE_SORT_PIPED if rest.is_empty() => Ok(StartState::SortHelper(SortPart::Piped)),
            STATE_SORT_FILE => {
                let at: [u8; 8] = rest
                    .try_into()
                    .map_err(|_| DecodeError("a sort helper's offset is not 8 bytes"))?;
                Ok(StartState::SortHelper(SortPart::FileFrom(
                    u64::from_le_bytes(at),
                )))
            }
            _ => Err(DecodeError("unknown start state")),
        }
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, v: &[u8]) {
    put_u32(out, v.len() as u32);
    out.extend_from_slice(v);
}

fn put_list(out: &mut Vec<u8>, v: &[Vec<u8>]) {
    put_u32(out, v.len() as u32);
    for item in v {
        put_bytes(out, item);
    }
}

fn get_u32(b: &mut &[u8]) -> Result<u32, DecodeError> {
    let (head, rest) = b.split_at_checked(4).ok_or(DecodeError("truncated"))?;
    *b = rest;
    Ok(u32::from_le_bytes([head[0], head[1], head[2], head[3]]))
}

fn get_bytes(b: &mut &[u8]) -> Result<Vec<u8>, DecodeError> {
    let n = get_u32(b)? as usize;
    let (head, rest) = b
        .split_at_checked(n)
        .ok_or(DecodeError("length exceeds the request"))?;
    *b = rest;
    Ok(head.to_vec())
}

fn get_list(b: &mut &[u8]) -> Result<Vec<Vec<u8>>, DecodeError> {
    let n = get_u32(b)? as usize;
    if n > b.len() / 4 {
        return Err(DecodeError("list count exceeds the request"));
    }
    (0..n).map(|_| get_bytes(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_states_round_trip_and_foreign_bytes_are_refused() {
        for s in [
            StartState::Fresh,
            StartState::Shell(b"{\"vars\":[]}".to_vec()),
            StartState::Shell(Vec::new()),
            StartState::SortHelper(SortPart::Piped),
            StartState::SortHelper(SortPart::FileFrom(u64::MAX)),
        ] {
            assert_eq!(StartState::decode(&s.encode()), Ok(s));
        }
        assert!(StartState::decode(b"{").is_err());
        assert!(StartState::decode(&[STATE_SORT_FILE, 1, 2]).is_err());
        assert!(StartState::decode(&[STATE_SORT_PIPED, 0]).is_err());
    }

    #[test]
    fn round_trip() {
        let r = SpawnRequest {
            argv: vec![b"grep".to_vec(), b"-c".to_vec(), b"ERROR".to_vec()],
            env: vec![b"PATH=/usr/bin".to_vec()],
            cwd: b"/snapshot".to_vec(),
            fds: vec![(0, 5), (1, 6), (2, 2)],
            state: vec![1, 2, 3],
            timeout_ns: 1_500_000_000,
        };
        assert_eq!(SpawnRequest::decode(&r.encode()), Ok(r));
    }

    #[test]
    fn rejects_truncated_and_oversized() {
        let r = SpawnRequest {
            argv: vec![b"x".to_vec()],
            ..Default::default()
        }
        .encode();
        for cut in 0..r.len() {
            assert!(
                SpawnRequest::decode(&r[..cut]).is_err(),
                "prefix of {cut} bytes accepted"
            );
        }
        let mut huge = Vec::new();
        put_u32(&mut huge, u32::MAX);
        assert!(SpawnRequest::decode(&huge).is_err());
        assert!(SpawnRequest::decode(&SpawnRequest::default().encode()).is_err());
    }
}

/// Every program name the guest tool binary answers to (its `argv[0]`), sorted.
///
/// The host lists these under `/usr/bin` and `/bin`; the guest's shell resolves commands
/// against the same list, so `which`, `ls /usr/bin` and `command not found` agree.
pub const TOOLS: &[&str] = &[
    "[",
    "awk",
    "base32",
    "base64",
    "basename",
    "bash",
    "bc",
    "cat",
    "cksum",
    "cmp",
    "column",
    "comm",
    "cp",
    "cut",
    "date",
    "diff",
    "dirname",
    "du",
    "echo",
    "egrep",
    "env",
    "expand",
    "expr",
    "false",
    "fgrep",
    "find",
    "fmt",
    "fold",
    "gawk",
    "grep",
    "gunzip",
    "gzip",
    "head",
    "join",
    "jq",
    "ln",
    "ls",
    "md5sum",
    "mkdir",
    "mktemp",
    "mv",
    "nl",
    "nproc",
    "numfmt",
    "od",
    "opa",
    "paste",
    "printenv",
    "printf",
    "pwd",
    "python",
    "python3",
    "readlink",
    "realpath",
    "rev",
    "rg",
    "rm",
    "rmdir",
    "sed",
    "seq",
    "sh",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "shuf",
    "sleep",
    "sort",
    "split",
    "stat",
    "sum",
    "tac",
    "tail",
    "tee",
    "test",
    "timeout",
    "touch",
    "tr",
    "true",
    "truncate",
    "tsort",
    "uname",
    "unexpand",
    "uniq",
    "wc",
    "xargs",
    "xxd",
    "yes",
    "yq",
    "zcat",
];

#[cfg(test)]
mod tool_tests {
    #[test]
    fn tools_sorted_and_unique() {
        assert!(super::TOOLS.windows(2).all(|w| w[0] < w[1]));
    }
}
