"""Rounds v0.7 to v2.0: LoadGen 0.7's text logs, the official checkers' own bugs (and the verdicts
the round's rules give instead), and what those rounds need that later ones do not: TEST04-A/B,
power logged in local time, MultiStream as streams."""

from __future__ import annotations

import json
import shutil

import pytest

from infercheck.checker import check_tree
from infercheck.checker.core.loadgen_log import parse_summary_log, read_detail_log
from infercheck.checker.core.profiles import TOLERATED
from infercheck.checker.inference.checks.loadgen.validity import ResultInvalid
from infercheck.checker.inference.summary import accuracy_text, read_summary_csv, summary_rows
from infercheck.checker.suites import load_rules

from .conftest import corpus
from .test_broken_trees import _run, error_codes
from .test_corpus import OFFICIAL_BUG_REJECTS

OLD_ROUNDS = ("v0.7", "v1.0", "v1.1", "v2.0")

TEXT_LOG = """\
"pid": 7, "tid": 7, "ts": 10ns : LoadgenVersionInfo:
"pid": 7, "tid": 7, "ts": 10ns : version : .5a1 @ 1462709187
"pid": 7, "tid": 7, "ts": 10ns : git_log :

146270918773698a3437f1ca373cba1b8e923a5e create r0.7 branch
"pid": 7, "tid": 7, "ts": 20ns : System Under Test (SUT) name: DEMO
"pid": 7, "tid": 7, "ts": 20ns : QSL total size: 50000
"pid": 7, "tid": 7, "ts": 30ns : Effective Settings:
"pid": 7, "tid": 7, "ts": 30ns : Scenario : Single Stream
"pid": 7, "tid": 7, "ts": 30ns : min_duration (ms): 60000
"pid": 7, "tid": 7, "ts": 30ns : min_query_count : 1024
"pid": 7, "tid": 7, "ts": 30ns : qsl_rng_seed : 12786827339337101903
"pid": 7, "tid": 7, "ts": 30ns : performance_sample_count : 1024
"pid": 7, "tid": 7, "ts": 30ns :
"pid": 7, "tid": 7, "ts": 40ns : Requested Settings:
"pid": 7, "tid": 7, "ts": 40ns : min_duration_ms : 120000
"pid": 7, "tid": 7, "ts": 40ns :
"pid": 7, "tid": 7, "ts": 50ns : ERROR : CAS failed on a log buffer
"pid": 7, "tid": 7, "ts": 60ns : POWER_BEGIN: "mode" : Performance, "time" : 09-21-2020 12:06:34.341
"""

TEXT_SUMMARY = """\
================================================
MLPerf Results Summary
================================================
SUT name : DEMO
Scenario : Single Stream
Mode     : Performance
90th percentile latency (ns) : 37458146
Result is : VALID
  Min duration satisfied : Yes

================================================
Additional Stats
================================================
QPS w/o loadgen overhead        : 26.71
99.00 percentile latency (ns)   : 37645565

================================================
Test Parameters Used
================================================
min_duration (ms): 1
"""


def test_a_text_log_is_read_with_the_results_of_its_summary(tmp_path):
    (tmp_path / "mlperf_log_detail.txt").write_text(TEXT_LOG, "utf-8")
    (tmp_path / "mlperf_log_summary.txt").write_text(TEXT_SUMMARY, "utf-8")
    log = read_detail_log(str(tmp_path / "mlperf_log_detail.txt"))
    assert log.legacy
    # Settings under the JSON format's keys, the scenario spelled as LoadGen 1.0 spells it.
    assert log.get("effective_scenario") == "SingleStream"
    assert log.get("effective_min_duration_ms") == 60000
    assert log.get("requested_min_duration_ms") == 120000
    assert log.get("effective_qsl_rng_seed") == 12786827339337101903
    assert log.get("effective_performance_sample_count") == 1024
    assert log.get("sut_name") == "DEMO" and log.get("qsl_reported_total_count") == 50000
    assert log.get("power_begin") == "09-21-2020 12:06:34.341"
    # The results come from the summary, whose repeated settings do not override the log's.
    assert log.get("result_90.00_percentile_latency_ns") == 37458146
    assert log.get("result_99.00_percentile_latency_ns") == 37645565
    assert log.get("result_qps_without_loadgen_overhead") == 26.71
    assert log.get("result_validity") == "VALID" and log.get("result_min_duration_met") is True
    assert [(m.value, m.line) for m in log.errors] == [("CAS failed on a log buffer", 18)]
    # v0.7 does not count "CAS failed" (its ignore_errors); v1.0 counts every error.
    assert load_rules("inference", "v0.7").ignored_error(log.errors[0].value)
    assert not load_rules("inference", "v1.0").ignored_error(log.errors[0].value)


