"""MLPerf Mobile: the published v2.1 and v4.1 trees, the rule packs, and broken copies of them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from infercheck.checker import check_tree
from infercheck.checker.core.outputs import results_table
from infercheck.checker.core.profiles import TOLERATED
from infercheck.checker.mobile.appfile import generation_of
from infercheck.checker.suites import ProfileNotForSuite, available_rounds, load_rules
from infercheck.cli import main
from infercheck.schemas import load_schema

from .conftest import corpus, make_samples

QIC41 = "closed/Qualcomm_Innovation_Center"


def _check(root, round_name, profile="strict"):
    return check_tree(str(root), round=round_name, suite="mobile", profile=profile)


@pytest.fixture(scope="module")
def published():
    return {r: _check(corpus(f"mobile-{r}"), r, "published") for r in ("v2.1", "v4.1")}


# --- acceptance 1: every published result, with the app's value and accuracy ------------------
def _app_results(root: Path):
    """(device, app id, scenario, throughput, p90 s or None, normalised accuracy, shown accuracy)."""
    for path in sorted(root.rglob("result*.json")):
        if path.name.lower() not in ("result.json", "results.json"):
            continue
        data = json.loads(path.read_text("utf-8"))
        export = data[0] if isinstance(data, list) else data
        # Samsung v2.1 has no device level: its one system description names the device.
        device = path.parent.name
        if device == "results":
            device = next((path.parent.parent / "systems").glob("*.json")).stem
        for r in export["results"]:
            perf, acc = r["performance_run"], r["accuracy_run"]["accuracy"]
            throughput = perf["throughput"]
            if isinstance(throughput, dict):
                throughput = throughput["value"]
            p90 = (perf.get("loadgen") or {}).get("latency90")
            yield (device, r["benchmark_id"], r["loadgen_scenario"], throughput, p90,
                   acc.get("normalized", acc.get("value")), acc.get("formatted", acc.get("string")))


@pytest.mark.parametrize("round_name,count", [("v2.1", 15), ("v4.1", 13)])
def test_every_published_result_has_the_apps_value_and_accuracy(published, round_name, count):
    report = published[round_name]
    rules = load_rules("mobile", round_name)
    rows = list(_app_results(corpus(f"mobile-{round_name}")))
    assert len(rows) == count
    for device, app_id, scenario, throughput, p90, normalized, shown in rows:
        bench, _ = rules.by_app_id(app_id)
        [entry] = [e for e in report.results
                   if e.system == device and e.benchmark == bench and e.scenario == scenario]
        m = entry.metrics
        assert m["app_score"] == throughput
        if scenario == "SingleStream":
            assert m["units"] == "ms"
            expected_ms = p90 * 1000 if p90 is not None else 1000 / throughput
            assert m["value"] == pytest.approx(expected_ms, rel=1e-12)
        else:
            assert (m["value"], m["units"]) == (throughput, "samples/s")
        assert m["accuracy_normalized"] == normalized
        assert m["accuracy_display"] == shown


def test_the_windows_laptop_results_come_from_the_cli_excerpts(published):
    device = corpus("mobile-v4.1") / QIC41 / "results" / "SDX_Elite"
    perf = (device / "performance_results.txt").read_text("utf-8")
    acc = (device / "accuracy_results.txt").read_text("utf-8")
    rules = load_rules("mobile", "v4.1")
    laptop = {(e.benchmark, e.scenario): e for e in published["v4.1"].results if e.system == "SDX_Elite"}
    assert len(laptop) == 6
    def blocks(text):
        parts = re.split(r"#{3,}(\w+)#{3,}", text)
        return dict(zip(parts[1::2], parts[2::2], strict=True))

    accuracy = blocks(acc)
    for app_id, body in blocks(perf).items():
        bench, scenario = rules.by_app_id(app_id)
        m = laptop[(bench, scenario)].metrics
        if scenario == "SingleStream":
            p90_ns = int(re.search(r"90th percentile latency \(ns\) : (\d+)", body).group(1))
            assert m["value"] == pytest.approx(p90_ns / 1e6, rel=1e-12)
        else:
            assert m["value"] == float(re.search(r"Samples per second: ([\d.]+)", body).group(1))
        assert m["accuracy_display"] == re.search(r"Accuracy: (.+)", accuracy[app_id]).group(1).strip()
    assert laptop[("mobilenet_v4", "SingleStream")].metrics["soc"] == "Qualcomm Snapdragon X Elite Platform"


def test_published_profile_accepts_what_the_rounds_published(published):
    v21, v41 = published["v2.1"], published["v4.1"]
    assert v21.valid and len(v21.results) == 15
    assert v41.valid and len(v41.results) == 19
    # SD8SG3 MOSAIC was published with the app's values though its logs are of another run: the
    # deviation is listed, and the value is the app's.
    [mosaic] = [e for e in v41.results if e.result == f"{QIC41}/results/SD8SG3/mosaic/SingleStream"]
    assert {f.code for f in mosaic.findings if f.detail == TOLERATED} >= {"MOB015"}
    assert mosaic.metrics["value"] == pytest.approx(1.063229)
    tolerated = {f.code for f in v41.all_findings() if f.detail == TOLERATED}
    assert tolerated == {"MOB002", "MOB011", "MOB014", "MOB015", "MOB018", "MOB021", "MOB028"}
    assert all(f.severity == "warning" for f in v41.all_findings() if f.detail == TOLERATED)


def test_strict_profile_says_precisely_what_the_published_trees_break():
    report = _check(corpus("mobile-v4.1"), "v4.1")
    assert not report.valid
    by_result = {e.result.rsplit("results/", 1)[1]: {f.code for f in e.errors()} for e in report.results}
    assert "MOB014" in by_result["SD8SG3/EDSR/SingleStream"]          # 20 of 25 images
    assert "MOB028" in by_result["SD8G3/mobilenetV4/Offline"]          # padded batch counted
    assert "MOB002" in by_result["SDX_Elite/mosaic/SingleStream"]      # no result.json
    assert "MOB011" in by_result["SDX_Elite/mosaic/SingleStream"]      # min query count 1000
    assert "MOB021" in by_result["SD8G3/EDSR/SingleStream"]            # trailing commas
    # Stable Diffusion's 75 queries are within the round's rules (waived minimum).
    assert not by_result["SD8G3/stable_diffusion/SingleStream"] & {"MOB010", "MOB012"}


def test_round_is_recognised_from_the_app_build(published):
    report = check_tree(str(corpus("mobile-v2.1")), suite="mobile")
    assert report.round == "v2.1"
    assert len(report.results) == 15


def test_mobile_rows_in_the_tidy_table(published):
    table = results_table(published["v4.1"]).to_pandas()
    row = table[(table.device == "SD8G3") & (table.benchmark == "mobilenet_v4")
                & (table.scenario == "SingleStream")].iloc[0]
    assert row.system_type == "mobile" and row.suite == "mobile"
    assert row.latency_ms == pytest.approx(0.914218) and row.units == "ms"
    assert row.throughput == pytest.approx(1093.8310118593158)
    assert row.accuracy == pytest.approx(82.138, abs=1e-3) and row.accuracy_unit == "%"
    assert row.soc == "Qualcomm Snapdragon 8 Gen 3 Mobile Platform"
    assert row.accelerator == "HTP" and row.framework == "SNPE"
    assert row.system_name == "Vivo IQOO 12"


def test_app_result_files_validate_against_their_schemas():
    seen = set()
    for name in ("mobile-v2.1", "mobile-v4.1"):
        for path in corpus(name).rglob("result*.json"):
            data = json.loads(path.read_text("utf-8"))
            generation = generation_of(data)
            seen.add(generation)
            schema = load_schema({"legacy": "mobile_result_legacy", "flutter2": "mobile_result_flutter2",
                                  "flutter3": "mobile_result_flutter3"}[generation])
            assert not list(Draft202012Validator(schema).iter_errors(data)), path
    assert seen == {"flutter2", "flutter3"}


def test_legacy_app_file_is_read(tmp_path):
    # The Android app's export (v1.1-v2.0): a flat list of string fields, one entry per mode.
    from infercheck.checker.mobile.appfile import read_app_json

    path = tmp_path / "results.json"
    path.write_text(json.dumps([
        {"benchmark_id": "IC_tpu_uint8", "configuration": {"runtime": "ENN"}, "score": "2221.9656",
         "accuracy": "N/A", "min_duration": "60000.0", "duration": "59648.63", "min_samples": "1024",
         "num_samples": "140851", "mode": "performance_lite_mode", "datetime": "2022-03-04T13:05:40"},
        {"benchmark_id": "IC_tpu_uint8", "configuration": {"runtime": "ENN"}, "score": "Infinity",
         "accuracy": "75.32%", "min_duration": "60000.0", "duration": "900000", "min_samples": "1024",
         "num_samples": "50000", "mode": "accuracy_mode", "datetime": "2022-03-04T13:25:40"},
    ]))
    export = read_app_json(str(path))
    assert export.generation == "legacy"
    [run] = export.runs
    assert (run.scenario, run.score, run.accuracy_text, run.accuracy_samples) == (
        "SingleStream", 2221.9656, "75.32%", 50000)
    assert run.min_duration_s == 60.0 and run.framework == "ENN"


# --- acceptance 3: the seed's table -----------------------------------------------------------
def test_rules_prints_the_seed_table():
    seed = next(p for p in (corpus("expected").parent.parent / "seeds").glob("*.txt")
                if "MLPerf Inference: Mobile" in p.read_text("utf-8"))
    lines = seed.read_text("utf-8").splitlines()
    start = lines.index(next(x for x in lines if x.startswith("Area | Task | Model")))
    table = []
    for line in lines[start:]:
        if not line.endswith("|"):
            break
        table.append(line)
    assert len(table) == 11  # header, rule, nine benchmarks
    out = CliRunner().invoke(main, ["rules", "--suite", "mobile", "--version", "v4.1"])
    assert out.exit_code == 0, out.output
    printed = out.output.splitlines()
    start = printed.index(table[0])
    assert printed[start:start + len(table)] == table


def test_every_round_resolves_and_has_its_benchmarks():
    rounds = available_rounds("mobile")
    assert rounds == ["v0.7", "v1.0", "v1.1", "v2.0", "v2.1", "v3.0", "v3.1", "v4.0", "v4.1", "v5.0"]
    sets = {r: set(load_rules("mobile", r).benchmarks) for r in rounds}
    assert "ssd_mobilenet_v2" in sets["v0.7"] and "ssd_mobilenet_v2" not in sets["v1.0"]
    assert "edsr" in sets["v3.0"] and "edsr" not in sets["v2.1"]
    assert "stable_diffusion" in sets["v4.1"] and "mobilenet_edgetpu" not in sets["v4.1"]
    assert load_rules("mobile", "v4.0").run_rule("mosaic", "SingleStream").max_duration_s == 600
    assert load_rules("mobile", "v3.1").run_rule("mosaic", "SingleStream").max_duration_s is None
    sd = load_rules("mobile", "v5.0").run_rule("stable_diffusion", "SingleStream")
    assert sd.waive_min_queries and sd.max_duration_s == 300


def test_a_profile_no_suite_has_is_refused():
    with pytest.raises(ProfileNotForSuite, match="the lenient profile does not apply"):
        check_tree(str(corpus("inference-v4.1")), profile="lenient")


def test_cli_lists_what_published_tolerated():
    out = CliRunner().invoke(main, ["check", str(corpus("mobile-v2.1")), "--suite", "mobile",
                                    "--profile", "published", "-q"])
    assert out.exit_code == 0, out.output
    assert "Tolerated by the published profile" in out.output
    assert "MOB018 supporting-log-missing: 33" in out.output
    assert "VALID: 15 results, 15 valid" in out.output


# --- acceptance 2: broken copies of real Mobile trees -----------------------------------------
SLICES = {
    # device level, Flutter 3 export, Stable Diffusion, trailing-comma system JSON
    "qic41": ("mobile-v4.1", "v4.1", "Qualcomm_Innovation_Center", "SD8G3"),
    # no device level, Flutter 2 export, an R&D SoC ("research")
    "sam21": ("mobile-v2.1", "v2.1", "Samsung", None),
}


class MobileTree:
    def __init__(self, root: Path, key: str):
        self.root = root
        _, self.round, self.submitter, self.device = SLICES[key]
        self.sub = root / "closed" / self.submitter
        self.results = self.sub / "results" / self.device if self.device else self.sub / "results"
        self.result_json = next(p for p in self.results.iterdir()
                                if p.name in ("result.json", "results.json"))
        self.system_json = next((self.sub / "systems").glob("*.json"))

    def bench(self, folder: str, scenario: str = "SingleStream") -> Path:
        return self.results / folder / scenario

    def edit_export(self, change) -> None:
        data = json.loads(self.result_json.read_text("utf-8"))
        export = data[0] if isinstance(data, list) else data
        change(export)
        self.result_json.write_text(json.dumps(data, indent=1), "utf-8")

    def entry(self, export: dict, app_id: str) -> dict:
        return next(r for r in export["results"] if r["benchmark_id"] == app_id)

    def set_log_key(self, path: Path, key: str, value) -> None:
        make_samples().set_log_key(str(path), key, value)


def _copy(dest: Path, key: str) -> Path:
    folder, _, submitter, device = SLICES[key]
    src = corpus(folder) / "closed" / submitter
    out = dest / "closed" / submitter
    for name in ("code", "Calibration.md"):
        (shutil.copytree if (src / name).is_dir() else shutil.copy2)(src / name, out / name)
    if device:
        shutil.copytree(src / "results" / device, out / "results" / device)
        shutil.copytree(src / "measurements" / device, out / "measurements" / device)
        (out / "systems").mkdir(parents=True)
        shutil.copy2(src / "systems" / f"{device}.json", out / "systems")
    else:
        for part in ("results", "measurements", "systems"):
            shutil.copytree(src / part, out / part)
    for path in [out, *out.rglob("*")]:  # the corpus is read-only; copies must be writable
        path.chmod(0o755 if path.is_dir() else 0o644)
    return dest


@pytest.fixture(scope="module")
def mobile_pristine(tmp_path_factory):
    base = tmp_path_factory.mktemp("mobile")
    return {key: _copy(base / key, key) for key in SLICES}


@pytest.fixture
def mobile_tree(mobile_pristine, tmp_path):
    def make(key: str, mutate=None) -> MobileTree:
        root = tmp_path / f"tree-{key}"
        shutil.copytree(mobile_pristine[key], root)
        tree = MobileTree(root, key)
        if mutate is not None:
            mutate(tree)
        return tree

    return make


def _errors(report) -> set[str]:
    return {f.code for f in report.all_findings() if f.is_error}


@pytest.mark.parametrize("key", list(SLICES))
def test_untouched_mobile_slices_pass_the_published_profile(mobile_tree, key):
    tree = mobile_tree(key)
    report = _check(tree.root, tree.round, "published")
    assert report.valid, [f.to_dict() for f in report.all_findings() if f.is_error]


def result_file_deleted(t):
    t.result_json.unlink()


def result_file_replaced_by_excerpts(t):
    t.result_json.unlink()
    (t.results / "performance_results.txt").write_text(
        "#######image_classification_v2######\n90th percentile latency (ns) : 914218\nResult is : VALID\n",
        "utf-8")
    (t.results / "accuracy_results.txt").write_text(
        "#######image_classification_v2######\nI main.cc:420] Accuracy: 82.14%\n", "utf-8")


def result_file_cut(t):
    t.result_json.write_text(t.result_json.read_text("utf-8")[:500], "utf-8")


def latency_as_text(t):
    t.edit_export(lambda e: t.entry(e, "object_detection")["performance_run"]["loadgen"].update(
        latency90="0.000386823"))


def benchmark_removed(t):
    shutil.rmtree(t.results / "EDSR")
    t.edit_export(lambda e: e["results"].remove(t.entry(e, "super_resolution")))


def retired_benchmark_added(t):
    shutil.copytree(t.results / "mosaic", t.results / "deeplabV3+")


def offline_removed(t):  # v2.1 requires MobileNetEdgeTPU Offline
    shutil.rmtree(t.bench("mobilenetEdgeTPU", "Offline"))
    t.edit_export(lambda e: e["results"].remove(t.entry(e, "IC_tpu_uint8_offline")))


def offline_for_mobilebert(t):
    shutil.copytree(t.bench("mobileBERT"), t.bench("mobileBERT", "Offline"))


def detail_log_deleted(t):
    (t.bench("mosaic") / "log_performance" / "mlperf_log_detail.txt").unlink()


def too_few_queries(t):
    log = t.bench("mosaic") / "log_performance" / "mlperf_log_detail.txt"
    t.set_log_key(log, "result_query_count", 900)
    t.edit_export(lambda e: t.entry(e, "image_segmentation_v2")["performance_run"]["loadgen"].update(
        query_count=900))


def min_duration_changed(t):
    t.set_log_key(t.bench("mosaic") / "log_performance" / "mlperf_log_detail.txt",
                  "effective_min_duration_ms", 10000)


def run_invalid(t):
    log = t.bench("mosaic") / "log_performance"
    t.set_log_key(log / "mlperf_log_detail.txt", "result_validity", "INVALID")
    summary = log / "mlperf_log_summary.txt"
    text = summary.read_text("utf-8").replace("Result is : VALID", "Result is : INVALID")
    summary.write_text(text, "utf-8")


def accuracy_lowered(t):
    t.edit_export(lambda e: t.entry(e, "image_segmentation_v2")["accuracy_run"].update(
        accuracy={"normalized": 0.55, "formatted": "0.5500 mIoU"}))


def accuracy_on_a_subset(t):
    log = t.bench("mosaic") / "log_accuracy" / "mlperf_log_detail.txt"
    t.set_log_key(log, "qsl_reported_total_count", 500)


def latency_edited(t):
    t.edit_export(lambda e: t.entry(e, "object_detection")["performance_run"]["loadgen"].update(
        latency90=0.000286823))


def summary_latency_edited(t):
    # What a reader of the summary sees, not what the detail log (and the app) recorded.
    path = t.bench("mobiledetSSD") / "log_performance" / "mlperf_log_summary.txt"
    text = path.read_text("utf-8")
    old = re.search(r"90th percentile latency \(ns\) : (\d+)", text)
    path.write_text(text.replace(old.group(0), f"90th percentile latency (ns) : "
                                               f"{int(old.group(1)) // 2}"), "utf-8")


def throughput_edited(t):
    t.edit_export(lambda e: t.entry(e, "OD_uint8")["performance_run"].update(throughput=1500.0))


def accuracy_text_edited(t):
    t.edit_export(lambda e: t.entry(e, "object_detection")["accuracy_run"]["accuracy"].update(
        formatted="0.2940 mAP"))


def export_entry_removed(t):
    t.edit_export(lambda e: e["results"].remove(t.entry(e, "image_segmentation_v2")))


def accuracy_log_deleted(t):
    (t.bench("mosaic") / "log_accuracy" / "mlperf_log_accuracy.json").unlink()


def screenshots_deleted(t):
    for p in [*t.results.glob("*.png"), *t.results.glob("*.jpg")]:
        p.unlink()


def system_deleted(t):
    t.system_json.unlink()



def system_trailing_comma(t):
    t.system_json.write_text(t.system_json.read_text("utf-8").replace('"sw_notes": ""', '"sw_notes": "",'),
                             "utf-8")


def processor_dropped(t):
    data = json.loads(t.system_json.read_text("utf-8"))
    data.pop("host_processor_model_name")
    t.system_json.write_text(json.dumps(data), "utf-8")


def category_preview(t):
    data = json.loads(t.system_json.read_text("utf-8"))
    data["status"] = "preview"
    t.system_json.write_text(json.dumps(data), "utf-8")


def category_words_reordered(t):
    data = json.loads(t.system_json.read_text("utf-8"))
    data["status"] = "SOC R&D"
    t.system_json.write_text(json.dumps(data), "utf-8")


def other_round_build(t):
    t.edit_export(lambda e: e["build_info"].update(git_branch="submission-v2.0"))


def measurements_deleted(t):
    shutil.rmtree(t.sub / "measurements")


def accuracy_run_removed(t):
    t.edit_export(lambda e: t.entry(e, "OD_uint8").update(accuracy_run=None))


def performance_run_removed(t):
    t.edit_export(lambda e: t.entry(e, "OD_uint8").update(performance_run=None))


def calibration_removed(t):
    (t.sub / "Calibration.md").unlink()


def weight_types_dropped(t):
    path = next((t.sub / "measurements").rglob("*SingleStream.json"))
    data = json.loads(path.read_text("utf-8"))
    data.pop("weight_data_types")
    path.write_text(json.dumps(data), "utf-8")


# What each untouched slice breaks in the strict profile; the published profile tolerates all
# of it. MOB018: the corpus has no trace logs (and qic41 no image classification or detection
# accuracy logs); MOB021: qic41's system file has trailing commas, as published; MOB028: qic41's
# Offline throughput counts batch padding (test_padded_offline_throughput_is_named...).
QIC41_STRICT = {"MOB018", "MOB021", "MOB028"}
SAM21_STRICT = {"MOB018"}
MOBILE_UNTOUCHED = {"qic41": QIC41_STRICT, "sam21": SAM21_STRICT}

MOBILE_MUTATIONS = [
    # (slice, mutation, the exact error codes in the strict profile, and in the published one).
    # The published profile tolerates (as warnings) exactly the strict codes it does not list.
    # Without a usable export there is no accuracy (MOB026) and no app Offline value to compare
    # with LoadGen's (so MOB028 goes).
    ("qic41", result_file_deleted, {"MOB001", "MOB026", "MOB018", "MOB021"}, {"MOB026"}),
    # The excerpts hold image classification only: the other six results are not exported.
    ("qic41", result_file_replaced_by_excerpts, {"MOB002", "MOB017", "MOB026", "MOB018", "MOB021"},
     {"MOB017", "MOB026"}),
    ("qic41", result_file_cut, {"MOB003", "MOB026", "MOB018", "MOB021"}, {"MOB003", "MOB026"}),
    # One field of the wrong type and the whole export is set aside (MOB026 on all seven).
    ("qic41", latency_as_text, {"MOB004", "MOB026", "MOB018", "MOB021"}, {"MOB004", "MOB026"}),
    ("qic41", benchmark_removed, QIC41_STRICT | {"MOB005"}, {"MOB005"}),
    ("qic41", retired_benchmark_added, QIC41_STRICT | {"MOB006"}, {"MOB006"}),
    ("sam21", offline_removed, SAM21_STRICT | {"MOB007"}, {"MOB007"}),
    # A copied SingleStream folder as mobileBERT Offline: no export entry (MOB017), accuracy
    # (MOB026), performance value (MOB027) or measurements (MOB025) for it, and its logs are
    # judged by the round's generic Offline settings (MOB010, MOB011).
    ("qic41", offline_for_mobilebert,
     QIC41_STRICT | {"MOB008", "MOB010", "MOB011", "MOB017", "MOB025", "MOB026", "MOB027"},
     {"MOB008", "MOB010", "MOB017", "MOB025", "MOB026", "MOB027"}),
    ("qic41", detail_log_deleted, QIC41_STRICT | {"MOB009"}, {"MOB009"}),
    ("qic41", too_few_queries, QIC41_STRICT | {"MOB010"}, {"MOB010"}),
    ("qic41", min_duration_changed, QIC41_STRICT | {"MOB011"}, set()),
    ("qic41", run_invalid, QIC41_STRICT | {"MOB012"}, {"MOB012"}),
    ("qic41", accuracy_lowered, QIC41_STRICT | {"MOB013"}, {"MOB013"}),
    ("qic41", accuracy_on_a_subset, QIC41_STRICT | {"MOB014"}, set()),
    # v4.1 published a result whose export and logs disagree: published tolerates MOB015 there.
    ("qic41", latency_edited, QIC41_STRICT | {"MOB015"}, set()),
    ("sam21", throughput_edited, SAM21_STRICT | {"MOB015"}, {"MOB015"}),
    ("qic41", summary_latency_edited, QIC41_STRICT | {"LG019"}, {"LG019"}),
    ("qic41", accuracy_text_edited, QIC41_STRICT | {"MOB016"}, {"MOB016"}),
    ("qic41", export_entry_removed, QIC41_STRICT | {"MOB017", "MOB026"}, {"MOB017", "MOB026"}),
    ("qic41", accuracy_log_deleted, QIC41_STRICT, set()),  # one more MOB018, for mosaic
    ("qic41", system_deleted, {"MOB020", "MOB018", "MOB028"}, {"MOB020"}),  # MOB021 was its file
    ("sam21", system_trailing_comma, SAM21_STRICT | {"MOB021"}, set()),
    ("sam21", processor_dropped, SAM21_STRICT | {"MOB022"}, {"MOB022"}),
    # Never a reason to drop a published result: listed as Available, the finding tolerated.
    ("sam21", category_preview, SAM21_STRICT | {"MOB023"}, set()),
    ("sam21", measurements_deleted, SAM21_STRICT | {"MOB025"}, {"MOB025"}),
    ("sam21", accuracy_run_removed, SAM21_STRICT | {"MOB026"}, {"MOB026"}),
    ("sam21", performance_run_removed, SAM21_STRICT | {"MOB027"}, {"MOB027"}),
    ("sam21", weight_types_dropped, SAM21_STRICT | {"MEA001"}, {"MEA001"}),
    ("qic41", calibration_removed, QIC41_STRICT | {"MOB029"}, {"MOB029"}),
]

MOBILE_NOTICES = [
    # (slice, mutation, the exact codes of the findings it adds: warnings, in both profiles)
    ("sam21", screenshots_deleted, {"MOB019"}),
    ("sam21", other_round_build, {"MOB024"}),
    ("sam21", category_words_reordered, {"MOB031"}),
]


def _keyed(report, errors: bool) -> set[tuple]:
    return {(f.code, f.path, f.message) for f in report.all_findings() if f.is_error == errors}


def _tolerated(report) -> set[str]:
    return {f.code for f in report.all_findings() if f.detail == TOLERATED}


@pytest.fixture(scope="module")
def mobile_untouched(mobile_pristine):
    out = {}
    for key, root in mobile_pristine.items():
        round_name = SLICES[key][1]
        out[key] = {p: _check(root, round_name, p) for p in ("strict", "published")}
    return out


def test_untouched_mobile_slices_break_only_what_was_published(mobile_untouched):
    assert set(MOBILE_UNTOUCHED) == set(SLICES)
    for key, codes in MOBILE_UNTOUCHED.items():
        strict, published = mobile_untouched[key]["strict"], mobile_untouched[key]["published"]
        assert _errors(strict) == codes and not strict.valid
        assert not _errors(published) and published.valid
        assert _tolerated(published) == codes


def _ids(table):
    """The codes a row adds to its untouched slice's, and its mutation."""
    ids = []
    for key, mutate, codes, *published in table:
        # A mutation row's strict set holds the untouched slice's codes too.
        added = "+".join(sorted(codes - MOBILE_UNTOUCHED[key] if published else codes))
        ids.append(f"{added}-{mutate.__name__}" if added else mutate.__name__)
    return ids


