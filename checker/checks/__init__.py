"""The checks, one module per topic; importing this package registers every rule and check."""

from __future__ import annotations

from . import accuracy, compliance, internal, loadgen, measurements, power, structure, system  # noqa: E402,F401,I001
from ._registry import CHECKS, check

__all__ = ["CHECKS", "check"]
