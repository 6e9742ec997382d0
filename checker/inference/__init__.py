"""The MLPerf Inference suite (datacenter, edge): its packs, checks, tree walk and summary."""

from __future__ import annotations

from infercheck.checker.core.suite import Suite
from infercheck.checker.inference.checks import CHECKS
from infercheck.checker.inference.engine import CODES, WALK_RULES, walk
from infercheck.checker.inference.rounds import recognise_round
from infercheck.checker.inference.rules import PACKS, load_rules
from infercheck.checker.inference.summary import summary_table

__all__ = ["SUITE"]

SUITE = Suite(
    name="inference",
    title="MLPerf Inference",
    packs=PACKS,
    load_rules=load_rules,
    codes=CODES,
    checks=CHECKS,
    profiles=("strict", "smoke", "published"),
    # The default suite: any tree no other suite claims is an inference tree.
    owns_tree=lambda root: True,
    detect_round=recognise_round,
    walk=walk,
    walk_emits=WALK_RULES,
    summary_table=summary_table,
    results_in_order=True,
)