def test_mobile_tables_name_their_mutations_once():
    for table in (MOBILE_MUTATIONS, MOBILE_NOTICES):
        assert len(_ids(table)) == len(set(_ids(table)))
        assert {row[0] for row in table} <= set(SLICES)
    for _, _, strict, published in MOBILE_MUTATIONS:
        assert published <= strict


@pytest.mark.parametrize("key,mutate,strict_codes,published_codes", MOBILE_MUTATIONS,
                         ids=_ids(MOBILE_MUTATIONS))
def test_mobile_mutation_gives_its_codes(mobile_tree, mobile_untouched, key, mutate, strict_codes,
                                         published_codes):
    tree = mobile_tree(key, mutate)
    strict = _check(tree.root, tree.round, "strict")
    assert _errors(strict) == strict_codes, [f.to_dict() for f in strict.all_findings() if f.is_error]
    assert not strict.crashed and not strict.valid
    # The mutation itself is seen, even where its code is also one of the untouched slice's.
    added = _keyed(strict, errors=True) - _keyed(mobile_untouched[key]["strict"], errors=True)
    assert added and {code for code, _, _ in added} <= strict_codes
    published = _check(tree.root, tree.round, "published")
    assert _errors(published) == published_codes, [f.to_dict() for f in published.all_findings()
                                                   if f.is_error]
    assert published.valid == (not published_codes)
    assert _tolerated(published) == strict_codes - published_codes
    assert all(f.severity == "warning" for f in published.all_findings() if f.detail == TOLERATED)


