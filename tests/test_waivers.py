"""Waivers (--waivers FILE) on copies of real slices: a waiver turns one exact invalid result
valid and stays listed; an entry that matches nothing, or has expired, warns; a broken file is a
usage error."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from infercheck.checker.core.waivers import WaiverFileError, Waivers
from infercheck.checker.suites import ALL_CODES, check_tree
from infercheck.cli import main
from infercheck.schemas import load_schema

from .test_broken_trees import session_field_missing
from .test_ci_formats import SARIF_PARTS


def _waivers(path, *entries) -> str:
    lines = ["waivers:"]
    for e in entries:
        lines.append(f"  - result: {json.dumps(e['result'])}")
        lines.extend(f"    {k}: {json.dumps(v)}" for k, v in e.items() if k != "result")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return str(path)


def _entry(result, code="PWR003", expires="v9.0", **more):
    return {"result": result, "code": code, "reason": "server.json rewritten by the lab's tool",
            "granted_by": "Power WG, 2025-07-10", "expires": expires, **more}


@pytest.fixture
def power_tree(broken_tree):
    tree = broken_tree("power", session_field_missing)
    invalid = sorted(e.result for e in check_tree(str(tree.root)).results if not e.valid)
    assert invalid, "the mutation must make a result invalid"
    return tree, invalid


def test_a_waiver_turns_one_exact_result_valid_and_stays_listed(power_tree, tmp_path):
    tree, invalid = power_tree
    target = invalid[0]
    path = _waivers(tmp_path / "waivers.yaml", _entry(target))
    report = check_tree(str(tree.root), waivers=Waivers.load(path, ALL_CODES))
    by_result = {e.result: e for e in report.results}
    assert by_result[target].valid
    assert {r for r, e in by_result.items() if not e.valid} == set(invalid[1:])
    waived = [f for f in by_result[target].findings if f.waived]
    assert {f.code for f in waived} == {"PWR003"}
    assert all(f.severity == "warning" and f.waived["severity"] == "error"
               and f.waived["waiver"] == 1 for f in waived)
    assert report.waivers == {"file": path, "entries": 1, "waived_findings": len(waived)}
    assert not [f for f in report.findings if f.code in ("RUL003", "RUL004")]


def test_the_command_line_marks_waived_results_and_the_json_keeps_the_reason(power_tree,
                                                                             tmp_path,
                                                                             sarif_schema):
    tree, invalid = power_tree
    path = _waivers(tmp_path / "waivers.yaml", *[_entry(r) for r in invalid])
    out = CliRunner().invoke(main, ["check", str(tree.root), "--waivers", path,
                                    "--json", str(tmp_path / "r.json"),
                                    "--sarif", str(tmp_path / "r.sarif")])
    assert out.exit_code == 0, out.output
    marked = [x for x in out.output.splitlines() if "[waived: PWR003]" in x]
    assert len(marked) == len(invalid) and all(x.startswith("VALID") for x in marked)
    assert f"waived by {path} ({len(invalid)} entr" in out.output
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert not list(Draft202012Validator(load_schema("report")).iter_errors(data))
    reasons = {f["waived"]["reason"] for r in data["results"] for f in r["findings"]
               if "waived" in f}
    assert reasons == {"server.json rewritten by the lab's tool"}
    sarif = json.loads((tmp_path / "r.sarif").read_text("utf-8"))
    official = jsonschema.validators.validator_for(sarif_schema)(sarif_schema)
    assert [e.message for e in official.iter_errors(sarif)] == []
    assert not list(Draft202012Validator(SARIF_PARTS).iter_errors(sarif))
    suppressed = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert suppressed and all(r["ruleId"] == "PWR003" for r in suppressed)


def test_an_unused_waiver_warns_and_waives_nothing(power_tree, tmp_path):
    tree, invalid = power_tree
    path = _waivers(tmp_path / "w.yaml", _entry(invalid[0]),
                    _entry("closed/*/results/*/resnet50/Server", code="LG003"))
    report = check_tree(str(tree.root), waivers=Waivers.load(path, ALL_CODES))
    unused = [f for f in report.findings if f.code == "RUL003"]
    assert [(f.severity, f.locator) for f in unused] == [("warning", "waivers[1]")]
    assert "waiver 2 (closed/*/results/*/resnet50/Server, LG003) matched no finding" \
        == unused[0].message
    # In a check of part of the tree, an entry may only be out of its reach: information.
    part = check_tree(str(tree.root), submitter=tree.submitter,
                      waivers=Waivers.load(path, ALL_CODES))
    assert [f.severity for f in part.findings if f.code == "RUL003"] == ["info"]


def test_an_expired_waiver_is_not_applied_and_warns(power_tree, tmp_path):
    tree, invalid = power_tree
    round_name = check_tree(str(tree.root)).round
    path = _waivers(tmp_path / "w.yaml", _entry(invalid[0], expires=round_name))
    report = check_tree(str(tree.root), waivers=Waivers.load(path, ALL_CODES))
    assert not {e.result: e for e in report.results}[invalid[0]].valid
    expired = [f for f in report.findings if f.code == "RUL004"]
    assert [(f.expected, f.found) for f in expired] == [(round_name, round_name)]
    assert report.waivers["waived_findings"] == 0


@pytest.mark.parametrize(("text", "said"), [
    ("waivers:\n  - result: x\n    code: PWR003\n", "'reason' is a required property"),
    ("waivers:\n  - {result: x, code: XYZ999, reason: r, granted_by: g, expires: v9.0}\n",
     "no rule has code 'XYZ999'"),
    ("waivers: [unclosed\n", "not YAML"),
    ("waivers:\n  - {result: x, code: LG003, reason: r, granted_by: g, expires: '5.1'}\n",
     "does not match"),
])
def test_a_broken_waivers_file_is_a_usage_error(tmp_path, text, said, pristine):
    path = tmp_path / "w.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(WaiverFileError, match=said.replace("(", r"\(")):
        Waivers.load(str(path), ALL_CODES)
    out = CliRunner().invoke(main, ["check", str(pristine["power"]), "--waivers", str(path)])
    assert out.exit_code == 2 and said in out.output, out.output


def test_explain_says_which_waivers_waive_a_code(tmp_path):
    path = _waivers(tmp_path / "w.yaml", _entry("closed/Acme/*"),
                    _entry("open/*", code="LG003", path="*/mlperf_log_detail.txt"))
    out = CliRunner().invoke(main, ["explain", "PWR003", "--waivers", path])
    assert out.exit_code == 0, out.output
    assert f"Waived by {path}: 1 entry\n" in out.output
    assert "waiver 1: closed/Acme/* (until v9.0): server.json rewritten" in out.output
    page = json.loads(CliRunner().invoke(main, ["explain", "LG003", "--waivers", path,
                                                "--format", "json"]).output)
    assert [(w["waiver"], w["path"]) for w in page["waivers"]] == [(2, "*/mlperf_log_detail.txt")]


def test_a_waived_result_is_published_by_report(power_tree, tmp_path):
    from infercheck.reports.inputs import load_results

    tree, invalid = power_tree
    path = _waivers(tmp_path / "w.yaml", *[_entry(r) for r in invalid])
    without, _ = load_results([str(tree.root)])
    with_waivers, _ = load_results([str(tree.root)], waivers=Waivers.load(path, ALL_CODES))
    assert set(with_waivers["result"]) - set(without["result"]) == set(invalid)
    site = tmp_path / "site"
    out = CliRunner().invoke(main, ["report", str(tree.root), "--out", str(site),
                                    "--waivers", path])
    assert out.exit_code == 0 and f"{len(with_waivers)} results" in out.output, out.output
