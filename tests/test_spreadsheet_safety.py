"""Text from a submission never becomes a formula in what infercheck publishes ("CSV
injection"): the XLSX holds it as text, the site's CSV marks it as text, `check` warns."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest
from click.testing import CliRunner

from infercheck.checker import check_tree
from infercheck.checker.core.formulas import as_text_cell, formula_like
from infercheck.cli import main

PAYLOAD = '=cmd|" /C calc"!A0'
STARTS = ("=", "+", "-", "@")


@pytest.fixture
def hostile(broken_tree):
    """The v4.1 edge slice with every text field of its system description formula-like (the
    submitter and division kept, so that the results stay valid and are published)."""
    tree = broken_tree("edge")
    data = json.loads(tree.system_json.read_text("utf-8"))
    keep = {"submitter", "division", "status", "system_type"}
    n = 0
    for key, value in data.items():
        if isinstance(value, str) and key not in keep:
            data[key] = PAYLOAD if key == "system_name" else f"{STARTS[n % 4]}{key}({value})"
            n += 1
    tree.system_json.write_text(json.dumps(data, indent=2), "utf-8")
    return tree, data


def test_check_warns_of_each_formula_like_field(hostile):
    tree, data = hostile
    report = check_tree(str(tree.root), round=tree.round)
    warned = {f.locator for f in report.all_findings() if f.code == "SYS009"}
    expected = {f"$.{k}" for k, v in data.items() if isinstance(v, str) and formula_like(v)}
    assert warned == expected and len(expected) > 10
    assert report.valid


def test_the_xlsx_has_no_formula_cell_and_the_site_csv_no_formula_leading_cell(hostile, tmp_path):
    tree, _ = hostile
    site = tmp_path / "site"
    done = CliRunner().invoke(main, ["report", str(tree.root), "--out", str(site)])
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(site / "downloads" / "results.xlsx")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert PAYLOAD in texts  # kept, as text
    assert any(isinstance(c.value, float) for c in cells)  # and numbers stay numbers
    with open(site / "downloads" / "results.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    flat = [cell for row in rows[1:] for cell in row]
    assert [c for c in flat if formula_like(c)] == []
    assert "'" + PAYLOAD in flat


def test_summary_csv_stays_byte_compatible_with_the_official_one(hostile, tmp_path):
    """The official summary.csv carries the text as is; so does ours (the warning says it)."""
    tree, _ = hostile
    out = tmp_path / "summary.csv"
    CliRunner().invoke(main, ["check", str(tree.root), "-q", "--csv", str(out)])
    assert f'"{PAYLOAD.replace(chr(34), chr(34) * 2)}"' in out.read_text("utf-8")


@pytest.mark.parametrize("text,marked", [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-", "-"), ("-1.5", "-1.5"), ("+3", "+3"), ("NVIDIA H100", "NVIDIA H100"), ("", ""),
])
def test_what_counts_as_a_formula(text, marked):
    assert as_text_cell(text) == marked