@pytest.mark.parametrize("key,mutate,codes", MOBILE_NOTICES, ids=_ids(MOBILE_NOTICES))
def test_mobile_warnings(mobile_tree, mobile_untouched, key, mutate, codes):
    tree = mobile_tree(key, mutate)
    report = _check(tree.root, tree.round, "published")
    assert report.valid
    assert codes <= {f.code for f in report.all_findings() if f.severity == "warning"}
    for profile in ("strict", "published"):
        report = _check(tree.root, tree.round, profile)
        before = mobile_untouched[key][profile]
        assert _errors(report) == _errors(before)
        added = _keyed(report, errors=False) - _keyed(before, errors=False)
        assert {code for code, _, _ in added} == codes
        assert all(f.severity == "warning" for f in report.all_findings() if f.code in codes)


@pytest.mark.parametrize("written,category", [
    ("SOC R&D", "rdi"), ("r & d soc", "rdi"), ("Research, Development or Internal (RDI)", "rdi"),
    ("Commercial", "available"), ("preview", "available"),
])
def test_categories_are_read_however_written(mobile_tree, written, category):
    def write(t):
        data = json.loads(t.system_json.read_text("utf-8"))
        data["status"] = written
        t.system_json.write_text(json.dumps(data), "utf-8")

    tree = mobile_tree("sam21", write)
    report = _check(tree.root, tree.round, "published")
    assert report.valid and {e.availability for e in report.results} == {category}


