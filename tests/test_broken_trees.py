"""Real corpus slices broken one way each: the specific code, exit 1, no traceback."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from infercheck.checker import check_tree
from infercheck.cli import main


def _run(tree):
    report = check_tree(str(tree.root), round=tree.round)
    return report


def error_codes(report, result: str | None = None) -> set[str]:
    out = {f.code for f in report.findings if f.is_error}
    for e in report.results:
        if result is None or e.result == result:
            out |= {f.code for f in e.findings if f.is_error}
    return out


def test_untouched_slices_are_valid(broken_tree):
    for key in ("edge", "power"):
        report = _run(broken_tree(key))
        assert report.valid, [f.to_dict() for f in report.all_findings() if f.is_error]
        assert len(report.results) in (2, 3)


# --- mutations --------------------------------------------------------------------------------
def delete_perf_log(t):
    t.perf_log().unlink()


def empty_perf_log(t):
    t.perf_log().write_text("")


def truncate_perf_log_mid_line(t):
    text = t.perf_log().read_text("utf-8")
    cut = text.index("\n", len(text) // 2) + 30  # inside the next line
    t.perf_log().write_text(text[:cut], "utf-8")


def accuracy_not_utf8(t):
    path = t.result("offline") / "accuracy" / "accuracy.txt"
    path.write_bytes(b"accuracy=75.9%\xff\xfe, good=1\nhash=00\n")


def system_json_invalid(t):
    t.system_json.write_text('{"division": "closed", "submitter": ', "utf-8")


def seed_changed(t):
    t.set_log_key(t.perf_log(), "effective_qsl_rng_seed", 1234)


def result_invalid(t):
    t.set_log_key(t.perf_log(), "result_validity", "INVALID")


def loadgen_error_added(t):
    line = {"key": "error_runtime", "value": "SUT failed to respond", "time_ms": 1.0,
            "namespace": "mlperf::logging", "event_type": "POINT_IN_TIME",
            "metadata": {"is_error": True, "is_warning": False, "file": "x.cc", "line_no": 1}}
    with t.perf_log().open("a", encoding="utf-8") as f:
        f.write(":::MLLOG " + json.dumps(line) + "\n")


def accuracy_below_target(t):
    path = t.result("offline") / "accuracy" / "accuracy.txt"
    text = path.read_text("utf-8").replace("accuracy=75.912%", "accuracy=70.000%")
    path.write_text(text, "utf-8")


def hash_line_removed(t):
    path = t.result("offline") / "accuracy" / "accuracy.txt"
    lines = [x for x in path.read_text("utf-8").splitlines() if not x.startswith("hash=")]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def system_field_missing(t):
    t.edit_json(t.system_json, host_memory_capacity=None)


def wrong_division(t):
    t.edit_json(t.system_json, division="open")


def symlink_outside(t):
    outside = t.root.parent / "elsewhere.txt"
    outside.write_text("accuracy=76.0%\n", "utf-8")
    target = t.result("offline") / "accuracy" / "accuracy.txt"
    target.unlink()
    os.symlink(outside, target)


def broken_symlink(t):
    target = t.result("offline") / "accuracy" / "mlperf_log_summary.txt"
    target.unlink()
    os.symlink("does-not-exist.txt", target)


def min_duration_short(t):
    t.set_log_key(t.perf_log(), "effective_min_duration_ms", 60000)


def perf_sample_count_low(t):
    t.set_log_key(t.perf_log(), "effective_performance_sample_count", 64)


def early_stopping_not_met(t):
    t.set_log_key(t.perf_log("singlestream"), "early_stopping_met", False)


def offline_spq_low(t):
    t.set_log_key(t.perf_log(), "effective_samples_per_query", 4096)


def compliance_test_removed(t):
    import shutil

    shutil.rmtree(t.sub / "compliance" / t.system / t.bench / "offline" / "TEST04")


def compliance_perf_failed(t):
    path = t.sub / "compliance" / t.system / t.bench / "offline" / "TEST04" / "verify_performance.txt"
    path.write_text(path.read_text("utf-8").replace("TEST PASS", "TEST FAIL"), "utf-8")


def compliance_acc_failed(t):
    path = t.sub / "compliance" / t.system / t.bench / "offline" / "TEST01" / "verify_accuracy.txt"
    path.write_text(path.read_text("utf-8").replace("TEST PASS", "TEST FAIL"), "utf-8")


def invalid_status(t):
    t.edit_json(t.system_json, status="released")


def submitter_mismatch(t):
    t.edit_json(t.system_json, submitter="Someone Else")


def accuracy_log_untruncated(t):
    path = t.result("offline") / "accuracy" / "mlperf_log_accuracy.json"
    entries = [{"seq_id": i, "qsl_idx": i, "data": "00" * 8} for i in range(600)]
    path.write_text(json.dumps(entries), "utf-8")


def scenario_removed(t):
    import shutil

    shutil.rmtree(t.result("multistream"))


def stray_scenario(t):
    import shutil

    shutil.copytree(t.result("offline"), t.result("offline_old"))


def measurements_field_missing(t):
    folder = t.sub / "measurements" / t.system / t.bench / "offline"
    impl = next(p for p in folder.iterdir() if p.suffix == ".json")
    t.edit_json(impl, weight_data_types=None)


def dataset_not_covered(t):
    t.set_log_key(t.result("offline") / "accuracy" / "mlperf_log_detail.txt",
                  "qsl_reported_total_count", 500)


def scenario_mismatch(t):
    t.set_log_key(t.perf_log(), "effective_scenario", "Server")


def log_key_missing(t):
    t.drop_log_key(t.perf_log(), "effective_min_duration_ms")


def spl_outside_window(t):
    spl = t.result("offline") / "performance" / "run_1" / "spl.txt"
    lines = spl.read_text("utf-8").splitlines()
    shifted = [x.replace(x.split(",")[1][6:10], "1999", 1) for x in lines if x.strip()]
    spl.write_text("\n".join(shifted) + "\n", "utf-8")


def power_file_removed(t):
    (t.result("offline") / "performance" / "power" / "ptd_logs.txt").unlink()


def measurements_readme_empty(t):
    (t.sub / "measurements" / t.system / t.bench / "offline" / "README.md").write_text("")


def latency_bound_exceeded(t):
    t.set_log_key(t.perf_log("server"), "effective_target_latency_ns", 20000000)


def system_not_an_object(t):
    t.system_json.write_text("[1, 2, 3]", "utf-8")


MUTATIONS = [
    # (slice, mutation, the code it must produce, the result it concerns or None for any)
    ("edge", delete_perf_log, "STR001"),
    ("edge", empty_perf_log, "STR002"),
    ("edge", accuracy_not_utf8, "STR003"),
    ("edge", truncate_perf_log_mid_line, "STR004"),
    ("edge", system_json_invalid, "STR005"),
    ("edge", symlink_outside, "STR006"),
    ("edge", broken_symlink, "STR007"),
    ("edge", stray_scenario, "STR010"),
    ("edge", scenario_removed, "STR011"),
    ("edge", system_field_missing, "SYS001"),
    ("edge", invalid_status, "SYS002"),
    ("edge", system_not_an_object, "SYS002"),
    ("edge", submitter_mismatch, "SYS005"),
    ("edge", wrong_division, "SYS006"),
    ("edge", measurements_field_missing, "MEA001"),
    ("edge", loadgen_error_added, "LG001"),
    ("edge", result_invalid, "LG002"),
    ("edge", seed_changed, "LG003"),
    ("edge", min_duration_short, "LG004"),
    ("edge", perf_sample_count_low, "LG006"),
    ("edge", early_stopping_not_met, "LG007"),
    ("edge", offline_spq_low, "LG009"),
    ("edge", log_key_missing, "LG013"),
    ("edge", scenario_mismatch, "LG014"),
    ("edge", accuracy_below_target, "ACC001"),
    ("edge", hash_line_removed, "ACC004"),
    ("edge", accuracy_log_untruncated, "ACC005"),
    ("edge", accuracy_log_untruncated, "ACC006"),
    ("edge", dataset_not_covered, "ACC007"),
    ("edge", compliance_test_removed, "CMP001"),
    ("edge", compliance_perf_failed, "CMP002"),
    ("edge", compliance_acc_failed, "CMP003"),
    ("power", spl_outside_window, "PWR001"),
    ("power", power_file_removed, "STR001"),
    ("power", measurements_readme_empty, "STR002"),
    ("power", latency_bound_exceeded, "LG008"),
]


@pytest.mark.parametrize("key,mutate,code", MUTATIONS,
                         ids=[f"{code}-{m.__name__}" for _, m, code in MUTATIONS])
def test_mutation_gives_its_code(broken_tree, key, mutate, code):
    tree = broken_tree(key, mutate)
    report = _run(tree)
    assert code in error_codes(report), [f.to_dict() for f in report.all_findings()]
    assert not report.valid
    assert not report.crashed, [f.detail for f in report.all_findings() if f.code == "INT001"]


@pytest.mark.parametrize("key,mutate,code", MUTATIONS[:12],
                         ids=[f"{code}-{m.__name__}" for _, m, code in MUTATIONS[:12]])
def test_cli_exits_1_without_traceback(broken_tree, key, mutate, code):
    tree = broken_tree(key, mutate)
    result = CliRunner().invoke(main, ["check", str(tree.root), "--version", tree.round])
    assert result.exit_code == 1, result.output
    assert code in result.output or code in {"STR006", "STR007"}
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_findings_name_the_path_and_values(broken_tree):
    tree = broken_tree("edge", seed_changed)
    report = _run(tree)
    seed = next(f for f in report.all_findings() if f.code == "LG003")
    assert seed.path == tree.rel(tree.perf_log())
    assert seed.locator == "effective_qsl_rng_seed"
    assert seed.found == 1234 and seed.expected == 3066443479025735752


def test_a_link_in_the_compliance_folder_belongs_to_its_result(broken_tree):
    def mutate(t):
        verify = t.sub / "compliance" / t.system / t.bench / "offline" / "TEST04" / "verify_performance.txt"
        verify.unlink()
        os.symlink("/etc/hostname", verify)

    report = _run(broken_tree("edge", mutate))
    offline = next(e for e in report.results if e.scenario == "Offline")
    assert "STR006" in {f.code for f in offline.errors()}
    assert not report.findings


def test_multistream_inferred_from_singlestream(broken_tree):
    import shutil

    def mutate(t):
        shutil.rmtree(t.result("multistream") / "performance")
        shutil.copytree(t.result("singlestream") / "performance", t.result("multistream") / "performance")

    tree = broken_tree("edge", mutate)
    log = tree.perf_log("singlestream").read_text("utf-8")
    estimate = next(json.loads(x[x.index("{"):])["value"] for x in log.splitlines()
                    if '"key": "early_stopping_latency_ms"' in x)
    report = _run(tree)
    ms = next(e for e in report.results if e.scenario == "MultiStream")
    assert ms.metrics["inferred"] is True and ms.metrics["loadgen_scenario"] == "SingleStream"
    assert ms.metrics["value"] == estimate * 8 / 1e6
    assert "LG015" in {f.code for f in ms.findings if f.severity == "info"}


def test_open_division_accuracy_is_a_warning(broken_tree):
    def to_open(t):
        accuracy_below_target(t)
        os.rename(t.root / "closed", t.root / "open")
        t.division = "open"
        t.edit_json(t.system_json, division="open")

    report = _run(broken_tree("edge", to_open))
    below = [f for f in report.all_findings() if f.code == "ACC001"]
    assert below and all(f.severity == "warning" for f in below)
    assert report.valid


def test_one_bad_result_does_not_stop_the_others(broken_tree):
    report = _run(broken_tree("edge", truncate_perf_log_mid_line))
    verdicts = {e.scenario: e.valid for e in report.results}
    assert verdicts == {"Offline": False, "SingleStream": True, "MultiStream": True}


def test_the_tree_is_not_modified(broken_tree):
    tree = broken_tree("edge", hash_line_removed)
    before = {p: p.stat().st_mtime_ns for p in tree.root.rglob("*")}
    _run(tree)
    assert {p: p.stat().st_mtime_ns for p in tree.root.rglob("*")} == before
