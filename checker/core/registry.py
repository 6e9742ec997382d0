"""Checks: functions of one context (a result, a device) that yield findings.

`@check(emits=...)` marks a function as a check and says which rules it may yield; a suite lists
its checks, in the order they run, in a `CheckSet`. The engine is handed the set to run (tests
hand it another), so nothing global is filled or mutated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType

from infercheck.checker.core.findings import Finding, Rule

__all__ = ["Check", "CheckSet", "check", "checks_in"]


@dataclass(frozen=True)
class Check:
    name: str
    func: Callable[..., Iterator[Finding]]
    emits: tuple[type[Rule], ...]

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.emits)


def check(*, emits: tuple[type[Rule], ...]):
    """Mark a check; `emits` lists the rules it may yield (the engine holds it to that)."""

    def wrap(func):
        func.check = Check(func.__name__, func, tuple(emits))
        return func

    return wrap


def checks_in(*modules: ModuleType) -> list[Check]:
    """The checks defined in these modules (to test that a suite's set misses none)."""
    return [obj.check for module in modules for obj in vars(module).values()
            if callable(obj) and isinstance(getattr(obj, "check", None), Check)
            and obj.__module__ == module.__name__]


class CheckSet:
    """An ordered set of checks."""

    def __init__(self, checks: Iterable[Check] = ()) -> None:
        self._checks: list[Check] = list(checks)

    @classmethod
    def of(cls, *funcs: Callable) -> CheckSet:
        """The checks marked by @check, in the order given."""
        return cls(f.check for f in funcs)

    def __iter__(self) -> Iterator[Check]:
        return iter(self._checks)

    def __len__(self) -> int:
        return len(self._checks)

    def __add__(self, more: Iterable[Check]) -> CheckSet:
        return CheckSet([*self._checks, *more])

    def emitted(self) -> set[type[Rule]]:
        return {rule for c in self._checks for rule in c.emits}
