"""infercheck's checker: validate MLPerf submission trees and tabulate their results.

`infercheck.checker.core` is the suite-independent machinery; `inference` and `mobile` are the
suites; `suites` ties them together and provides what this package exports.
"""

from __future__ import annotations

from typing import Any

from infercheck.checker.core import __version__
from infercheck.checker.core.explain import explain
from infercheck.checker.core.findings import Finding, Rule, Severity
from infercheck.checker.core.report import Report, ResultEntry

__all__ = ["Finding", "Report", "ResultEntry", "Rule", "Severity", "__version__", "check_tree",
           "detect_suite", "explain"]

_FROM_SUITES = ("check_tree", "detect_suite")


def __getattr__(name: str) -> Any:
    if name in _FROM_SUITES:
        # On first use: importing the core (a submodule of this package) must not load the suites.
        from infercheck.checker import suites

        return getattr(suites, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
