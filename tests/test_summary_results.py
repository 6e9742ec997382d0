"""summary_results.json as MLCommons publishes it, against the published v5.1 file."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from infercheck.cli import main

from .conftest import corpus


@pytest.fixture(scope="module")
def published():
    return json.loads((corpus("expected") / "inference-v5.1.summary_results.json").read_text("utf-8"))


def _implied_ids(entries) -> dict[str, int]:
    """The ids.json the published IDs imply ("5.1-0058" for its unique ID)."""
    return {e["Unique ID (e.g. for Audit)"]: int(e["ID"].split("-")[1]) for e in entries}


def _run(*args):
    return CliRunner().invoke(main, ["report", *map(str, args)])


@pytest.mark.parametrize("source", ["tree", "official summary.csv"])
def test_every_entry_equals_the_published_one_field_by_field(tmp_path, published, source):
    """From the v5.1 slice checked by us, or from the official v5.1.1 checker's summary.csv of
    it: the same bytes as the published entries, IDs included given the ids they imply."""
    ids = tmp_path / "ids.json"
    ids.write_text(json.dumps(_implied_ids(published)), "utf-8")
    out = tmp_path / "summary_results.json"
    given = corpus("inference-v5.1") if source == "tree" else \
        corpus("expected") / "inference-v5.1.summary.csv"
    done = _run(given, "--format", "summary-results", "--out", out, "--official-ids", ids)
    assert done.exit_code == 0, done.output
    ours = json.loads(out.read_text("utf-8"))
    assert len(ours) == len(published) == 19
    for mine, theirs in zip(ours, published, strict=True):
        assert list(mine) == list(theirs), theirs["Location"]  # the same fields, in order
        for key, value in theirs.items():
            assert (mine[key], type(mine[key])) == (value, type(value)), (theirs["Location"], key)
    assert out.read_text("utf-8") == json.dumps(published, indent=2)
    # the power of Lenovo's llama3.1-8b runs is merged into their performance entries
    merged = [e for e in ours if "Power_Result" in e]
    assert [(e["Scenario"], e["Power_Units"], e["Performance_Units"]) for e in merged] == [
        ("Offline", "Watts", "Tokens/s"), ("Server", "Watts", "Tokens/s")]


def test_ids_are_numbered_once_and_kept_across_runs(tmp_path):
    ids = tmp_path / "ids.json"
    out = tmp_path / "a.json"
    assert _run(corpus("inference-v5.1"), "--format", "summary-results", "--out", out,
                "--official-ids", ids).exit_code == 0
    first = json.loads(out.read_text("utf-8"))
    numbers = json.loads(ids.read_text("utf-8"))
    # one number per unique ID, in the order of (category, availability, submitter, unique ID)
    assert sorted(numbers.values()) == list(range(1, len(numbers) + 1)) and len(numbers) == 8
    assert numbers["datacenter/closed/Intel_VMware/1-node-2S-GNR_86C_BareMetal"] == 1
    assert {e["ID"] for e in first} == {f"5.1-{n:04}" for n in numbers.values()}
    # a second run with an ids file that knows one more system keeps every number
    numbers["datacenter/closed/Acme/other"] = 40
    ids.write_text(json.dumps(numbers), "utf-8")
    assert _run(corpus("inference-v5.1"), "--format", "summary-results", "--out", out,
                "--official-ids", ids).exit_code == 0
    assert json.loads(out.read_text("utf-8")) == first
    assert json.loads(ids.read_text("utf-8")) == numbers


def test_the_site_downloads_hold_summary_results_json(tmp_path, published):
    site = tmp_path / "site"
    done = _run(corpus("inference-v5.1"), "--out", site)
    assert done.exit_code == 0, done.output
    assert "summary_results.json" in done.output
    ours = json.loads((site / "downloads" / "summary_results.json").read_text("utf-8"))
    assert [e["Location"] for e in ours] == [e["Location"] for e in published]
    page = (site / "index.html").read_text("utf-8")
    assert 'href="downloads/summary_results.json"' in page and 'href="downloads/summary.xlsx"' in page
    kept = (site / "downloads" / "ids.json").read_text("utf-8")
    assert _run(corpus("inference-v5.1"), "--out", site).exit_code == 0
    assert (site / "downloads" / "ids.json").read_text("utf-8") == kept


def test_a_round_that_published_no_summary_results_json_is_a_usage_error(tmp_path):
    """v4.1's script wrote only the spreadsheet; v2.1's pack says nothing of its publication."""
    done = _run(corpus("inference-v4.1"), "--format", "summary-results", "--out",
                tmp_path / "s.json")
    assert done.exit_code == 2
    assert ("MLCommons published no summary_results.json of v4.1 (its script wrote it from "
            "v5.0); `infercheck report --out SITE` writes the round's summary.xlsx") in done.output
    done = _run(corpus("inference-v2.1"), "--format", "summary-results", "--out",
                tmp_path / "s.json")
    assert done.exit_code == 2 and "publication" in done.output
    assert not (tmp_path / "s.json").exists()


def test_an_ids_file_of_another_kind_is_a_usage_error(tmp_path):
    ids = tmp_path / "ids.json"
    ids.write_text('{"v5.1/closed/X/y": "v5.1-0001"}', "utf-8")  # the site's own scheme
    done = _run(corpus("inference-v5.1"), "--format", "summary-results", "--out",
                tmp_path / "s.json", "--official-ids", ids)
    assert done.exit_code == 2 and "not an ids file of generate_final_report.py" in done.output


def test_the_published_spreadsheet_is_laid_out_as_the_official_one(tmp_path, published):
    import openpyxl

    site = tmp_path / "site"
    assert _run(corpus("inference-v5.1"), "--out", site).exit_code == 0
    book = openpyxl.load_workbook(site / "downloads" / "summary.xlsx")
    assert book.sheetnames == ["datacenter - closed", "datacenter - closed - power",
                               "edge - closed", "datacenter - open", "edge - open"]
    assert not [c.coordinate for ws in book.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    ws = book["datacenter - closed - power"]
    header = [c.value for c in ws[5]]
    assert header[:15] == ["ID", "Unique ID (e.g. for Audit)", "ColorKey", "Submitter",
                           "Availability", "System", "Nodes", "Processor", "p#", "Accelerator",
                           "a#", "Software", "Notes", "Details", "Code"]
    assert ws.column_dimensions["B"].hidden and ws.column_dimensions["C"].hidden
    columns = list(zip(*(list(r)[15:] for r in ws.iter_rows(min_row=2, max_row=4,
                                                            values_only=True)), strict=True))
    # each model's scenarios in the official order, each scenario's units likewise
    assert columns == [("llama3.1-8b", "Server", "Tokens/s"), (None, None, "Watts"),
                       (None, "Offline", "Tokens/s"), (None, None, "Watts")]
    (row,) = ws.iter_rows(min_row=6, max_row=6)
    lenovo = {e["Scenario"]: e for e in published if "Power_Result" in e}
    assert row[0].value == "5.1-0003"  # numbered from 1 without an ids file
    assert [c.value for c in row[15:]] == pytest.approx([
        lenovo["Server"]["Performance_Result"], lenovo["Server"]["Power_Result"],
        lenovo["Offline"]["Performance_Result"], lenovo["Offline"]["Power_Result"]])
    assert row[13].value == "details" and row[13].hyperlink.target == lenovo["Offline"]["Details"]
    assert [c.value for c in book["edge - open"][5]][13:15] == ["UsedModel", "Accuracy"]


def test_a_broken_ids_file_or_a_missing_folder_is_a_usage_error_not_a_fault(tmp_path):
    site = tmp_path / "site"
    (site / "downloads").mkdir(parents=True)
    (site / "downloads" / "ids.json").write_text("{not json", "utf-8")
    done = _run(corpus("inference-v5.1"), "--out", site)
    assert done.exit_code == 2 and "ids.json: not JSON: " in done.output
    done = _run(corpus("inference-v5.1"), "--format", "summary-results", "--out",
                tmp_path / "no" / "s.json")
    assert done.exit_code == 2 and "does not exist" in done.output


def test_a_report_writes_nothing_beside_its_inputs(tmp_path):
    """The tree may be read-only or shared: the site's IDs are kept inside the site."""
    import shutil

    tree = tmp_path / "in" / "tree"
    shutil.copytree(corpus("inference-v5.1"), tree)
    every = [tmp_path / "in", tree, *tree.rglob("*")]
    listing = sorted(str(p.relative_to(tmp_path)) for p in every)
    for path in every:  # read-only, as a shared or mounted tree is
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        assert _run(tree, "--out", tmp_path / "site").exit_code == 0
        now = [tmp_path / "in", *(tmp_path / "in").rglob("*")]
        assert sorted(str(p.relative_to(tmp_path)) for p in now) == listing
    finally:
        for path in every:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert (tmp_path / "site" / "downloads" / "results_ids.json").is_file()



