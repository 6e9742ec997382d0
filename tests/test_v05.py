"""Round v0.5: its own rules (the v0.5 policies and the r0.5 checker), on a published v0.7 result
re-made the way a v0.5 submission was laid out.

The corpus holds no v0.5 slice, but LoadGen 0.5 and 0.7 write the same text logs; the Cisco
v0.7 datacenter result (Server with five runs, Offline) becomes a v0.5 one with v0.5's seeds,
a system description without system_type, whole accuracy logs without a hash= line, LoadGen's
accuracy log in each performance run and the audit/ folder."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from infercheck.checker import check_tree
from infercheck.checker.core.profiles import TOLERATED
from infercheck.checker.suites import detect_suite, load_rules

from .test_broken_trees import error_codes

V05_SEEDS = {"qsl_rng_seed": 3133965575612453542, "sample_index_rng_seed": 665484352860916858,
             "schedule_rng_seed": 3622009729038561421}
OUT_OF_QUERIES = ("ERROR : Ending early: Ran out of generated queries to issue before the minimum "
                  "query count and test duration were reached.")


def _as_v05(t) -> None:
    """Re-make the v0.7 slice as its v0.5 submission would have been."""
    results = t.sub / "results" / t.system
    (results / t.bench).rename(results / "resnet")
    (t.sub / "measurements" / t.system / t.bench).rename(t.sub / "measurements" / t.system / "resnet")
    (t.sub / "code" / t.bench).rename(t.sub / "code" / "resnet")
    (t.sub / "compliance").rename(t.sub / "audit")  # no v0.5 tool reads it
    t.bench = "resnet"
    t.edit_json(t.system_json, system_type=None)
    for log in (t.sub / "results").rglob("mlperf_log_*.txt"):
        text = log.read_text("utf-8")
        for key, seed in V05_SEEDS.items():
            text = re.sub(rf"({key} ?: )\d+", rf"\g<1>{seed}", text)
        log.write_text(text, "utf-8")
    for scenario in ("Server", "Offline"):
        accuracy = t.result(scenario) / "accuracy"
        report = accuracy / "accuracy.txt"
        report.write_text("".join(line for line in report.read_text("utf-8").splitlines(True)
                                  if not line.startswith("hash=")), "utf-8")
        # A whole accuracy log, far beyond what a truncated one may be.
        entries = [{"seq_id": i, "qsl_idx": i, "data": "00" * 8} for i in range(2000)]
        (accuracy / "mlperf_log_accuracy.json").write_text(json.dumps(entries), "utf-8")
        for run in (t.result(scenario) / "performance").glob("run_*"):
            (run / "mlperf_log_accuracy.json").write_text("[\n]\n", "utf-8")
    # What LoadGen 0.5 logs at the end of every Offline run.
    offline = t.perf_log("Offline")
    stamp = '"pid": 1, "tid": 1, "ts": 99ns : '
    offline.write_text(offline.read_text("utf-8") + stamp + OUT_OF_QUERIES + "\n", "utf-8")


def _run(tree, version=None, profile="strict"):
    """Checked as a user would: the round recognised from the tree unless given."""
    return check_tree(str(tree.root), round=version, profile=profile)


@pytest.fixture
def v05_tree(broken_tree):
    def make(mutate=None):
        def both(t):
            _as_v05(t)
            if mutate is not None:
                mutate(t)
        return broken_tree("server-v0.7", both)
    return make


def test_a_v05_tree_is_recognised_and_valid(v05_tree):
    tree = v05_tree()
    assert detect_suite(str(tree.root)) == "inference"
    report = _run(tree)
    assert report.round == "v0.5" and report.valid, error_codes(report)
    server = next(e for e in report.results if e.scenario == "Server")
    assert server.model == "resnet" and server.system_type is None
    # Whole accuracy logs without a hash line are what v0.5 published.
    codes = {f.code for f in report.all_findings()}
    assert not codes & {"ACC004", "ACC005", "LG001"}, codes


def test_the_same_tree_judged_as_v07_needs_truncated_logs_and_a_system_type(v05_tree):
    report = _run(v05_tree(), version="v0.7")
    assert {"ACC004", "ACC005", "SYS001", "LG003"} <= error_codes(report)


def test_each_v05_performance_run_holds_loadgens_accuracy_log(v05_tree):
    def run_3_without_it(t):
        (t.result("Server") / "performance" / "run_3" / "mlperf_log_accuracy.json").unlink()

    report = _run(v05_tree(run_3_without_it))
    assert error_codes(report) == {"STR001"}
    (missing,) = [f for f in report.all_findings() if f.code == "STR001"]
    assert missing.path.endswith("Server/performance/run_3/mlperf_log_accuracy.json")
    assert load_rules("inference", "v0.7").layout.get("performance_run_files") is None


def test_a_v05_loadgen_error_other_than_running_out_of_queries_counts(v05_tree):
    def modified_loadgen(t):
        log = t.perf_log("Offline")
        log.write_text(log.read_text("utf-8") + '"pid": 1, "tid": 1, "ts": 99ns : '
                       "ERROR : Loadgen built with uncommitted changes!\n", "utf-8")

    tree = v05_tree(modified_loadgen)
    assert error_codes(_run(tree)) == {"LG001"}
    # The r0.5 checker only warned on LoadGen errors: published lets it through, saying so.
    published = _run(tree, profile="published")
    assert published.valid
    (relaxed,) = [f for f in published.all_findings() if f.code == "LG001"]
    assert relaxed.severity == "warning" and relaxed.detail == TOLERATED


def test_a_v05_server_result_needs_all_five_runs(v05_tree):
    def run_5_removed(t):
        shutil.rmtree(t.result("Server") / "performance" / "run_5")

    report = _run(v05_tree(run_5_removed))
    assert "STR001" in error_codes(report)


def test_v05_open_models_named_after_their_variant_are_judged_as_the_benchmark(v05_tree):
    def open_mobilenet_variant(t):
        closed = t.root / "closed"
        shutil.move(str(closed), str(t.root / "open"))
        t.division = "open"
        t.edit_json(t.system_json, division="open")
        for part in ("results", "measurements"):
            folder = t.sub / part / t.system
            (folder / "resnet").rename(folder / "mobilenet-v1-0.25-128-quantized")
        (t.sub / "code" / "resnet").rename(t.sub / "code" / "mobilenet-v1-0.25-128-quantized")

    report = _run(v05_tree(open_mobilenet_variant))
    models = {e.benchmark: e.model for e in report.results}
    assert models == {"mobilenet-v1-0.25-128-quantized": "mobilenet"}
    assert report.valid, error_codes(report)
    # The Server run's 99th percentile is over MobileNet's 10 ms bound: an open result reports
    # the latency it ran at (v0.5 rules), so that is a warning, not a rejection.
    bounds = [f for f in report.all_findings() if f.code == "LG008"]
    assert len(bounds) == 5  # each of the five Server runs
    assert {(f.severity, f.expected) for f in bounds} == {("warning", 10_000_000)}


def test_the_v05_benchmarks_and_their_targets():
    v05 = load_rules("inference", "v0.5")
    assert sorted(v05.benchmarks) == ["gnmt", "mobilenet", "resnet", "ssd-large", "ssd-small"]
    assert v05.targets("mobilenet")[0].value == pytest.approx(70.2464)
    assert v05.targets("gnmt")[0].metric == "BLEU"
    assert v05.pattern("BLEU").match("BLEU: 23.7").group(1) == "23.7"
    # GNMT's latency bounds apply to its 97th percentile, the image models' to the 99th.
    assert v05.percentile_latency_key("Server", "gnmt") == "result_97.00_percentile_latency_ns"
    assert v05.percentile_latency_key("Server", "resnet") == "result_99.00_percentile_latency_ns"
    assert v05.benchmark("ssd-small")["latency_constraint_ns"]["Server"] == 10_000_000
    # No scenario is required of any system: there are no system types.
    assert v05.required_scenarios("resnet", "edge") is None
    v07 = load_rules("inference", "v0.7")
    assert v07.data["extends"] == "v0.5"
    assert "gnmt" not in v07.benchmarks and "mobilenet" not in v07.benchmarks
    assert "Server" not in v07.benchmark("ssd-small")["latency_constraint_ns"]
