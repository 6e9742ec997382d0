"""The codes every suite shares: files, the tree and what the results repository refuses
(STR), measurements (MEA), the summary log against the detail log (LG019, LG020), rule packs,
waivers and internal faults (RUL, INT). Each suite adds its own to these."""

from __future__ import annotations

from infercheck.checker.core import (
    archive,
    internal,
    measurements,
    repository_rules,
    summary_rules,
    tree_rules,
    waivers,
)
from infercheck.checker.core.findings import CodeIndex, rules_in

__all__ = ["CORE_CODES"]

CORE_CODES = CodeIndex(rules_in(tree_rules, repository_rules, archive, internal, measurements,
                                summary_rules, waivers))
