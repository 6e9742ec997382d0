"""What a suite (inference, mobile, ...) tells the engine about itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infercheck.checker.core.findings import CodeIndex, Rule
from infercheck.checker.core.packs import PackStore
from infercheck.checker.core.registry import CheckSet
from infercheck.checker.core.report import Report

__all__ = ["Scope", "Suite"]


@dataclass(frozen=True)
class Scope:
    """What one check run covers and how: the part of the tree, the profile, the checks."""

    profile: str = "strict"
    submitter: str | None = None
    jobs: int = 1
    checks: CheckSet | None = None  # None: the suite's own
    # Told (units done, units in all, results so far) as the walk goes; units are the suite's
    # pieces of work (inference: systems).
    progress: Callable[[int, int, int], None] | None = None


@dataclass(frozen=True)
class Suite:
    name: str
    title: str
    packs: PackStore
    load_rules: Callable[[str], Any]  # round name -> the suite's view on its resolved pack
    codes: CodeIndex  # every code the suite's results can carry (the core's included)
    checks: CheckSet
    profiles: tuple[str, ...]  # the profiles that mean something for this suite
    owns_tree: Callable[[str], bool]  # does this tree hold the suite's results?
    detect_round: Callable[[str], str | None]
    unrecognised: str  # why detect_round found nothing, as RUL001 says it
    walk: Callable[[str, Any, Report, Scope], None]  # check every result into the report
    walk_emits: tuple[type[Rule], ...]  # what the walk itself finds (stray folders, links...)
    summary_rows: Callable[[Report], tuple[list[str], list[dict[str, str]]]]
