"""One LoadGen run as every step of the pipeline makes it: its user.conf written beside its logs,
its progress shown, the round's seeds applied."""

from __future__ import annotations

import os
from dataclasses import dataclass

from . import harness
from .backends import Backend
from .display import Display

__all__ = ["LoadgenRunner", "SharedConf"]


@dataclass(frozen=True)
class SharedConf:
    """The user.conf settings every run of one submission shares."""

    model: str  # LoadGen's name for the benchmark, the first part of each user.conf key
    min_duration_ms: int
    performance_count: int
    server_bound_ns: int | None  # the round's Server latency bound, if it has one
    # The latency percentile the round requires (Automotive: 0.999), else LoadGen's own.
    latency_percentile: float | None = None


@dataclass(frozen=True)
class LoadgenRunner:
    backend: Backend
    display: Display
    conf: SharedConf
    seeds: tuple[int, int, int] | None  # set when the round's seeds differ from LoadGen's

    def run(self, scenario: str, label: str, outdir: str, conf_text: str, *,
            accuracy: bool = False, audit: str | None = None) -> None:
        """Run LoadGen once with `conf_text` as its user.conf (kept as `outdir`.user.conf, the
        file the tree's measurements folder gets); its logs land in `outdir`."""
        conf = outdir + ".user.conf"
        os.makedirs(os.path.dirname(conf), exist_ok=True)
        with open(conf, "w", encoding="utf-8") as f:
            f.write(conf_text)
        progress = harness.Progress()
        self.display.phase(f"{scenario} {label}", progress)
        harness.run_loadgen(self.backend, harness.RunSettings(
            model=self.conf.model, scenario=scenario, accuracy=accuracy, outdir=outdir,
            user_conf=conf, audit_config=audit, seeds=self.seeds,
            extra={"performance_count": self.conf.performance_count}), progress)
        self.display.end_phase()
