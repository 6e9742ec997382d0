"""The official files of every round generate_final_report.py covers, from v3.0: summary.xlsx
in each round's layout, and summary_results.json from v5.0, the first round whose script wrote it.

The packs' `publication` tables against the scripts that published the rounds (mlcommons/inference,
tools/submission/generate_final_report.py; the commit is beside each round), and `report` on the
corpus slices of v3.0, v4.1, v5.0 (smoke runs), v5.1 and v6.0.
"""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from infercheck.checker.inference.rules import load_rules
from infercheck.cli import main

from .conftest import corpus

# The script's filter_scenarios and columns_order, as written in it: the script that published
# the round (v4.1: c7db1c3f, which added Tokens/s after the tag; v5.0: c0b60cdb, its table for a
# version other than 4.1; v3.1: the tag's, whose Code link text differs from 1bddedf8's).
SCRIPT_TABLES = {
    "v3.0": {  # fd6486a0
        "models": ["resnet", "retinanet", "3d-unet-99", "3d-unet-99.9", "rnnt", "bert-99", "bert-99.9",
                   "dlrm-99", "dlrm-99.9"],
        "units": ["Latency (ms)", "Samples/s", "Queries/s", "millijoules", "Watts"],
        "scenarios": {
            "datacenter": {
                "resnet": ["Server", "Offline"],
                "retinanet": ["Server", "Offline"],
                "rnnt": ["Server", "Offline"],
                "bert-99": ["Server", "Offline"],
                "bert-99.9": ["Server", "Offline"],
                "dlrm-99": ["Server", "Offline"],
                "dlrm-99.9": ["Server", "Offline"],
                "3d-unet-99": ["Offline"],
                "3d-unet-99.9": ["Offline"],
            },
            "edge": {
                "resnet": ["SingleStream", "MultiStream", "Offline"],
                "retinanet": ["SingleStream", "MultiStream", "Offline"],
                "rnnt": ["SingleStream", "Offline"],
                "bert-99": ["SingleStream", "Offline"],
                "bert-99.9": [],
                "dlrm-99": [],
                "dlrm-99.9": [],
                "3d-unet-99": ["SingleStream", "Offline"],
                "3d-unet-99.9": ["SingleStream", "Offline"],
            },
        },
    },
    "v3.1": {  # ce189bda
        "models": ["resnet", "retinanet", "3d-unet-99", "3d-unet-99.9", "rnnt", "bert-99", "bert-99.9",
                   "dlrm-v2-99", "dlrm-v2-99.9", "gptj-99", "gptj-99.9"],
        "units": ["Latency (ms)", "Samples/s", "Queries/s", "millijoules", "Watts"],
        "scenarios": {
            "datacenter": {
                "resnet": ["Server", "Offline"],
                "retinanet": ["Server", "Offline"],
                "rnnt": ["Server", "Offline"],
                "bert-99": ["Server", "Offline"],
                "bert-99.9": ["Server", "Offline"],
                "dlrm-v2-99": ["Server", "Offline"],
                "dlrm-v2-99.9": ["Server", "Offline"],
                "3d-unet-99": ["Offline"],
                "3d-unet-99.9": ["Offline"],
                "gptj-99": ["Server", "Offline"],
                "gptj-99.9": ["Server", "Offline"],
            },
            "edge": {
                "resnet": ["SingleStream", "MultiStream", "Offline"],
                "retinanet": ["SingleStream", "MultiStream", "Offline"],
                "rnnt": ["SingleStream", "Offline"],
                "bert-99": ["SingleStream", "Offline"],
                "bert-99.9": [],
                "dlrm-v2-99": [],
                "dlrm-v2-99.9": [],
                "3d-unet-99": ["SingleStream", "Offline"],
                "3d-unet-99.9": ["SingleStream", "Offline"],
                "gptj-99": ["SingleStream", "Offline"],
                "gptj-99.9": ["SingleStream", "Offline"],
            },
        },
    },
    "v4.0": {  # 4bdf56f8
        "models": ["resnet", "retinanet", "3d-unet-99", "3d-unet-99.9", "rnnt", "bert-99", "bert-99.9",
                   "dlrm-v2-99", "dlrm-v2-99.9", "gptj-99", "gptj-99.9", "stable-diffusion-xl",
                   "llama2-70b-99", "llama2-70b-99.9"],
        "units": ["Latency (ms)", "Samples/s", "Queries/s", "millijoules", "Watts"],
        "scenarios": {
            "datacenter": {
                "resnet": ["Server", "Offline"],
                "retinanet": ["Server", "Offline"],
                "rnnt": ["Server", "Offline"],
                "bert-99": ["Server", "Offline"],
                "bert-99.9": ["Server", "Offline"],
                "dlrm-v2-99": ["Server", "Offline"],
                "dlrm-v2-99.9": ["Server", "Offline"],
                "3d-unet-99": ["Offline"],
                "3d-unet-99.9": ["Offline"],
                "gptj-99": ["Server", "Offline"],
                "gptj-99.9": ["Server", "Offline"],
                "stable-diffusion-xl": ["Server", "Offline"],
                "llama2-70b-99": ["Server", "Offline"],
                "llama2-70b-99.9": ["Server", "Offline"],
            },
            "edge": {
                "resnet": ["SingleStream", "MultiStream", "Offline"],
                "retinanet": ["SingleStream", "MultiStream", "Offline"],
                "rnnt": ["SingleStream", "Offline"],
                "bert-99": ["SingleStream", "Offline"],
                "bert-99.9": [],
                "dlrm-v2-99": [],
                "dlrm-v2-99.9": [],
                "3d-unet-99": ["SingleStream", "Offline"],
                "3d-unet-99.9": ["SingleStream", "Offline"],
                "gptj-99": ["SingleStream", "Offline"],
                "gptj-99.9": ["SingleStream", "Offline"],
                "stable-diffusion-xl": ["SingleStream", "Offline"],
            },
        },
    },
    "v4.1": {  # c7db1c3f
        "models": ["resnet", "retinanet", "3d-unet-99", "3d-unet-99.9", "rnnt", "bert-99", "bert-99.9",
                   "dlrm-v2-99", "dlrm-v2-99.9", "gptj-99", "gptj-99.9", "stable-diffusion-xl",
                   "llama2-70b-99", "llama2-70b-99.9", "mixtral-8x7b"],
        "units": ["Latency (ms)", "Samples/s", "Queries/s", "Tokens/s", "millijoules", "Watts"],
        "scenarios": {
            "datacenter": {
                "resnet": ["Server", "Offline"],
                "retinanet": ["Server", "Offline"],
                "rnnt": ["Server", "Offline"],
                "bert-99": ["Server", "Offline"],
                "bert-99.9": ["Server", "Offline"],
                "dlrm-v2-99": ["Server", "Offline"],
                "dlrm-v2-99.9": ["Server", "Offline"],
                "3d-unet-99": ["Offline"],
                "3d-unet-99.9": ["Offline"],
                "gptj-99": ["Server", "Offline"],
                "gptj-99.9": ["Server", "Offline"],
                "stable-diffusion-xl": ["Server", "Offline"],
                "llama2-70b-99": ["Server", "Offline"],
                "llama2-70b-99.9": ["Server", "Offline"],
                "mixtral-8x7b": ["Server", "Offline"],
            },
            "edge": {
                "resnet": ["SingleStream", "MultiStream", "Offline"],
                "retinanet": ["SingleStream", "MultiStream", "Offline"],
                "rnnt": ["SingleStream", "Offline"],
                "bert-99": ["SingleStream", "Offline"],
                "bert-99.9": [],
                "dlrm-v2-99": [],
                "dlrm-v2-99.9": [],
                "3d-unet-99": ["SingleStream", "Offline"],
                "3d-unet-99.9": ["SingleStream", "Offline"],
                "gptj-99": ["SingleStream", "Offline"],
                "gptj-99.9": ["SingleStream", "Offline"],
                "stable-diffusion-xl": ["SingleStream", "Offline"],
            },
        },
    },
    "v5.0": {  # c0b60cdb
        "models": ["resnet", "retinanet", "3d-unet-99", "3d-unet-99.9", "rnnt", "bert-99", "bert-99.9",
                   "dlrm-v2-99", "dlrm-v2-99.9", "gptj-99", "gptj-99.9", "stable-diffusion-xl",
                   "llama2-70b-99", "llama2-70b-99.9", "llama2-70b-interactive-99",
                   "llama2-70b-interactive-99.9", "llama3.1-405b", "mixtral-8x7b", "pointpainting",
                   "rgat"],
        "units": ["Latency (ms)", "Samples/s", "Queries/s", "Tokens/s", "millijoules", "Watts"],
        "scenarios": {
            "datacenter": {
                "resnet": ["Server", "Offline"],
                "retinanet": ["Server", "Offline"],
                "bert-99": [],
                "bert-99.9": [],
                "dlrm-v2-99": ["Server", "Offline"],
                "dlrm-v2-99.9": ["Server", "Offline"],
                "3d-unet-99": ["Offline"],
                "3d-unet-99.9": ["Offline"],
                "gptj-99": ["Server", "Offline"],
                "gptj-99.9": ["Server", "Offline"],
                "stable-diffusion-xl": ["Server", "Offline"],
                "llama2-70b-99": ["Server", "Offline"],
                "llama2-70b-99.9": ["Server", "Offline"],
                "llama2-70b-interactive-99": ["Server", "Offline"],
                "llama2-70b-interactive-99.9": ["Server", "Offline"],
                "mixtral-8x7b": ["Server", "Offline"],
                "rgat": ["Offline"],
                "llama3.1-405b": ["Offline", "Server"],
                "pointpainting": [],
            },
            "edge": {
                "resnet": ["SingleStream", "MultiStream", "Offline"],
                "retinanet": ["SingleStream", "MultiStream", "Offline"],
                "bert-99": ["SingleStream", "Offline"],
                "bert-99.9": ["SingleStream", "Offline"],
                "dlrm-v2-99": [],
                "dlrm-v2-99.9": [],
                "3d-unet-99": ["SingleStream", "Offline"],
                "3d-unet-99.9": ["SingleStream", "Offline"],
                "llama2-70b-99": [],
                "llama2-70b-99.9": [],
                "llama2-70b-interactive-99": [],
                "llama2-70b-interactive-99.9": [],
                "llama3.1-405b": [],
                "gptj-99": ["SingleStream", "Offline"],
                "gptj-99.9": ["SingleStream", "Offline"],
                "rgat": [],
                "stable-diffusion-xl": ["SingleStream", "Offline"],
                "pointpainting": ["SingleStream"],
            },
        },
    },
}

