"""Findings in the formats CI systems read: JUnit XML (a test case per result, a failure per
error), SARIF 2.1.0 (code scanning: a rule per code, a result per finding on its file) and
GitHub Actions workflow commands (an annotation on the file per finding)."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from typing import TextIO

from infercheck.checker.core import __version__
from infercheck.checker.core.findings import Finding
from infercheck.checker.core.report import Report, ResultEntry
from infercheck.checker.core.result_sinks import _FileWriter
from infercheck.checker.core.xml_text import xml_text

__all__ = ["GithubAnnotations", "JunitWriter", "SarifWriter", "github_line"]

_LINE = re.compile(r"\bline (\d+)\b")


def _detail(f: Finding) -> str:
    parts = [f"{f.code} {f.name}: {f.message}"]
    if f.path:
        parts.append(f"path: {f.path}" + (f" ({f.locator})" if f.locator else ""))
    if f.expected is not None:
        parts.append(f"expected: {f.expected}")
    if f.found is not None:
        parts.append(f"found: {f.found}")
    return "\n".join(parts)


class JunitWriter(_FileWriter):
    """JUnit XML: one test case per result (classname submitter.system, name benchmark/scenario),
    a failure per error finding, the warnings as its system-out; the tree's own findings as a
    test case of their own."""

    def open(self, report: Report, tmp: str) -> None:
        self.tmp = tmp
        self.cases: list[ET.Element] = []
        self.failed = 0

    def _case(self, classname: str, name: str, findings: list[Finding], where: str | None) -> None:
        case = ET.Element("testcase", classname=classname, name=name)
        if where:
            case.set("file", where)
        errors = [f for f in findings if f.is_error]
        for f in errors:
            failure = ET.SubElement(case, "failure", type=f.code, message=f"{f.code} {f.message}")
            failure.text = _detail(f)
        others = [f for f in findings if not f.is_error]
        if others:
            ET.SubElement(case, "system-out").text = "\n\n".join(_detail(f) for f in others)
        self.failed += bool(errors)
        self.cases.append(case)

    def add(self, entry: ResultEntry) -> None:
        self._case(f"{entry.division}.{entry.submitter}.{entry.system}",
                   f"{entry.benchmark}/{entry.scenario}", entry.findings, entry.result)

    def finish(self, report: Report) -> None:
        if report.findings:
            self._case("tree", "findings of the tree", report.findings, None)
        name = f"infercheck check {report.suite} {report.round or '?'} ({report.profile})"
        suites = ET.Element("testsuites", name="infercheck", tests=str(len(self.cases)),
                            failures=str(self.failed), errors="0")
        suite = ET.SubElement(suites, "testsuite", name=name, tests=str(len(self.cases)),
                              failures=str(self.failed), errors="0", skipped="0")
        suite.extend(self.cases)
        _xml_safe(suites)
        ET.ElementTree(suites).write(self.tmp, encoding="utf-8", xml_declaration=True)

    def close(self) -> None:
        pass


def _xml_safe(root: ET.Element) -> None:
    """Every attribute and text of the document made XML 1.0 (xml_text): ElementTree writes a
    control character of a folder name or a log line as it is, and the file is then no XML."""
    for node in root.iter():
        node.attrib.update({k: xml_text(v) for k, v in node.attrib.items()})
        if node.text:
            node.text = xml_text(node.text)
        if node.tail:
            node.tail = xml_text(node.tail)


def _escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_line(f: Finding, root: str | None) -> str:
    """A workflow command annotating the finding's file (`root`: the tree as given; None for
    a tree inside an archive, whose files no annotation can point at: the message names the
    path instead)."""
    level = {"error": "error", "warning": "warning"}.get(f.severity, "notice")
    props = []
    message = f.message
    if f.path and root is None:
        message = f"{f.path}: {message}"
    elif f.path:
        props.append(f"file={_escape(os.path.join(root, f.path), True)}")
        m = _LINE.search(f.locator or "")
        if m:
            props.append(f"line={m.group(1)}")
    props.append(f"title={_escape(f'{f.code} {f.name}', True)}")
    return f"::{level} {','.join(props)}::{_escape(message)}"


class GithubAnnotations:
    """`check --format github`: an annotation per finding as each result comes, then the
    tree's findings and the summary line."""

    def __init__(self, out: TextIO, root: str | None, summary) -> None:
        self.out, self.root, self.summary = out, root, summary
        self.seen: set[str] = set()  # a system's finding is every one of its results': once

    def begin(self, report: Report) -> None:
        pass

    def _write(self, findings) -> None:
        for f in findings:
            line = github_line(f, self.root)
            if line not in self.seen:
                self.seen.add(line)
                self.out.write(line + "\n")

    def add(self, entry: ResultEntry) -> None:
        self._write(entry.findings)

    def end(self, report: Report) -> None:
        self._write(report.findings)
        self.out.write(self.summary(report) + "\n")
        self.out.flush()

    def abandon(self) -> None:
        pass


class SarifWriter(_FileWriter):
    """SARIF 2.1.0 for code-scanning tools (GitHub): a rule per code the report uses, with the
    text `explain` prints, and a result per finding at its file (and line where known), once."""

    def __init__(self, path: str, codes, root: str) -> None:
        super().__init__(path)
        self.codes, self.root = codes, root

    def open(self, report: Report, tmp: str) -> None:
        self.tmp = tmp
        self.results: dict[tuple, dict] = {}

    def _add(self, findings) -> None:
        for f in findings:
            key = (f.code, f.path, f.message)
            if key in self.results:
                continue
            result = {"ruleId": f.code,
                      "level": {"error": "error", "warning": "warning"}.get(f.severity, "note"),
                      "message": {"text": f.message}}
            if f.waived:
                # SARIF's own word for a finding someone allowed: code scanning shows it closed.
                result["suppressions"] = [{"kind": "external", "status": "accepted",
                                           "justification": f"{f.waived['reason']} (granted by "
                                                            f"{f.waived['granted_by']})"}]
            if f.path:
                location = {"artifactLocation": {"uri": f.path, "uriBaseId": "TREE"}}
                m = _LINE.search(f.locator or "")
                if m:
                    location["region"] = {"startLine": int(m.group(1))}
                result["locations"] = [{"physicalLocation": location}]
            self.results[key] = result

    def add(self, entry: ResultEntry) -> None:
        self._add(entry.findings)

    def finish(self, report: Report) -> None:
        self._add(report.findings)
        rules = []
        for code in sorted({r["ruleId"] for r in self.results.values()}):
            rule = self.codes.get(code)
            if rule is None:
                continue
            sections = rule.sections()
            rules.append({
                "id": code, "name": rule.name,
                "shortDescription": {"text": sections.get("summary") or rule.name},
                "fullDescription": {"text": rule.explain_text()},
                "help": {"text": f"infercheck explain {code}\n\n{rule.explain_text()}"},
                "defaultConfiguration": {"level": {"error": "error", "warning": "warning"}.get(
                    rule.severity.value, "note")},
                "properties": {"tags": list(rule.tags)},
            })
        base = "file://" + os.path.abspath(self.root).replace(os.sep, "/").rstrip("/") + "/"
        log = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "infercheck", "version": __version__,
                                    "semanticVersion": __version__, "rules": rules}},
                "originalUriBaseIds": {"TREE": {"uri": base}},
                "results": list(self.results.values()),
                "properties": {"round": report.round, "suite": report.suite,
                               "profile": report.profile},
            }],
        }
        with open(self.tmp, "w", encoding="utf-8") as f:
            json.dump(log, f, indent=1)
            f.write("\n")

    def close(self) -> None:
        pass
