"""rcabox as Stirrup's sandbox: :class:`RcaboxCodeExecToolProvider`.

Stirrup (``pip install stirrup``, the harness ITBench-AA's scores come from) runs an agent's
``code_exec`` calls through a ``CodeExecToolProvider``: its own run commands on the host
(``LocalCodeExecToolProvider``), as root in a container (Docker) or in a cloud VM (E2B). This
provider runs them in rcabox's WebAssembly sandbox, in-process:

- **The working directory is ``/workspace``**, in memory, fresh for every session, within a
  disk quota. A snapshot given to the provider (or the first directory handed to
  ``agent.session(input_files=...)``) appears read-only at ``/workspace/<its name>``, so the
  relative paths Stirrup's ``cmd`` description asks for reach it, the system prompt lists its
  files as Stirrup lists uploaded input files, and nothing is copied. Its ground truth
  (``ground_truth.yaml``) is hidden from commands, listings and the prompt alike.
- Other input files are copied into ``/workspace`` by Stirrup's rules (a directory keeps its
  name); output files are read back from ``/workspace`` (or ``/tmp``) when the finish tool
  names them.
- Commands run under ``sh -c`` with rcabox's bash-compatible shell and bundled tools (coreutils,
  grep, rg, sed, awk, jq, python3, ...), no network, with time, CPU, memory, process and output
  limits. A limit is reported with Stirrup's ``error_kind`` form; a timeout exactly as
  Stirrup's local provider reports it.
- The same snapshot and commands give the same bytes on any machine.

Differences from ``LocalCodeExecToolProvider``, each deliberate: no absolute-path check (nothing
of the host is reachable, so ``/tmp/x`` is safe), input files listed in sorted order rather than
directory-scan order, ``temp_dir`` is None (Stirrup's resume cache gets no copy of the files:
they live in memory), and the ``code_exec`` description is Stirrup's base one (no ``uv``: there
is no package installer in the sandbox).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from types import TracebackType
from typing import Annotated, Any, Optional, Union

from pydantic import BaseModel, Field
from stirrup.core.models import ImageContentBlock, Tool, ToolResult, ToolUseCountMetadata
from stirrup.tools.code_backends.base import (
    SHELL_TIMEOUT,
    CodeExecToolProvider,
    CodeExecutionParams,
    CommandResult,
    OutputSourceRoot,
    UploadedFile,
    UploadFilesResult,
)

from . import _native
from ._aio import AsyncSandbox

__all__ = [
    "AgentOutput",
    "AlertExplained",
    "Entity",
    "Propagation",
    "RcaboxCodeExecToolProvider",
    "itbench_finish_tool",
    "itbench_prompts",
]

#: Where commands start and relative paths lead.
WORKDIR = "/workspace"

_NOT_STARTED = "ExecutionEnvironment not started. Ensure current Agent is equipped with a CodeExecToolProvider."

#: What the model is told when a command hits a limit other than the timeout: (details,
#: advice), the same texts `rcabox run` sends.
_LIMITS: dict[str, tuple[str, str]] = {kind: (line, advice) for kind, line, advice in _native.limit_texts()}


class RcaboxCodeExecToolProvider(CodeExecToolProvider):
    """A Stirrup ``CodeExecToolProvider`` backed by rcabox's in-process WebAssembly sandbox.

    ``snapshot``: a folder mounted read-only at ``/workspace/<mount_as or its name>``; without
    one, the first directory given to ``upload_files`` (``input_files``) before any command is
    mounted the same way instead of copied. ``shell_timeout`` and ``allowed_commands`` are
    Stirrup's; ``limits`` are :class:`rcabox.Sandbox`'s (``memory_mb``, ``disk_mb``,
    ``max_output``, ``max_processes``, ``cpu_limit``, ``seed``, ...).
    """

    def __init__(
        self,
        snapshot: Union[str, "os.PathLike[str]", None] = None,
        *,
        mount_as: Optional[str] = None,
        allowed_commands: Optional[list[str]] = None,
        description: Optional[str] = None,
        shell_timeout: int = SHELL_TIMEOUT,
        **limits: Any,
    ) -> None:
        """Configure the provider; nothing starts until the agent's session enters it."""
        super().__init__(allowed_commands=allowed_commands, shell_timeout=shell_timeout)
        self._snapshot: Optional[Path] = Path(snapshot).resolve() if snapshot is not None else None
        self._mount_as = mount_as
        self._description = description
        self._limits = limits
        self._sandbox: Optional[AsyncSandbox] = None
        self._commands_run = 0
        self._written = False

    @property
    def sandbox(self) -> AsyncSandbox:
        """The session's sandbox (RuntimeError before the session starts)."""
        if self._sandbox is None:
            raise RuntimeError(_NOT_STARTED)
        return self._sandbox

    @property
    def mount_name(self) -> Optional[str]:
        """The snapshot's name in the working directory, once one is mounted."""
        if self._snapshot is None:
            return None
        return self._mount_as or self._snapshot.name

    async def _open(self) -> None:
        """A fresh sandbox: each session starts from the snapshot and an empty workspace."""
        self._sandbox = await AsyncSandbox.open(
            self._snapshot,
            snapshot_in_workspace=self.mount_name,
            timeout=float(self._shell_timeout),
            **self._limits,
        )
        self._commands_run = 0
        self._written = False

    async def __aenter__(self) -> Tool[CodeExecutionParams, ToolUseCountMetadata]:
        """Open a fresh sandbox and return the ``code_exec`` tool."""
        await self._open()
        return self.get_code_exec_tool(description=self._description)

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_val: Optional[BaseException],
        exc_tb: Optional[TracebackType],
    ) -> None:
        """Drop the sandbox: its workspace lived in memory and goes with it."""
        self._sandbox = None

    async def run_command(self, cmd: str, *, timeout: Optional[int] = None) -> CommandResult:
        """Run ``cmd`` in the sandbox; never raises for what the command does."""
        sandbox = self.sandbox
        if timeout is None:
            timeout = self._shell_timeout
        argv, rejection = self._prepare_command(cmd)
        if rejection is not None:
            return rejection
        # An allowlisted command runs without shell syntax: its quoted argv means itself only.
        text = shlex.join(argv) if argv is not None else cmd
        self._commands_run += 1
        try:
            r = await sandbox.exec(text, timeout=float(timeout))
        except Exception as exc:  # the sandbox refused to start the command
            return CommandResult(exit_code=1, stdout="", stderr=str(exc), error_kind="execution_error")
        stdout = r.stdout.decode("utf-8", errors="replace")
        stderr = r.stderr.decode("utf-8", errors="replace")
        if r.error_kind == "timeout":
            return CommandResult(
                exit_code=1, stdout="", stderr=f"Command timed out after {timeout} seconds", error_kind="timeout"
            )
        if r.error_kind in _LIMITS:
            details, advice = _LIMITS[r.error_kind]
            return CommandResult(
                exit_code=r.exit_code,
                stdout=stdout,
                stderr=f"{stderr}{details}" if not stderr or stderr.endswith("\n") else f"{stderr}\n{details}",
                error_kind=r.error_kind,
                advice=advice or None,
            )
        return CommandResult(exit_code=r.exit_code, stdout=stdout, stderr=stderr)

    def _path(self, path: str) -> str:
        """An environment path: relative ones start in the working directory."""
        if "\x00" in path:
            raise ValueError(f"Path is outside execution environment: {path!r}")
        return path if path.startswith("/") else f"{WORKDIR}/{path}"

    async def read_file_bytes(self, path: str) -> bytes:
        """The bytes of a file (FileNotFoundError when missing or hidden)."""
        try:
            return await self.sandbox.read_file(self._path(path))
        except FileNotFoundError as e:
            raise FileNotFoundError(f"File not found: {path}") from e

    async def write_file_bytes(self, path: str, content: bytes) -> None:
        """Write a file under /workspace or /tmp, making its directories (PermissionError
        elsewhere: the snapshot is read-only)."""
        self._written = True
        await self.sandbox.write_file(self._path(path), content)

    async def file_exists(self, path: str) -> bool:
        """Whether a regular file exists at ``path``."""
        return await self.sandbox.is_file(self._path(path))

    async def is_directory(self, path: str) -> bool:
        """Whether ``path`` is a directory."""
        return await self.sandbox.is_dir(self._path(path))

    async def list_files(self, path: str) -> list[str]:
        """Every file below the directory ``path``, relative to it, sorted; [] otherwise."""
        root = self._path(path)
        if not await self.sandbox.is_dir(root):
            return []
        out: list[str] = []
        stack = [""]
        while stack:
            rel = stack.pop()
            here = f"{root}/{rel}" if rel else root
            for name in await self.sandbox.list_dir(here):
                child = f"{rel}/{name}" if rel else name
                if await self.sandbox.is_dir(f"{root}/{child}"):
                    stack.append(child)
                else:
                    out.append(child)
        return sorted(out)

    async def view_image(self, path: str) -> ImageContentBlock:
        """An image file from the environment (ValueError if it is not an image)."""
        if await self.sandbox.is_dir(self._path(path)):
            raise ValueError(f"Path is a directory, not an image: {path}")
        return ImageContentBlock(data=await self.read_file_bytes(path))

    def output_source_roots(self) -> tuple[OutputSourceRoot, ...]:
        """Absolute output paths are kept relative to the writable roots."""
        return (OutputSourceRoot(path=WORKDIR), OutputSourceRoot(path="/tmp"))

    async def upload_files(
        self,
        *paths: Union[Path, str],
        source_env: Optional[CodeExecToolProvider] = None,
        dest_dir: Optional[str] = None,
    ) -> UploadFilesResult:
        """Put input files in the working directory as Stirrup's local provider does; the
        snapshot directory is mounted read-only instead of copied (see the module's text)."""
        sandbox = self.sandbox
        if source_env is not None:
            return await super().upload_files(*paths, source_env=source_env, dest_dir=dest_dir)
        result = UploadFilesResult()
        base = f"{WORKDIR}/{dest_dir.strip('/')}" if dest_dir else WORKDIR
        for path in paths:
            source = Path(path).resolve()
            try:
                if not source.exists():
                    result.failed[str(source)] = "File or directory does not exist"
                    continue
                if source.is_dir() and dest_dir is None and self._adopt_snapshot(source):
                    await self._open()
                    sandbox = self.sandbox
                if source.is_dir() and dest_dir is None and source == self._snapshot:
                    name = self.mount_name or source.name
                    for rel in await self.list_files(f"{WORKDIR}/{name}"):
                        size = (source / rel).stat().st_size
                        result.uploaded.append(UploadedFile(source / rel, f"{name}/{rel}", size))
                elif source.is_file():
                    self._written = True
                    dest = f"{base}/{source.name}"
                    await sandbox.write_file(dest, source.read_bytes())
                    result.uploaded.append(UploadedFile(source, dest[len(WORKDIR) + 1 :], source.stat().st_size))
                else:
                    self._written = True
                    into = base if dest_dir else f"{base}/{source.name}"
                    for file in sorted(p for p in source.rglob("*") if p.is_file()):
                        dest = f"{into}/{file.relative_to(source).as_posix()}"
                        await sandbox.write_file(dest, file.read_bytes())
                        result.uploaded.append(UploadedFile(file, dest[len(WORKDIR) + 1 :], file.stat().st_size))
            except Exception as exc:
                result.failed[str(source)] = str(exc)
        return result

    def _adopt_snapshot(self, directory: Path) -> bool:
        """Whether ``directory`` becomes the mounted snapshot: only when none was given and no
        command has run nor file been written, so the sandbox can be reopened over it."""
        if self._snapshot is not None or self._commands_run or self._written:
            return False
        self._snapshot = directory
        return True


