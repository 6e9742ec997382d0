"""The inference suite's checks, in the order they run on each result."""

from __future__ import annotations

from infercheck.checker.core.registry import CheckSet

__all__ = ["CHECKS", "check"]

CHECKS = CheckSet()
check = CHECKS.check
