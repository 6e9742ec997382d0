"""Small MLPerf Automotive v1.0 trees, valid and broken. No v1.0 round has been published, so
each is made from the published v0.5 one (closed/NVIDIA: bevformer SingleStream and
ConstantStream on Thor-X_TRT, with TEST01 and TEST04) moved into the v1.0 layout (the one
mlcommons/mlperf_automotive's preprocess_submission.py migrates to at 5d11f17c): measurements
and compliance tests inside each result's scenario folder, the system-info JSON named
measurements.json, code/ renamed src/, and LoadGen's three seeds rewritten to v1.0's in every
log. The official checker at 5d11f17c judged each tree; tests/oracle/automotive-v1.0.json keeps
its verdicts (benchmarks/oracle_automotive.py made it). `build(name, dest)` writes one tree
under `dest` and returns its root; each broken tree is the valid one with one edit."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from .conftest import corpus

__all__ = ["TREES", "build", "DIVISION", "SYSTEM", "MODEL", "SS", "CS"]

DIVISION = "closed/NVIDIA"
SYSTEM = "Thor-X_TRT"
MODEL = "bevformer"
_RESULTS = f"{DIVISION}/results/{SYSTEM}/{MODEL}"
SS = f"{_RESULTS}/SingleStream"  # the result folders, relative to the tree's root
CS = f"{_RESULTS}/ConstantStream"

# LoadGen's seeds: v0.5's (the published logs) and v1.0's (loadgen/mlperf.conf lines 19-21 and
# the checker's MODEL_CONFIG "v1.0" seeds, lines 144-149, at 5d11f17c).
_V05_SEEDS = {"qsl_rng_seed": 1575625098, "sample_index_rng_seed": 2227286192,
              "schedule_rng_seed": 3495234579}
_V10_SEEDS = {"qsl_rng_seed": 1215947953, "sample_index_rng_seed": 295229089,
              "schedule_rng_seed": 1380859451}


# -- editing LoadGen's logs ---------------------------------------------------------------------

def _json_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def set_detail(path: Path, key: str, value) -> None:
    """Set `key` in a mlperf_log_detail.txt: every `"key": "<key>", "value": ...` line."""
    text = path.read_text("utf-8")
    pattern = re.compile(r'("key": "' + re.escape(key) + r'", "value": )("[^"]*"|[^,]*)(,)')
    new, count = pattern.subn(lambda m: m.group(1) + _json_value(value) + m.group(3), text)
    assert count, f"{key} not in {path}"
    path.write_text(new, "utf-8")


def set_summary(path: Path, label: str, value) -> int:
    """Set the `<label> : value` line(s) of a mlperf_log_summary.txt; how many there were."""
    text = path.read_text("utf-8")
    pattern = re.compile(r"^(\s*" + re.escape(label) + r"\s*:\s*).*$", re.MULTILINE)
    new, count = pattern.subn(lambda m: m.group(1) + str(value), text)
    path.write_text(new, "utf-8")
    return count


def _rewrite_seeds(root: Path) -> None:
    for detail in root.rglob("mlperf_log_detail.txt"):
        text = detail.read_text("utf-8")
        for name, old in _V05_SEEDS.items():
            for prefix in ("effective_", "requested_"):
                text = text.replace(f'"key": "{prefix}{name}", "value": {old},',
                                    f'"key": "{prefix}{name}", "value": {_V10_SEEDS[name]},')
        detail.write_text(text, "utf-8")
    for summary in root.rglob("mlperf_log_summary.txt"):
        text = summary.read_text("utf-8")
        for name, old in _V05_SEEDS.items():
            text = re.sub(rf"^{name} : {old}$", f"{name} : {_V10_SEEDS[name]}", text,
                          flags=re.MULTILINE)
        summary.write_text(text, "utf-8")


# -- the valid tree -----------------------------------------------------------------------------

def _valid(base: Path) -> Path:
    """closed/NVIDIA of the published v0.5 round, moved into the v1.0 layout."""
    root = base / "tree"
    sub = root / DIVISION
    shutil.copytree(corpus("automotive-v0.5") / DIVISION, sub, symlinks=True)
    for path in [root, *root.rglob("*")]:  # the corpus is read-only; the copy must be writable
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    for scenario_dir in sorted((sub / "measurements").glob("*/*/*")):
        system, model, scenario = scenario_dir.parts[-3:]
        target = sub / "results" / system / model / scenario
        target.mkdir(parents=True, exist_ok=True)
        for item in sorted(scenario_dir.iterdir()):
            name = item.name
            if name == f"{system}_{scenario}.json" or name == f"{system}.json":
                name = "measurements.json"
            shutil.move(str(item), str(target / name))
    shutil.rmtree(sub / "measurements")
    for test_dir in sorted((sub / "compliance").glob("*/*/*/TEST*")):
        system, model, scenario = test_dir.parts[-4:-1]
        shutil.move(str(test_dir), str(sub / "results" / system / model / scenario / test_dir.name))
    shutil.rmtree(sub / "compliance")
    (sub / "code").rename(sub / "src")
    _rewrite_seeds(root)
    return root


# -- the broken ones: each the valid tree with one edit ------------------------------------------

def _perf(root: Path, result: str, name: str) -> Path:
    return root / result / "performance" / "run_1" / name


def _perf_key(result: str, key: str, value, label: str | None = None) -> Callable[[Path], None]:
    """Set a key of a result's performance log, and its summary line when there is one."""
    def change(root: Path) -> None:
        set_detail(_perf(root, result, "mlperf_log_detail.txt"), key, value)
        if label is not None:
            assert set_summary(_perf(root, result, "mlperf_log_summary.txt"), label, value)
    return change


