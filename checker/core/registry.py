"""Checks: functions of one result's context that yield findings, collected per suite.

A suite fills its own `CheckSet` with `@checks.check(emits=...)`; the engine is handed the set
to run (tests hand it another), so nothing global is mutated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from infercheck.checker.core.findings import Finding, Rule

__all__ = ["Check", "CheckSet"]


@dataclass(frozen=True)
class Check:
    name: str
    func: Callable[..., Iterator[Finding]]
    emits: tuple[type[Rule], ...]

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.emits)


class CheckSet:
    """An ordered set of checks; `check` is the decorator that adds one."""

    def __init__(self, checks: Iterable[Check] = ()) -> None:
        self._checks: list[Check] = list(checks)

    def check(self, *, emits: tuple[type[Rule], ...]):
        """Register a check; `emits` lists the rules it may yield (the engine holds it to that)."""

        def wrap(func):
            self._checks.append(Check(func.__name__, func, emits))
            return func

        return wrap

    def __iter__(self) -> Iterator[Check]:
        return iter(self._checks)

    def __len__(self) -> int:
        return len(self._checks)

    def __add__(self, more: Iterable[Check]) -> CheckSet:
        return CheckSet([*self._checks, *more])

    def emitted(self) -> set[type[Rule]]:
        return {rule for c in self._checks for rule in c.emits}
