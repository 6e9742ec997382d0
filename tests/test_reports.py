"""The results site and downloads: every accepted result with the checker's value, escaping, IDs."""

from __future__ import annotations

import json
import math
import os
import shutil

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from infercheck.checker import check_tree
from infercheck.checker.inference import summary as inference_summary
from infercheck.checker.mobile import summary as mobile_summary
from infercheck.cli import main
from infercheck.reports import build_site, load_results

from .conftest import corpus, read_site_data


def site_data(site) -> dict:
    return read_site_data(site)


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(main, ["report", str(corpus("inference-v2.1")),
                                       str(corpus("inference-v4.1")), "--out", str(base / "site"),
                                       "--ids", str(base / "ids.json"), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    return base


@pytest.mark.parametrize("folder,round_name", [("inference-v2.1", "v2.1"), ("inference-v4.1", "v4.1")])
def test_site_shows_every_accepted_result_with_the_checker_value(corpus_site, folder, round_name):
    data = site_data(corpus_site / "site")
    shown = {(s["round"], r["result"]): r for s in data["systems"] for r in s["results"]}
    report = check_tree(str(corpus(folder)), round=round_name)
    accepted = [e for e in report.results if e.valid]
    assert accepted
    for entry in accepted:
        r = shown[(round_name, entry.result)]
        assert r["value"] == entry.metrics["value"] and r["units"] == entry.metrics["units"]
        if entry.metrics.get("power_value"):
            assert math.isclose(r["power_value"], entry.metrics["power_value"])
    assert sum(1 for key in shown if key[0] == round_name) == len(accepted)


def test_site_is_self_contained(corpus_site):
    site = corpus_site / "site"
    html = (site / "index.html").read_text("utf-8")
    assert "http://" not in html and "https://" not in html
    for src in ("assets/data.js", "assets/app.js"):
        assert f'src="{src}"' in html and (site / src).is_file()
    app = (site / "assets" / "app.js").read_text("utf-8")
    # plotly.js is loaded by the script once the table is painted
    assert 'src: "assets/plotly.min.js"' in app and (site / "assets" / "plotly.min.js").is_file()
    assert "fetch(" not in app  # file:// has no fetch


def test_links_point_at_the_results_files(corpus_site):
    data = site_data(corpus_site / "site")
    for system in data["systems"]:  # each round's results link into their own tree
        for result in system["results"]:
            target = (corpus_site / "site" / result["link"]).resolve()
            assert target.is_dir() and (target / "performance").is_dir(), result["link"]


def test_xlsx_has_a_sheet_per_suite_and_division_with_power_twins(corpus_site):
    wb = openpyxl.load_workbook(corpus_site / "site" / "downloads" / "results.xlsx")
    assert {"v2.1 edge closed", "v2.1 edge closed power", "v2.1 datacenter closed",
            "v2.1 datacenter network", "v4.1 edge open"} <= set(wb.sheetnames)
    assert all(len(name) <= 31 for name in wb.sheetnames)
    table = pd.read_parquet(corpus_site / "site" / "downloads" / "results.parquet")
    assert len(table) == 137 and table["id"].notna().all()


def test_ids_stay_the_same_across_rebuilds(tmp_path):
    table, _ = load_results([str(corpus("expected") / "inference-v4.1.summary.csv")])
    ids = tmp_path / "ids.json"
    build_site(table, str(tmp_path / "a"), ids_path=str(ids))
    first = {s["system"]: s["id"] for s in site_data(tmp_path / "a")["systems"]}
    more, _ = load_results([str(corpus("expected") / "inference-v2.1.summary.csv"),
                            str(corpus("expected") / "inference-v4.1.summary.csv")])
    build_site(more, str(tmp_path / "b"), ids_path=str(ids))
    second = {s["system"]: s["id"] for s in site_data(tmp_path / "b")["systems"] if s["round"] == "v4.1"}
    assert first == second and all(v.startswith("v4.1-") for v in first.values())


def test_csv_and_parquet_inputs(tmp_path, broken_tree):
    tree = broken_tree("power")
    out = tmp_path / "t.parquet"
    result = CliRunner().invoke(main, ["check", str(tree.root), "--parquet", str(out)])
    assert result.exit_code == 0
    table, trees = load_results([str(out)])
    assert len(table) == 2 and trees == {} and table["has_power"].all()
    from_csv, _ = load_results([str(corpus("expected") / "inference-v2.1.summary.csv")])
    assert len(from_csv) == 100 and from_csv["has_power"].sum() == 36


def test_submission_strings_are_escaped(tmp_path, broken_tree):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'

    def mutate(t):
        t.edit_json(t.system_json, system_name=hostile, hw_notes="</script><b>bold</b>")

    tree = broken_tree("power", mutate)
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["report", str(tree.root), "--out", str(site),
                                       "--ids", str(tmp_path / "ids.json")])
    assert result.exit_code == 0, result.output
    data_js = (site / "assets" / "data.js").read_text("utf-8")
    assert "<script" not in data_js and "</script" not in data_js and "<img" not in data_js
    assert site_data(site)["systems"][0]["system_name"] == hostile  # the text itself survives
    app = (site / "assets" / "app.js").read_text("utf-8")
    assert "innerHTML" not in app and "insertAdjacentHTML" not in app


def test_report_usage_errors(tmp_path):
    (tmp_path / "x.txt").write_text("x")
    result = CliRunner().invoke(main, ["report", str(tmp_path / "x.txt"), "--out", str(tmp_path / "s")])
    assert result.exit_code == 2 and "not a submission tree" in result.output
    assert not os.path.exists(tmp_path / "s")


def test_mobile_rounds_get_their_tabs_sheets_ids_and_links(tmp_path):
    result = CliRunner().invoke(main, ["report", str(corpus("mobile-v2.1")), str(corpus("mobile-v4.1")),
                                       "--published", "--out", str(tmp_path / "site"),
                                       "--ids", str(tmp_path / "ids.json")])
    assert result.exit_code == 0, result.output
    data = site_data(tmp_path / "site")
    systems = data["systems"]
    assert {s["system_type"] for s in systems} == {"mobile"}
    # 15 v2.1 results and v4.1's 19 (SD8SG3 MOSAIC was published though its logs contradict
    # its export)
    assert sum(len(s["results"]) for s in systems) == 34
    assert all(s["id"].startswith(f"mobile-{s['round']}-") for s in systems)
    for system in systems:
        for r in system["results"]:
            target = (tmp_path / "site" / r["link"]).resolve()
            assert target.is_dir() and f"mobile-{system['round']}" in str(target), r["link"]
    sd = next(r for s in systems for r in s["results"] if r["benchmark"] == "stable_diffusion")
    assert (sd["units"], sd["accuracy_display"]) == ("ms", "0.2566")
    wb = openpyxl.load_workbook(tmp_path / "site" / "downloads" / "results.xlsx")
    assert {"v2.1 mobile closed", "v2.1 mobile closed acc", "v4.1 mobile closed",
            "v4.1 mobile closed acc"} <= set(wb.sheetnames)


def test_mobile_csv_is_an_input_too(tmp_path):
    csv_path = tmp_path / "mobile.csv"
    out = CliRunner().invoke(main, ["check", str(corpus("mobile-v4.1")), "--profile", "published",
                                    "--csv", str(csv_path), "-q"])
    assert out.exit_code == 0
    table, _ = load_results([str(csv_path)])
    assert len(table) == 19 and set(table["system_type"]) == {"mobile"}
    row = table[(table["system"] == "SD8G3") & (table["benchmark"] == "edsr")].iloc[0]
    assert row["value"] == pytest.approx(6.143802) and row["units"] == "ms"
    assert row["accuracy"] == pytest.approx(33.39) and row["soc"].startswith("Qualcomm Snapdragon 8 Gen 3")


@pytest.mark.parametrize("tree,args,module", [
    ("inference-v2.0", ["--version", "v2.0"], inference_summary),
    ("inference-v2.1", ["--version", "v2.1"], inference_summary),
    ("inference-v4.1", ["--version", "v4.1"], inference_summary),
    ("inference-v5.1", ["--version", "v5.1"], inference_summary),
    ("mobile-v2.1", ["--profile", "published"], mobile_summary),
])
def test_a_summary_csv_reads_back_as_the_checked_tree(tmp_path, tree, args, module):
    """The summary writer and the site's reader share one column map: every column the CSV
    carries comes back with the value the checked tree's table has."""
    csv_path = tmp_path / "summary.csv"
    result = CliRunner().invoke(main, ["check", str(corpus(tree)), *args, "--csv", str(csv_path)])
    assert result.exit_code in (0, 1), result.output
    profile = "published" if "published" in args else "strict"
    checked, _ = load_results([str(corpus(tree))], profile=profile)
    read_back, _ = load_results([str(csv_path)])
    key = ["result", "scenario"]
    checked = checked.sort_values(key).reset_index(drop=True)
    read_back = read_back.sort_values(key).reset_index(drop=True)
    assert len(checked) == len(read_back) > 10
    with open(csv_path, encoding="utf-8") as f:
        header = f.readline().strip().split(",")
    columns = {module.TIDY_COLUMNS[c] for c in header if c in module.TIDY_COLUMNS} - {"accuracy"}
    assert len(columns) > 10
    for column in sorted(columns):
        assert checked[column].astype(str).tolist() == read_back[column].astype(str).tolist(), column


def test_an_accuracy_cell_of_every_metric_reads_back_as_its_first():
    """From v5.0 the official Accuracy cell lists every metric ("ROUGE1: 38.4099  ROUGE2: ...")."""
    table, _ = load_results([str(corpus("expected") / "inference-v5.1.summary.csv")])
    whisper = sorted(table[table["model"] == "whisper"]["accuracy"])
    assert whisper == pytest.approx([97.78448185616261, 97.88576267638467, 97.89147168805961])
    rows = table[table["result"] == "closed/Lenovo/results/SR780a_V3_B200SXMx8_TRT/llama3.1-8b/Offline"]
    assert rows["accuracy"].tolist() == [pytest.approx(38.4142)]


def test_summary_csvs_of_the_rounds_before_units_had_a_column(tmp_path):
    """v0.7 and v1.0 wrote no Units column: the round's rules give the units, v1.0's `power`
    column becomes the power result, and v0.7's round is told by its columns and file name."""
    v10, _ = load_results([str(corpus("expected") / "inference-v1.0.summary.csv")])
    assert set(v10["round"]) == {"v1.0"}
    assert set(v10[v10["scenario"] == "SingleStream"]["units"]) == {"Latency (ms)"}
    powered = v10[v10["power_value"].notna()]
    assert len(powered) == 4 and set(powered["power_units"]) <= {"Watts", "Joules"}
    v07, _ = load_results([str(corpus("expected") / "inference-v0.7.summary.csv")])
    assert set(v07["round"]) == {"v0.7"} and len(v07) == 12
    # the unquoted "Research, Development, or Internal" of the v0.7 tool, read back whole
    assert "Research, Development, or Internal" in set(v07["availability"])
    # v0.5 and v0.7 wrote the same columns: a file name without the round cannot say which
    shutil.copy(corpus("expected") / "inference-v0.7.summary.csv", tmp_path / "summary.csv")
    result = CliRunner().invoke(main, ["report", str(tmp_path / "summary.csv"),
                                       "--out", str(tmp_path / "site")])
    assert result.exit_code == 2 and "v0.5, v0.7" in result.output
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"", "it is empty"),
    (b"a,b\n1,2,3,4\n", "its rows do not fit its header"),
    (b"\xff\xfe,\n", "can't decode"),
    (b"Organization,Location,Result,Scenario,MlperfModel,version\n"
     b"X,closed/X/results/s/resnet/Offline,1,Weird,resnet,v1.0\n", "scenario 'Weird'"),
    (b"Organization,Location,Result,Scenario,MlperfModel,version\n"
     b"X,closed/X/results/s/resnet/Offline,1,Offline,resnet,v9.9\n", "round v9.9 is not one"),
])
def test_a_summary_csv_that_cannot_be_read_is_a_usage_error(tmp_path, content, message):
    (tmp_path / "summary.csv").write_bytes(content)
    result = CliRunner().invoke(main, ["report", str(tmp_path / "summary.csv"),
                                       "--out", str(tmp_path / "site")])
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output and not (tmp_path / "site").exists()


