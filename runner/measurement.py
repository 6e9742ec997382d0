"""The measurement step: a scenario's accuracy run, its performance runs, and which of those is
closest to their median."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from . import verify
from .calibration import Calibration, user_conf
from .loadgen_runner import LoadgenRunner

__all__ = ["PerformanceRun", "PerformanceRuns", "SEVERAL_RUNS", "accuracy_run", "measure"]

# On a shared 2-core machine the speed of a sub-millisecond model swings by 2x over seconds
# (seen under one busy core: 2,800 to 5,500 SingleStream queries in 2-second runs), so that no
# single short run pins down a percentile or a throughput to the 10 % the compliance comparisons
# allow: each scenario starts with three runs.
SEVERAL_RUNS = ("SingleStream", "MultiStream", "Offline", "Server")
TRIES_PER_RUN = 3  # a run LoadGen calls INVALID is made again with wider margins, this often


def accuracy_run(runner: LoadgenRunner, cal: Calibration, scenario: str, base: str) -> float:
    """The scenario's accuracy-mode run, scored into base/accuracy/accuracy.txt; returns the
    accuracy in percent."""
    acc = os.path.join(base, "accuracy")
    runner.run(scenario, "accuracy", acc, user_conf(runner.conf, cal, scenario), accuracy=True)
    line, percent = verify.accuracy_report(os.path.join(acc, "mlperf_log_accuracy.json"),
                                           runner.backend.labels)
    with open(os.path.join(acc, "accuracy.txt"), "w", encoding="utf-8") as f:
        f.write(line + "\n")
    return percent


@dataclass(frozen=True)
class PerformanceRun:
    score: verify.Score
    outdir: str  # its logs, with its user.conf beside them as outdir.user.conf


class PerformanceRuns:
    """The performance runs of one scenario so far, each a candidate for the submitted run.

    A run LoadGen calls INVALID because its expectations were off is re-run with wider margins
    (calibration, not retrying until the numbers look good); `scale` keeps the widest margins
    reached, for the later runs of the scenario, compliance runs included.
    """

    def __init__(self, runner: LoadgenRunner, cal: Calibration, scenario: str, base: str) -> None:
        self.runner, self.cal, self.scenario, self.base = runner, cal, scenario, base
        self.submitted_dir = os.path.join(base, "performance")
        self.runs: list[PerformanceRun] = []
        self.scale = 1.0

    def user_conf(self) -> str:
        """The user.conf of the scenario at the margins reached so far."""
        return user_conf(self.runner.conf, self.cal, self.scenario, self.scale)

    def add(self) -> None:
        """One more performance run (and its re-runs while INVALID)."""
        outdir = f"{self.submitted_dir}.{len(self.runs)}"
        for attempt in range(1, TRIES_PER_RUN + 1):
            shutil.rmtree(outdir, ignore_errors=True)
            label = f"performance run {len(self.runs) + 1}" + (f" (attempt {attempt})" if attempt > 1 else "")
            self.runner.run(self.scenario, label, outdir, self.user_conf())
            score = verify.run_score(os.path.join(outdir, "mlperf_log_detail.txt"))
            if score.valid:
                break
            self.scale *= 2
        self.runs.append(PerformanceRun(score, outdir))

    def by_closeness(self) -> list[PerformanceRun]:
        """The runs, the one closest to their median first."""
        values = sorted(run.score.value for run in self.runs)
        median = values[len(values) // 2]
        return sorted(self.runs, key=lambda run: abs(run.score.value - median))

    def submit(self, chosen: PerformanceRun) -> None:
        """Make `chosen` the scenario's performance run (`submitted_dir`, with its user.conf beside
        it) and remove the other runs."""
        shutil.rmtree(self.submitted_dir, ignore_errors=True)
        os.rename(chosen.outdir, self.submitted_dir)
        os.rename(chosen.outdir + ".user.conf", self.submitted_dir + ".user.conf")
        for run in self.runs:
            shutil.rmtree(run.outdir, ignore_errors=True)


def measure(runner: LoadgenRunner, cal: Calibration, scenario: str, base: str) -> PerformanceRuns:
    """The first performance runs of a scenario: three where one run cannot pin the result down
    (SEVERAL_RUNS), else one."""
    runs = PerformanceRuns(runner, cal, scenario, base)
    for _ in range(3 if scenario in SEVERAL_RUNS else 1):
        runs.add()
    return runs
