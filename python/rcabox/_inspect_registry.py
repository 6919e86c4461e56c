"""The ``inspect_ai`` entry point: importing this registers ``sandbox="rcabox"``."""

from .inspect import RcaboxSandboxEnvironment

__all__ = ["RcaboxSandboxEnvironment"]
