"""Malformed files a user gives beside the tree are usage errors: a waivers file, an ids file, a
report given to `diff`, a table given to `report` or `audit`. Each gives exit status 2 and one
line naming the file and the reason, never a traceback; and a table's `valid` column is read as
booleans or refused, never the text "False" published as valid."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest
from click.testing import CliRunner

from infercheck.checker.core.user_files import (
    MAX_DEPTH,
    UserFileError,
    load_user_json,
    load_user_yaml,
)
from infercheck.checker.core.waivers import WaiverFileError, Waivers
from infercheck.checker.inference import SUITE as INFERENCE
from infercheck.cli import main

from .conftest import corpus

# A "billion laughs": 9 aliases of 9 aliases ... nine deep; 600 bytes that expand to 2 GB.
LAUGHS = "".join(
    [f'a0: &a0 [{", ".join(["lol"] * 9)}]\n']
    + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 10)])


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _usage_error(out, *fragments) -> str:
    """The one line of a usage error (exit 2), which holds every fragment."""
    assert out.exit_code == 2, (out.exit_code, out.output, out.exception)
    assert "Traceback" not in out.output
    errors = [line for line in out.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, out.output
    for fragment in fragments:
        assert fragment in errors[0], (fragment, errors[0])
    return errors[0]


# --- the shared reader -------------------------------------------------------------------------


def test_json_nested_to_the_bound_is_read_and_one_deeper_refused(tmp_path):
    path = tmp_path / "d.json"
    path.write_text("[" * MAX_DEPTH + "]" * MAX_DEPTH, "utf-8")
    assert load_user_json(str(path), 1 << 20) is not None
    path.write_text("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "utf-8")
    with pytest.raises(UserFileError, match=f"d.json: nested more than {MAX_DEPTH} deep"):
        load_user_json(str(path), 1 << 20)


@pytest.mark.parametrize(("text", "reason"), [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply to decode"),
    ('{"a": 1e999}', "1e999 is beyond the range of a number"),
    ('{"a": NaN}', "NaN is not a JSON number"),
    ('{"a": 1, "a": 2}', "duplicate key 'a'"),
    ("{not json", "not JSON: Expecting property name enclosed in double quotes at line 1"),
    ("", "the file is empty"),
])
def test_what_the_json_reader_refuses(tmp_path, text, reason):
    path = tmp_path / "x.json"
    path.write_text(text, "utf-8")
    with pytest.raises(UserFileError) as err:
        load_user_json(str(path), 1 << 20)
    assert err.value.path == str(path) and reason in err.value.reason
    assert "\n" not in str(err.value)


def test_the_readers_refuse_a_pipe_unread_and_a_file_past_their_bound(tmp_path):
    pipe = tmp_path / "p.yaml"
    os.mkfifo(pipe)
    with pytest.raises(UserFileError, match="not a regular file but a named pipe"):
        load_user_yaml(str(pipe), 1 << 20)
    big = tmp_path / "big.json"
    big.write_text('["' + "x" * 2000 + '"]', "utf-8")
    with pytest.raises(UserFileError, match="larger than the 1000 bytes"):
        load_user_json(str(big), 1000)


def test_yaml_anchors_and_aliases_are_refused_before_anything_is_built(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(LAUGHS, "utf-8")
    assert len(LAUGHS) < 700
    with pytest.raises(UserFileError, match="a YAML anchor &a0 at line 1: anchors and aliases"):
        load_user_yaml(str(path), 1 << 20)
    path.write_text("a: 1\nb: *x\n", "utf-8")  # an alias of no anchor
    with pytest.raises(UserFileError, match="a YAML alias \\*x at line 2"):
        load_user_yaml(str(path), 1 << 20)


def test_yaml_nested_past_the_bound_is_refused_at_its_line(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("".join(f"{'  ' * n}k:\n" for n in range(MAX_DEPTH + 1)) + "  " * 70 + "1\n",
                    "utf-8")
    with pytest.raises(UserFileError, match=f"nested more than {MAX_DEPTH} deep at line 65"):
        load_user_yaml(str(path), 1 << 20)


def test_a_bom_is_read_and_bytes_not_utf8_are_refused_with_their_line(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_bytes(b"\xef\xbb\xbfwaivers: []\n")
    assert load_user_yaml(str(path), 1 << 20) == {"waivers": []}
    path.write_bytes(b"waivers:\n  - \xff\n")
    with pytest.raises(UserFileError, match="not UTF-8 \\(byte 13, line 2\\)"):
        load_user_yaml(str(path), 1 << 20)


# --- waivers -----------------------------------------------------------------------------------

WAIVER = "{result: x, code: LG001, reason: r, granted_by: g, expires: v9.0}"


@pytest.mark.parametrize(("text", "reason"), [
    ("waivers: [unclosed\n", "not YAML: while parsing a flow sequence"),
    (LAUGHS, "a YAML anchor &a0 at line 1"),
    (f"w: &w {WAIVER}\nwaivers: [*w, *w]\n", "a YAML anchor &w at line 1"),
    ("[" * 100_000 + "]" * 100_000, "nest"),  # libyaml's own bound (1000) or ours (64)
    ("waivers:\n" + "".join(f"{'  ' * n}- \n" for n in range(1, 80)), "nest"),
    ("waivers: 5\n", "$.waivers: 5 is not of type 'array'"),
    ("waivers:\n  - {result: 7, code: LG001, reason: r, granted_by: g, expires: v9.0}\n",
     "$.waivers[0].result: 7 is not of type 'string'"),
    ("waivers:\n  - {result: x, code: LG001, reason: r, granted_by: g, expires: 2024-13-45}\n",
     "not YAML infercheck reads: month must be in 1..12"),
    ("- a\n- b\n", "['a', 'b'] is not of type 'object'"),
])
def test_a_malformed_waivers_file_is_a_usage_error_of_one_line(pristine, tmp_path, text, reason):
    path = tmp_path / "w.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(WaiverFileError) as err:
        Waivers.load(str(path), INFERENCE.codes)
    assert reason in err.value.reason
    out = _invoke("check", pristine["edge"], "--waivers", path)
    _usage_error(out, "Invalid value for --waivers: ", f"{path}: ", reason)


def test_a_named_pipe_given_as_waivers_is_refused_not_waited_on(pristine, tmp_path):
    pipe = tmp_path / "w.yaml"
    os.mkfifo(pipe)
    out = _invoke("check", pristine["edge"], "--waivers", pipe)
    _usage_error(out, f"{pipe}: not a regular file but a named pipe")


# --- tables given to report and audit ----------------------------------------------------------


@pytest.fixture(scope="module")
def tables(tmp_path_factory, pristine):
    """The edge slice's table as `check --parquet` and `--csv` write it."""
    folder = tmp_path_factory.mktemp("tables")
    out = _invoke("check", pristine["edge"], "-q", "--parquet", folder / "t.parquet",
                  "--csv", folder / "s.csv")
    assert out.exit_code == 0, out.output
    return folder


