"""infercheck: validate MLPerf Inference submission trees and tabulate their results."""

from __future__ import annotations

__version__ = "0.1.0"

from .engine import check_tree  # noqa: E402
from .explain import explain  # noqa: E402
from .findings import Finding, Rule, Severity  # noqa: E402
from .report import Report, ResultEntry  # noqa: E402
from .round_rules import load_rules  # noqa: E402

__all__ = ["Finding", "Report", "ResultEntry", "Rule", "Severity", "__version__", "check_tree",
           "explain", "load_rules"]
