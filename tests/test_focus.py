"""Focused checks (--select, --ignore, --benchmark, --scenario) on copies of real slices: they
change exactly the results they should, and every report says what was left out."""

from __future__ import annotations

import json

from click.testing import CliRunner
from jsonschema import Draft202012Validator

from infercheck.checker.core.focus import Focus
from infercheck.checker.suites import check_tree
from infercheck.cli import main
from infercheck.schemas import load_schema

from .conftest import corpus
from .test_broken_trees import session_field_missing


def _verdicts(report) -> dict[str, bool]:
    return {e.result: e.valid for e in report.results}


def test_ignoring_a_family_turns_only_its_results_valid_and_says_so(broken_tree, tmp_path):
    tree = broken_tree("power", session_field_missing)
    full = check_tree(str(tree.root))
    broken = {r for r, ok in _verdicts(full).items() if not ok}
    assert broken and {f.code for e in full.results for f in e.errors()} == {"PWR003"}
    focused = check_tree(str(tree.root), focus=Focus.of(ignore=["PWR"]))
    assert all(_verdicts(focused).values()) and set(_verdicts(focused)) == set(_verdicts(full))
    assert not [f for e in focused.results for f in e.findings if f.code.startswith("PWR")]
    assert focused.focus == "--ignore PWR"
    # The command line says it on every verdict line and in the summary, and the JSON report.
    out = CliRunner().invoke(main, ["check", str(tree.root), "--ignore", "PWR",
                                    "--json", str(tmp_path / "r.json")])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    verdicts = [x for x in lines if x.startswith(("VALID", "INVALID"))]
    assert all(" [focused] " in x for x in verdicts[:-1])
    assert lines[-1].endswith("; FOCUSED, not a full check: --ignore PWR)")
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert data["focus"] == "--ignore PWR"
    assert not list(Draft202012Validator(load_schema("report")).iter_errors(data))


def test_select_keeps_only_the_selected_codes(broken_tree):
    tree = broken_tree("power", session_field_missing)
    only_lg = check_tree(str(tree.root), focus=Focus.of(select=["LG"]))
    assert all(f.code.startswith(("LG", "RUL", "INT")) for f in only_lg.all_findings())
    assert all(_verdicts(only_lg).values())
    by_code = check_tree(str(tree.root), focus=Focus.of(select=["PWR003"]))
    assert {f.code for f in by_code.all_findings()} - {"RUL002"} == {"PWR003"}


def test_benchmark_and_scenario_filters_check_only_those_results():
    root = str(corpus("inference-v2.1"))
    full = check_tree(root, round="v2.1")
    part = check_tree(root, round="v2.1", focus=Focus.of(benchmarks=["resnet50"],
                                                         scenarios=["Offline"]))
    expected = {e.result for e in full.results
                if e.benchmark == "resnet50" and e.scenario == "Offline"}
    assert expected and {e.result for e in part.results} == expected
    assert part.focus == "--benchmark resnet50 --scenario Offline"
    # The results left out are not checked at all, yet count as there: a closed benchmark's
    # other scenarios are not missing (STR011), and each kept result is judged as in full.
    judged = {e.result: (e.valid, e.metrics.get("value"), [f.code for f in e.findings])
              for e in full.results if e.result in expected}
    assert {e.result: (e.valid, e.metrics.get("value"), [f.code for f in e.findings])
            for e in part.results} == judged