@pytest.fixture
def table(tables):
    return pd.read_parquet(tables / "t.parquet")


def _site(path, tmp_path, *more):
    return _invoke("report", path, "--out", tmp_path / "site", *more)


def test_a_table_as_check_wrote_it_is_published(tables, tmp_path):
    out = _site(tables / "t.parquet", tmp_path)
    assert out.exit_code == 0 and "3 results of 1 systems" in out.output, out.output


def test_an_html_page_named_parquet_is_a_usage_error(tmp_path):
    page = tmp_path / "x.parquet"
    page.write_text("<!DOCTYPE html><html><body>Sign in</body></html>\n", "utf-8")
    for command in ("report", "audit"):
        args = [page, "--out", tmp_path / "site"] if command == "report" else [page]
        _usage_error(_invoke(command, *args),
                     f"{page} cannot be read as a Parquet table: ", "Parquet magic bytes not found")


def test_a_table_with_a_null_round_is_a_usage_error_naming_the_row(table, tmp_path):
    table.loc[1, "round"] = None
    path = tmp_path / "t.parquet"
    table.to_parquet(path)
    _usage_error(_site(path, tmp_path), f"{path}: column 'round', row 2 is empty")
    _usage_error(_invoke("audit", path), f"{path}: column 'round', row 2 is empty")