def _seed_wrong(root: Path) -> None:
    set_detail(_perf(root, SS, "mlperf_log_detail.txt"), "effective_qsl_rng_seed", 1234567)
    set_detail(_perf(root, SS, "mlperf_log_detail.txt"), "requested_qsl_rng_seed", 1234567)
    assert set_summary(_perf(root, SS, "mlperf_log_summary.txt"), "qsl_rng_seed", 1234567)


def _result_invalid(root: Path) -> None:
    set_detail(_perf(root, SS, "mlperf_log_detail.txt"), "result_validity", "INVALID")
    assert set_summary(_perf(root, SS, "mlperf_log_summary.txt"), "Result is", "INVALID")


def _early_stopping_not_met(root: Path) -> None:
    set_detail(_perf(root, SS, "mlperf_log_detail.txt"), "early_stopping_met", False)
    assert set_summary(_perf(root, SS, "mlperf_log_summary.txt"), "Early stopping satisfied",
                       "No") == 1


def _accuracy_low(root: Path) -> None:
    path = root / SS / "accuracy" / "accuracy.txt"
    text = path.read_text("utf-8")
    new, count = re.subn(r"^mAP_3D:.*$", "mAP_3D:0.25", text, flags=re.MULTILINE)
    assert count == 1
    path.write_text(new, "utf-8")


def _verify_fail(root: Path) -> None:
    path = root / SS / "TEST01" / "verify_performance.txt"
    path.write_text(path.read_text("utf-8").replace("TEST PASS", "TEST FAIL"), "utf-8")


def _remove(relative: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / relative
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return change


def _rename(relative: str, to: str) -> Callable[[Path], None]:
    return lambda root: (root / relative).rename(root / to)


def _compliance_seed_wrong(root: Path) -> None:
    run = root / SS / "TEST01" / "performance" / "run_1"
    set_detail(run / "mlperf_log_detail.txt", "effective_qsl_rng_seed", 1234567)
    set_detail(run / "mlperf_log_detail.txt", "requested_qsl_rng_seed", 1234567)
    assert set_summary(run / "mlperf_log_summary.txt", "qsl_rng_seed", 1234567)


def _tree(change: Callable[[Path], None] | None = None) -> Callable[[Path], Path]:
    def make(base: Path) -> Path:
        root = _valid(base)
        if change is not None:
            change(root)
        return root
    return make


_BUILDERS: dict[str, tuple[Callable[[Path], None] | None, str]] = {
    "valid": (None, "the v0.5 NVIDIA bevformer submission in the v1.0 layout, v1.0 seeds"),
    "seed-wrong": (_seed_wrong, "SingleStream performance log: qsl_rng_seed 1234567"),
    "cs-min-query-count": (
        _perf_key(CS, "effective_min_query_count", 6636, "min_query_count"),
        "ConstantStream performance log: min_query_count 6636 (needs 100000)"),
    "cs-constant-gen-false": (
        _perf_key(CS, "effective_server_constant_gen", False),
        "ConstantStream performance log: effective_server_constant_gen false"),
    "grouped-qsl-false": (
        _perf_key(SS, "effective_use_grouped_qsl", False),
        "SingleStream performance log: effective_use_grouped_qsl false (bevformer needs it)"),
    "latency-percentile-0.99": (
        _perf_key(SS, "effective_target_latency_percentile", 0.99, "target_latency_percentile"),
        "SingleStream performance log: target_latency_percentile 0.99 (needs 0.999)"),
    "accuracy-low": (_accuracy_low, "SingleStream accuracy.txt: mAP_3D 0.25 (target 0.2657)"),
    "test04-missing": (_remove(f"{SS}/TEST04"), "SingleStream without its TEST04 folder"),
    "test01-performance-fail": (_verify_fail,
                                "SingleStream TEST01/verify_performance.txt says TEST FAIL"),
    "result-invalid": (_result_invalid, "SingleStream performance log: result_validity INVALID"),
    "measurements-missing": (_remove(f"{SS}/measurements.json"),
                             "SingleStream without its measurements.json"),
    "src-missing": (_remove(f"{DIVISION}/src"), "the submitter without src/"),
    # cheap extras
    "min-duration-short": (
        _perf_key(SS, "effective_min_duration_ms", 60000, "min_duration (ms)"),
        "SingleStream performance log: min_duration 60000 ms (needs 600000)"),
    "performance-sample-count-low": (
        _perf_key(SS, "effective_performance_sample_count", 128, "performance_sample_count"),
        "SingleStream performance log: performance_sample_count 128 (needs 256)"),
    "early-stopping-not-met": (
        _early_stopping_not_met,
        "SingleStream performance log: early_stopping_met false (summary: not satisfied)"),
    "src-benchmark-missing": (_remove(f"{DIVISION}/src/{MODEL}"),
                              "src/ without src/bevformer (only src/ must exist)"),
    "measurements-v0.5-name": (
        _rename(f"{SS}/measurements.json", f"{SS}/{SYSTEM}_SingleStream.json"),
                               "SingleStream's measurements JSON keeps its v0.5 name"),
    "test01-performance-seed-wrong": (
        _compliance_seed_wrong,
        "SingleStream TEST01 performance log: qsl_rng_seed 1234567 (its verification passes)"),
    "user-conf-missing": (_remove(f"{SS}/user.conf"), "SingleStream without its user.conf"),
    "singlestream-missing": (_remove(SS),
                             "only ConstantStream: the required SingleStream result is gone"),
}

TREES: dict[str, str] = {name: about for name, (_, about) in _BUILDERS.items()}


def build(name: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    return _tree(_BUILDERS[name][0])(dest)
