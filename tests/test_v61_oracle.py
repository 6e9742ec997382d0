"""v6.1 as its official checker judges it: infercheck's verdicts on the trees of v61_trees.py
against the official checker's (mlcommons/inference b66003e1, kept in tests/oracle/v6.1.json by
benchmarks/oracle_v61.py), tree by tree, and the value of every result both accept. Where the
official checker is wrong by its own rules, the difference is listed below with its source."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from infercheck.checker import check_tree

from .v61_trees import TREES, build

ORACLE = json.loads((Path(__file__).parent / "oracle" / "v6.1.json").read_text("utf-8"))

_EP = "open/MyOrg/results/cpu2-onnxruntime/llama3.1-8b"
_LG = "open/MyOrg/results/cpu2-onnxruntime/ocrcls-mobilenetv3/Offline"

# Results the official checker accepts through a fault of its own, which infercheck rejects:
# (tree, result) -> why.
OFFICIAL_ACCEPTS_WRONGLY = {
    # performance_check.py:551-557 sets is_valid True whatever result_validity says (the v6
    # package lost the one-file checker's "INVALID result" error): LoadGen's own verdict is
    # ignored. infercheck: LG002.
    ("loadgen-result-invalid", _LG): "LG002",
    # EndpointsParser.get_errors() returns [] (endpoints_parser.py:246), so has_error() with
    # n_samples_failed = 3 finds no "critical" error (performance_check.py:145-167) and a run
    # whose samples failed passes. infercheck: LG001.
    ("endpoints-failed-samples", f"{_EP}/Offline"): "LG001",
}
# Results the official checker rejects through a fault of its own: (tree, result) -> why.
OFFICIAL_REJECTS_WRONGLY = {
    # A config.yaml that cannot be read leaves effective_scenario None, and
    # PerformanceCheck.map_endpoints_scenario calls None.lower() (performance_check.py:69): the
    # AttributeError ends the whole run, so no result of the tree is accepted, the other
    # scenario's either. infercheck rejects the broken one only (its STR001/STR004, LG013).
    **{(f"endpoints-config-{case}", f"{_EP}/Online"): "AttributeError ends the official run"
       for case in ("a-list", "deep", "missing", "not-yaml")},
}


def test_the_oracle_judged_every_tree_and_only_those():
    assert sorted(ORACLE["trees"]) == sorted(TREES)
    assert ORACLE["commit"].startswith("b66003e1")


@pytest.mark.parametrize("name", sorted(TREES))
def test_verdicts_equal_the_official_checkers(name, tmp_path):
    root = build(name, tmp_path)
    report = check_tree(str(root), round="v6.1")
    official = set(ORACLE["trees"][name]["accepted"])
    ours = {e.result for e in report.results if e.valid}
    wrongly_accepted = {r for (tree, r) in OFFICIAL_ACCEPTS_WRONGLY if tree == name}
    wrongly_rejected = {r for (tree, r) in OFFICIAL_REJECTS_WRONGLY if tree == name}
    assert ours == (official - wrongly_accepted) | wrongly_rejected
    for result in wrongly_accepted:
        entry = next(e for e in report.results if e.result == result)
        assert OFFICIAL_ACCEPTS_WRONGLY[(name, result)] in {f.code for f in entry.errors()}
    for entry in report.results:
        row = ORACLE["trees"][name]["accepted"].get(entry.result)
        if entry.valid and row is not None:
            assert math.isclose(entry.metrics["value"], float(row["Result"]), rel_tol=1e-9)
            # The official Offline unit of an endpoints LLM says Tokens/s of a value that is
            # samples per second: its token-rate key is looked up as "Offline" where the
            # endpoints scenario reads "offline" (performance_check.py:565-573), so the value
            # stays the sample rate while the unit is the benchmark's.
            if not (name.startswith("endpoints-") and entry.scenario == "Offline"):
                assert entry.metrics["units"] == row["Units"]