def test_padded_offline_throughput_is_named_and_the_app_value_kept(mobile_tree):
    tree = mobile_tree("qic41")
    report = _check(tree.root, tree.round, "strict")
    [offline] = [e for e in report.results if e.scenario == "Offline"]
    assert "MOB028" in {f.code for f in offline.errors()}
    assert offline.metrics["value"] == pytest.approx(1658.3872283600094)
    assert offline.metrics["loadgen_value"] == 1648.73


def test_mobile_cli_exits_1_without_traceback(mobile_tree):
    tree = mobile_tree("qic41", result_file_cut)
    out = CliRunner().invoke(main, ["check", str(tree.root), "--suite", "mobile", "--version", "v4.1"])
    assert out.exit_code == 1, out.output
    assert "Traceback" not in out.output and "MOB003" in out.output


def test_app_folder_layout_is_read(mobile_tree):
    # The app's own log folders (Samsung v3.1/v4.0, Qualcomm v5.0): <benchmark_id>-performance/.
    def to_app_folders(t):
        moves = (("mosaic", "image_segmentation_v2"), ("mobilenetV4", "image_classification_v2"))
        for folder, app_id in moves:
            shutil.move(t.bench(folder) / "log_performance", t.results / f"{app_id}-performance")
            shutil.move(t.bench(folder) / "log_accuracy", t.results / f"{app_id}-accuracy")
            shutil.rmtree(t.bench(folder))
        shutil.move(t.bench("mobilenetV4", "Offline") / "log_performance",
                    t.results / "image_classification_offline_v2-performance")
        shutil.move(t.bench("mobilenetV4", "Offline") / "log_accuracy",
                    t.results / "image_classification_offline_v2-accuracy")
        shutil.rmtree(t.results / "mobilenetV4")

    tree = mobile_tree("qic41", to_app_folders)
    report = _check(tree.root, tree.round, "published")
    names = {e.result.rsplit("/", 1)[1] for e in report.results}
    assert {"image_segmentation_v2", "image_classification_v2", "image_classification_offline_v2"} <= names
    assert report.valid, [f.to_dict() for f in report.all_findings() if f.is_error]