def test_a_text_log_without_its_summary_has_no_results(tmp_path):
    (tmp_path / "mlperf_log_detail.txt").write_text(TEXT_LOG, "utf-8")
    log = read_detail_log(str(tmp_path / "mlperf_log_detail.txt"))
    assert log.get("effective_scenario") == "SingleStream" and "result_validity" not in log
    assert parse_summary_log("no summary here") == {}


def test_v07_official_checker_rejects_every_single_stream_result_through_its_own_bug():
    """The v0.7.1 checker (tag v0.7.1, tools/submission/submission-checker.py) reads the scenario
    from the summary's "Scenario : Single Stream" with a pattern that keeps its first word
    (line 402), "Single" or "Multi", which RESULT_FIELD knows (lines 185-190); but min-queries is
    keyed "SingleStream" and "MultiStream" (line 154), so line 443 gets None and line 444
    compares an int with None: TypeError. The bare `except` at lines 638-641 turns the crash
    into "has issues", so no SingleStream (nor MultiStream) result is valid, and each closed edge
    benchmark "does not have all required scenarios" (lines 657-661; its Offline row is still
    written, line 651). Commit be48f556 (#720) fixed it after the tag.

    By the round's rules these runs qualify: VALID, the v0.7 seeds, 60 s, at least 1024 queries
    (min-queries, line 154): infercheck accepts them."""
    official = {row["Location"] for row in read_summary_csv(corpus("expected") /
                                                              "inference-v0.7.summary.csv")}
    assert official == {
        "open/Mobilint/results/mobilint_edgefive/ssd-small/Offline",
        "open/Mobilint/results/mobilint_edgefive/resnet/Offline",
        "open/InAccel/results/1xU250/resnet/Offline",
        "open/InAccel/results/2xU250/resnet/Offline",
        "closed/Mobilint/results/mobilint_edge/ssd-small/Offline",
        "closed/Mobilint/results/mobilint_edge/resnet/Offline",
        "closed/Cisco/results/T4x6_TRT/resnet50/Server",
        "closed/Cisco/results/T4x6_TRT/resnet50/Offline",
        "closed/Cisco/results/T4x6_TRT/3d-unet-99.9/Offline",
        "closed/Cisco/results/T4x6_TRT/3d-unet-99/Offline",
        "closed/CentaurTechnology/results/0/ssd-small/Offline",
        "closed/CentaurTechnology/results/0/resnet/Offline",
    }
    ours = {
        *official,
        "closed/Mobilint/results/mobilint_edge/ssd-small/SingleStream",
        "closed/Mobilint/results/mobilint_edge/resnet/SingleStream",
        "closed/CentaurTechnology/results/0/ssd-small/SingleStream",
        "closed/CentaurTechnology/results/0/resnet/SingleStream",
    }
    assert OFFICIAL_BUG_REJECTS["v0.7"] == ours - official
    report = check_tree(str(corpus("inference-v0.7")))
    assert report.round == "v0.7"
    assert {e.result for e in report.results if e.valid} == ours
    single = {e.result: e for e in report.results if e.scenario == "SingleStream"}
    assert single["closed/Mobilint/results/mobilint_edge/resnet/SingleStream"].metrics["value"] == \
        pytest.approx(37.458146)
    # The open InAccel SingleStream and MultiStream folders of a datacenter system are not results
    # in v0.7 (line 587 holds open results to the system type too), a warning as officially.
    skipped = {f.path for f in report.findings if f.code == "STR010"}
    assert skipped == {"open/InAccel/results/1xU250/resnet/MultiStream",
                       "open/InAccel/results/1xU250/resnet/SingleStream"}
    # Beside them only the round it was recognised from, which is information.
    assert all(f.severity == "warning" for f in report.findings if f.code != "RUL002")
    [said] = [f for f in report.findings if f.code == "RUL002"]
    assert said.severity == "info" and "LoadGen seeds" in said.message


