"""`infercheck audit` on copies of the v2.1 slice (Qualcomm and Lenovo, 78 results) with one case
planted in each, and on the clean corpus rounds: the exact code on the exact result, and the
documented few flags of a clean round."""

from __future__ import annotations

import json
import os
import shutil

import jsonschema
import pytest
from click.testing import CliRunner

from infercheck.checker.audit.audit import audit
from infercheck.cli import main
from infercheck.reports.inputs import load_results
from infercheck.schemas import load_schema

from .conftest import corpus, make_samples

Q = "closed/Qualcomm/results"
L = "closed/Lenovo/results"
Q2, Q5, Q8 = (f"{Q}/r282_z93_q{n}-qaic-v1.7.1.12-aic100" for n in (2, 5, 8))
LENOVO_A100 = f"{L}/A100-PCIe-80GBx8_TRT"
# The clean copy flags nothing. (Lenovo's SE350 ran Qualcomm's software on Qualcomm's
# accelerator and its truncated accuracy log is the same as six of Qualcomm's: one maker's
# hardware, so not AUD002; README, "Auditing a round".)
CLEAN: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    root = tmp_path_factory.mktemp("audit") / "v2.1"
    for submitter in ("Qualcomm", "Lenovo"):
        shutil.copytree(corpus("inference-v2.1") / "closed" / submitter, root / "closed" / submitter)
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@pytest.fixture
def tree(pristine, tmp_path):
    root = tmp_path / "v2.1"
    shutil.copytree(pristine, root)
    return root


def _flags(*paths, previous=None):
    table, _ = load_results([str(p) for p in paths], jobs=1)
    before = load_results([str(previous)], jobs=1)[0] if previous else None
    return table, audit(table, before)


def _keys(report) -> set[tuple[str, str]]:
    return {(f.finding.code, f.finding.path) for f in report.flags}


def test_the_clean_copy_flags_only_what_is_documented(pristine):
    table, report = _flags(pristine)
    assert len(table) == 78 and _keys(report) == CLEAN


@pytest.mark.parametrize("round_name,flags", [
    ("v0.7", 0), ("v1.0", 0), ("v1.1", 0), ("v2.0", 0), ("v2.1", 0), ("v3.0", 0), ("v4.1", 0),
    ("v5.1", 0),
])
def test_clean_corpus_rounds_give_a_documented_few_warnings(round_name, flags):
    # The slices are small; the whole v2.1 round gives 44 (README, "Auditing a round").
    _, report = _flags(corpus(f"inference-{round_name}"))
    assert len(report.flags) == flags
    assert all(f.finding.severity == "warning" for f in report.flags)


def test_performance_logs_copied_to_another_system_are_one_run_twice(tree):
    source, target = tree / Q5 / "resnet50/offline", tree / Q8 / "resnet50/offline"
    shutil.rmtree(target / "performance" / "run_1")
    shutil.copytree(source / "performance" / "run_1", target / "performance" / "run_1")
    table, report = _flags(tree)
    assert len(table) == 78  # every rule still holds: seeds and settings are the round's
    copied = {(f.finding.code, f.finding.path) for f in report.flags if f.finding.code == "AUD001"}
    assert copied == {("AUD001", f"{Q5}/resnet50/offline"), ("AUD001", f"{Q8}/resnet50/offline")}
    [flag] = [f for f in report.flags if f.finding.path == f"{Q8}/resnet50/offline"
              and f.finding.code == "AUD001"]
    assert flag.results == [f"{Q8}/resnet50/offline", f"{Q5}/resnet50/offline"]


def test_an_accuracy_log_copied_from_another_submitter_is_named(tree):
    source, target = tree / LENOVO_A100 / "resnet50/Offline/accuracy", tree / Q8 / "resnet50/offline/accuracy"
    for name in ("accuracy.txt", "mlperf_log_accuracy.json"):
        shutil.copy2(source / name, target / name)
    table, report = _flags(tree)
    assert len(table) == 78
    # Lenovo holds two copies of that log (its two A100 systems): the Qualcomm result is the odd one.
    assert _keys(report) - CLEAN == {("AUD002", f"{Q8}/resnet50/offline")}


def test_a_result_ten_times_its_peers_is_an_outlier(tree):
    log = tree / Q2 / "bert-99/offline/performance/run_1/mlperf_log_detail.txt"
    make_samples().set_log_key(str(log), "result_samples_per_second", 15052.2)
    summary = (log.parent / "mlperf_log_summary.txt").read_text("utf-8")
    assert "Samples per second: 15052.2" in summary  # the summary says it too: no LG019
    table, report = _flags(tree)
    assert len(table) == 78
    assert _keys(report) - CLEAN == {("AUD003", f"{Q2}/bert-99/offline")}
    [flag] = [f for f in report.flags if f.finding.code == "AUD003"]
    assert flag.evidence["better_than_peers"] and flag.evidence["score"] > 3.5
    assert len(flag.evidence["peers"]) >= 4


