"""The `infercheck` command line: the one module that imports the checker, the runner and the
reports; it words their errors and results for people."""

from __future__ import annotations

from infercheck.cli.app import main

__all__ = ["main"]