def test_v11_edge_systems_are_judged_by_the_rounds_own_tables():
    """Every tag's checker from v2.0 to v4.0 lists v1.1 but crashes on its edge systems: its v1.1
    table lacks "optional-scenarios-edge" (tag v2.0, submission-checker.py:301-418), which
    set_type reads (line 691): KeyError after 6 CSV rows. The round's branch r1.1 has the key
    (#990); its verdicts are the expected ones, and ours: both edge systems accepted."""
    report = check_tree(str(corpus("inference-v1.1")))
    official = {row["Location"] for row in read_summary_csv(corpus("expected") /
                                                              "inference-v1.1.summary.csv")}
    assert {e.result for e in report.results if e.valid} == official
    edge = {e.result for e in report.results if e.system_type == "edge"}
    assert len(edge) == 4 and edge <= official
    assert load_rules("inference", "v1.1").optional_scenarios("resnet", "edge") == []


def test_the_chain_of_the_old_rounds():
    chain = {name: load_rules("inference", name).data["extends"] for name in (*OLD_ROUNDS, "v2.1")}
    assert chain == {"v0.7": "v0.5", "v1.0": "v0.7", "v1.1": "v1.0", "v2.0": "v1.1", "v2.1": "v2.0"}
    v07, v10, v11, v20 = (load_rules("inference", name) for name in OLD_ROUNDS)
    assert v07.loadgen["min_duration_ms"] == 60000 and v10.loadgen["min_duration_ms"] == 600000
    assert v07.required_scenarios("resnet", "datacenter") == ["Server", "Offline"]
    assert v10.required_scenarios("resnet", "datacenter") == ["Offline"]
    assert v10.optional_scenarios("resnet", "datacenter") == ["Server"]
    assert v10.optional_scenarios("resnet", "edge") == ["MultiStream"]
    assert v11.optional_scenarios("resnet", "edge") == []
    assert v20.required_scenarios("resnet", "edge") == ["SingleStream", "MultiStream", "Offline"]
    assert v07.benchmark("rnnt")["min_query_count"]["Server"] == 90112
    assert v10.benchmark("rnnt")["min_query_count"]["Server"] == 270336
    # Early stopping stands in for the query counts of SingleStream, MultiStream, Server from v2.0.
    assert v20.benchmark("resnet")["min_query_count"] == {"Offline": 1}
    assert v07.targets("3d-unet-99")[0].value == pytest.approx(0.84447)
    assert v20.targets("3d-unet-99")[0].value == pytest.approx(0.8546769)
    assert "ssd-small" in v20.benchmarks and "ssd-small" not in load_rules("inference", "v2.1").benchmarks


def test_dataset_coverage_is_not_checked_before_v21(broken_tree):
    """ACC007 applies where a benchmark has a dataset_size; no official tool before v5.0 compared
    the accuracy run with the dataset, and the packs of v0.7 to v2.0 give none."""
    for name in OLD_ROUNDS:
        rules = load_rules("inference", name)
        assert not any(b.get("dataset_size") for b in rules.benchmarks.values()), name
    assert load_rules("inference", "v2.1").benchmark("resnet")["dataset_size"] == 50000

    def accuracy_on_500_images(t):
        t.set_log_key(t.result("offline") / "accuracy" / "mlperf_log_detail.txt",
                      "qsl_reported_total_count", 500)

    report = _run(broken_tree("edge-v1.0", accuracy_on_500_images))
    assert report.valid and "ACC007" not in {f.code for f in report.all_findings()}


def test_a_v07_server_result_holds_five_runs(broken_tree):
    def run_3_removed(t):
        shutil.rmtree(t.result("Server") / "performance" / "run_3")

    assert load_rules("inference", "v0.7").performance_runs("Server") == 5
    assert load_rules("inference", "v1.0").performance_runs("Server") == 1
    report = _run(broken_tree("server-v0.7", run_3_removed))
    assert error_codes(report) == {"STR001"}
    (missing,) = [f for f in report.all_findings() if f.code == "STR001"]
    assert missing.path.endswith("Server/performance/run_3/mlperf_log_detail.txt")


