"""Parsing of LoadGen's `mlperf_log_detail.txt`: the keys the checks need, errors and warnings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .textfile import ParseError, read_text

__all__ = ["DetailLog", "parse_detail_log", "read_detail_log"]

_PREFIXES = (":::MLLOG ", ":::ENDPTS ")
_KEY = '"key": "'

# Only these keys are decoded; the other lines (some of them hundreds of kB of sample
# indices) are checked for shape and skipped, which keeps parsing fast.
WANTED_KEYS = frozenset({
    "loadgen_version", "effective_scenario", "effective_test_mode", "effective_performance_sample_count",
    "effective_qsl_rng_seed", "effective_sample_index_rng_seed", "effective_schedule_rng_seed",
    "effective_min_duration_ms", "effective_min_query_count", "effective_samples_per_query",
    "effective_target_latency_ns", "effective_sample_concatenate_permutation",
    "effective_accuracy_sample_count", "qsl_reported_total_count", "requested_use_token_latencies",
    "early_stopping_met", "early_stopping_result", "early_stopping_latency_ss",
    "early_stopping_latency_ms", "result_validity", "result_samples_per_second",
    "result_completed_samples_per_sec", "result_scheduled_samples_per_sec",
    "result_tokens_per_second", "result_completed_tokens_per_second",
    "result_inferred_tokens_per_second", "result_inferred_completed_tokens_per_second",
    "result_90.00_percentile_latency_ns", "result_99.00_percentile_latency_ns",
    "result_99.00_percentile_per_query_latency_ns", "result_mean_latency_ns",
    "result_mean_query_latency_ns", "result_qps_without_loadgen_overhead",
    "result_first_token_99.00_percentile_latency_ns",
    "result_time_per_output_token_99.00_percentile_ns", "result_query_count",
    "result_min_duration_met", "result_min_queries_met", "result_perf_constraints_met",
    "power_begin", "power_end", "sut_name", "test05_qsl_rng_seed",
})


@dataclass
class LogMessage:
    key: str
    value: Any
    line: int


@dataclass
class DetailLog:
    path: str
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    errors: list[LogMessage] = field(default_factory=list)
    warnings: list[LogMessage] = field(default_factory=list)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def parse_detail_log(text: str, path: str) -> DetailLog:
    log = DetailLog(path)
    seen_any = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        if not raw.startswith(_PREFIXES):
            continue
        seen_any = True
        line = raw.rstrip()
        if not line.endswith("}"):
            raise ParseError(path, "malformed", "log line is cut off", lineno)
        start = line.find(_KEY)
        if start < 0:
            raise ParseError(path, "malformed", "log line has no key", lineno)
        start += len(_KEY)
        key = line[start: line.find('"', start)]
        is_error = '"is_error": true' in line
        is_warning = '"is_warning": true' in line
        if key not in WANTED_KEYS and not is_error and not is_warning:
            continue
        try:
            event = json.loads(line[line.index("{"):])
        except (ValueError, TypeError) as exc:
            raise ParseError(path, "malformed", f"log line is not JSON ({exc})", lineno) from None
        value = event.get("value")
        if is_error:
            log.errors.append(LogMessage(key, value, lineno))
        elif is_warning:
            log.warnings.append(LogMessage(key, value, lineno))
        # LoadGen repeats some keys; the first occurrence is the one the official tool reads.
        if key in WANTED_KEYS and key not in log.values:
            log.values[key] = value
            log.lines[key] = lineno
    if not seen_any:
        raise ParseError(path, "malformed", "no ':::MLLOG' lines: not a LoadGen detail log")
    return log


def read_detail_log(path: str) -> DetailLog:
    return parse_detail_log(read_text(path), path)
