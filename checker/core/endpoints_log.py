"""Reading the files of a Loadgen++ ("endpoints") run into the view LoadGen's logs give.

An endpoints run writes `config.yaml` (its settings), `performance/result_summary.json` and
`accuracy/accuracy_results.json` instead of `mlperf_log_detail.txt`. `read_endpoints_log` reads
them into a DetailLog whose keys are LoadGen's, so that the checks of LoadGen logs apply. Which
field gives which key is the rule pack's (`endpoints.fields`); this module holds only the way
to look them up. Every file or value that cannot be used is a ParseError or a problem listed
with the log, never an exception.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

from infercheck.checker.core.loadgen_log import DetailLog
from infercheck.checker.core.textfile import ParseError, read_json, read_text
from infercheck.checker.core.user_files import UserFileError, parse_user_yaml

__all__ = ["EndpointsLog", "ValueProblem", "find_config", "get_dotted", "read_endpoints_log"]


@dataclass
class ValueProblem:
    """A field the pack maps that holds the wrong type."""

    file: str  # relative to the tree
    key: str  # the LoadGen key
    path: str  # where in the file
    expected: str
    found: str


@dataclass
class EndpointsLog(DetailLog):
    """A DetailLog read from endpoints files; `problems` lists the values of the wrong type and
    `parse_errors` the files that could not be read (the caller turns both into findings)."""

    problems: list[ValueProblem] = field(default_factory=list)
    parse_errors: list[ParseError] = field(default_factory=list)
    accuracy_scores: list[Any] = field(default_factory=list)
    raw_scenario: Any = None  # effective_scenario as the files give it
    run_read: bool = True  # False when the run's JSON file could not be used


def get_dotted(data: Any, dotted: str) -> Any:
    """The value at a dotted path, or None. The longest key that matches wins at each level, so
    "latency.early_stopping_percentiles.99.9" finds the key "99.9"; a path ending in ".0" also
    finds a whole-number key ("50.0" finds "50"), as the official reader does
    (parsers/endpoints_parser.py _get_nested). Empty containers count as absent."""
    parts = dotted.split(".")
    current, i = data, 0
    while i < len(parts):
        if not isinstance(current, dict):
            if parts[i:] == ["0"] and not isinstance(current, list):
                return current
            return None
        for j in range(len(parts), i, -1):
            candidate = ".".join(parts[i:j])
            if candidate in current:
                current, i = current[candidate], j
                break
        else:
            return None
    if isinstance(current, (dict, list)) and not current:
        return None
    return current


def find_config(folder: str, names: list[str]) -> str | None:
    """The first of the config file names present in the result folder."""
    for name in names:
        if os.path.exists(os.path.join(folder, name)):
            return name
    return None


def _read_yaml(path: str) -> Any:
    """config.yaml, its anchors and aliases refused and its nesting bounded before anything is
    built (a few hundred bytes of nested aliases expand to gigabytes)."""
    text = read_text(path)
    try:
        return parse_user_yaml(text, path)
    except UserFileError as exc:
        raise ParseError(path, "malformed", exc.reason) from None


def _read_json_object(path: str, rel: str, log: EndpointsLog) -> dict:
    try:
        data = read_json(path)
    except ParseError as err:
        log.parse_errors.append(ParseError(rel, err.kind, err.reason, err.line))
        return {}
    except RecursionError:  # json.loads gives up on a few thousand nested brackets
        log.parse_errors.append(ParseError(rel, "malformed", "JSON nested too deeply"))
        return {}
    if not isinstance(data, dict):
        log.parse_errors.append(ParseError(rel, "malformed",
                                           f"a JSON {type(data).__name__}, not an object"))
        return {}
    return data


def _type_problem(value: Any, wanted: str | None) -> str | None:
    """What is wrong with a value of a typed field, or None."""
    if wanted is None:
        return None
    if wanted == "string":
        return None if isinstance(value, str) else type(value).__name__
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return type(value).__name__
    if not math.isfinite(value):
        return str(value)
    if wanted == "integer" and not (isinstance(value, int) or float(value).is_integer()):
        return "a fraction"
    return None


def _accuracy_sample_count(data: dict) -> int | None:
    """Samples of the accuracy run: the sum over its accuracy data sets (gpt-oss has three), each
    its total_samples or else its issued responses (parsers/endpoints_parser.py
    _endpoint_accuracy_sample_count). Entries of another dataset_type are not counted."""
    counts = []
    scores = data.get("accuracy_scores")
    for entry in scores if isinstance(scores, list) else []:
        if not isinstance(entry, dict):
            continue
        if entry.get("dataset_type") not in (None, "accuracy"):
            continue
        total = entry.get("total_samples")
        if total is None:
            responses = entry.get("response_counts")
            total = responses.get("issued") if isinstance(responses, dict) else None
        if isinstance(total, (int, float)) and not isinstance(total, bool) and math.isfinite(total):
            counts.append(int(total))
    return sum(counts) if counts else None


def read_endpoints_log(folder: str, result_rel: str, spec: dict, mode: str,
                       folder_scenario: str | None = None) -> EndpointsLog:
    """The LoadGen view of an endpoints result in `folder` (absolute; `result_rel` is the same
    folder relative to the tree, for the paths of findings). `spec` is the pack's `endpoints`
    section; `mode` is "performance" or "accuracy"; `folder_scenario` the scenario of the
    result's folder, which `effective_scenario` becomes where the pack says the folder decides.
    An `effective_scenario` the pack does not know is kept as written, in `raw_scenario` too."""
    run_file = spec["performance_file"] if mode == "performance" else spec["accuracy_file"]
    log = EndpointsLog(f"{result_rel}/{run_file}")
    run = _read_json_object(os.path.join(folder, *run_file.split("/")), log.path, log)
    log.run_read = not log.parse_errors
    config: Any = {}
    name = find_config(folder, spec["config_files"])
    if name is None:
        log.parse_errors.append(ParseError(f"{result_rel}/{spec['config_files'][0]}", "missing",
                                           "file not found"))
    else:
        rel = f"{result_rel}/{name}"
        try:
            config = _read_yaml(os.path.join(folder, name))
        except ParseError as err:
            log.parse_errors.append(ParseError(rel, err.kind, err.reason, err.line))
            config = {}
        if config is None:
            config = {}
        if not isinstance(config, dict):
            log.parse_errors.append(ParseError(rel, "malformed",
                                               f"a YAML {type(config).__name__}, not a mapping"))
            config = {}
    for key, where in (spec.get("fields") or {}).items():
        if not where:
            continue
        json_paths, yaml_paths = where["json"], where.get("yaml") or []
        # The official order: the run's JSON, then config.yaml's own paths, then the JSON path.
        lookups = ([(log.path, run, p) for p in json_paths]
                   + [(f"{result_rel}/{name}", config, p) for p in [*yaml_paths, json_paths[0]]])
        for file, data, path in lookups:
            value = get_dotted(data, path)
            if value is None:
                continue
            wrong = _type_problem(value, where.get("type"))
            if wrong is not None:
                log.problems.append(ValueProblem(file, key, path, where["type"], wrong))
            else:
                log.values[key] = value
            break
    if mode == "accuracy":
        count = _accuracy_sample_count(run)
        if count is not None:
            log.values["effective_accuracy_sample_count"] = count
            log.values.setdefault("qsl_reported_total_count", count)
        scores = run.get("accuracy_scores")
        for entry in scores if isinstance(scores, list) else []:
            if isinstance(entry, dict) and entry.get("score") is not None:
                log.accuracy_scores.append(entry["score"])
    raw = log.values.get("effective_scenario")
    log.raw_scenario = raw
    if folder_scenario in (spec.get("folder_scenarios") or []):
        log.values["effective_scenario"] = folder_scenario
    elif isinstance(raw, str):
        known = {k.lower(): v for k, v in (spec.get("scenario_values") or {}).items()}
        log.values["effective_scenario"] = known.get(raw.strip().lower(), raw)
    for key, source in (spec.get("inferred_fields") or {}).items():
        if key not in log.values and source in log.values:
            log.values[key] = log.values[source]
    _infer_qps(log, spec)
    return log


def _infer_qps(log: EndpointsLog, spec: dict) -> None:
    """Samples per second from the count and the duration when the run does not give it
    (parsers/endpoints_parser.py, after the inferred fields)."""
    duration, count = log.values.get("generated_query_duration"), log.values.get("generated_query_count")
    scenario = log.values.get("effective_scenario")
    if not (duration and count and isinstance(scenario, str)):
        return
    # Offline's key for an Offline run, the completed rate (Server's) for any other.
    keys = spec.get("result_keys") or {}
    key = keys.get("Offline") if scenario == "Offline" else keys.get("Server")
    if key and key not in log.values and duration > 0:
        log.values[key] = count / (duration / 1e9)
