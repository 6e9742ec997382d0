"""The MLPerf Automotive suite: LoadGen runs in the inference layout, checked by the inference
suite's walk and checks on Automotive's own rule packs (packs/). What differs from Inference is
data in those packs; what is the suite's own is here and in recognise.py."""

from __future__ import annotations

from functools import partial

from infercheck.checker.automotive.recognise import owns_tree, recognise_automotive_round
from infercheck.checker.core.suite import Suite
from infercheck.checker.inference.checks import CHECKS
from infercheck.checker.inference.engine import CODES, WALK_RULES, walk
from infercheck.checker.inference.rules import load_rules, pack_store
from infercheck.checker.inference.summary import summary_table

__all__ = ["SUITE"]

NAME = "automotive"

SUITE = Suite(
    name=NAME,
    title="MLPerf Automotive",
    packs=pack_store(NAME),
    load_rules=partial(load_rules, suite=NAME),
    codes=CODES,
    checks=CHECKS,
    profiles=("strict", "smoke", "published"),
    owns_tree=owns_tree,
    detect_round=recognise_automotive_round,
    walk=walk,
    walk_emits=WALK_RULES,
    summary_table=partial(summary_table, suite=NAME),
    results_in_order=True,
)
