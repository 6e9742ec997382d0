"""`check --junit` read back by junitparser, `--sarif` against what SARIF 2.1.0 requires, and
`--format github` parsed back, on a copy of a real slice with one result made invalid: the
counts and codes are the report's."""

from __future__ import annotations

import json
import re

import jsonschema
from click.testing import CliRunner
from junitparser import Failure, JUnitXml

from infercheck.checker.suites import check_tree
from infercheck.cli import main

from .conftest import make_samples


def _invalid_offline(t):
    make_samples().set_log_key(str(t.perf_log()), "result_validity", "INVALID")


def test_junit_has_a_case_per_result_and_a_failure_per_error(broken_tree, tmp_path):
    tree = broken_tree("edge", _invalid_offline)
    report = check_tree(str(tree.root), round="v4.1")
    junit = tmp_path / "check.xml"
    out = CliRunner().invoke(main, ["check", str(tree.root), "--version", "v4.1", "-q",
                                    "--junit", str(junit)])
    assert out.exit_code == 1, out.output
    [suite] = list(JUnitXml.fromfile(str(junit)))
    cases = list(suite)
    assert suite.tests == len(report.results) + bool(report.findings) == len(cases)
    assert suite.failures == sum(not e.valid for e in report.results) == 1
    by_name = {(c.classname, c.name): c for c in cases}
    for entry in report.results:
        case = by_name[(f"{entry.division}.{entry.submitter}.{entry.system}",
                        f"{entry.benchmark}/{entry.scenario}")]
        failures = [r for r in case.result if isinstance(r, Failure)]
        assert sorted(f.type for f in failures) == sorted(f.code for f in entry.errors())
        if failures:
            assert "LG002" in {f.type for f in failures}
            assert any("expected: VALID" in f.text and "found: INVALID" in f.text for f in failures)


_COMMAND = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def _unescape(text: str) -> str:
    return (text.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def test_github_annotations_name_each_finding_once_on_its_file(broken_tree):
    tree = broken_tree("edge", _invalid_offline)
    report = check_tree(str(tree.root), round="v4.1")
    out = CliRunner().invoke(main, ["check", str(tree.root), "--version", "v4.1",
                                    "--format", "github"])
    assert out.exit_code == 1
    lines = out.output.splitlines()
    assert lines[-1].startswith("INVALID: ") and "1 invalid" in lines[-1]
    parsed = []
    for line in lines[:-1]:
        m = _COMMAND.match(line)
        assert m, line
        props = dict(p.split("=", 1) for p in m.group("props").split(","))
        parsed.append((m.group(1), _unescape(props["title"]).split()[0],
                       _unescape(props.get("file", "")), _unescape(m.group("message"))))
    expected = {(f.severity if f.severity != "info" else "notice", f.code,
                 f"{tree.root}/{f.path}" if f.path else "", f.message)
                for f in report.all_findings()}
    assert set(parsed) == expected and len(parsed) == len(expected)
    assert any(code == "LG002" and file.endswith("performance/run_1/mlperf_log_detail.txt")
               for level, code, file, _ in parsed if level == "error")


# What GitHub code scanning reads beyond what the SARIF 2.1.0 schema requires (a rule's short
# description and help, a result's rule id): the schema itself is the official one (sarif_schema).
SARIF_PARTS = {
    "type": "object", "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"}, "$schema": {"type": "string", "format": "uri"},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["tool"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name", "rules"], "properties": {
                        "name": {"type": "string"}, "version": {"type": "string"},
                        "rules": {"type": "array", "items": {
                            "type": "object", "required": ["id", "shortDescription", "help"],
                            "properties": {
                                "id": {"type": "string"},
                                "shortDescription": {"$ref": "#/$defs/message"},
                                "fullDescription": {"$ref": "#/$defs/message"},
                                "help": {"$ref": "#/$defs/message"},
                                "defaultConfiguration": {"type": "object", "properties": {
                                    "level": {"enum": ["none", "note", "warning", "error"]}}}}}}}}}},
                "originalUriBaseIds": {"type": "object", "additionalProperties": {
                    "type": "object", "required": ["uri"]}},
                "results": {"type": "array", "items": {
                    "type": "object", "required": ["message", "ruleId"],
                    "properties": {
                        "ruleId": {"type": "string"},
                        "level": {"enum": ["none", "note", "warning", "error"]},
                        "message": {"$ref": "#/$defs/message"},
                        "suppressions": {"type": "array", "items": {
                            "type": "object", "required": ["kind"], "properties": {
                                "kind": {"enum": ["inSource", "external"]},
                                "status": {"enum": ["accepted", "underReview", "rejected"]},
                                "justification": {"type": "string"}}}},
                        "locations": {"type": "array", "items": {"type": "object", "properties": {
                            "physicalLocation": {"type": "object", "required": ["artifactLocation"],
                                                 "properties": {
                                "artifactLocation": {"type": "object", "required": ["uri"]},
                                "region": {"type": "object", "properties": {
                                    "startLine": {"type": "integer", "minimum": 1}}}}}}}}}}}}}}},
    "$defs": {"message": {"type": "object", "required": ["text"],
                          "properties": {"text": {"type": "string", "minLength": 1}}}},
}


def test_sarif_has_a_rule_per_code_used_and_a_result_per_finding(broken_tree, tmp_path,
                                                                 sarif_schema):
    tree = broken_tree("edge", _invalid_offline)
    report = check_tree(str(tree.root), round="v4.1")
    sarif = tmp_path / "check.sarif"
    out = CliRunner().invoke(main, ["check", str(tree.root), "--version", "v4.1", "-q",
                                    "--sarif", str(sarif)])
    assert out.exit_code == 1
    data = json.loads(sarif.read_text("utf-8"))
    official = jsonschema.validators.validator_for(sarif_schema)(sarif_schema)
    assert [e.message for e in official.iter_errors(data)] == []
    jsonschema.validate(data, SARIF_PARTS)
    [run] = data["runs"]
    rules = run["tool"]["driver"]["rules"]
    used = {f.code for f in report.all_findings()}
    assert [r["id"] for r in rules] == sorted(used)
    lg002 = next(r for r in rules if r["id"] == "LG002")
    assert lg002["help"]["text"].startswith("infercheck explain LG002")
    assert "What it checks:" in lg002["fullDescription"]["text"]
    results = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                if "locations" in r else None, r["message"]["text"]) for r in run["results"]}
    assert results == {(f.code, f.path, f.message) for f in report.all_findings()}
    assert len(run["results"]) == len(results)
    assert run["originalUriBaseIds"]["TREE"]["uri"] == tree.root.as_uri() + "/"