def test_each_v07_server_run_is_checked_and_the_last_one_reported(broken_tree):
    def run_5_short_and_slower(t):
        run = t.result("Server") / "performance" / "run_5"
        duration = "min_duration (ms): "
        # Both files edited alike, as a run that was so would have written them.
        for name, old, new in (("mlperf_log_detail.txt", f"{duration}60000", f"{duration}6000"),
                               ("mlperf_log_summary.txt", f"{duration}60000", f"{duration}6000"),
                               ("mlperf_log_summary.txt", "second : 34603.18", "second : 30000.5")):
            text = (run / name).read_text("utf-8")
            assert old in text
            (run / name).write_text(text.replace(old, new), "utf-8")

    report = _run(broken_tree("server-v0.7", run_5_short_and_slower))
    assert error_codes(report) == {"LG004"}
    server = next(e for e in report.results if e.scenario == "Server")
    assert server.metrics["value"] == 30000.5  # the last run's, as the official CSV gives it


def _test04(t, part: str, scenario: str = "SingleStream"):
    return t.sub / "compliance" / t.system / t.bench / scenario / part


def test_test04_a_and_b_runs_end_early_by_design(broken_tree):
    tree = broken_tree("edge-v1.0")
    log = read_detail_log(str(_test04(tree, "TEST04-A") / "performance/run_1/mlperf_log_detail.txt"))
    assert log.errors and log.get("result_validity") == "INVALID"
    assert not (_test04(tree, "TEST04-B") / "verify_performance.txt").exists()
    assert _run(tree).valid


def test_test04_runs_still_use_the_rounds_seeds(broken_tree):
    def seed_changed(t):
        t.set_log_key(_test04(t, "TEST04-A") / "performance/run_1/mlperf_log_detail.txt",
                      "effective_qsl_rng_seed", 1234)

    assert error_codes(_run(broken_tree("edge-v1.0", seed_changed))) == {"LG003"}


def test_test04_b_is_required(broken_tree):
    def removed(t):
        shutil.rmtree(_test04(t, "TEST04-B"))

    assert error_codes(_run(broken_tree("edge-v1.0", removed))) == {"CMP001"}


def test_compliance_tests_of_a_scenario():
    v10, v20 = load_rules("inference", "v1.0"), load_rules("inference", "v2.0")
    # No TEST04 for MultiStream in v1.0 and v1.1 (v1.0.1 submission-checker.py:1215).
    assert v10.compliance_tests("resnet", "MultiStream") == ["TEST01", "TEST05"]
    assert v10.compliance_tests("resnet", "Offline") == ["TEST01", "TEST04-A", "TEST04-B", "TEST05"]
    assert v20.compliance_tests("resnet", "MultiStream") == ["TEST01", "TEST04-A", "TEST04-B", "TEST05"]
    assert v20.compliance_tests("3d-unet-99", "Offline") == ["TEST01", "TEST05"]
    assert load_rules("inference", "v0.7").compliance_tests("resnet", "Offline") == []
    assert not v10.verified_by_itself("TEST04-B") and v10.partial_run("TEST04-A")
    assert load_rules("inference", "v2.1").verified_by_itself("TEST04")


def test_multistream_before_v20_is_a_number_of_streams():
    v10, v11, v20 = (load_rules("inference", name) for name in ("v1.0", "v1.1", "v2.0"))
    assert v10.result_key("resnet", "MultiStream") == "effective_samples_per_query"
    assert "MultiStream" not in v10.loadgen["latency_scenarios"]
    assert v10.percentile_latency_key("MultiStream") == "result_99.00_percentile_per_query_latency_ns"
    assert v11.unit("MultiStream") == "Streams"
    # Its power metric is energy per sample all the same (v1.0.1 submission-checker.py:745-749).
    assert v10.energy_scenario("MultiStream") and v10.power_unit("MultiStream") == "Joules"
    assert v20.result_key("resnet", "MultiStream") == "early_stopping_latency_ms"
    assert v20.percentile_latency_key("MultiStream") == "result_99.00_percentile_latency_ns"
    assert v20.unit("MultiStream") == "Latency (ms)"


def test_power_times_are_local_before_v20(broken_tree):
    """v1.0 and v1.1 shift LoadGen's times by client.json's timezone and spl.txt's by
    server.json's (r1.1 submission-checker.py check_power_dir); from v2.0 both are UTC."""

    def server_a_day_ahead(t):
        path = t.result("singlestream") / "performance" / "power" / "server.json"
        data = json.loads(path.read_text("utf-8"))
        data["timezone"] += 86400
        path.write_text(json.dumps(data), "utf-8")

    report = _run(broken_tree("power-v1.1", server_a_day_ahead))
    assert error_codes(report) == {"PWR001"}
    assert load_rules("inference", "v2.0").power.get("utc_timestamps", True)


