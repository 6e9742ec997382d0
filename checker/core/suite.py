"""What a suite (inference, mobile, ...) tells the engine about itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from infercheck.checker.core.findings import CodeIndex, Rule
from infercheck.checker.core.packs import PackStore
from infercheck.checker.core.registry import CheckSet
from infercheck.checker.core.report import Report, ResultEntry

__all__ = ["Recognition", "ResultSink", "Scope", "Suite"]


@dataclass(frozen=True)
class Recognition:
    """The round a tree was made for, as a suite tells it when the user does not: the round
    (None: it cannot tell) and what it was told from, or why not, in words for the user."""

    round: str | None
    evidence: str


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
    # Where each result goes once complete, in the order of its path, instead of the report's
    # list (the CLI's writers: memory stays flat however large the tree).
    sink: ResultSink | None = None
    # Part of the tree or of the rules only (core/focus.py); every report of it says so.
    focus: Any = None
    # Findings the working group allowed (core/waivers.py Waivers): marked, never dropped.
    waivers: Any = None
    # What the report calls the tree (an archive's path when `root` is where it was unpacked),
    # and findings about the input made before the walk (what unpacking it refused).
    shown_root: str | None = None
    input_findings: tuple = ()


class ResultSink(Protocol):
    def begin(self, report: Report) -> None:
        """Called once the round is known, before the first result."""

    def add(self, entry: ResultEntry) -> None:
        """One complete result."""


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
    detect_round: Callable[[str], Recognition]
    walk: Callable[[str, Any, Report, Scope], None]  # check every result into the report
    walk_emits: tuple[type[Rule], ...]  # what the walk itself finds (stray folders, links...)
    # round -> the summary CSV's columns and the rows of one result (none, one, or more)
    summary_table: Callable[[str], tuple[list[str], Callable[[ResultEntry], list[dict[str, str]]]]]
    results_in_order: bool = False  # does the walk add its results in the order of their paths?
