"""The calibration step: how fast the model is on this machine, and the LoadGen expectations
(user.conf) that follow from it."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np

from . import verify
from .loadgen_runner import LoadgenRunner, SharedConf

__all__ = ["Calibration", "calibrate", "offline_probe", "user_conf"]

PROBE_MIN_DURATION_MS = 500


@dataclass(frozen=True)
class Calibration:
    single_latency_s: float
    batch8_latency_s: float
    throughput: float


def calibrate(runner: LoadgenRunner, probe_dir: str) -> Calibration:
    """Time the real model on the real data, then measure Offline throughput through LoadGen.

    Latencies come from timing the model directly (LoadGen then gets a lower expectation, so it
    never runs out of generated queries); throughput comes from a short Offline run, because for a
    fast model LoadGen's own per-sample work is what limits it.
    """
    backend, count = runner.backend, runner.conf.performance_count
    runner.display.phase(f"calibrating {backend.name} ({backend.framework}) on {backend.total_count} samples")
    indices = list(range(count))
    backend.load(indices)
    backend.predict(indices[:8])  # warm-up
    singles = []
    for i in indices[:64]:
        t = time.perf_counter()
        backend.predict([i])
        singles.append(time.perf_counter() - t)
    batches = [indices[start:start + 8] for start in range(0, min(count, 64), 8)]
    t = time.perf_counter()
    for batch in batches:
        backend.predict(batch)
    batch8 = (time.perf_counter() - t) / len(batches)
    direct = 8 / batch8
    # A modest expectation keeps the calibration run short; LoadGen reports what it achieved.
    throughput = offline_probe(runner, probe_dir, min(direct, 20000.0))
    return Calibration(float(np.median(singles)), batch8, throughput)


def offline_probe(runner: LoadgenRunner, outdir: str, qps: float) -> float:
    """The throughput a short Offline run achieves when LoadGen expects `qps`."""
    conf = runner.conf
    runner.run("Offline", "calibration", outdir, (
        f"{conf.model}.*.performance_sample_count_override = {conf.performance_count}\n"
        f"{conf.model}.*.min_duration = {PROBE_MIN_DURATION_MS}\n"
        f"{conf.model}.Offline.target_qps = {qps:.1f}\n"))
    return verify.run_score(os.path.join(outdir, "mlperf_log_detail.txt")).value


def user_conf(conf: SharedConf, cal: Calibration, scenario: str, scale: float = 1.0) -> str:
    """LoadGen's expectations: latency under-estimated and Offline QPS over-estimated on
    purpose, so that LoadGen neither runs out of generated queries nor ends a run early.
    `scale` widens both margins for a run LoadGen called INVALID."""
    model = conf.model
    lines = [f"{model}.*.performance_sample_count_override = {conf.performance_count}",
             f"{model}.*.min_duration = {conf.min_duration_ms}"]
    if scenario == "SingleStream":
        lines.append(f"{model}.SingleStream.target_latency = {cal.single_latency_s * 1e3 * 0.5 / scale:.4f}")
    elif scenario == "MultiStream":
        lines.append(f"{model}.MultiStream.target_latency = {cal.batch8_latency_s * 1e3 * 0.5 / scale:.4f}")
    elif scenario == "Offline":
        # 1.5x: on a noisy machine a faster stretch must not end the run before min_duration.
        lines.append(f"{model}.Offline.target_qps = {cal.throughput * 1.5 * scale:.1f}")
    elif scenario == "Server":
        qps = min(0.4 / max(cal.single_latency_s, 1e-6), 0.4 * cal.throughput) / scale
        lines.append(f"{model}.Server.target_qps = {qps:.1f}")
        if conf.server_bound_ns:
            lines.append(f"{model}.Server.target_latency = {conf.server_bound_ns / 1e6:g}")
    if conf.latency_percentile is not None and scenario != "Offline":
        lines.append(f"{model}.{scenario}.target_latency_percentile = "
                     f"{conf.latency_percentile * 100:g}")
    return "\n".join(lines) + "\n"
