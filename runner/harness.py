"""One LoadGen run of a backend: settings, the SUT and QSL callbacks, and where the logs go."""

from __future__ import annotations

import gc
import os
import threading
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

import mlperf_loadgen as lg
import numpy as np

__all__ = ["RunSettings", "loadgen_round_seeds", "loadgen_version", "run_loadgen"]

# LoadGen's compiled-in mlperf.conf knows the official model names; these are the ones it uses.
LOADGEN_MODEL_NAMES = {"resnet": "resnet50"}


def loadgen_version() -> str:
    try:
        return version("mlcommons-loadgen")
    except PackageNotFoundError:  # pragma: no cover - a dependency of the project
        return "unknown"


def loadgen_round_seeds() -> tuple[int, int, int]:
    """The seeds of the mlperf.conf compiled into the installed LoadGen."""
    ts = lg.TestSettings()
    ts.FromConfig("", "resnet50", "Offline", 0)
    return ts.qsl_rng_seed, ts.sample_index_rng_seed, ts.schedule_rng_seed


# user.conf key -> (TestSettings attribute, factor from the conf's unit to the attribute's).
_CONF_KEYS = {
    ("*", "min_duration"): ("min_duration_ms", 1),
    ("*", "performance_sample_count_override"): ("performance_sample_count_override", 1),
    ("SingleStream", "target_latency"): ("single_stream_expected_latency_ns", 1_000_000),
    ("MultiStream", "target_latency"): ("multi_stream_expected_latency_ns", 1_000_000),
    ("Offline", "target_qps"): ("offline_expected_qps", 1),
    ("Server", "target_qps"): ("server_target_qps", 1),
    ("Server", "target_latency"): ("server_target_latency_ns", 1_000_000),
    # In percent in a conf file, a fraction in TestSettings.
    ("SingleStream", "target_latency_percentile"): ("single_stream_target_latency_percentile", 0.01),
    ("MultiStream", "target_latency_percentile"): ("multi_stream_target_latency_percentile", 0.01),
    ("Server", "target_latency_percentile"): ("server_target_latency_percentile", 0.01),
}


def apply_user_conf(ts, path: str, model: str, scenario: str) -> None:
    """Apply the `model.scenario.key = value` lines of a user.conf to TestSettings."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if "=" not in line:
                continue
            key, value = (x.strip() for x in line.split("=", 1))
            conf_model, conf_scenario, name = key.split(".", 2)
            if conf_model not in (model, "*") or conf_scenario not in (scenario, "*"):
                continue
            target = _CONF_KEYS.get((scenario, name)) or _CONF_KEYS.get(("*", name))
            if target is None:
                raise ValueError(f"the runner cannot apply {key} from {path}")
            attr, factor = target
            # round: 99.9 * 0.01 is 0.9990000000000001, which LoadGen would log as such
            number = round(float(value) * factor, 12)
            fractional = attr.endswith(("_qps", "_percentile"))
            setattr(ts, attr, number if fractional else int(round(number)))


@dataclass
class RunSettings:
    """What one LoadGen run needs; the conf-file keys it writes are in `conf_lines`."""

    model: str  # the name used in user.conf lines
    scenario: str
    accuracy: bool
    outdir: str
    user_conf: str
    audit_config: str | None = None
    seeds: tuple[int, int, int] | None = None  # set when the round's seeds differ from LoadGen's
    extra: dict = field(default_factory=dict)


class Progress:
    """Counts completed samples; read by the progress display from another thread."""

    def __init__(self) -> None:
        self.samples = 0
        self.queries = 0
        self.lock = threading.Lock()

    def add(self, samples: int, queries: int = 0) -> None:
        with self.lock:
            self.samples += samples
            self.queries += queries


def run_loadgen(backend, settings: RunSettings, progress: Progress | None = None) -> float:
    """Run LoadGen once; its logs land in settings.outdir. Returns the wall time in seconds."""
    progress = progress or Progress()
    os.makedirs(settings.outdir, exist_ok=True)
    ts = lg.TestSettings()
    conf_model = LOADGEN_MODEL_NAMES.get(settings.model, settings.model)
    # LoadGen quirk: FromConfig with a user.conf works once per process; later calls log
    # "Multiple conf files are used" and lose the seeds. So load the compiled-in mlperf.conf
    # (conf_type 0 can be repeated) and apply the user.conf we wrote through the API.
    ts.FromConfig("", conf_model, settings.scenario, 0)
    apply_user_conf(ts, settings.user_conf, conf_model, settings.scenario)
    ts.scenario = getattr(lg.TestScenario, settings.scenario)
    ts.mode = lg.TestMode.AccuracyOnly if settings.accuracy else lg.TestMode.PerformanceOnly
    if settings.seeds is not None:
        ts.qsl_rng_seed, ts.sample_index_rng_seed, ts.schedule_rng_seed = settings.seeds

    def complete(samples) -> None:
        preds: np.ndarray = backend.predict([s.index for s in samples])
        base, size = preds.ctypes.data, preds.itemsize
        # LoadGen copies the response bytes before QuerySamplesComplete returns, so `preds`
        # only has to live until then.
        lg.QuerySamplesComplete([lg.QuerySampleResponse(s.id, base + i * size, size)
                                 for i, s in enumerate(samples)])
        progress.add(len(samples))

    def issue(samples) -> None:
        progress.add(0, queries=1)
        # Offline sends one query with every sample: answer it in batches.
        step = 256 if len(samples) > 256 else len(samples)
        for start in range(0, len(samples), step):
            complete(samples[start:start + step])

    def flush() -> None:
        pass

    sut = lg.ConstructSUT(issue, flush)
    qsl = lg.ConstructQSL(backend.total_count, min(backend.total_count, settings.extra.get(
        "performance_count", backend.total_count)), backend.load, backend.unload)
    out = lg.LogOutputSettings()
    out.outdir = settings.outdir
    out.copy_summary_to_stdout = False
    log = lg.LogSettings()
    log.log_output = out
    log.enable_trace = False
    start = time.perf_counter()
    # A garbage-collector pause in the middle of a run shows up as a latency outlier, and the
    # MultiStream result is a 99th percentile: collect before, not during.
    gc.collect()
    gc.disable()
    try:
        # An explicit audit path, never "audit.config" in the working directory by accident.
        audit = settings.audit_config or os.path.join(settings.outdir, "no-audit.config")
        lg.StartTestWithLogSettings(sut, qsl, ts, log, audit)
    finally:
        gc.enable()
        lg.DestroyQSL(qsl)
        lg.DestroySUT(sut)
    return time.perf_counter() - start