def test_a_mis_spelled_accelerator_is_named_on_its_system(tree):
    path = tree / "closed/Qualcomm/systems/r282_z93_q2-qaic-v1.7.1.12-aic100.json"
    data = json.loads(path.read_text("utf-8"))
    data["accelerator_model_name"] = "Qualcomm Cloud AI-100 PCIe/HHHL Pro"
    path.write_text(json.dumps(data), "utf-8")
    _, report = _flags(tree)
    assert _keys(report) - CLEAN == {
        ("AUD007", "closed/Qualcomm/systems/r282_z93_q2-qaic-v1.7.1.12-aic100.json")}
    [flag] = [f for f in report.flags if f.finding.code == "AUD007"]
    assert flag.finding.expected == "QUALCOMM Cloud AI 100 PCIe/HHHL Pro"


def test_a_count_the_name_contradicts_is_named(tree):
    path = tree / "closed/Lenovo/systems/A100-PCIe-80GBx8_TRT.json"
    data = json.loads(path.read_text("utf-8"))
    data["accelerators_per_node"] = "4"  # "Lenovo SR670v2 (8x A100-PCIe-80GB, TensorRT)"
    path.write_text(json.dumps(data), "utf-8")
    _, report = _flags(tree)
    assert _keys(report) - CLEAN == {("AUD008", "closed/Lenovo/systems/A100-PCIe-80GBx8_TRT.json")}


def test_a_fivefold_change_since_the_previous_round_is_named(pristine, tree):
    log = tree / Q5 / "bert-99/offline/performance/run_1/mlperf_log_detail.txt"
    make_samples().set_log_key(str(log), "result_samples_per_second", 3770.9 * 5)
    _, report = _flags(tree, previous=pristine)
    changed = [f for f in report.flags if f.finding.code == "AUD004"]
    assert [f.finding.path for f in changed] == [f"{Q5}/bert-99/offline"]
    assert changed[0].evidence["ratio"] == pytest.approx(5.0)
    assert changed[0].evidence["matched_by"] == "system name"


def _power_table(pristine):
    table, _ = load_results([str(pristine)], jobs=1)
    rows = table[(table["model"] == "resnet") & (table["scenario"] == "Offline")
                 & (table["accelerator_model_name"] == "QUALCOMM Cloud AI 100 PCIe/HHHL Pro")].index
    # Seven results of one accelerator, at 0.010 to 0.013 J per sample (power results for the
    # test; peers are never all alike).
    spread = [0.010 + 0.0005 * i for i in range(len(rows))]
    table.loc[rows, "power_value"] = table.loc[rows, "value"] * spread
    table.loc[rows, "power_units"] = "Watts"
    return table, list(rows)


def test_energy_and_power_far_from_the_accelerators_are_named(pristine, tmp_path):
    table, rows = _power_table(pristine)
    assert len(rows) >= 5 and _keys(audit(table)) == CLEAN
    odd = rows[0]
    table.loc[odd, "power_value"] *= 100  # a milliwatt reading taken for watts, say
    report = audit(table)
    path = table.loc[odd, "result"]
    assert {("AUD005", path), ("AUD006", path)} <= _keys(report)
    assert _keys(report) - CLEAN == {("AUD005", path), ("AUD006", path)}
    # The same from a Parquet table, through the command line, with its JSON and page.
    parquet = tmp_path / "t.parquet"
    table.to_parquet(parquet)
    out = CliRunner().invoke(main, ["audit", str(parquet), "--json", str(tmp_path / "a.json"),
                                    "--out", str(tmp_path / "site")])
    assert out.exit_code == 0, out.output
    assert f"AUD005 energy-outlier: v2.1 {path}" in out.output
    assert "AUDIT: 78 results of v2.1; 2 flags (AUD005 1, AUD006 1)" in out.output
    data = json.loads((tmp_path / "a.json").read_text("utf-8"))
    jsonschema.validate(data, load_schema("audit"))
    assert data["counts"] == {"AUD005": 1, "AUD006": 1}
    page = (tmp_path / "site" / "audit.html").read_text("utf-8")
    assert page.count('<tr data-code="AUD') == 2 and "energy-outlier" in page
    failing = CliRunner().invoke(main, ["audit", str(parquet), "--fail-on-flags"])
    assert failing.exit_code == 1


def test_audit_of_a_tree_reads_only_what_it_compares_and_links_into_it(tree, tmp_path):
    # The command reads the tree for its evidence only (the summary's figures, the accuracy
    # log's fingerprint, power, descriptions) and finds what the full check's table finds.
    log = tree / Q2 / "bert-99/offline/performance/run_1/mlperf_log_detail.txt"
    make_samples().set_log_key(str(log), "result_samples_per_second", 15052.2)
    site = tmp_path / "site"
    out = CliRunner().invoke(main, ["audit", str(tree), "--out", str(site)])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[-2:] == [
        "AUDIT: 78 results of v2.1; 1 flag (AUD003 1)", f"Wrote {site / 'audit.html'}"]
    page = (site / "audit.html").read_text("utf-8")
    base = os.path.relpath(tree, site).replace(os.sep, "/")
    assert f'href="{base}/{Q2}/bert-99/offline"' in page


def test_audit_usage_errors(tmp_path):
    (tmp_path / "x.txt").write_text("x")
    out = CliRunner().invoke(main, ["audit", str(tmp_path / "x.txt")])
    assert out.exit_code == 2 and "not a submission tree" in out.output
    assert audit(load_results([], jobs=1)[0]).flags == []