AUTOMOTIVE_RESULTS = "https://github.com/mlcommons/mlperf_automotive_results_v0.5/tree/main/"


def test_link_base_points_a_rounds_results_at_its_published_repository(tmp_path):
    out = CliRunner().invoke(main, ["report", str(corpus("automotive-v0.5")), "--out",
                                    str(tmp_path / "site"),
                                    "--link-base", f"automotive v0.5={AUTOMOTIVE_RESULTS}"])
    assert out.exit_code == 0, out.output
    links = [r["link"] for s in site_data(tmp_path / "site")["systems"] for r in s["results"]]
    assert len(links) == 9 and all(x.startswith(AUTOMOTIVE_RESULTS + "closed/") or
                                   x.startswith(AUTOMOTIVE_RESULTS + "open/") for x in links)


@pytest.mark.parametrize("given,line", [
    # The suite left out: an inference round of that name is not among the inputs.
    (f"v0.5={AUTOMOTIVE_RESULTS}", "Error: Invalid value for --link-base: no input holds round "
                                   "'v0.5' (the inputs' rounds: automotive v0.5); did you mean "
                                   "automotive v0.5?"),
    ("automotive v0.5", "Error: Invalid value for --link-base: 'automotive v0.5' is not "
                        "ROUND=URL (e.g. v4.1=https://...)"),
])
def test_a_link_base_no_result_would_use_is_a_usage_error(tmp_path, given, line):
    out = CliRunner().invoke(main, ["report", str(corpus("automotive-v0.5")), "--out",
                                    str(tmp_path / "site"), "--link-base", given])
    assert out.exit_code == 2 and out.output.strip().splitlines()[-1] == line
    assert not (tmp_path / "site").exists()


