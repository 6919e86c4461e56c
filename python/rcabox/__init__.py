"""rcabox: run shell commands over IT operations snapshots in a WebAssembly sandbox, in-process.

The sandbox is rcabox's Rust runtime (wasmtime, a bundled set of shell tools and python3 built
for WASI) loaded as a native module: no daemon, no container, no network. A snapshot folder is
mounted read-only at ``/snapshot`` with its ground truth hidden; ``/workspace`` and ``/tmp``
are writable and kept across the commands of one :class:`Sandbox`; every command runs within
time, CPU, memory, process, output and disk limits, and the same snapshot and commands give the
same bytes on any machine.

- :class:`Sandbox` and :class:`AsyncSandbox`: one session each.
- :func:`score`: ITBench's metrics for a diagnosis against a ground truth.
- :func:`generate_snapshot`: a realistic ITBench-shaped snapshot of a real scenario.
- :mod:`rcabox.stirrup`: a Stirrup ``CodeExecToolProvider`` backed by the sandbox.
- the ``rcabox`` command: the same command line as the Rust binary.
"""

from __future__ import annotations

import json
import os
from typing import Any, Union

from ._aio import AsyncSandbox
from ._native import (
    TOOLS_SHA256,
    ExecResult,
    FileTooLargeError,
    RcaboxError,
    Sandbox,
    __version__,
    host_memory_limit,
    set_host_memory_limit,
)
from . import _native

PathLike = Union[str, "os.PathLike[str]"]

__all__ = [
    "AsyncSandbox",
    "ExecResult",
    "FileTooLargeError",
    "RcaboxError",
    "Sandbox",
    "TOOLS_SHA256",
    "__version__",
    "generate_snapshot",
    "host_memory_limit",
    "score",
    "set_host_memory_limit",
]


def score(ground_truth: PathLike, answer: Union[str, dict[str, Any], list[Any]]) -> dict[str, Any]:
    """Score a diagnosis against an ITBench ground truth (``ground_truth.yaml``).

    ``answer`` is ITBench's ``agent_output.json`` (as text or as the parsed object: a dict with
    ``entities``) or a list of ``namespace/Kind/name`` strings. Returns the score as a dict:
    ``all_recall_ap``, ``precision``, ``recall``, ``f1``, ``at_k``, ``root_causes``,
    ``submitted`` and one entry of ``matches`` per submitted name saying why it matched or not.
    Raises :class:`RcaboxError` for an unreadable ground truth or a malformed answer.
    """
    text = answer if isinstance(answer, str) else json.dumps(answer)
    result: dict[str, Any] = json.loads(_native.score_json(os.fspath(ground_truth), text))
    return result


def generate_snapshot(
    scenario: int,
    out: PathLike,
    *,
    seed: int = 1,
    scale: float = 1.0,
    itbench: PathLike | None = None,
) -> dict[str, Any]:
    """Write a realistic snapshot of ITBench scenario ``scenario`` into the new folder ``out``.

    ``scale`` 1.0 is about 5 MB; the files, columns and formats are ITBench-Lite v0.2's, with
    the scenario's ground truth in ``ground_truth.yaml``. ``itbench`` is a folder of
    ``scenario_<N>/`` specs; by default ITBench's own, built into the package. Returns
    ``content_hash``, ``files``, ``bytes`` and ``faults``.
    """
    specs = None if itbench is None else os.fspath(itbench)
    summary: dict[str, Any] = json.loads(
        _native.generate_snapshot_json(specs, int(scenario), os.fspath(out), int(seed), float(scale))
    )
    return summary
