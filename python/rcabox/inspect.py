"""rcabox as an Inspect sandbox: ``Task(..., sandbox="rcabox")``.

Inspect (``pip install inspect-ai``) runs the ``bash()`` and ``python()`` tools of a task
through a ``SandboxEnvironment``. :class:`RcaboxSandboxEnvironment`, registered as ``rcabox``
through the package's ``inspect_ai`` entry point, gives every sample a fresh in-process
rcabox sandbox: no daemon, no image, the same bytes on every machine.

The filesystem a sample sees:

- ``/workspace``: the working directory, writable, in memory; ``Sample(files=...)`` are
  written here (relative names) and commands start here.
- ``/tmp``: writable, in memory, sharing ``/workspace``'s disk quota.
- ``/snapshot``: the sample's snapshot, read-only, its ground truth (``ground_truth.yaml``)
  hidden. It comes from the sample's metadata (``rcabox_snapshot``), else from the config's
  ``snapshot``; with ``snapshot_in_workspace: NAME`` it also appears at ``/workspace/NAME``.
- ``/bin``, ``/usr/bin``: the bundled tools (bash, coreutils, grep, rg, sed, awk, jq, python3,
  ...); ``/etc``: a few read-only system files (passwd, group, hostname, os-release).

The config is an :class:`RcaboxSandboxConfig`, or the path of a YAML or JSON file with the same
keys (a relative ``snapshot`` there is relative to the file). There is one user, ``agent``:
``user="agent"`` or None run; any other user (root included) raises
``SandboxUserUnsupportedError``. A timeout raises ``TimeoutError`` after stopping every process
of the command; output past Inspect's exec limit raises ``OutputLimitExceededError``.
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from typing import Any, Literal, Optional, Union, overload

from inspect_ai.util import (
    ExecResult,
    OutputLimitExceededError,
    SandboxConnection,
    SandboxEnvironment,
    SandboxEnvironmentConfigType,
    SandboxEnvironmentLimits,
    SandboxUserUnsupportedError,
    sandboxenv,
)
from pydantic import BaseModel

from ._aio import AsyncSandbox
from ._native import FileTooLargeError

__all__ = ["RcaboxSandboxConfig", "RcaboxSandboxEnvironment", "SNAPSHOT_KEY", "USER"]

#: The sandbox's one user.
USER = "agent"

#: The sample metadata key naming a sample's snapshot directory.
SNAPSHOT_KEY = "rcabox_snapshot"

#: Wall-clock limit of a command given no timeout: the sandbox's own default.
DEFAULT_TIMEOUT = 300.0


class RcaboxSandboxConfig(BaseModel, frozen=True):
    """Settings of the samples' sandboxes (every limit is ``rcabox exec``'s)."""

    snapshot: Optional[str] = None
    """Snapshot directory for samples whose metadata names none."""
    snapshot_in_workspace: Optional[str] = None
    """Also show the snapshot at ``/workspace/<this name>``."""
    timeout: float = DEFAULT_TIMEOUT
    """Seconds a command may run when ``exec`` gives no timeout."""
    cpu_limit: Optional[float] = None
    memory_mb: int = 512
    memory_mb_total: int = 2048
    max_processes: int = 4096
    disk_mb: int = 1024
    seed: int = 0


def load_config(config: SandboxEnvironmentConfigType | None) -> RcaboxSandboxConfig:
    """The config given to a task: a model, a YAML/JSON file path, or nothing."""
    if config is None:
        return RcaboxSandboxConfig()
    if isinstance(config, RcaboxSandboxConfig):
        return config
    if isinstance(config, BaseModel):
        return RcaboxSandboxConfig(**config.model_dump())
    path = Path(config)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ValueError(f"rcabox sandbox config {path}: {e}") from e
    if path.suffix == ".json":
        data = json.loads(text)
    else:
        import yaml  # Inspect's own dependency

        data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError(f"rcabox sandbox config {path}: expected a mapping of settings, got {type(data).__name__}")
    snapshot = data.get("snapshot")
    if isinstance(snapshot, str) and not os.path.isabs(snapshot):
        data["snapshot"] = str((path.parent / snapshot).resolve())
    try:
        return RcaboxSandboxConfig(**data)
    except Exception as e:
        raise ValueError(f"rcabox sandbox config {path}: {e}") from e


def _command_text(cmd: list[str]) -> str:
    """The shell text for an argv. `bash()` and `python()` send ``["bash", "--login", "-c",
    TEXT]``: the sandbox runs every command in its bash-compatible shell already, so TEXT goes
    to it directly instead of starting a second shell inside the first (half the cost of a
    short command). Anything else is quoted word by word."""
    shells = ("bash", "sh", "/bin/bash", "/bin/sh", "/usr/bin/bash", "/usr/bin/sh")
    if len(cmd) == 3 and cmd[0] in shells and cmd[1] == "-c":
        return cmd[2]
    if len(cmd) == 4 and cmd[0] in shells and cmd[1] in ("--login", "-l") and cmd[2] == "-c":
        return cmd[3]
    return shlex.join(cmd)


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


@sandboxenv(name="rcabox")
class RcaboxSandboxEnvironment(SandboxEnvironment):
    """One sample's rcabox sandbox."""

    def __init__(self, sandbox: AsyncSandbox) -> None:
        """Wrap an open sandbox."""
        super().__init__()
        self.sandbox = sandbox

    @classmethod
    def config_files(cls) -> list[str]:
        """Config files Inspect picks up from a task's directory."""
        return ["rcabox.yaml", "rcabox.yml", "rcabox.json"]

    @classmethod
    def config_deserialize(cls, config: dict[str, Any]) -> BaseModel:
        """Rebuild the config from an eval log."""
        return RcaboxSandboxConfig(**config)

    @classmethod
    def default_concurrency(cls) -> Optional[int]:
        """Samples at once: sandboxes are in-process and small, so a few per core."""
        return 4 * (os.cpu_count() or 1)

    @classmethod
    async def task_init(cls, task_name: str, config: SandboxEnvironmentConfigType | None) -> None:
        """Check the config once, so a bad one fails before any sample runs."""
        cfg = load_config(config)
        if cfg.snapshot is not None and not Path(cfg.snapshot).is_dir():
            raise ValueError(f"rcabox sandbox config: snapshot {cfg.snapshot} is not a directory")

    @classmethod
    async def sample_init(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        metadata: dict[str, str],
    ) -> dict[str, SandboxEnvironment]:
        """A fresh sandbox over the sample's snapshot."""
        cfg = load_config(config)
        snapshot = metadata.get(SNAPSHOT_KEY) or cfg.snapshot
        sandbox = await AsyncSandbox.open(
            snapshot,
            workspace_cwd=True,
            snapshot_in_workspace=cfg.snapshot_in_workspace if snapshot else None,
            timeout=cfg.timeout,
            cpu_limit=cfg.cpu_limit,
            memory_mb=cfg.memory_mb,
            memory_mb_total=cfg.memory_mb_total,
            max_processes=cfg.max_processes,
            disk_mb=cfg.disk_mb,
            seed=cfg.seed,
        )
        return {"default": cls(sandbox)}

    @classmethod
    async def sample_cleanup(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        environments: dict[str, SandboxEnvironment],
        interrupted: bool,
    ) -> None:
        """Stop anything still running; the sandbox's memory goes with it."""
        for env in environments.values():
            if isinstance(env, RcaboxSandboxEnvironment):
                env.sandbox.sandbox.interrupt()

    @classmethod
    async def cli_cleanup(cls, id: Optional[str]) -> None:
        """Nothing outlives a process: there are no containers or directories to remove."""

    async def exec(
        self,
        cmd: list[str],
        input: Union[str, bytes, None] = None,
        cwd: Optional[str] = None,
        env: Optional[dict[str, str]] = None,
        user: Optional[str] = None,
        timeout: Optional[int] = None,
        timeout_retry: bool = True,
        concurrency: bool = True,
    ) -> ExecResult[str]:
        """Run ``cmd`` (an argv) in the sandbox."""
        if user is not None and user != USER:
            raise SandboxUserUnsupportedError(
                f"rcabox sandboxes have one user, {USER!r}: cannot run as {user!r}"
            )
        if not cmd:
            raise ValueError("exec needs a command: cmd is empty")
        await self._check_executable(cmd[0], cwd)
        limit = SandboxEnvironmentLimits.MAX_EXEC_OUTPUT_SIZE
        r = await self.sandbox.exec(
            _command_text(cmd),
            timeout=float(timeout) if timeout else None,
            stdin=input,
            env=env,
            cwd=cwd,
            max_output=limit,
        )
        if r.error_kind == "timeout":
            ex = TimeoutError(f"Command timed out after {timeout} seconds")
            setattr(ex, "truncated_output", _decode(r.stdout))
            raise ex
        if r.stdout_truncated or r.stderr_truncated:
            raise OutputLimitExceededError(
                limit_str=SandboxEnvironmentLimits.MAX_EXEC_OUTPUT_SIZE_STR,
                truncated_output=_decode(r.stdout + r.stderr),
            )
        return ExecResult(
            success=r.exit_code == 0,
            returncode=r.exit_code,
            stdout=_decode(r.stdout),
            stderr=_decode(r.stderr),
        )

    async def _check_executable(self, program: str, cwd: Optional[str]) -> None:
        """A path that names a file the sandbox cannot run raises PermissionError, as exec(2)
        does: runnable are the tools, scripts (``#!``) and the files in /workspace and /tmp
        (the sandbox has no mode bits; the agent's own files are its to run)."""
        if "/" not in program:
            return
        base = cwd if cwd and cwd.startswith("/") else f"{self.sandbox.sandbox.cwd}/{cwd or ''}".rstrip("/")
        path = program if program.startswith("/") else f"{base}/{program}"
        if not await self.sandbox.is_file(path):
            return
        name = path.rsplit("/", 1)[-1]
        if path in (f"/bin/{name}", f"/usr/bin/{name}"):
            return
        absolute = self.sandbox.sandbox.abspath(path)
        if absolute.startswith(("/workspace/", "/tmp/")):
            return
        # Its first two bytes only: a snapshot file may be hundreds of megabytes.
        head = await self.sandbox.exec(shlex.join(["head", "-c", "2", "--", absolute]), timeout=30.0)
        if head.stdout != b"#!":
            raise PermissionError(f"{program}: Permission denied")

    async def write_file(self, file: str, contents: Union[str, bytes]) -> None:
        """Write a file (relative to /workspace), making its directories."""
        await self.sandbox.write_file(file, contents.encode("utf-8") if isinstance(contents, str) else contents)

    @overload
    async def read_file(self, file: str, text: Literal[True] = True) -> str: ...

    @overload
    async def read_file(self, file: str, text: Literal[False]) -> bytes: ...

    async def read_file(self, file: str, text: bool = True) -> Union[str, bytes]:
        """Read a file; text is UTF-8 with its newlines kept as they are."""
        try:
            data = await self.sandbox.read_file(file, SandboxEnvironmentLimits.MAX_READ_FILE_SIZE)
        except FileTooLargeError:
            raise OutputLimitExceededError(
                limit_str=SandboxEnvironmentLimits.MAX_READ_FILE_SIZE_STR, truncated_output=None
            ) from None
        return data.decode("utf-8") if text else data

    async def connection(self, *, user: Optional[str] = None) -> SandboxConnection:
        """Refused: the sandbox lives inside this process, with no shell to attach to."""
        raise NotImplementedError(
            "rcabox sandboxes run inside the Inspect process and have no terminal to connect to; "
            "to explore a snapshot interactively run `rcabox shell --snapshot DIR`"
        )
