"""The checks, one module per topic; importing this package registers every rule and check."""

from __future__ import annotations

from ._registry import CHECKS, check

from . import structure, system, measurements, loadgen, accuracy, compliance, power, internal  # noqa: E402,F401,I001

__all__ = ["CHECKS", "check"]