SYSTEM = ["ID", "Unique ID (e.g. for Audit)", "ColorKey", "Submitter", "Availability", "System",
          "Nodes", "Processor", "p#", "Accelerator", "a#", "Software", "Notes"]
OLD_SCENARIOS = ["SingleStream", "MultiStream", "Server", "Offline"]

# What else each script does: its links (base_url; the Code column from v3.1), its sheet names,
# and whether it writes summary_results.json.
SCRIPT_LINKS = {
    "v3.0": ("https://github.com/mlcommons/submissions_inference_3.0/tree/master", ["Details"]),
    "v3.1": ("https://github.com/mlcommons/submissions_inference_3.1/tree/main", ["Details", "Code"]),
    "v4.0": ("https://github.com/mlcommons/submissions_inference_4.0/tree/main", ["Details", "Code"]),
    "v4.1": ("https://github.com/mlcommons/submissions_inference_4.1/tree/main", ["Details", "Code"]),
    "v5.0": ("https://github.com/mlcommons/submissions_inference_5.0/tree/main", ["Details", "Code"]),
}


def _resolved(round_name: str) -> dict:
    return load_rules(round_name).data["publication"]


@pytest.mark.parametrize("round_name", sorted(SCRIPT_TABLES))
def test_each_publication_table_is_its_scripts(round_name):
    pub = _resolved(round_name)
    script = SCRIPT_TABLES[round_name]
    # a model a later round's table removes is null in the pack: it is not listed
    scenarios = {suite: {m: s for m, s in table.items() if s is not None}
                 for suite, table in pub["scenarios"].items()}
    assert scenarios == script["scenarios"]
    assert pub["models"] == script["models"] and pub["units"] == script["units"]
    assert pub.get("system_columns", SYSTEM) == SYSTEM
    assert pub.get("number_format", "#,##0.00") == "#,##0.00"
    assert pub.get("unlisted_models", "hidden") == "hidden"  # the script stops on one (KeyError)
    base, links = SCRIPT_LINKS[round_name]
    assert (f"https://github.com/mlcommons/{pub['repository']}/tree/{pub.get('branch', 'main')}",
            pub.get("link_columns", ["Details", "Code"])) == (base, links)
    assert pub.get("summary_results", True) is (round_name == "v5.0")
    names = pub.get("sheet_names")
    assert names == ({"performance": "{category},{suite}", "power": "{category},{suite},power"}
                     if round_name == "v3.0" else None)


