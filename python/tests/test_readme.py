"""The Python examples of README.md and python/README.md run as written, so they cannot drift:
each file's ```python blocks run in order in one namespace (a later block may use an earlier
one's names), from the repository's root, with the bundled snapshots materialized."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def blocks(path: pathlib.Path) -> list[str]:
    """The ```python blocks of a Markdown file."""
    return re.findall(r"^```python\n(.*?)^```", path.read_text(encoding="utf-8"), flags=re.S | re.M)


@pytest.mark.parametrize("readme", ["README.md", "python/README.md"])
def test_the_python_examples_run(readme: str, monkeypatch: pytest.MonkeyPatch) -> None:
    found = blocks(ROOT / readme)
    assert found, f"{readme} has no python example"
    if any("stirrup" in b for b in found) and sys.version_info < (3, 12):
        pytest.skip("the examples use Stirrup, which needs Python >= 3.12")
    rcabox_cmd = pathlib.Path(sys.executable).parent / "rcabox"
    subprocess.run([str(rcabox_cmd), "snapshot", "bundle"], cwd=ROOT, check=True, capture_output=True, timeout=300)
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "readme"}
    for i, code in enumerate(found):
        try:
            exec(compile(code, f"{readme} block {i + 1}", "exec"), namespace)
        except Exception as e:  # the block's own error, named
            pytest.fail(f"{readme}, python block {i + 1}: {type(e).__name__}: {e}", pytrace=False)
    assert os.getcwd() == str(ROOT)