def test_mobile_report_json_fits_the_report_schema(published, tmp_path):
    from infercheck.checker.core.outputs import write_json

    write_json(published["v4.1"], str(tmp_path / "report.json"))
    data = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert not list(Draft202012Validator(load_schema("report")).iter_errors(data))
    assert data["suite"] == "mobile" and data["profile"] == "published"


def test_flutter3_export_of_v3_rounds_is_read(tmp_path):
    # v3.0-v3.1 exports carry performance_run.loadgen_info {validity, duration} instead of the
    # v4.0 loadgen block: the value then comes from the throughput (1 / p90).
    from infercheck.checker.mobile.appfile import read_app_json

    src = corpus("mobile-v4.1") / QIC41 / "results" / "SD8SG3" / "result.json"
    data = json.loads(src.read_text("utf-8"))
    for r in data["results"]:
        r["performance_run"]["loadgen_info"] = {"validity": True, "duration": 61.0}
        del r["performance_run"]["loadgen"]
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data), "utf-8")
    export = read_app_json(str(path))
    assert export.generation == "flutter3"
    od = next(r for r in export.runs if r.benchmark_id == "object_detection")
    assert (od.valid, od.p90_s, od.score) == (True, None, 1371.6254584658095)
    assert export.device["soc"] == "SM8635" and export.build["git_branch"].startswith("submission-v4.1")


