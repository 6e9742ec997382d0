"""Every published MLPerf Mobile round of the corpus, checked as a new user checks it: round not
given, `--profile published`. The oracle is what the app (or the Windows command-line app, or a
submitter's LoadGen harness) wrote beside the logs, read here with nothing but json and re: each
of those results is found, valid, with the app's value and accuracy as published."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from infercheck.checker.mobile.rules import load_rules as load_mobile_rules
from infercheck.checker.suites import check_tree
from infercheck.cli import main

from .conftest import corpus

# round -> (results the app's JSON exports hold, the command-line app's, a harness's with no
# export), and the words the round was recognised from
ROUNDS = {
    "v1.1": (10, 0, 8, "runs dated 2021-09-15 to 2021-09-17"),
    "v2.0": (12, 0, 0, "runs dated 2022-02-25 to 2022-03-04"),
    "v2.1": (15, 0, 0, "the app build's branch submission-v2.1"),
    "v3.0": (12, 12, 0, "runs dated 2023-02-24 to 2023-03-03"),
    "v4.1": (13, 6, 0, "the app build's branch submission-v4.1"),
    "v5.0": (20, 0, 0, "the app build's branch submission-v5.0"),
}


def _device(path: Path) -> str:
    # With no device level (v2.1 Samsung) the one system description names the device.
    if path.parent.name != "results":
        return path.parent.name
    return next((path.parent.parent / "systems").glob("*.json")).stem


def _ms(throughput: float) -> float:
    return 1000 / throughput


def _json_exports(root: Path):
    """(device, app id, value, accuracy text) of every result in every app JSON export; the
    value in the unit published: SingleStream ms (the app's p90, or 1/throughput), Offline
    samples/s."""
    for path in sorted(root.rglob("*.json")):
        if path.name.lower() not in ("result.json", "results.json"):
            continue
        data = json.loads(path.read_text("utf-8"))
        device = _device(path)
        if isinstance(data, list) and "mode" in data[0]:  # the first app's flat list
            scores = {e["benchmark_id"]: float(e["score"]) for e in data if "accuracy" not in e["mode"]}
            shown = {e["benchmark_id"]: e["accuracy"] for e in data if "accuracy" in e["mode"]}
            for app_id, score in scores.items():
                offline = app_id.lower().endswith("_offline")
                yield device, app_id, score if offline else _ms(score), shown[app_id]
            continue
        results = data[0]["results"] if isinstance(data, list) else data["results"]
        for r in results:
            perf, acc = r["performance_run"], r["accuracy_run"]["accuracy"]
            throughput = perf["throughput"]
            throughput = throughput["value"] if isinstance(throughput, dict) else throughput
            p90 = (perf.get("loadgen") or {}).get("latency90")
            single = r["loadgen_scenario"] == "SingleStream"
            value = (p90 * 1000 if p90 is not None else _ms(throughput)) if single else throughput
            yield device, r["benchmark_id"], value, acc.get("formatted", acc.get("string"))


def _blocks(path: Path) -> dict[str, list[str]]:
    out, current = {}, None
    for line in path.read_text("utf-8").splitlines():
        head = re.fullmatch(r"\s*#+\s*(\w+?)\s*#+\s*", line)
        if head:
            current = out.setdefault(head.group(1), [])
        elif current is not None:
            current.append(line)
    return out


def _cli_exports(root: Path):
    """The same, from the command-line app's performance_results.txt and accuracy_results.txt."""
    for perf in sorted(root.rglob("performance_results.txt")):
        shown = {task: re.search(r"Accuracy:\s*(.+?)\s*$", "\n".join(lines), re.M).group(1)
                 for task, lines in _blocks(perf.with_name("accuracy_results.txt")).items()}
        for task, lines in _blocks(perf).items():
            text = "\n".join(lines)
            if m := re.search(r"90th percentile latency \(ns\)\s*:\s*(\d+)", text):
                value = int(m.group(1)) / 1e6
            else:
                value = float(re.search(r"Samples per second\s*:\s*([\d.]+)", text).group(1))
            yield _device(perf), task, value, shown[task]


def _harness_results(root: Path):
    """(device, benchmark folder, scenario, value, accuracy text) of results with LoadGen logs
    and an accuracy script's accuracy.txt but no export (v1.1 Intel)."""
    for acc in sorted(root.rglob("accuracy/accuracy.txt")):
        scenario_dir = acc.parent.parent
        if scenario_dir.parent.parent.parent.name != "results":
            continue
        summary = (scenario_dir / "performance" / "run_1" / "mlperf_log_summary.txt").read_text()
        if m := re.search(r"90th percentile latency \(ns\)\s*:\s*(\d+)", summary):
            value = int(m.group(1)) / 1e6
        else:
            value = float(re.search(r"Samples per second\s*:\s*([\d.]+)", summary).group(1))
        number = re.findall(r'(?:accuracy=|mAP=|mIoU is |"f1": )([\d.]+)', acc.read_text())[-1]
        yield (scenario_dir.parent.parent.name, scenario_dir.parent.name, scenario_dir.name,
               value, float(number))


@pytest.fixture(scope="module")
def checked():
    return {r: check_tree(str(corpus(f"mobile-{r}")), suite="mobile", profile="published")
            for r in ROUNDS}


@pytest.mark.parametrize("round_name", ROUNDS)
def test_round_is_recognised_and_says_from_what(checked, round_name):
    report = checked[round_name]
    assert report.round == round_name
    [said] = [f for f in report.findings if f.code == "RUL002"]
    assert said.severity == "info" and ROUNDS[round_name][3] in said.message


@pytest.mark.parametrize("round_name", ROUNDS)
def test_every_published_result_is_found_valid_with_the_apps_value(checked, round_name):
    report = checked[round_name]
    rules = load_mobile_rules(round_name)
    exported, cli, harness, _ = ROUNDS[round_name]
    root = corpus(f"mobile-{round_name}")
    by_key = {(e.system, e.benchmark, e.scenario): e for e in report.results}
    app_rows, cli_rows = list(_json_exports(root)), list(_cli_exports(root))
    assert (len(app_rows), len(cli_rows)) == (exported, cli)
    for device, app_id, value, shown in [*app_rows, *cli_rows]:
        bench, scenario = rules.by_app_id(app_id)
        entry = by_key[(device, bench, scenario)]
        assert entry.valid, (entry.result, [f.to_dict() for f in entry.errors()])
        assert entry.metrics["value"] == pytest.approx(value, rel=1e-9), entry.result
        assert entry.metrics["accuracy_display"] == shown, entry.result
    harness_rows = list(_harness_results(root))
    assert len(harness_rows) == harness
    for device, folder, scenario, value, number in harness_rows:
        entry = by_key[(device, rules.by_folder(folder), scenario)]
        assert entry.valid, (entry.result, [f.to_dict() for f in entry.errors()])
        assert entry.metrics["value"] == pytest.approx(value, rel=1e-9), entry.result
        # The scripts print percentages (mAP=28.483%); the app's scale is 0-1.
        assert entry.metrics["accuracy_normalized"] == pytest.approx(number / 100, abs=1e-12)
    # Nothing else: every result of the round is one of those.
    assert len(report.results) == exported + cli + harness


def _redate(root: Path, day: str | None) -> None:
    """Every detail log's test_datetime set to `day`, or removed."""
    for log in root.rglob("mlperf_log_detail.txt"):
        text = log.read_text("utf-8")
        if day is None:
            text = "\n".join(line for line in text.splitlines() if '"test_datetime"' not in line)
        else:
            text = re.sub(r'("key": "test_datetime", "value": ")[^"]+', rf"\g<1>{day}T10:00:00Z", text)
        log.write_text(text, "utf-8")


@pytest.mark.parametrize("day,why", [
    (None, "its benchmarks fit v2.0, v2.1, and no LoadGen log dates its runs"),
    ("2026-11-02", "its benchmarks fit v2.0, v2.1, but its runs dated 2026-11-02 fall after "
                   "v5.0's results (2025-03-21): a round infercheck has no rules for"),
    ("2023-06-01", "its benchmarks fit v2.0, v2.1, but its runs dated 2023-06-01 fall in v3.1's "
                   "time, whose benchmarks differ"),
])
def test_a_tree_no_round_fits_is_a_usage_error_saying_why(tmp_path, day, why):
    tree = tmp_path / "tree"
    shutil.copytree(corpus("mobile-v2.0"), tree)
    _redate(tree, day)
    out = CliRunner().invoke(main, ["check", str(tree), "--suite", "mobile"])
    assert out.exit_code == 2, out.output
    assert f"RUL001 rule-pack-invalid: round not given and {why}; use --version" in out.output
    # Given the round, the same tree is checked.
    out = CliRunner().invoke(main, ["check", str(tree), "--suite", "mobile", "--version", "v2.0",
                                    "--profile", "published", "-q"])
    assert out.exit_code == 0, out.output
