"""Our own accuracy script and compliance verifications (TEST01, TEST04), written from the rules.

They write the files the checker reads: accuracy.txt ("accuracy=94.992%, good=1138,
total=1198"), verify_accuracy.txt and verify_performance.txt ending in "TEST PASS" or
"TEST FAIL: <why>".
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from infercheck.checker.core.loadgen_log import read_detail_log

__all__ = ["accuracy_report", "read_accuracy_log", "run_score", "verify_test01_accuracy",
           "verify_test01_performance", "verify_test04_performance"]


def read_accuracy_log(path: str) -> dict[int, str]:
    """qsl_idx -> hex response data, one entry per sample (LoadGen may log a sample twice)."""
    with open(path, encoding="utf-8") as f:
        entries = json.load(f)
    return {int(e["qsl_idx"]): e["data"] for e in entries}


def _label(data: str) -> int:
    return int(np.frombuffer(bytes.fromhex(data), dtype=np.int64)[0])


def accuracy_report(log_path: str, labels: np.ndarray) -> tuple[str, float]:
    """The accuracy.txt line of an accuracy run (top-1 against the labels) and the percentage."""
    responses = read_accuracy_log(log_path)
    good = sum(_label(data) == int(labels[idx]) for idx, data in responses.items())
    total = len(responses)
    percent = 100.0 * good / total if total else 0.0
    return f"accuracy={percent:.3f}%, good={good}, total={total}", percent


def verify_test01_accuracy(test_log: str, accuracy_log: str) -> tuple[bool, str]:
    """Responses logged in performance mode must equal the accuracy run's, sample by sample."""
    sampled = read_accuracy_log(test_log)
    reference = read_accuracy_log(accuracy_log)
    missing = [i for i in sampled if i not in reference]
    mismatch = [i for i in sampled if i in reference and sampled[i] != reference[i]]
    ok = bool(sampled) and not missing and not mismatch
    lines = [
        "Verifying accuracy: responses of the performance-mode run against the accuracy run.",
        f"num_acc_log_entries = {len(reference)}",
        f"num_perf_log_entries = {len(sampled)}",
        f"num_perf_log_qsl_idx_not_in_acc_log = {len(missing)}",
        f"num_perf_log_data_mismatch = {len(mismatch)}",
        "TEST PASS" if ok else "TEST FAIL: " + ("no sampled responses" if not sampled
                                               else "responses differ from the accuracy run"),
    ]
    return ok, "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Score:
    value: float
    valid: bool
    scenario: str
    is_latency: bool


def run_score(detail_log: str) -> Score:
    """The metric of a performance run, as the checker reports it (latency in ns here)."""
    log = read_detail_log(detail_log)
    scenario = log.get("effective_scenario")
    key = {"Offline": "result_samples_per_second", "Server": "result_completed_samples_per_sec",
           "SingleStream": "early_stopping_latency_ss",
           "MultiStream": "early_stopping_latency_ms"}[scenario]
    value = log.get(key)
    if value is None and scenario == "SingleStream":
        value = log.get("result_90.00_percentile_latency_ns")
    return Score(float(value or 0), log.get("result_validity") == "VALID", scenario,
                 scenario in ("SingleStream", "MultiStream"))


def _tolerance(ref: Score, wide: float, narrow: float) -> float:
    # Very short latencies are dominated by noise: 20 % (as the upstream scripts allow).
    small = {"SingleStream": 200_000, "MultiStream": 1_600_000}
    if ref.is_latency and ref.value <= small.get(ref.scenario, 0):
        return wide
    return narrow


def _perf_text(ref: Score, test: Score, ok: bool, why: str) -> str:
    return (f"Verifying performance.\nreference score = {ref.value}\ntest score = {test.value}\n"
            + ("TEST PASS\n" if ok else f"TEST FAIL: {why}\n"))


def verify_test01_performance(reference_log: str, test_log: str) -> tuple[bool, str]:
    """The TEST01 run (which logs some responses) must be within 10 % of the submission run."""
    ref, test = run_score(reference_log), run_score(test_log)
    if not test.valid:
        return False, _perf_text(ref, test, False, "the test run is not VALID")
    tolerance = _tolerance(ref, 0.20, 0.10)
    ratio = test.value / ref.value if ref.value else float("inf")
    ok = abs(ratio - 1) <= tolerance
    return ok, _perf_text(ref, test, ok, f"test differs from reference by {abs(ratio - 1):.1%}")


def verify_test04_performance(reference_log: str, test_log: str) -> tuple[bool, str]:
    """Issuing one sample again and again must not be more than 10 % faster (no caching); 20 %
    in SingleStream and MultiStream, as the official script has it (below)."""
    ref, test = run_score(reference_log), run_score(test_log)
    if not test.valid:
        return False, _perf_text(ref, test, False, "the test run is not VALID")
    if ref.is_latency:  # compare throughputs: 1e9 / latency
        ref_rate, test_rate = 1e9 / ref.value, 1e9 / test.value if test.value else float("inf")
    else:
        ref_rate, test_rate = ref.value, test.value
    # The official compliance/TEST04/verify_performance.py (v4.1: lines 136-143; HEAD 145-153)
    # tests its short-latency bounds (200000 SingleStream, 1600000 MultiStream) against the
    # score after it has made it a rate (1e9 / latency): every SingleStream run slower than
    # 5 us and every MultiStream run slower than 0.6 us gets its 20 %. TEST01's script compares
    # the latencies themselves (_tolerance). Ours gives the verdict the official script gives.
    small = {"SingleStream": 200_000, "MultiStream": 1_600_000}
    tolerance = 0.20 if ref.is_latency and ref_rate <= small.get(ref.scenario, 0) else 0.10
    ok = test_rate <= ref_rate * (1 + tolerance)
    return ok, _perf_text(ref, test, ok, f"test is {test_rate / ref_rate - 1:.1%} faster")
