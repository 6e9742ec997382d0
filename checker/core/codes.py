"""The codes every suite shares: files and the tree (STR), measurements (MEA), the summary log
against the detail log (LG019, LG020), rule packs and internal faults (RUL, INT). Each suite
adds its own to these."""

from __future__ import annotations

from infercheck.checker.core import internal, measurements, summary_rules, tree_rules
from infercheck.checker.core.findings import CodeIndex, rules_in

__all__ = ["CORE_CODES"]

CORE_CODES = CodeIndex(rules_in(tree_rules, internal, measurements, summary_rules))
