"""The ``rcabox`` command installed by the wheel: the same command line as the Rust binary."""

from __future__ import annotations

import os
import sys

from . import _native


def main() -> None:
    """Run ``rcabox`` with this process's arguments and exit with its status."""
    # `rcabox bench` starts this program again (its MCP server, cold starts): here that is this
    # script, not the Python interpreter the process runs.
    if sys.argv and sys.argv[0]:
        os.environ.setdefault("RCABOX_EXE", os.path.abspath(sys.argv[0]))
    argv = ["rcabox", *sys.argv[1:]]
    try:
        code = _native.cli_main(argv)
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    sys.exit(code)
