"""Type stubs of the native module (python/src/)."""

import os
from typing import Mapping, Optional, Sequence, Union

__version__: str
TOOLS_SHA256: str
ITBENCH_INSTRUCTIONS: str
ITBENCH_TASK: str
FINISH_SCHEMA: str
FINISH_DESCRIPTION: str

def limit_texts() -> list[tuple[str, str, str]]: ...
def set_host_memory_limit(mb: int) -> None:
    """Host memory every Sandbox of this process may hold at once, MiB (default: half the machine's)."""
def host_memory_limit() -> int:
    """Host memory every Sandbox of this process may hold at once, MiB."""

class RcaboxError(Exception):
    """An rcabox error: the message says what went wrong, where, and how to fix it."""

class FileTooLargeError(RcaboxError):
    """A file larger than the read limit given."""

class ExecResult:
    """What one command did."""

    exit_code: int
    stdout: bytes
    stderr: bytes
    stdout_truncated: bool
    stderr_truncated: bool
    error_kind: Optional[str]
    duration_ms: float
    peak_memory_bytes: int

class Sandbox:
    """One agent's sandbox: the snapshot read-only, /workspace and /tmp writable, every limit."""

    def __init__(
        self,
        snapshot: Union[str, "os.PathLike[str]", None] = None,
        *,
        workspace: Union[str, "os.PathLike[str]", None] = None,
        timeout: float = 300.0,
        cpu_limit: Optional[float] = None,
        memory_mb: int = 512,
        memory_mb_total: int = 2048,
        max_processes: int = 4096,
        max_output: int = 8 << 20,
        disk_mb: int = 256,
        seed: int = 0,
        hidden: Optional[Sequence[str]] = None,
        snapshot_in_workspace: Optional[str] = None,
        workspace_cwd: bool = False,
    ) -> None: ...
    def exec(
        self,
        cmd: str,
        timeout: Optional[float] = None,
        stdin: Union[str, bytes, None] = None,
        env: Optional[Mapping[str, str]] = None,
        cwd: Optional[str] = None,
        max_output: Optional[int] = None,
    ) -> ExecResult: ...
    def interrupt(self) -> None: ...
    def read_file(self, path: str, limit: int = 1 << 30) -> bytes: ...
    def write_file(self, path: str, data: Union[str, bytes]) -> None: ...
    def exists(self, path: str) -> bool: ...
    def is_dir(self, path: str) -> bool: ...
    def is_file(self, path: str) -> bool: ...
    def list_dir(self, path: str = ".") -> list[str]: ...
    def abspath(self, path: str) -> str: ...
    @property
    def cwd(self) -> str: ...
    @property
    def snapshot(self) -> Optional[str]: ...
    def save_workspace(self, dir: Union[str, "os.PathLike[str]", None] = None) -> None: ...

def score_json(ground_truth: Union[str, "os.PathLike[str]"], answer: str) -> str: ...
def generate_snapshot_json(
    itbench: Optional[str], scenario: int, out: str, seed: int, scale: float
) -> str: ...
def cli_main(argv: list[str]) -> int: ...