class Entity(BaseModel):
    """An entity of the diagnosis: a root cause, or one the incident reached."""

    name: Annotated[str, Field(description="namespace/Kind/name, e.g. otel-demo/Deployment/checkout")]
    contributing_factor: Annotated[bool, Field(description="true for a root cause")]
    reasoning: Annotated[str, Field(description="Why it is, or is not, a root cause.")] = ""
    evidence: Annotated[str, Field(description="What in the snapshot shows it.")] = ""


class Propagation(BaseModel):
    """How the fault travelled from one entity to another."""

    source: Annotated[str, Field(description="namespace/Kind/name")]
    target: Annotated[str, Field(description="namespace/Kind/name")]
    condition: str = ""
    effect: str = ""


class AlertExplained(BaseModel):
    """Whether the diagnosis explains a firing alert."""

    alert: Annotated[str, Field(description="The alert's name")]
    explanation: str = ""
    explained: bool = True


class AgentOutput(BaseModel):
    """The diagnosis, as ITBench's agent_output.json: the root causes first, most likely first."""

    entities: Annotated[
        list[Entity],
        Field(description="The entities considered; those with contributing_factor true are the root causes."),
    ]
    propagations: list[Propagation] = []
    alerts_explained: list[AlertExplained] = []


#: What the finish tool answers when the diagnosis names no entity (as `rcabox run` answers).
EMPTY_ENTITIES = "finish: `entities` is empty; name at least one root cause as namespace/Kind/name"