def test_later_rounds_do_not_inherit_what_they_do_not_publish():
    """v5.1 extends v5.0: its table lists neither gptj nor llama2-70b-interactive, its links
    name inference_results_v5.1, and it writes summary_results.json."""
    pub = _resolved("v5.1")
    for suite in ("datacenter", "edge"):
        assert not {"gptj-99", "gptj-99.9", "llama2-70b-interactive-99", "rnnt"} & set(
            pub["scenarios"][suite])
    assert "repository" not in pub and "branch" not in pub and "link_columns" not in pub
    assert "sheet_names" not in pub and pub.get("summary_results", True) is True


def _report(tree, site, profile="published"):
    done = CliRunner().invoke(main, ["report", str(tree), "--out", str(site), "--profile", profile])
    assert done.exit_code == 0, done.output
    return done


def _headers(ws, index_width):
    """(model, scenario, units) of each result column, the merged cells filled in."""
    levels = []
    for row in (2, 3, 4):
        values, last = [], None
        for cell in ws[row][index_width:]:
            last = cell.value if cell.value is not None else last
            values.append(last)
        levels.append(values)
    return list(zip(*levels, strict=True))


# Per slice: the round, the sheets of its summary.xlsx, and whether it has summary_results.json.
SLICES = {
    "inference-v3.0": ("v3.0", "published", [
        "closed,datacenter", "closed,edge", "closed,edge,power", "open,datacenter", "open,edge",
        "network,datacenter"], False),
    "inference-v4.1": ("v4.1", "published", [
        "datacenter - closed", "datacenter - closed - power", "edge - closed",
        "edge - closed - power", "datacenter - open", "edge - open"], False),
    "inference-v5.0-automation": ("v5.0", "smoke", ["datacenter - open", "edge - open"], True),
    "inference-v5.1": ("v5.1", "published", [
        "datacenter - closed", "datacenter - closed - power", "edge - closed",
        "datacenter - open", "edge - open"], True),
    "inference-v6.0": ("v6.0", "published", [
        "datacenter - closed", "edge - closed", "datacenter - open", "edge - open"], True),
}