@pytest.mark.parametrize("name", OLD_ROUNDS)
def test_old_rounds_resolve_with_their_csv(name):
    rules = load_rules("inference", name)
    columns = rules.csv_columns
    assert columns[:2] == ["Organization", "Availability"] and "Location" in columns
    assert ("power" in columns) == (name == "v1.0")
    assert ("has_power" in columns) == (name in ("v1.1", "v2.0"))


def test_a_text_log_line_logged_before_loadgen_starts_has_a_negative_time(tmp_path):
    """LoadGen 0.7 logs its issue threads registering before its clock starts (published v0.7
    bert Server logs begin so)."""
    early = '"pid": 7, "tid": 8, "ts": -773411268ns : Registered IssueQueryThread[0]. thread ID : 1\n'
    (tmp_path / "mlperf_log_detail.txt").write_text(early + TEXT_LOG, "utf-8")
    (tmp_path / "mlperf_log_summary.txt").write_text(TEXT_SUMMARY, "utf-8")
    log = read_detail_log(str(tmp_path / "mlperf_log_detail.txt"))
    assert log.legacy and log.get("effective_scenario") == "SingleStream"


def _published(tree):
    return check_tree(str(tree.root), round=tree.round, profile="published")


def _summary(report) -> dict[str, dict]:
    return {row["Location"]: row for row in summary_rows(report)[1]}


def test_what_each_old_round_lets_through_under_published():
    tolerated = {name: load_rules("inference", name).data.get("published_tolerates")
                 for name in (*OLD_ROUNDS, "v2.1")}
    runs = ["LG003", "LG004", "LG005", "LG008", "LG009"]  # logged, not rejected
    assert tolerated["v0.7"] == ["*@measurements", "*@code", "STR011", *runs]
    assert tolerated["v1.0"] == tolerated["v1.1"] == [
        "*@measurements", "*@code", "*@compliance", "STR011", *runs]
    assert set(tolerated["v2.0"]) == set(tolerated["v1.0"]) | {"LG007"}
    assert not tolerated["v2.1"]  # v2.1 states its own
    v20 = load_rules("inference", "v2.0")
    in_compliance = ResultInvalid.at("closed/A/compliance/s/resnet50/Offline/TEST01/x.txt",
                                     expected="VALID", found="INVALID")
    in_results = ResultInvalid.at("closed/A/results/s/resnet50/Offline/performance/run_1/x.txt",
                                  expected="VALID", found="INVALID")
    assert v20.tolerated_by_published(in_compliance)
    assert not v20.tolerated_by_published(in_results)
    assert not load_rules("inference", "v2.1").tolerated_by_published(in_compliance)
    assert not load_rules("inference", "v0.7").tolerated_by_published(in_compliance)


def test_published_v20_lets_a_failed_audit_through_but_not_an_invalid_run(broken_tree):
    """The v2.0 checker only notes the compliance folder in the CSV (the rejection is commented
    out, submission-checker.py:1470-1483) and never reads its LoadGen logs; a result's own run
    it holds to VALID (check_performance_dir)."""

    def test01_failed(t):
        test01 = t.compliance("offline", "TEST01")
        (test01 / "verify_performance.txt").write_text("TEST FAIL\n", "utf-8")
        t.set_log_key(test01 / "performance/run_1/mlperf_log_detail.txt", "result_validity", "INVALID")

    tree = broken_tree("edge-v2.0", test01_failed)
    assert error_codes(_run(tree)) == {"CMP002", "LG002"}
    report = _published(tree)
    assert report.valid
    relaxed = [f for f in report.all_findings() if f.code in ("CMP002", "LG002")]
    assert relaxed and all(f.severity == "warning" and f.detail == TOLERATED for f in relaxed)
    # Evidence that is there, however it says: the CSV's compliance column stays 1.
    assert {row["compilance"] for row in _summary(report).values()} == {"1"}