@pytest.mark.parametrize("source", ["tree", "official summary.csv", "check --parquet",
                                    "check --csv"])
def test_v6_0_entries_equal_the_published_ones_byte_for_byte(tmp_path, source):
    """The v6.0 format (Total Accelerators, Location from "./", Code in src/, scenarios named
    again, no design_power_watts nor PrivateID field) of the 30 results of the v6.0 slice, from
    the tree checked by us, from the official checker's summary.csv of it, and from the tables
    `check` writes: the same bytes as the published entries, given the ids they imply."""
    published = json.loads((corpus("expected") / "inference-v6.0.summary_results.json").read_text("utf-8"))
    ids = tmp_path / "ids.json"
    ids.write_text(json.dumps(_implied_ids(published)), "utf-8")
    given = {"tree": corpus("inference-v6.0"),
             "official summary.csv": corpus("expected") / "inference-v6.0.summary.csv",
             "check --parquet": tmp_path / "t.parquet", "check --csv": tmp_path / "s.csv"}[source]
    if source.startswith("check"):
        done = CliRunner().invoke(main, ["check", str(corpus("inference-v6.0")), "-q",
                                         "--profile", "published", source.split()[1], str(given)])
        assert done.exit_code == 0, done.output
    out = tmp_path / "summary_results.json"
    done = _run(given, "--format", "summary-results", "--out", out, "--official-ids", ids,
                "--profile", "published")
    assert done.exit_code == 0, done.output
    assert len(json.loads(out.read_text("utf-8"))) == 30
    assert out.read_text("utf-8") == json.dumps(published, indent=2)


def test_the_v6_0_spreadsheet_has_its_rounds_layout(tmp_path):
    """summary.xlsx of v6.0 as its script lays it out: Total Accelerators among the system
    columns (no PrivateID: the round's CSV had none), results to three decimals."""
    import openpyxl

    site = tmp_path / "site"
    done = _run(corpus("inference-v6.0"), "--out", site, "--profile", "published")
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(site / "downloads" / "summary.xlsx")
    assert book.sheetnames == ["datacenter - closed", "edge - closed", "datacenter - open",
                               "edge - open"]
    sheet = book["edge - closed"]
    assert [c.value for c in sheet[5]][:16] == [
        "ID", "Unique ID (e.g. for Audit)", "ColorKey", "Submitter", "Availability", "System",
        "Nodes", "Processor", "p#", "Accelerator", "a#", "Total Accelerators", "Software",
        "Notes", "Details", "Code"]
    assert (sheet.cell(row=6, column=18).value, sheet.cell(row=6, column=18).number_format) == (
        81.093026, "#,##0.000")