def _json_paths(data, prefix=()):
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = list(enumerate(data))[:2]
    else:
        return
    for key, value in items:
        yield (*prefix, key)
        yield from _json_paths(value, (*prefix, key))


def test_no_field_of_the_export_can_crash_the_checker(mobile_tree):
    # Every field of a real export replaced by a value of another type: findings, never INT001.
    tree = mobile_tree("qic41")
    original = json.loads(tree.result_json.read_text("utf-8"))
    for path in _json_paths(original):
        node = original
        for key in path:
            node = node[key]
        other_kind = "x" if isinstance(node, (dict, list)) else {}
        for value in (None, other_kind):
            data = json.loads(json.dumps(original))
            node = data
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
            tree.result_json.write_text(json.dumps(data), "utf-8")
            report = _check(tree.root, tree.round)
            assert not report.crashed, (path, value, [f.found for f in report.all_findings()
                                                      if f.code == "INT001"])


def test_open_division_subset_and_accuracy_are_warnings(mobile_tree):
    def to_open(t):
        benchmark_removed(t)
        accuracy_lowered(t)
        shutil.move(t.root / "closed", t.root / "open")

    tree = mobile_tree("qic41", to_open)
    report = _check(tree.root, tree.round, "published")
    warned = {f.code for f in report.all_findings() if f.severity == "warning"}
    assert {"MOB005", "MOB013"} <= warned
    assert not {"MOB005", "MOB013"} & _errors(report)