@pytest.mark.parametrize("folder", sorted(SLICES))
def test_report_writes_each_rounds_official_files(tmp_path, folder):
    round_name, profile, sheet_names, has_json = SLICES[folder]
    site = tmp_path / "site"
    _report(corpus(folder), site, profile)
    downloads = site / "downloads"
    assert (downloads / "summary_results.json").is_file() is has_json
    # The older scripts kept no ids file; the site keeps one all the same, so that a rebuild
    # numbers each system as before.
    assert (downloads / "ids.json").is_file()
    book = openpyxl.load_workbook(downloads / "summary.xlsx")
    assert book.sheetnames == sheet_names
    pub = _resolved(round_name)
    system = pub.get("system_columns", SYSTEM)
    links = pub.get("link_columns", ["Details", "Code"])
    scenario_order = [*OLD_SCENARIOS, "Interactive"]
    seen = set()
    for ws in book.worksheets:
        category = ws.title.replace(",", " - ").split(" - ")
        category = next(c for c in ("closed", "open", "network") if c in category)
        index = [*system, *(["UsedModel", "Accuracy"] if category == "open" else []), *links]
        assert [c.value for c in ws[5]][:len(index)] == index, ws.title
        assert all(c.value is None for c in ws[5][len(index):])
        columns = _headers(ws, len(index))
        assert columns and columns == sorted(columns, key=lambda c: (
            pub["models"].index(c[0]), scenario_order.index(c[1]), pub["units"].index(c[2])))
        seen |= {c[1] for c in columns}
        repository = pub.get("repository") or f"inference_results_{round_name}"
        base = f"https://github.com/mlcommons/{repository}/tree/{pub.get('branch', 'main')}/"
        for row in ws.iter_rows(min_row=6, max_row=ws.max_row):  # (a repeated cell is merged)
            assert row[0].value is None or row[0].value.startswith(round_name[1:] + "-")
            details = row[index.index("Details")]
            if details.value is not None:
                assert details.value == "details"
                assert details.hyperlink.target.startswith(base + category + "/")
    if round_name < "v5.1":
        assert seen <= set(OLD_SCENARIOS)  # no round before v5.1 has an Interactive scenario
    if has_json:
        entries = json.loads((downloads / "summary_results.json").read_text("utf-8"))
        assert entries and all(e["ID"].startswith(round_name[1:] + "-") for e in entries)
        assert all(("Code" in e) is ("Code" in links) for e in entries)


