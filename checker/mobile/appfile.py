"""The MLPerf Mobile app's exported results, in every form published rounds hold.

Three JSON generations (legacy Android app, Flutter 2, Flutter 3/4: one JSON Schema each in
schemas/) and the Windows command-line tool's text excerpts (performance_results.txt and
accuracy_results.txt). All become `AppExport`: one `AppRun` per benchmark id and scenario, in the
units the checks compare (seconds, queries per second, normalised accuracy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from infercheck.checker.core.coerce import as_count, as_float
from infercheck.checker.core.textfile import loads, read_text
from infercheck.schemas import load_schema

__all__ = ["AppExport", "AppFileError", "AppRun", "generation_of", "number_in", "read_app_json",
           "read_cli_text"]

GENERATION_SCHEMAS = {"legacy": "mobile_result_legacy", "flutter2": "mobile_result_flutter2",
                      "flutter3": "mobile_result_flutter3"}


class AppFileError(Exception):
    """A result file that cannot be used; `kind` is "json" (not JSON) or "schema"."""

    def __init__(self, path: str, kind: str, reason: str, locator: str | None = None,
                 generation: str | None = None) -> None:
        super().__init__(reason)
        self.path, self.kind, self.reason = path, kind, reason
        self.locator, self.generation = locator, generation


@dataclass
class AppRun:
    benchmark_id: str
    scenario: str
    locator: str
    score: float | None = None           # the app's throughput: 1/p90 for SingleStream, samples/s Offline
    p90_s: float | None = None
    query_count: int | None = None
    duration_s: float | None = None
    samples: int | None = None
    valid: bool | None = None
    min_duration_met: bool | None = None
    min_query_met: bool | None = None
    early_stopping_met: bool | None = None
    accuracy: float | None = None        # normalised (0-1), as the app stores it
    accuracy_text: str | None = None     # as the app shows it ("82.14%", "0.2740 mAP")
    accuracy_samples: int | None = None
    min_duration_s: float | None = None
    min_samples: int | None = None
    framework: str | None = None
    accelerator: str | None = None
    backend: str | None = None


@dataclass
class AppExport:
    path: str
    generation: str
    runs: list[AppRun] = field(default_factory=list)
    device: dict[str, str | None] = field(default_factory=dict)
    build: dict[str, Any] = field(default_factory=dict)


def generation_of(data: Any) -> str | None:
    if isinstance(data, dict):
        return "flutter3"
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return "flutter2" if "results" in data[0] else "legacy"
    return None


def _validate(path: str, data: Any, generation: str) -> None:
    schema = load_schema(GENERATION_SCHEMAS[generation])
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: e.json_path)
    if errors:
        first = errors[0]
        raise AppFileError(path, "schema", first.message, first.json_path, generation)


def read_app_json(path: str) -> AppExport:
    """Read and validate one result(s).json; raises ParseError (unreadable) or AppFileError."""
    text = read_text(path)
    try:
        data = loads(text)
    except ValueError as exc:
        raise AppFileError(path, "json", f"not valid JSON ({exc})") from None
    generation = generation_of(data)
    if generation is None:
        raise AppFileError(path, "schema", "neither an object nor a list of objects: not an app "
                                           "result file", "$")
    _validate(path, data, generation)
    export = AppExport(path, generation)
    {"legacy": _legacy, "flutter2": _flutter2, "flutter3": _flutter3}[generation](data, export)
    return export


def _dict(value: Any) -> dict:
    # The schemas fix the fields the checks need; elsewhere a file may hold anything.
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return None if value in (None, "") or isinstance(value, (dict, list)) else str(value)


def _backend(result: dict, run: AppRun) -> None:
    settings = _dict(result.get("backend_settings"))
    info = _dict(result.get("backend_info"))
    run.framework = _str(settings.get("framework")) or _str(settings.get("configuration"))
    run.accelerator = _str(settings.get("accelerator_desc")) or _str(info.get("accelerator_name"))
    run.backend = _str(info.get("backend_name")) or _str(info.get("filename"))


def _flutter3(data: dict, export: AppExport) -> None:
    for i, result in enumerate(data["results"]):
        run = AppRun(result["benchmark_id"], result["loadgen_scenario"], f"$.results[{i}]",
                     min_duration_s=as_float(result.get("min_duration")),
                     min_samples=as_count(result.get("min_samples")))
        _backend(result, run)
        perf = result.get("performance_run")
        if perf:
            run.score = as_float((perf.get("throughput") or {}).get("value"))
            run.duration_s = as_float(perf.get("measured_duration"))
            run.samples = as_count(perf.get("measured_samples"))
            loadgen = perf.get("loadgen")
            if loadgen:
                run.p90_s = as_float(loadgen.get("latency90"))
                run.query_count = as_count(loadgen.get("query_count"))
                run.valid = loadgen.get("is_result_valid")
                run.min_duration_met = loadgen.get("is_min_duration_met")
                run.min_query_met = loadgen.get("is_min_query_met")
                run.early_stopping_met = loadgen.get("is_early_stopping_met")
            elif perf.get("loadgen_info"):
                run.valid = perf["loadgen_info"].get("validity")
        acc = result.get("accuracy_run")
        if acc and acc.get("accuracy"):
            run.accuracy = as_float(acc["accuracy"].get("normalized"))
            run.accuracy_text = acc["accuracy"].get("formatted")
            run.accuracy_samples = as_count(acc.get("measured_samples"))
        export.runs.append(run)
    env = _dict(data.get("environment_info"))
    value = _dict(env.get("value"))
    android, ios, windows = (_dict(value.get(k)) for k in ("android", "ios", "windows"))
    if android:
        props = {_str(p.get("type")): p.get("value") for p in _list(android.get("props"))
                 if isinstance(p, dict)}
        soc = _str(props.get("socName")) or _str(android.get("proc_cpuinfo_soc_name"))
        export.device = {"manufacturer": _str(android.get("manufacturer")),
                         "model": _str(android.get("model_name")) or _str(android.get("model_code")),
                         "soc": None if soc == "Unknown" else soc,
                         "os": _str(android.get("os_version")), "platform": "android"}
    elif ios:
        export.device = {"manufacturer": "Apple",
                         "model": _str(ios.get("model_name")) or _str(ios.get("model_code")),
                         "soc": _str(ios.get("soc_name")), "os": _str(ios.get("os_version")),
                         "platform": "ios"}
    elif windows:
        export.device = {"manufacturer": None, "model": None, "soc": _str(windows.get("cpu_full_name")),
                         "os": _str(windows.get("os_version")), "platform": "windows"}
    export.build = _dict(data.get("build_info"))


def _flutter2(data: list, export: AppExport) -> None:
    for k, item in enumerate(data):
        for i, result in enumerate(item["results"]):
            run = AppRun(result["benchmark_id"], result["loadgen_scenario"],
                         f"$[{k}].results[{i}]",
                         min_duration_s=(as_float(result.get("min_duration_ms")) or 0.0) / 1000,
                         min_samples=as_count(result.get("min_samples")))
            _backend(result, run)
            perf = result.get("performance_run")
            if perf:
                run.score = as_float(perf.get("throughput"))
                duration_ms = as_float(perf.get("measured_duration_ms"))
                run.duration_s = duration_ms / 1000 if duration_ms is not None else None
                run.samples = as_count(perf.get("measured_samples"))
                run.valid = perf.get("loadgen_validity")
            acc = result.get("accuracy_run")
            if acc and acc.get("accuracy"):
                run.accuracy = as_float(acc["accuracy"].get("value"))
                run.accuracy_text = acc["accuracy"].get("string")
                # The v2.1 app records 0 samples for every accuracy run; the logs tell the truth.
                run.accuracy_samples = as_count(acc.get("measured_samples")) or None
            export.runs.append(run)
        env = _dict(item.get("environment_info"))
        export.device = {"manufacturer": _str(env.get("manufacturer")), "model": _str(env.get("model")),
                         "soc": None, "os": _str(env.get("os_version")), "platform": _str(env.get("os_name"))}
        export.build = _dict(item.get("build_info"))


def _legacy(data: list, export: AppExport) -> None:
    runs: dict[str, AppRun] = {}
    for i, entry in enumerate(data):
        bench_id = entry["benchmark_id"]
        scenario = "Offline" if bench_id.lower().endswith("_offline") else "SingleStream"
        run = runs.setdefault(bench_id, AppRun(bench_id, scenario, f"$[{i}]"))
        min_duration = as_float(entry.get("min_duration"))
        run.min_duration_s = min_duration / 1000 if min_duration is not None else run.min_duration_s
        run.min_samples = as_count(entry.get("min_samples")) or run.min_samples
        run.framework = run.framework or _str(_dict(entry.get("configuration")).get("runtime"))
        if "accuracy" in entry.get("mode", ""):
            run.accuracy_text = entry.get("accuracy")
            run.accuracy_samples = as_count(entry.get("num_samples")) or None
        else:
            run.score = as_float(entry.get("score"))
            duration = as_float(entry.get("duration"))
            run.duration_s = duration / 1000 if duration is not None else None
            run.samples = as_count(entry.get("num_samples"))
            run.locator = f"$[{i}]"
    export.runs.extend(runs.values())


_BLOCK = re.compile(r"^#+\s*([A-Za-z0-9_]+)\s*#+\s*$")
_NUMBER = r"([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"


def read_cli_text(performance: str | None, accuracy: str | None) -> AppExport:
    """The command-line tool's excerpts: `#####<benchmark id>#####` blocks of summary lines."""
    export = AppExport(performance or accuracy or "", "cli-text")
    runs: dict[str, AppRun] = {}

    def blocks(path: str):
        current = None
        for n, line in enumerate(read_text(path).splitlines(), 1):
            head = _BLOCK.match(line.strip())
            if head:
                current = head.group(1)
                continue
            if current:
                yield current, line, n

    def run_for(bench_id: str, path: str, n: int) -> AppRun:
        if bench_id not in runs:
            scenario = "Offline" if "offline" in bench_id.lower() else "SingleStream"
            runs[bench_id] = AppRun(bench_id, scenario, f"{path.rsplit('/', 1)[-1]}:{n}")
        return runs[bench_id]

    if performance:
        for bench_id, line, n in blocks(performance):
            run = run_for(bench_id, performance, n)
            if m := re.search(r"90th percentile latency \(ns\)\s*:\s*" + _NUMBER, line):
                run.p90_s = float(m.group(1)) / 1e9
                run.score = 1 / run.p90_s if run.p90_s else None
            elif m := re.search(r"Samples per second\s*:\s*" + _NUMBER, line):
                run.score = float(m.group(1))
            elif m := re.search(r"Result is\s*:\s*(\w+)", line):
                run.valid = m.group(1).upper() == "VALID"
    if accuracy:
        for bench_id, line, n in blocks(accuracy):
            if m := re.search(r"Accuracy:\s*(.+?)\s*$", line):
                run_for(bench_id, accuracy, n).accuracy_text = m.group(1)
    export.runs.extend(runs.values())
    return export


def number_in(text: str | None) -> float | None:
    """The number in an accuracy string such as "82.14%", "0.2740 mAP" or "33.39 dB"."""
    if not text:
        return None
    m = re.search(_NUMBER, text)
    return float(m.group(1)) if m else None
