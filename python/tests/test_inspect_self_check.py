"""Inspect's own portable conformance suite for sandbox providers
(``inspect_ai.util._sandbox.self_check``, 44 checks) run against ``sandbox="rcabox"``, as the
suite's docstring asks of a provider: its checks imported into pytest, a function-scoped
``sandbox_env`` fixture, and strict xfails only for what the sandbox cannot do, each with why."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from inspect_ai.util._sandbox.environment import SandboxEnvironment
from inspect_ai.util._sandbox.registry import registry_find_sandboxenv
from inspect_ai.util._sandbox.self_check import *  # noqa: F403
from inspect_ai.util._sandbox.self_check import __all__ as CHECKS

from rcabox.inspect import RcaboxSandboxEnvironment

pytestmark = pytest.mark.anyio

#: What the sandbox cannot do, by check. Strict: a check that starts passing fails here.
XFAILS: dict[str, str] = {
    # The sandbox has one user and no permission bits: every file in /workspace and /tmp is
    # the agent's own to read and write (the snapshot and the rest are read-only for all), and
    # there is no chmod to take a permission away.
    "test_read_file_not_allowed": "no permission bits: the agent's files are always its own to read",
    "test_write_text_file_without_permissions": "no permission bits: the agent's files are always its own to write",
    "test_write_binary_file_without_permissions": "no permission bits: the agent's files are always its own to write",
}

#: Checks that cannot run at all.
SKIPS: dict[str, str] = {
    # It adds a Unix user with adduser/useradd and runs whoami as root and as that user.
    "test_exec_as_user": "one user (agent): no root, no adduser, no second user",
}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    """Inspect runs on asyncio."""
    return "asyncio"


@pytest.fixture(scope="module")
async def _rcabox_env() -> AsyncIterator[SandboxEnvironment]:
    await RcaboxSandboxEnvironment.task_init("self_check", None)
    envs = await RcaboxSandboxEnvironment.sample_init("self_check", None, {"__sample_id__": "1"})
    try:
        yield envs["default"]
    finally:
        await RcaboxSandboxEnvironment.sample_cleanup("self_check", None, envs, False)
        await RcaboxSandboxEnvironment.task_cleanup("self_check", None, True)


@pytest.fixture
def sandbox_env(request: pytest.FixtureRequest, _rcabox_env: SandboxEnvironment) -> SandboxEnvironment:
    """The shared sandbox, with this check's expected outcome attached."""
    name = request.node.originalname
    if name in SKIPS:
        pytest.skip(SKIPS[name])
    if name in XFAILS:
        request.node.add_marker(pytest.mark.xfail(reason=XFAILS[name], strict=True))
    return _rcabox_env


def test_the_suite_is_whole_and_rcabox_is_registered() -> None:
    assert len(CHECKS) == 44
    assert set(XFAILS) | set(SKIPS) <= set(CHECKS)
    # At least 40 of the 44 checks must pass.
    assert len(CHECKS) - len(XFAILS) - len(SKIPS) >= 40
    # Found through the package's `inspect_ai` entry point, as `sandbox="rcabox"` finds it.
    assert registry_find_sandboxenv("rcabox") is RcaboxSandboxEnvironment
