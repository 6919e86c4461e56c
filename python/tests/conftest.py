"""Fixtures shared by the package's tests: one small generated snapshot per test session."""

from __future__ import annotations

import pathlib
import sys

import pytest

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