def test_published_v20_still_rejects_an_invalid_run(broken_tree):
    def run_invalid(t):
        t.set_log_key(t.perf_log("offline"), "result_validity", "INVALID")

    assert error_codes(_published(broken_tree("edge-v2.0", run_invalid))) == {"LG002"}


def test_published_lists_a_result_with_an_audit_missing_and_says_so(broken_tree):
    """Its row has compliance 0, as the official CSV (v1.0.1 submission-checker.py:1045-1057)."""

    def test05_removed(t):
        shutil.rmtree(t.compliance("Offline", "TEST05"))

    tree = broken_tree("edge-v1.0", test05_removed)
    assert error_codes(_run(tree)) == {"CMP001"}
    rows = _summary(_published(tree))
    offline = f"{tree.rel(tree.result('Offline'))}"
    assert rows[offline]["compilance"] == "0"
    assert rows[tree.rel(tree.result("SingleStream"))]["compilance"] == "1"


def test_a_missing_compliance_folder_is_one_finding(broken_tree):
    def test01_accuracy_removed(t):
        shutil.rmtree(t.compliance("Offline", "TEST01") / "accuracy")

    report = _run(broken_tree("edge-v1.0", test01_accuracy_removed))
    (missing,) = [f for f in report.all_findings() if f.code == "STR001"]
    assert missing.path.endswith("Offline/TEST01/accuracy") and missing.expected == "accuracy/"


def test_published_lists_a_benchmark_missing_a_scenario(broken_tree):
    """The old checkers find a missing required scenario after they have written the others'
    rows (v0.7.1 submission-checker.py:651, 657-661; v2.0 1487, 1493-1497)."""

    def single_stream_removed(t):
        for part in ("results", "measurements", "compliance"):
            shutil.rmtree(t.sub / part / t.system / t.bench / "SingleStream")

    tree = broken_tree("edge-v1.0", single_stream_removed)
    assert error_codes(_run(tree)) == {"STR011"}
    report = _published(tree)
    assert report.valid and list(_summary(report)) == [tree.rel(tree.result("Offline"))]


def test_published_v07_lets_measurements_through_but_not_accuracy(broken_tree):
    def user_conf_removed(t):
        (t.sub / "measurements" / t.system / t.bench / "Offline" / "user.conf").unlink()

    tree = broken_tree("server-v0.7", user_conf_removed)
    assert error_codes(_run(tree)) == {"STR001"}
    assert _published(tree).valid
    (tree.result("Offline") / "accuracy" / "accuracy.txt").unlink()
    errors = [f for f in _published(tree).all_findings() if f.is_error]
    assert [f.path.rsplit("/", 2)[-2:] for f in errors] == [["accuracy", "accuracy.txt"]]


def test_each_round_guesses_the_benchmark_of_an_open_model_its_own_way():
    v07, v10, v20, v21 = (load_rules("inference", n) for n in ("v0.7", "v1.0", "v2.0", "v2.1"))
    # v0.7.1 submission-checker.py:259-268: by the start of the name.
    assert v07.mlperf_model("efficientnet-lite0-quantized") == "resnet"
    assert v07.mlperf_model("mobilenet-v2-1.0-224-quantized") == "resnet"
    assert v07.mlperf_model("ssd-mobilenet-v1-edgetpu") == "ssd-small"
    assert v07.mlperf_model("non-quantized-efficientnet-lite0") is None
    # From v1.0 by what it contains, detectors first (tag v2.0 submission-checker.py:708-717).
    assert v10.data.get("model_guesses") is None
    assert v10.mlperf_model("non-quantized-efficientnet-lite0") == "resnet"
    for name in ("ssd-mobilenet-v1-fpn-sbp-coco", "ssd-resnet50-v1-fpn-sbp-coco", "yolo-v3-coco",
                 "ssdlite-mobilenet-v2-coco", "ssd-inception-v2-coco"):
        assert v20.mlperf_model(name) == "ssd-small", name
    assert v20.mlperf_model("mobilenet-v2") == "resnet"
    # v2.1 has no ssd-small: the names fall through to the next guess, as before.
    assert v21.mlperf_model("ssd-mobilenet-v1-fpn-sbp-coco") == "resnet"


def test_an_open_result_without_its_metric_has_none_as_accuracy():
    # The official tools format the value they did not find as Python's None.
    assert accuracy_text({}, "first") == "None"
    assert accuracy_text({"accuracy": "76.442"}, "first") == "76.442"
