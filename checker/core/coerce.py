"""The one reading of loosely typed values in submitters' JSON and LoadGen's logs."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["as_count", "as_float", "as_int", "is_true"]


def is_true(value: Any) -> bool:
    """True, 1, or the text "true" or "1" (any case, any padding): the ways LoadGen's logs and
    submitters' JSON say yes. Anything else, "yes" included, is no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value == 1
    return isinstance(value, str) and value.strip().lower() in ("true", "1")


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def as_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def as_count(value: Any) -> int | None:
    """A count that an app export may write as a number or as text, whole or not ("1024.0");
    None when it is not a finite number."""
    number = as_float(value)
    return int(number) if number is not None and math.isfinite(number) else None
