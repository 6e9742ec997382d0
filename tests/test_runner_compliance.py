"""The runner's compliance runs on a machine whose speed swings: a TEST04 or TEST01 run that
LoadGen calls INVALID because its expectations were off is made again with wider margins, as a
performance run is; the verification's thresholds stay the round's (runner/compliance.py)."""

from __future__ import annotations

import json
import os
from types import SimpleNamespace

import numpy as np

from infercheck.runner import compliance, verify
from infercheck.runner.calibration import Calibration
from infercheck.runner.loadgen_runner import SharedConf
from infercheck.runner.measurement import PerformanceRuns


def _detail_log(outdir: str, scenario: str, rate: float, valid: bool) -> None:
    values = {"effective_scenario": scenario, "result_samples_per_second": rate,
              "result_validity": "VALID" if valid else "INVALID"}
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "mlperf_log_detail.txt"), "w", encoding="utf-8") as f:
        for key, value in values.items():
            f.write(":::MLLOG " + json.dumps({
                "key": key, "value": value, "time_ms": 0.0, "namespace": "mlperf::logging",
                "event_type": "POINT_IN_TIME", "metadata": {
                    "is_error": False, "is_warning": False, "file": "x.cc", "line_no": 1,
                    "pid": 1, "tid": 1}}) + "\n")


class _Runner:
    """Stands for LoadgenRunner: each run writes the next (rate, valid) it is given."""

    def __init__(self, outcomes):
        self.outcomes = iter(outcomes)
        self.calls: list[tuple[str, str]] = []
        self.backend = SimpleNamespace(accuracy_log_sampling_target=128,
                                       labels=np.zeros(4, dtype=np.int64))
        self.conf = SharedConf(model="digits", min_duration_ms=2000, performance_count=1024,
                               server_bound_ns=None)

    def run(self, scenario, label, outdir, conf_text, *, accuracy=False, audit=None):
        self.calls.append((label, conf_text))
        rate, valid = next(self.outcomes)
        _detail_log(outdir, scenario, rate, valid)


def _qps(conf_text: str) -> float:
    (line,) = [x for x in conf_text.splitlines() if ".Offline.target_qps" in x]
    return float(line.split("=")[1])


def test_an_invalid_test04_run_is_made_again_with_wider_margins(tmp_path):
    runner = _Runner([(50000, False), (51000, True)])
    runs = PerformanceRuns(runner, Calibration(1e-4, 5e-4, 40000.0), "Offline", str(tmp_path))
    made = compliance._run_test(runs, "TEST04", 1)
    assert [label for label, _ in runner.calls] == ["TEST04", "TEST04, wider margins"]
    assert _qps(runner.calls[1][1]) == 2 * _qps(runner.calls[0][1]) == 120000.0
    assert runs.scale == 2  # the scenario's later runs keep the wider margins
    log = os.path.join(made.folder, "performance", "run_1", "mlperf_log_detail.txt")
    assert verify.run_score(log).valid and verify.run_score(log).value == 51000


def test_the_test04_threshold_is_the_rounds(tmp_path):
    """Nothing was loosened: Offline TEST04 may be at most 10 % faster than the run submitted."""
    ref, fast, ok = (str(tmp_path / n) for n in ("ref", "fast", "ok"))
    _detail_log(ref, "Offline", 40000, True)
    _detail_log(fast, "Offline", 44100, True)
    _detail_log(ok, "Offline", 43900, True)
    passed, text = verify.verify_test04_performance(os.path.join(ref, "mlperf_log_detail.txt"),
                                                    os.path.join(fast, "mlperf_log_detail.txt"))
    assert not passed and text.splitlines()[-1] == "TEST FAIL: test is 10.3% faster"
    passed, text = verify.verify_test04_performance(os.path.join(ref, "mlperf_log_detail.txt"),
                                                    os.path.join(ok, "mlperf_log_detail.txt"))
    assert passed and text.splitlines()[-1] == "TEST PASS"