def test_a_description_with_numbers_no_table_column_holds_is_still_tabulated(tmp_path):
    # Found by fuzzing: a count past int64 made pyarrow raise, and a number as hw_notes made the
    # notes' joining raise; both ended `report` and `check --parquet` as internal faults (exit 2).
    tree = tmp_path / "tree"
    shutil.copytree(corpus("automotive-v0.5") / "closed", tree / "closed")
    description = tree / "closed" / "NVIDIA" / "systems" / "Thor-X_TRT.json"
    description.chmod(0o644)
    data = json.loads(description.read_text("utf-8"))
    data.update(number_of_nodes=2**70, host_processor_core_count=1e308, hw_notes=1.5)
    description.write_text(json.dumps(data), "utf-8")
    table = tmp_path / "table.parquet"
    checked = CliRunner().invoke(main, ["check", str(tree), "-q", "--parquet", str(table)])
    # Valid as the official checker judges it (it checks no range), and tabulated: the columns
    # no int64 holds are empty, the notes joined as text.
    assert checked.exit_code == 0, checked.output
    rows = pd.read_parquet(table)
    assert len(rows) == 2
    assert rows["number_of_nodes"].isna().all() and rows["host_processor_core_count"].isna().all()
    assert set(rows["notes"]) == {f"1.5. {data['sw_notes']}" if data.get("sw_notes") else "1.5"}
    site = CliRunner().invoke(main, ["report", str(table), "--out", str(tmp_path / "site"),
                                     "--profile", "smoke"])
    assert site.exit_code in (0, 1) and "internal fault" not in site.output, site.output
