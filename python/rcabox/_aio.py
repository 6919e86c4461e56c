"""An asyncio face on :class:`rcabox.Sandbox`: each call runs in a worker thread with the GIL
released, so the event loop goes on while a command runs, and a cancelled ``exec`` stops the
command in the sandbox instead of leaving it running."""

from __future__ import annotations

import asyncio
import os
from typing import Any, Mapping, Optional, Union

from ._native import ExecResult, Sandbox


class AsyncSandbox:
    """One sandbox session with ``async`` methods; the arguments are :class:`Sandbox`'s."""

    def __init__(self, sandbox: Sandbox) -> None:
        """Wrap an open :class:`Sandbox` (use :meth:`open` to create one without blocking)."""
        self.sandbox = sandbox

    @classmethod
    async def open(cls, snapshot: Union[str, "os.PathLike[str]", None] = None, **limits: Any) -> "AsyncSandbox":
        """Open a sandbox over ``snapshot`` in a worker thread (the first one in a process loads
        the tool module)."""
        sandbox = await asyncio.to_thread(Sandbox, snapshot, **limits)
        return cls(sandbox)

    async def exec(
        self,
        cmd: str,
        timeout: Optional[float] = None,
        stdin: Union[str, bytes, None] = None,
        env: Optional[Mapping[str, str]] = None,
        cwd: Optional[str] = None,
        max_output: Optional[int] = None,
    ) -> ExecResult:
        """Run ``cmd``; cancelling the awaiting task interrupts the command."""
        variables = dict(env) if env else None
        task = asyncio.ensure_future(
            asyncio.to_thread(self.sandbox.exec, cmd, timeout, stdin, variables, cwd, max_output)
        )
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            self.sandbox.interrupt()
            # The worker ends within the sandbox's grace period once interrupted.
            await asyncio.wait([task])
            raise

    async def read_file(self, path: str, limit: int = 1 << 30) -> bytes:
        """The bytes of a file."""
        return await asyncio.to_thread(self.sandbox.read_file, path, limit)

    async def write_file(self, path: str, data: Union[str, bytes]) -> None:
        """Write a file under /workspace or /tmp, making its parents."""
        await asyncio.to_thread(self.sandbox.write_file, path, data)

    async def exists(self, path: str) -> bool:
        """Whether anything exists at ``path``."""
        return await asyncio.to_thread(self.sandbox.exists, path)

    async def is_dir(self, path: str) -> bool:
        """Whether ``path`` is a directory."""
        return await asyncio.to_thread(self.sandbox.is_dir, path)

    async def is_file(self, path: str) -> bool:
        """Whether ``path`` is a regular file."""
        return await asyncio.to_thread(self.sandbox.is_file, path)

    async def list_dir(self, path: str = ".") -> list[str]:
        """The sorted names in a directory."""
        return await asyncio.to_thread(self.sandbox.list_dir, path)

    async def save_workspace(self, dir: Union[str, "os.PathLike[str]", None] = None) -> None:
        """Copy /workspace to the host directory."""
        await asyncio.to_thread(self.sandbox.save_workspace, dir)
