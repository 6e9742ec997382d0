"""infercheck's checker: validate MLPerf submission trees and tabulate their results.

`infercheck.checker.core` is the suite-independent machinery; `inference` and `mobile` are the
suites; `suites` ties them together and is what this package exports.
"""

from __future__ import annotations

from infercheck.checker.core import __version__
from infercheck.checker.core.explain import explain
from infercheck.checker.core.findings import Finding, Rule, Severity
from infercheck.checker.core.report import Report, ResultEntry
from infercheck.checker.suites import check_tree, detect_suite

__all__ = ["Finding", "Report", "ResultEntry", "Rule", "Severity", "__version__", "check_tree",
           "detect_suite", "explain"]