def _finish(params: AgentOutput) -> ToolResult[ToolUseCountMetadata]:
    if not params.entities:
        return ToolResult(content=EMPTY_ENTITIES, success=False, metadata=ToolUseCountMetadata())
    return ToolResult(content="Diagnosis received.", metadata=ToolUseCountMetadata())


def itbench_finish_tool() -> Tool[AgentOutput, ToolUseCountMetadata]:
    """Stirrup's finish tool for ITBench: its parameters are ``agent_output.json`` (the finish
    params the agent returns are an :class:`AgentOutput`; ``model_dump_json()`` is the file)."""
    return Tool[AgentOutput, ToolUseCountMetadata](
        name="finish",
        description=_native.FINISH_DESCRIPTION,
        parameters=AgentOutput,
        executor=_finish,
    )


def itbench_prompts(snapshot_dir: str, max_turns: int = 100) -> tuple[str, str]:
    """rcabox's ITBench instructions (Stirrup's ``system_prompt``) and task (the message given
    to ``session.run``) for a snapshot shown as ``snapshot_dir`` in the working directory:
    what ``rcabox run`` sends, so a Stirrup agent with this provider gets the same requests."""

    def fill(template: str) -> str:
        return template.replace("{max_turns}", str(max_turns)).replace("{snapshot}", snapshot_dir)

    return fill(_native.ITBENCH_INSTRUCTIONS), fill(_native.ITBENCH_TASK)
