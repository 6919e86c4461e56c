"""The `rcabox` command the wheel installs is the Rust binary's command line."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys


def rcabox_command() -> str:
    """The console script beside this environment's interpreter."""
    return str(pathlib.Path(sys.executable).parent / "rcabox")


def test_the_installed_command_runs_exec_with_its_exit_status(snapshot: pathlib.Path) -> None:
    out = subprocess.run(
        [rcabox_command(), "exec", "--json", "--snapshot", str(snapshot), "echo hi; exit 7"],
        capture_output=True,
        check=False,
    )
    assert out.returncode == 7, out.stderr
    r = json.loads(out.stdout)
    assert (r["stdout"], r["exit_code"], r["error_kind"]) == ("hi\n", 7, None)


def test_usage_errors_and_python_m(snapshot: pathlib.Path) -> None:
    bad = subprocess.run([rcabox_command(), "exec"], capture_output=True, check=False)
    assert bad.returncode == 2 and b"--snapshot" in bad.stderr
    version = subprocess.run([sys.executable, "-m", "rcabox", "--version"], capture_output=True, check=True)
    assert version.stdout.startswith(b"rcabox ")


def test_snapshot_generate_works_away_from_the_source_tree(tmp_path: pathlib.Path) -> None:
    # The scenario specs are built into the package: run from an unrelated directory.
    out = subprocess.run(
        [rcabox_command(), "snapshot", "generate", "--scenario", "3", "--scale", "0.05", str(tmp_path / "s3")],
        capture_output=True,
        check=False,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "s3" / "ground_truth.yaml").is_file()
