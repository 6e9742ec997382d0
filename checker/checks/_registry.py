"""The ordered list of per-result checks and the decorator that fills it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..findings import Finding, Rule

__all__ = ["CHECKS", "Check", "check"]


@dataclass(frozen=True)
class Check:
    name: str
    func: Callable[..., Iterator[Finding]]
    emits: tuple[type[Rule], ...]


CHECKS: list[Check] = []


def check(*, emits: tuple[type[Rule], ...]):
    """Register a per-result check; `emits` lists the rules it may yield (tests hold it to that)."""

    def wrap(func):
        CHECKS.append(Check(func.__name__, func, emits))
        return func

    return wrap
