"""What infercheck writes stays what it says when a tree or a table holds hostile text: a CSV
record per result whatever line breaks a field holds, no formula at the start of any line of a
cell, links of the site that are relative paths, XML (JUnit, XLSX) that parses."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from junitparser import JUnitXml

from infercheck.checker import check_tree
from infercheck.checker.audit.audit import AuditReport, Flag
from infercheck.checker.core.findings import Finding
from infercheck.checker.core.formulas import as_text_cell, formula_like
from infercheck.checker.core.outputs import notes_text, write_csv
from infercheck.checker.core.safe_csv import LINE_BREAKS, DictCsvWriter, csv_line
from infercheck.checker.core.xml_text import xml_text
from infercheck.checker.inference.summary import summary_rows
from infercheck.cli import main
from infercheck.reports.audit_page import write_audit_page
from infercheck.reports.links import relative_link

from .conftest import corpus

# Text fields of the summary.csv and the site's CSV, each with line breaks of another kind, each
# followed by what a spreadsheet runs.
BROKEN_LINES = {
    "hw_notes": "Liquid cooled\r=cmd|' /C calc'!A0",
    "system_name": "Box\u2028=1+1",
    "framework": "SDK\x0b+cmd|' /C calc'!A0",
    "operating_system": "Linux\x85@SUM(1+1)*cmd|' /C calc'!A0",
    "host_processor_model_name": "CPU\r\n-2+3+cmd|' /C calc'!A0",
    "accelerator_model_name": "Acc\x1c=1\x1d=2\x1e=3\x0c=4\u2029=5\n=6\r\t=7",
}


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _runs(line: str) -> bool:
    """What a spreadsheet takes as a formula, judged apart from formulas.py: a line starting with
    = + - @ or a tab that is not a number (nor the lone "-" of "none")."""
    return bool(re.match(r"[=+\-@\t]", line)) and not _number(line) and line.strip() != "-"


@pytest.fixture
def broken_lines(broken_tree):
    def mutate(t):
        t.edit_json(t.system_json, **BROKEN_LINES)

    tree = broken_tree("edge", mutate)
    return tree, json.loads(tree.system_json.read_text("utf-8"))


def test_check_warns_of_a_formula_after_a_line_break(broken_lines):
    tree, _ = broken_lines
    report = check_tree(str(tree.root), round=tree.round)
    warned = {f.locator: f.found for f in report.all_findings() if f.code == "SYS009"}
    assert warned == {f"$.{k}": v for k, v in BROKEN_LINES.items()}
    assert report.valid


def test_the_site_csv_has_a_record_per_result_and_no_line_that_runs(broken_lines, tmp_path):
    tree, data = broken_lines
    site = tmp_path / "site"
    done = CliRunner().invoke(main, ["report", str(tree.root), "--out", str(site)])
    assert done.exit_code == 0, done.output
    path = site / "downloads" / "results.csv"
    results = len(pd.read_parquet(site / "downloads" / "results.parquet"))
    assert results == 3
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 1 + results and {len(r) for r in rows} == {len(rows[0])}
    for engine in ("c", "python"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, engine=engine)
        assert len(frame) == results, engine
    records = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    # each field as written, a `'` before every line that would run
    expected = {"notes": notes_text(data), **{k: v for k, v in BROKEN_LINES.items() if k != "hw_notes"}}
    for record in records:
        assert {k: record[k] for k in expected} == {k: as_text_cell(v) for k, v in expected.items()}
    assert records[0]["notes"].startswith("Liquid cooled\r'=cmd")
    assert records[0]["accelerator_model_name"] == (
        "Acc\x1c'=1\x1d'=2\x1e'=3\x0c'=4\u2029'=5\n'=6\r'\t=7")
    cells = [cell for r in rows for cell in r]
    assert [c for c in cells for line in c.splitlines() if _runs(line)] == []
    # and read as plain lines, split at every break Python knows, no line starts a formula
    text = path.read_bytes().decode("utf-8")
    assert [line for line in text.splitlines() if _runs(line)] == []


def test_the_summary_csv_quotes_every_line_break_and_stays_official(broken_lines, tmp_path):
    """summary.csv carries the text as the official tool does (SYS009 warns), but a field with a
    line break of any kind is quoted, so every reader sees the same records."""
    tree, _ = broken_lines
    out = tmp_path / "summary.csv"
    done = CliRunner().invoke(main, ["check", str(tree.root), "-q", "--csv", str(out)])
    assert done.exit_code == 0, done.output
    text = out.read_bytes().decode("utf-8")
    for value in BROKEN_LINES.values():
        if value is not BROKEN_LINES["hw_notes"]:
            assert f'"{value}"' in text
    assert '"Liquid cooled\r=cmd|' in text
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3 and {r["SystemName"] for r in rows} == {BROKEN_LINES["system_name"]}
    assert len(pd.read_csv(out, dtype=str, keep_default_na=False)) == 3


def test_the_official_summary_csvs_are_written_byte_for_byte_as_before():
    """Every published summary.csv's rows, written by DictCsvWriter and by the csv.DictWriter
    the official tool (and infercheck before) uses: the same bytes."""
    checked = 0
    paths = sorted(corpus("expected").glob("*.summary.csv"))
    assert len(paths) >= 10
    for path in paths:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            # v0.7's tool wrote commas inside a value unquoted: such a row is no record of
            # its header, for either writer
            columns, rows = reader.fieldnames, [r for r in reader if None not in r]
        ours, theirs = io.StringIO(), io.StringIO()
        DictCsvWriter(ours, columns).writeheader()
        DictCsvWriter(ours, columns).writerows(rows)
        official = csv.DictWriter(theirs, fieldnames=columns)
        official.writeheader()
        official.writerows(rows)
        assert ours.getvalue() == theirs.getvalue(), path.name
        checked += len(rows)
    assert checked > 250


def test_a_checked_round_writes_the_summary_csv_as_the_official_writer(tmp_path):
    report = check_tree(str(corpus("inference-v5.1")))
    columns, rows = summary_rows(report)
    write_csv((columns, rows), str(tmp_path / "ours.csv"))
    official = io.StringIO(newline="")
    writer = csv.DictWriter(official, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    assert len(rows) == 21  # 19 results, 2 of them with a power row
    assert (tmp_path / "ours.csv").read_bytes() == official.getvalue().encode("utf-8")


@pytest.mark.parametrize("brk", list(LINE_BREAKS))
def test_a_field_with_any_line_break_is_quoted(brk):
    assert csv_line(["a", f"x{brk}=1", 1.5, None], "\n") == f'a,"x{brk}=1",1.5,\n'
    assert formula_like(f"x{brk}=1") and as_text_cell(f"x{brk}=1") == f"x{brk}'=1"
    assert not formula_like(f"x{brk}-1.5") and not formula_like(f"x{brk}-")


@pytest.mark.parametrize("text,marked", [
    ("a\r=1", "a\r'=1"), ("a\r\n@x", "a\r\n'@x"), ("=1\n=2", "'=1\n'=2"), ("\r=1", "'\r'=1"),
    ("a\n\r+x", "a\n\r'+x"), ("a\n\tx", "a\n'\tx"), ("a\n", "a\n"), ("a\n-\nb", "a\n-\nb"),
    ("a\u2028 =1", "a\u2028 =1"),
])
def test_what_counts_as_a_formula_after_a_break(text, marked):
    assert as_text_cell(text) == marked and not formula_like(marked)


# -- links of the site and the audit page ---------------------------------------------------

@pytest.mark.parametrize("path", [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "java\nscript:alert(1)", "\x01javascript:alert(1)", "data:text/html,<script>x</script>",
    "vbscript:msgbox(1)", "http://evil.example/", "file:///etc/passwd", "C:\\Windows",
    "/etc/passwd", "//evil.example/x", "\\\\evil.example\\x", "\\x", "../x", "a/../../x",
    "a\\..\\x", "a/%2e%2e/x", "a/.%2E/x", "%2e%2e", "..", "a/b\x7f", "", None, 3,
])
def test_a_path_no_link_may_be_made_of(path):
    assert relative_link(path) is None


@pytest.mark.parametrize("path", [
    "closed/UntetherAI/results/h13_u1_preview/resnet50/Offline", "open/a b/results/x:y/bert",
    "a/./b", "a/..b/c", "a/b..", "%2e/x",
])
def test_a_relative_path_stays_a_link(path):
    assert relative_link(path) == path


def test_a_table_result_path_becomes_no_link_of_the_site(broken_tree, tmp_path):
    tree = broken_tree("power")
    table = tmp_path / "t.parquet"
    out = CliRunner().invoke(main, ["check", str(tree.root), "-q", "--parquet", str(table)])
    assert out.exit_code == 0, out.output
    frame = pd.read_parquet(table).sort_values("scenario", ignore_index=True)
    kept = frame["result"][1]
    pd.DataFrame(frame.assign(result=["javascript:alert(1)", kept])).to_parquet(table)
    site = tmp_path / "site"
    out = CliRunner().invoke(main, ["report", str(table), "--out", str(site)])
    assert out.exit_code == 0, out.output
    data_js = (site / "assets" / "data.js").read_text("utf-8")
    assert "javascript" not in data_js
    prefix = "window.INFERCHECK_DATA = JSON.parse("
    data = json.loads(json.loads(data_js.strip()[len(prefix):-2]))
    [system] = data["systems"]
    # the result is shown, with its value, and no path to link to; the other keeps its path
    by_scenario = {r[data["result_keys"].index("scenario")]: (
        r[data["result_keys"].index("value")], r[data["result_keys"].index("result")])
        for r in system["results"]}
    assert by_scenario == {"Offline": (frame["value"][0], None), "Server": (frame["value"][1], kept)}
    # the downloads keep the table as it was
    assert pd.read_parquet(site / "downloads" / "results.parquet")["result"].tolist() == [
        "javascript:alert(1)", kept]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.spans = [], []
        self._span = False

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))
        self._span = tag == "span"

    def handle_data(self, data):
        if self._span:
            self.spans.append(data)
        self._span = False


def test_the_audit_page_links_only_relative_paths(tmp_path):
    paths = ["closed/A/results/s/resnet50/Offline", "javascript:alert(1)", "/etc/passwd",
             "../../x"]
    finding = Finding(code="AUD001", name="test", severity="warning", path=paths[0], message="m")
    report = AuditReport(rounds=["v4.1"], results=4, previous_results=0, settings={},
                         flags=[Flag(finding=finding, round="v4.1", submitter="A", results=paths)])
    page = write_audit_page(report, str(tmp_path), {"v4.1": "../tree/"})
    links = _Links()
    with open(page, encoding="utf-8") as f:
        links.feed(f.read())
    assert links.hrefs == ["../tree/" + paths[0]]
    assert links.spans[-3:] == paths[1:]


# -- XML: JUnit and the spreadsheets ---------------------------------------------------------

CONTROL_NAME = "sys\x1b[31m\x07"


@pytest.mark.parametrize("char,shown", [
    ("\x00", "\\x00"), ("\x07", "\\x07"), ("\x0b", "\\x0b"), ("\x0c", "\\x0c"), ("\x1b", "\\x1b"),
    ("\x1f", "\\x1f"), ("\ufffe", "\\ufffe"), ("\uffff", "\\uffff"), ("\ud800", "\\ud800"),
    ("\udcff", "\\xff"), ("\t", "\t"), ("\n", "\n"), ("\r", "\r"), ("\x7f", "\x7f"),
    ("\x85", "\x85"), ("\u2028", "\u2028"), ("\U0001f600", "\U0001f600"),
])
def test_what_xml_cannot_hold_is_shown_escaped(char, shown):
    assert xml_text(f"a{char}b") == f"a{shown}b"


def _control_folder(t):
    """The system's folders and description renamed to a name holding control characters."""
    for part in ("results", "measurements", "compliance"):
        (t.sub / part / t.system).rename(t.sub / part / CONTROL_NAME)
    t.system_json.rename(t.sub / "systems" / f"{CONTROL_NAME}.json")