def test_a_table_of_two_columns_is_a_usage_error(table, tmp_path):
    path = tmp_path / "t.parquet"
    table[["round", "result"]].to_parquet(path)
    _usage_error(_site(path, tmp_path),
                 f"{path} is not a results table of `check --parquet` (no benchmark, division, "
                 "scenario, submitter, system, units, valid, value column)")


def test_the_text_false_in_a_valid_column_is_refused_not_published(table, tmp_path):
    table["valid"] = table["valid"].map(str)
    table.loc[1, "valid"] = "False"
    path = tmp_path / "t.parquet"
    table.to_parquet(path)
    _usage_error(_site(path, tmp_path),
                 f"{path}: column 'valid', row 1: 'True' is not a boolean")
    _usage_error(_invoke("audit", path), f"{path}: column 'valid', row 1: 'True' is not a boolean")
    assert not (tmp_path / "site" / "index.html").exists()


def test_a_null_valid_is_refused_and_a_null_has_power_is_false(table, tmp_path):
    valid = table.copy()
    valid["valid"] = valid["valid"].astype(object)
    valid.loc[2, "valid"] = None
    path = tmp_path / "t.parquet"
    valid.to_parquet(path)
    _usage_error(_site(path, tmp_path), f"{path}: column 'valid', row 3: None is not a boolean")
    table["has_power"] = table["has_power"].astype(object)
    table.loc[2, "has_power"] = None
    table.to_parquet(path)
    out = _site(path, tmp_path)
    assert out.exit_code == 0 and "3 results of 1 systems" in out.output, out.output


def test_a_real_false_in_a_valid_column_is_not_published(table, tmp_path):
    table.loc[1, "valid"] = False
    path = tmp_path / "t.parquet"
    table.to_parquet(path)
    out = _site(path, tmp_path)
    assert out.exit_code == 0 and "2 results of 1 systems" in out.output, out.output


