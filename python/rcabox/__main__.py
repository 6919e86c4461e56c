"""``python -m rcabox``: the ``rcabox`` command line."""

from ._cli import main

main()