def test_an_entry_in_the_wrong_scenario_is_named(mobile_tree):
    def swap(t):
        t.edit_export(lambda e: t.entry(e, "image_classification_offline_v2").update(
            loadgen_scenario="SingleStream"))

    report = _check(mobile_tree("qic41", swap).root, "v4.1", "published")
    assert any(f.code == "MOB008" and "is for Offline" in f.message for f in report.all_findings())


def test_each_mobile_run_has_its_own_fingerprint_for_the_audit(published):
    """The run and accuracy-log digests the audit groups on (core/fingerprints.py): every
    result whose performance summary was read has one, and no two honest runs share one. Two
    Snapdragon 8 Gen 3 devices of one submitter publish byte-identical SingleStream accuracy
    logs for three benchmarks (one model on one NPU, queries in one order), which the audit
    leaves alone: it names logs shared across submitters (AUD002)."""
    table = results_table(published["v4.1"]).to_pandas()
    runs = table["run_digest"].dropna()
    assert len(runs) == len(table) and runs.is_unique
    accuracy = table.dropna(subset=["accuracy_digest"])
    shared = accuracy[accuracy["accuracy_digest"].duplicated(keep=False)]
    assert len(accuracy) == 11 and set(shared["system"]) == {"SD8G3", "SD8SG3"}


def _no_phone_summary(t):
    text = t.system_json.read_text("utf-8")
    t.system_json.write_text(text.replace('"Phone summary": "Vivo IQOO 12",', ""), "utf-8")


def _no_device_name(t):
    _no_phone_summary(t)
    text = t.system_json.read_text("utf-8")
    t.system_json.write_text(text.replace('"SoC Product information"', '"Other"'), "utf-8")


@pytest.mark.parametrize("mutate,named", [(_no_phone_summary, True), (_no_device_name, False)])
def test_a_device_named_only_by_its_soc_product_in_notes_is_named(mobile_tree, mutate, named):
    """A description without "Phone summary" names its device by the notes' "SoC Product
    information", as published development platforms do; without either it is MOB022."""
    tree = mobile_tree("qic41", mutate)
    report = _check(tree.root, tree.round, "published")
    assert report.valid is named
    assert ("MOB022" in _errors(report)) is not named
