"""Fixtures shared by the package's tests: one small generated snapshot per test session."""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import local_model as lm
import rcabox


def pytest_report_header() -> list[str]:
    """Say which rcabox the tests import: the installed wheel, not the source tree."""
    return [f"rcabox {rcabox.__version__} from {pathlib.Path(rcabox.__file__).parent}", f"python {sys.version.split()[0]}"]


@pytest.fixture(scope="session")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """ITBench scenario 2 (a feature flag that fails the cart) at a small scale."""
    out = tmp_path_factory.mktemp("snap") / "Scenario-2"
    rcabox.generate_snapshot(2, out, seed=1, scale=0.05)
    return out


@pytest.fixture
def local_model(tmp_path: pathlib.Path) -> Iterator[lm.LocalModel]:
    """Starts the local llama.cpp model with a chat format and returns its /v1 URL; skips,
    saying what is missing, where it is not installed (.ci/run installs it)."""
    why = lm.missing()
    if why is not None:
        pytest.skip(f"no local model: {why}")
    servers: list[lm.Server] = []

    def start(chat_format: str) -> str:
        try:
            server = lm.Server(chat_format, tmp_path / f"llama_cpp_{len(servers)}.log")
        except RuntimeError as e:
            pytest.fail(str(e), pytrace=False)
        servers.append(server)
        return server.base_url

    try:
        yield start
    finally:
        for s in servers:
            s.stop()


@pytest.fixture(scope="session")
def stirrup_example() -> Any:
    """examples/stirrup_itbench.py as a module: the tests drive the example users run, not a
    copy of its agent."""
    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "stirrup_itbench.py"
    spec = importlib.util.spec_from_file_location("stirrup_itbench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