def test_the_v3_0_spreadsheet_cells(tmp_path):
    """The v3.0 layout cell by cell where it differs: category before suite in sheet names, no
    Code column, links into submissions_inference_3.0 on master."""
    site = tmp_path / "site"
    _report(corpus("inference-v3.0"), site)
    ws = openpyxl.load_workbook(site / "downloads" / "summary.xlsx")["closed,edge,power"]
    assert [c.value for c in ws[5]] == [*SYSTEM, "Details", None, None, None, None, None, None]
    assert _headers(ws, 14) == [
        ("resnet", "SingleStream", "Latency (ms)"), ("resnet", "SingleStream", "millijoules"),
        ("resnet", "MultiStream", "Latency (ms)"), ("resnet", "MultiStream", "millijoules"),
        ("resnet", "Offline", "Samples/s"), ("resnet", "Offline", "Watts")]
    (row,) = ws.iter_rows(min_row=6, max_row=6)
    assert row[0].value == "3.0-0002" and row[3].value == "SiMa"
    assert row[13].hyperlink.target == ("https://github.com/mlcommons/submissions_inference_3.0/"
                                        "tree/master/closed/SiMa/results/davinci_dualm2")
    assert row[14].number_format == "#,##0.00"


def test_a_round_without_summary_results_json_writes_none_alone(tmp_path):
    """`report --format summary-results` of a round whose script wrote no summary_results.json
    is a usage error, and writes nothing (not even the spreadsheet)."""
    out = tmp_path / "summary_results.json"
    done = CliRunner().invoke(main, ["report", str(corpus("inference-v4.1")), "--format",
                                     "summary-results", "--out", str(out), "--profile",
                                     "published"])
    assert done.exit_code == 2
    assert list(tmp_path.iterdir()) == []
