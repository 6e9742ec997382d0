"""Loadgen++ ("endpoints") results of v6.1, built here beside a real runner-made v6 tree (no
published submission has one yet): the files are modelled on what the official parser reads
(mlcommons/inference parsers/endpoints_parser.py at b66003e1). A valid result is valid with the
right value and units; each broken variant gives its exact error codes; garbage never crashes."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from infercheck.checker import check_tree
from infercheck.checker.core.endpoints_log import get_dotted

from .conftest import corpus

SYSTEM = "cpu2-onnxruntime"
SEEDS = {"dataloader_random_seed": 2747215439041700203,
         "scheduler_random_seed": 16159082839903944936}


def _config(scenario: str) -> dict:
    online = scenario == "Online"
    return {
        "version": "0.3.1",
        "type": "online" if online else "offline",
        "model_params": {"name": "meta-llama/Llama-3.1-8B-Instruct", "streaming": online},
        "settings": {
            "runtime": {"min_duration_ms": 600000, "max_duration_ms": 0,
                        "n_samples_to_issue": 13368, **SEEDS},
            "load_pattern": ({"type": "poisson", "target_qps": 10.0} if online
                             else {"type": "max_throughput"}),
        },
    }


def _summary(scenario: str) -> dict:
    pct = {"50": 4.0e9, "90": 6.0e9, "95": 7.0e9, "99": 9.0e9, "99.9": 1.1e10}
    out = {
        "endpoints_version": "0.3.1", "git_sha": "0123abcd", "test_started_at": "2026-07-01T10:00:00",
        "n_samples_issued": 13368, "n_samples_completed": 13368, "n_samples_failed": 0,
        # 13368 samples in 668.4 s: 20 samples/s
        "duration_ns": 668_400_000_000,
        "latency": {"min": 1.0e9, "max": 1.2e10, "avg": 4.5e9, "early_stopping_percentiles": pct},
        "output_sequence_lengths": {"min": 10, "max": 128, "avg": 97.5},
    }
    if scenario == "Online":
        out["qps"] = 9.5
        # An LLM's server run logs its token rate too: the v6.1 checker reads the Server value
        # of an LLM from it (RESULT_FIELD_BENCHMARK_OVERWRITE, "tps"), and fails without it.
        out["tps"] = 950.0
        out["ttft"] = {"min": 1e8, "max": 1.9e9, "avg": 5e8,
                       "early_stopping_percentiles": {"50": 4e8, "90": 1e9, "99": 1.5e9}}
        out["tpot"] = {"min": 1e7, "max": 9e7, "avg": 3e7,
                       "early_stopping_percentiles": {"50": 2e7, "90": 4e7, "99": 5e7}}
    return out


def _accuracy(total: int = 13368) -> dict:
    return {"accuracy_scores": [{"dataset_type": "accuracy", "total_samples": total,
                                 "score": {"rouge1": 38.9, "rouge2": 15.9, "rougeL": 24.5}}]}


def _write(folder, config, summary, accuracy) -> None:
    (folder / "performance").mkdir(parents=True)
    (folder / "accuracy").mkdir()
    (folder / "config.yaml").write_text(yaml.safe_dump(config), "utf-8")
    (folder / "performance" / "result_summary.json").write_text(json.dumps(summary), "utf-8")
    (folder / "accuracy" / "accuracy_results.json").write_text(json.dumps(accuracy), "utf-8")
    (folder / "README.md").write_text("Run with the endpoints harness.\n", "utf-8")
    (folder / "measurements.json").write_text(json.dumps({
        "input_data_types": "bf16", "retraining": "no", "starting_weights_filename": "Llama-3.1-8B",
        "weight_data_types": "bf16", "weight_transformations": "none"}), "utf-8")


def build(tmp_path, division: str = "open", bench: str = "llama3.1-8b", online: str = "Online"):
    """A v6.1 tree: the runner-made system, as a datacenter one, with an endpoints llama3.1-8b
    in Offline and an online run in the folder `online`. Returns (root, the result folders by
    scenario: Offline, Online)."""
    src = corpus("runner-made-v6.1-open-short") / "open" / "MyOrg"
    sub = tmp_path / "tree" / division / "MyOrg"
    (sub / "systems").mkdir(parents=True)
    system = json.loads((src / "systems" / f"{SYSTEM}.json").read_text("utf-8"))
    system.update(division=division, system_type="datacenter")
    (sub / "systems" / f"{SYSTEM}.json").write_text(json.dumps(system, indent=2), "utf-8")
    (sub / "src" / bench).mkdir(parents=True)
    shutil.copy2(src / "src" / "ocrcls-mobilenetv3" / "README.md", sub / "src" / bench / "README.md")
    folders = {}
    for scenario in ("Offline", "Online"):
        folder = sub / "results" / SYSTEM / bench / (online if scenario == "Online" else scenario)
        _write(folder, _config(scenario), _summary(scenario), _accuracy())
        folders[scenario] = folder
    return tmp_path / "tree", folders


def _codes(report, errors=True):
    return {f.code for f in report.all_findings() if f.is_error == errors}


def _entry(report, scenario_folder):
    return next(e for e in report.results if e.scenario_folder == scenario_folder)


def test_valid_endpoints_result(tmp_path):
    root, _ = build(tmp_path)
    report = check_tree(str(root), round="v6.1")
    assert _codes(report) == set(), [f.message for f in report.all_findings() if f.is_error]
    offline, online = _entry(report, "Offline"), _entry(report, "Online")
    assert offline.scenario == "Offline" and online.scenario == "Server"
    assert offline.metrics["value"] == pytest.approx(20.0)  # inferred: 13368 / 668.4 s
    assert offline.metrics["units"] == "Samples/s"
    assert offline.metrics["metric_key"] == "result_samples_per_second"
    # Server: the benchmark's own key, the token rate (benchmark_keys_in), in its units
    assert online.metrics["value"] == pytest.approx(950.0)
    assert online.metrics["units"] == "Tokens/s"
    assert online.metrics["metric_key"] == "result_completed_tokens_per_second"
    assert online.metrics["accuracy"] is None or isinstance(online.metrics["accuracy"], (str, float))


def test_closed_valid_with_audit(tmp_path):
    """In closed the online run is in a Server folder: the official scenario check compares
    folder names with the benchmark's scenarios (test_a_closed_online_folder_...)."""
    root, folders = build(tmp_path, division="closed", online="Server")
    audit = folders["Offline"] / "audit"
    audit.mkdir()
    (audit / "audit_consistency_output_test.json").write_text(
        json.dumps({"test": "consistency_output_test", "passed": True}), "utf-8")
    report = check_tree(str(root), round="v6.1")
    assert _codes(report) == set(), [f.message for f in report.all_findings() if f.is_error]