def test_a_summary_csv_missing_columns_is_a_usage_error(tables, tmp_path):
    raw = pd.read_csv(tables / "s.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "s.csv"
    raw.drop(columns=["Accuracy", "Scenario"]).to_csv(path, index=False)
    _usage_error(_site(path, tmp_path), f"{path} is not a summary.csv (no Accuracy, Scenario column)")
    raw.assign(Location="").to_csv(path, index=False)
    _usage_error(_invoke("audit", path), f"{path}: column 'Location', row 1 is empty")


def test_a_valid_column_in_a_csv_is_read_as_its_spellings_or_refused(tables, tmp_path):
    raw = pd.read_csv(tables / "s.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "s.csv"
    raw.assign(valid=["True", "False", "true"]).to_csv(path, index=False)
    out = _site(path, tmp_path)
    assert out.exit_code == 0 and "2 results of 1 systems" in out.output, out.output
    raw.assign(valid=["True", "no", "False"]).to_csv(path, index=False)
    _usage_error(_site(path, tmp_path), f"{path}: column 'valid', row 2: 'no' is not True or False")


def test_a_csv_field_past_the_csv_modules_limit_is_a_usage_error(tables, tmp_path):
    raw = pd.read_csv(tables / "s.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "s.csv"
    raw.assign(notes="n" * 200_000).to_csv(path, index=False)
    _usage_error(_site(path, tmp_path), f"{path} cannot be read as a summary.csv: field larger "
                                        "than field limit (131072)")


def test_a_named_pipe_given_as_a_table_is_refused_not_waited_on(tmp_path):
    pipe = tmp_path / "t.parquet"
    os.mkfifo(pipe)
    _usage_error(_invoke("audit", pipe), f"{pipe} is not a regular file but a named pipe")


# --- ids files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "reason"), [
    ('["v4.1-0001"]', "an ids file holds an object of system key: ID, not a list"),
    ('{"v4.1/closed/A/b": 1e999}', "not JSON infercheck reads: 1e999 is beyond the range"),
    ("[" * 100_000 + "]" * 100_000, "not JSON infercheck reads: nested too deeply to decode"),
    ('{"v4.1/closed/A/b": 3}', "the ID of 'v4.1/closed/A/b' is a number, not a string"),
    ('{"v4.1/closed/A/b": "v4.1-0001",}', "not JSON: "),
])
def test_a_malformed_ids_file_is_a_usage_error_and_left_as_it_was(tables, tmp_path, text, reason):
    ids = tmp_path / "ids.json"
    ids.write_text(text, "utf-8")
    _usage_error(_site(tables / "t.parquet", tmp_path, "--ids", ids), f"{ids}: {reason}")
    assert ids.read_text("utf-8") == text


@pytest.mark.parametrize(("text", "reason"), [
    ('[["5.1-0001", 1]]', "not an ids file of generate_final_report.py (an object of unique ID: "
                          "number): a list"),
    ('{"5.1-0001": 1e999}', "not JSON infercheck reads: 1e999 is beyond the range"),
    ("{" + '"a": {' * 100_000 + "}" * 100_001,
     "not JSON infercheck reads: nested too deeply to decode"),
    ('{"5.1-0001": true}', "not an ids file of generate_final_report.py (an object of unique "
                           "ID: number): the number of '5.1-0001' is a boolean"),
])
def test_a_malformed_official_ids_file_is_a_usage_error(tmp_path, text, reason):
    ids = tmp_path / "ids.json"
    ids.write_text(text, "utf-8")
    out = _invoke("report", corpus("expected") / "inference-v5.1.summary.csv", "--format",
                  "summary-results", "--out", tmp_path / "summary_results.json",
                  "--official-ids", ids)
    _usage_error(out, f"{ids}: {reason}")
    assert not (tmp_path / "summary_results.json").exists()
    assert ids.read_text("utf-8") == text


# --- reports given to diff ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_json(tmp_path_factory, pristine):
    path = tmp_path_factory.mktemp("reports") / "r.json"
    out = _invoke("check", pristine["edge"], "-q", "--json", path)
    assert out.exit_code == 0, out.output
    return path


def _edited(report_json, tmp_path, edit):
    data = json.loads(report_json.read_text("utf-8"))
    edit(data)
    path = tmp_path / "new.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


@pytest.mark.parametrize(("edit", "reason"), [
    (lambda d: d.update(results=5), "at $.results: 5 is not of type 'array'"),
    (lambda d: d["results"][0].update(findings="x"),
     "at $.results[0].findings: 'x' is not of type 'array'"),
    (lambda d: d["results"][1].update(valid="yes"),
     "at $.results[1].valid: 'yes' is not of type 'boolean'"),
    (lambda d: d["results"][0].update(metrics=5), "at $.results[0].metrics: 5 is not of type 'object'"),
    (lambda d: d["results"][0].update(result=["a"]),
     "at $.results[0].result: ['a'] is not of type 'string'"),
    (lambda d: d.pop("round"), "at the top: 'round' is a required property"),
])
def test_a_report_with_a_wrongly_typed_field_is_a_usage_error(report_json, tmp_path, edit, reason):
    path = _edited(report_json, tmp_path, edit)
    out = _invoke("diff", report_json, path)
    _usage_error(out, f"{path} is neither a submission tree nor a report written by `check "
                      f"--json`: {reason} (schemas/report.schema.json)")


@pytest.mark.parametrize(("text", "reason"), [
    ("[" * 100_000 + "]" * 100_000, "not JSON infercheck reads: nested too deeply to decode"),
    ('{"results": [{"metrics": {"value": 1e999}}]}',
     "not JSON infercheck reads: 1e999 is beyond the range of a number"),
    ("[1, 2]", "at the top: [1, 2] is not of type 'object'"),
])
def test_a_report_that_is_no_report_is_a_usage_error(report_json, tmp_path, text, reason):
    path = tmp_path / "new.json"
    path.write_text(text, "utf-8")
    _usage_error(_invoke("diff", path, report_json), f"{path} is neither a submission tree nor a "
                                                     f"report written by `check --json`: {reason}")


def test_a_report_as_check_wrote_it_diffs_as_no_change(report_json):
    out = _invoke("diff", report_json, report_json)
    assert out.exit_code == 0 and out.output.startswith("NO CHANGE: 0 added"), out.output