def test_junit_of_a_folder_named_with_control_characters_parses(broken_tree, tmp_path):
    tree = broken_tree("edge", _control_folder)
    junit = tmp_path / "check.xml"
    out = CliRunner().invoke(main, ["check", str(tree.root), "--version", "v4.1", "-q",
                                    "--junit", str(junit)])
    assert out.exit_code in (0, 1), out.output
    raw = junit.read_bytes()
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", raw)
    ET.parse(junit)
    [suite] = list(JUnitXml.fromfile(str(junit)))
    classes = {case.classname for case in suite}
    assert f"closed.UntetherAI.{xml_text(CONTROL_NAME)}" in classes
    assert xml_text(CONTROL_NAME) == "sys\\x1b[31m\\x07"
    files = {case._elem.get("file") for case in suite}
    assert any(f and "sys\\x1b[31m\\x07/resnet50" in f for f in files)


def _texts(path):
    book = openpyxl.load_workbook(path)
    return {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)}, book.sheetnames


def test_the_spreadsheets_hold_control_characters_escaped(broken_tree, tmp_path):
    """results.xlsx from a table and summary.xlsx (the official layout, from a v5.1 tree)."""
    def mutate(t):
        t.edit_json(t.system_json, system_name="Box\x07\x1b[31m", hw_notes="cool\x00ed",
                    framework="vLLM\ufffe")

    tree = broken_tree("llm51", mutate)
    site = tmp_path / "site"
    out = CliRunner().invoke(main, ["report", str(tree.root), "--out", str(site)])
    assert out.exit_code == 0, out.output
    texts, _ = _texts(site / "downloads" / "results.xlsx")
    assert {"Box\\x07\\x1b[31m", "vLLM\\ufffe"} <= texts
    assert any(t.startswith("cool\\x00ed") for t in texts)
    texts, _ = _texts(site / "downloads" / "summary.xlsx")
    assert {"Box\\x07\\x1b[31m", "vLLM\\ufffe"} <= texts


def test_a_round_of_a_table_makes_a_sheet_name_openpyxl_takes(broken_tree, tmp_path):
    tree = broken_tree("power")
    table = tmp_path / "t.parquet"
    CliRunner().invoke(main, ["check", str(tree.root), "-q", "--parquet", str(table)])
    frame = pd.read_parquet(table)
    odd = frame.assign(round="v\x07/[", system_name="Name\x1b")
    pd.concat([frame, odd], ignore_index=True).to_parquet(table)
    site = tmp_path / "site"
    out = CliRunner().invoke(main, ["report", str(table), "--out", str(site)])
    assert out.exit_code == 0, out.output
    texts, sheets = _texts(site / "downloads" / "results.xlsx")
    # the escape's \\ is one of the characters a sheet name cannot hold
    assert "v_x07__ datacenter closed" in sheets and "Name\\x1b" in texts