def test_a_closed_online_folder_is_no_scenario_of_the_benchmark(tmp_path):
    """STR010 and STR011, as the v6.1 checker (loader.py check_scenarios) rejects the benchmark."""
    root, folders = build(tmp_path, division="closed")
    audit = folders["Offline"] / "audit"
    audit.mkdir()
    (audit / "audit_consistency_output_test.json").write_text(
        json.dumps({"test": "consistency_output_test", "passed": True}), "utf-8")
    report = check_tree(str(root), round="v6.1")
    assert [e.scenario_folder for e in report.results] == ["Offline"]
    assert {f.code for f in _entry(report, "Offline").findings if f.is_error} == {"STR011"}
    [unknown] = [f for f in report.findings if f.code == "STR010"]
    assert unknown.path.endswith("/llama3.1-8b/Online")


def _edit_json(path, change):
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data), "utf-8")


def _edit_yaml(path, change):
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data), "utf-8")


def _perf(f):
    return f / "performance" / "result_summary.json"


def _acc(f):
    return f / "accuracy" / "accuracy_results.json"


# (scenario folder, mutation, the error codes of that result)
BROKEN = {
    "summary-missing": ("Offline", lambda f: _perf(f).unlink(), {"STR001", "STR023"}),
    "summary-not-json": ("Offline", lambda f: _perf(f).write_text("{not json", "utf-8"), {"STR005"}),
    "summary-a-list": ("Offline", lambda f: _perf(f).write_text("[1, 2]", "utf-8"), {"STR004"}),
    "summary-deep": ("Offline", lambda f: _perf(f).write_text("[" * 100000 + "]" * 100000, "utf-8"),
                     {"STR005"}),
    "summary-empty": ("Offline", lambda f: _perf(f).write_text("", "utf-8"), {"STR002"}),
    "config-missing": ("Offline", lambda f: (f / "config.yaml").unlink(), {"STR001", "LG013"}),
    "config-not-yaml": ("Offline", lambda f: (f / "config.yaml").write_text("a: [b\n  c: {", "utf-8"),
                        {"STR004", "LG013"}),
    "config-a-list": ("Offline", lambda f: (f / "config.yaml").write_text("- 1\n- 2\n", "utf-8"),
                      {"STR004", "LG013"}),
    "config-deep": ("Offline", lambda f: (f / "config.yaml").write_text("[" * 20000, "utf-8"),
                    {"STR004", "LG013"}),
    "accuracy-missing": ("Offline", lambda f: _acc(f).unlink(), {"STR001", "STR023"}),
    "accuracy-not-json": ("Offline", lambda f: _acc(f).write_text("nan nan", "utf-8"), {"STR005"}),
    "bad-types": ("Online", lambda f: _edit_json(_perf(f), lambda d: d.update(
        qps="fast", latency=[1, 2], ttft={"early_stopping_percentiles": {"99": {"x": 1}}})),
        {"STR004", "LG013"}),
    "bad-seed-type": ("Offline", lambda f: _edit_yaml(f / "config.yaml", lambda d: d["settings"][
        "runtime"].update(scheduler_random_seed="x", dataloader_random_seed=1.5)), {"STR004", "LG013"}),
    "wrong-seeds": ("Offline", lambda f: _edit_yaml(f / "config.yaml", lambda d: d["settings"][
        "runtime"].update(scheduler_random_seed=1)), {"LG003"}),
    "short-run": ("Offline", lambda f: _edit_yaml(f / "config.yaml", lambda d: d["settings"][
        "runtime"].update(min_duration_ms=60000)), {"LG004"}),
    "failed-samples": ("Offline", lambda f: _edit_json(_perf(f), lambda d: d.update(n_samples_failed=3)),
                       {"LG001"}),
    "online-run-offline": ("Online", lambda f: _edit_yaml(f / "config.yaml", lambda d: d.update(
        type="offline")), {"LG014"}),
    "unknown-type": ("Offline", lambda f: _edit_yaml(f / "config.yaml", lambda d: d.update(type="batch")),
                     {"STR004"}),
    "ttft-over": ("Online", lambda f: _edit_json(_perf(f), lambda d: d["ttft"][
        "early_stopping_percentiles"].update({"99": 2.5e9})), {"LG012"}),
    "subset-accuracy": ("Offline", lambda f: _acc(f).write_text(json.dumps(_accuracy(1000)), "utf-8"),
                        {"ACC007"}),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_endpoints_result(tmp_path, case):
    scenario, mutate, expected = BROKEN[case]
    root, folders = build(tmp_path)
    mutate(folders[scenario])
    report = check_tree(str(root), round="v6.1")
    entry = _entry(report, scenario)
    got = {f.code for f in entry.findings if f.is_error}
    assert got == expected, [f.message for f in entry.findings if f.is_error]
    assert "INT001" not in _codes(report)
    other = "Online" if scenario == "Offline" else "Offline"
    assert {f.code for f in _entry(report, other).findings if f.is_error} == set()


def test_no_accuracy_score(tmp_path):
    """ACC009: a warning in open, an error in closed."""
    root, folders = build(tmp_path)
    _acc(folders["Offline"]).write_text(json.dumps({"accuracy_scores": [{"score": None}]}), "utf-8")
    report = check_tree(str(root), round="v6.1")
    # open division: the quality is recorded, not judged
    assert {f.code for f in _entry(report, "Offline").findings} == {"ACC009"}
    assert _codes(report) == set()
    root, folders = build(tmp_path / "closed", division="closed", online="Server")
    _acc(folders["Offline"]).write_text(json.dumps({"accuracy_scores": "none"}), "utf-8")
    report = check_tree(str(root), round="v6.1")
    assert {f.code for f in _entry(report, "Offline").findings if f.is_error} == {"ACC009"}


def test_model_not_allowed(tmp_path):
    """LG018: resnet has no endpoints harness."""
    root, folders = build(tmp_path, bench="resnet")
    for f in folders.values():
        _acc(f).write_text(json.dumps(_accuracy(50000)), "utf-8")
    report = check_tree(str(root), round="v6.1")
    assert {f.code for f in _entry(report, "Offline").findings if f.is_error} == {"LG018"}


def test_closed_audits(tmp_path):
    """CMP005: an audit file that names another test or did not pass."""
    root, folders = build(tmp_path, division="closed", online="Server")
    audit = folders["Offline"] / "audit"
    audit.mkdir()
    path = audit / "audit_consistency_output_test.json"
    for content, codes in ((json.dumps({"test": "consistency_output_test", "passed": False}), {"CMP005"}),
                           (json.dumps({"test": "output_caching_test", "passed": True}), {"CMP005"}),
                           ("[]", {"STR004"}), ("{", {"STR005"})):
        path.write_text(content, "utf-8")
        report = check_tree(str(root), round="v6.1")
        assert {f.code for f in _entry(report, "Offline").findings if f.is_error} == codes, content


def test_required_audit_missing(tmp_path):
    """wan-2.2 needs TEST04's audit (output caching); its other rules are not at issue here."""
    root, folders = build(tmp_path, division="closed", bench="wan-2.2-t2v-a14b")
    report = check_tree(str(root), round="v6.1")
    assert "CMP001" in {f.code for f in _entry(report, "Offline").findings if f.is_error}
    audit = folders["Offline"] / "audit"
    audit.mkdir()
    (audit / "audit_output_caching_test.json").write_text(
        json.dumps({"test": "output_caching_test", "passed": True}), "utf-8")
    report = check_tree(str(root), round="v6.1")
    assert "CMP001" not in {f.code for f in _entry(report, "Offline").findings}


def test_online_folder_needs_endpoints_files(tmp_path):
    root, folders = build(tmp_path)
    for p in sorted(folders["Online"].rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() else p.unlink()
    (folders["Online"] / "performance" / "run_1").mkdir(parents=True)
    report = check_tree(str(root), round="v6.1")
    assert "STR010" in {f.code for f in report.all_findings()}


def test_no_endpoints_before_v6_1(tmp_path):
    root, folders = build(tmp_path)
    report = check_tree(str(root), round="v6.0")
    assert "STR010" in {f.code for f in report.all_findings()}  # Online is no scenario there
    assert all(e.scenario_folder != "Online" for e in report.results)


def test_dotted_lookup():
    data = {"latency": {"early_stopping_percentiles": {"99.9": 5, "50": 1}}, "e": {}}
    assert get_dotted(data, "latency.early_stopping_percentiles.99.9") == 5
    assert get_dotted(data, "latency.early_stopping_percentiles.50.0") == 1
    assert get_dotted(data, "e") is None and get_dotted(data, "latency.x") is None
    assert get_dotted([1], "a") is None and get_dotted({"a": [1]}, "a.0") is None


def test_a_config_of_nested_aliases_is_refused_not_expanded(tmp_path):
    """A 'billion laughs' config.yaml: refused as malformed before anything is built."""
    root, folders = build(tmp_path)
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    laughs += [f"{c}: &{c} [{','.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    (folders["Offline"] / "config.yaml").write_text("\n".join(laughs) + "\n", "utf-8")
    report = check_tree(str(root), round="v6.1")
    entry = _entry(report, "Offline")
    [bad] = [f for f in entry.findings if f.code == "STR004"]
    assert "anchors and aliases are not accepted" in bad.message
    assert {f.code for f in _entry(report, "Online").findings if f.is_error} == set()
