"""The MLPerf Mobile suite: the app's exports, the published layouts, their rules and checks."""

from __future__ import annotations

from infercheck.checker.core.suite import Suite
from infercheck.checker.mobile.checks import RESULT_CHECKS
from infercheck.checker.mobile.engine import CODES, WALK_RULES, owns_tree, walk
from infercheck.checker.mobile.recognise import recognise_mobile_round
from infercheck.checker.mobile.rules import PACKS, load_rules
from infercheck.checker.mobile.summary import summary_table

__all__ = ["SUITE"]

SUITE = Suite(
    name="mobile",
    title="MLPerf Mobile",
    packs=PACKS,
    load_rules=load_rules,
    codes=CODES,
    checks=RESULT_CHECKS,
    profiles=("strict", "smoke", "published"),
    owns_tree=owns_tree,
    detect_round=recognise_mobile_round,
    walk=walk,
    walk_emits=WALK_RULES,
    summary_table=summary_table,
)
