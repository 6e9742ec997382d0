"""Parsing of LoadGen's `mlperf_log_detail.txt`: the keys the checks need, errors and warnings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from infercheck.checker.core.textfile import ParseError, read_text

__all__ = ["DetailLog", "parse_detail_log", "read_detail_log"]

# Only these keys are decoded; the other lines (some of them hundreds of kB of sample
# indices) are only checked for shape, which keeps parsing fast.
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
    # MLPerf Mobile compares these with the app's export.
    "effective_max_duration_ms", "effective_min_sample_count", "generated_samples_per_query",
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
    errors: list[LogMessage] = field(default_factory=list)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


_PREFIXES = (":::MLLOG ", ":::ENDPTS ")
_KEY_OPEN = '{"key": "'
_ERROR_MARK = '"is_error": true'


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _decode(text: str, start: int, end: int, path: str) -> dict:
    try:
        event = json.loads(text[start:end])
    except ValueError as exc:
        raise ParseError(path, "malformed", f"log line is not JSON ({exc})",
                         _line_of(text, start)) from None
    if not isinstance(event, dict):
        raise ParseError(path, "malformed", "log line is not a JSON object", _line_of(text, start))
    return event


def parse_detail_log(text: str, path: str) -> DetailLog:
    """Decode only the wanted lines and the error lines.

    Lines are found with str.find (memchr speed in C), so the long lines of sample indices are
    skipped without being scanned. A log cut short ends in a partial line, which is what the shape
    check looks for; other lines are validated when they are decoded.
    """
    if not any(p in text for p in _PREFIXES):
        raise ParseError(path, "malformed", "no ':::MLLOG' lines: not a LoadGen detail log")
    if not text.rstrip().endswith("}"):
        raise ParseError(path, "malformed", "log line is cut off", _line_of(text, len(text.rstrip())))
    log = DetailLog(path)
    for prefix in _PREFIXES:
        # pos: start of the next line that begins with the prefix, or -1 when there is none
        pos = 0 if text.startswith(prefix) else text.find("\n" + prefix)
        pos = pos + 1 if pos > 0 else pos
        while pos >= 0:
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            body = pos + len(prefix)
            if text.startswith(_KEY_OPEN, body):
                key_start = body + len(_KEY_OPEN)
                key = text[key_start: text.find('"', key_start, end)]
                if key in WANTED_KEYS and key not in log.values:
                    # LoadGen repeats some keys; the official tool reads the first.
                    log.values[key] = _decode(text, body, end, path).get("value")
            nxt = text.find("\n" + prefix, end)
            pos = nxt + 1 if nxt >= 0 else -1
    if _ERROR_MARK in text:
        at = text.find(_ERROR_MARK)
        while at >= 0:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            line = text[start:end]
            prefix = next((p for p in _PREFIXES if line.startswith(p)), None)
            if prefix is not None:
                event = _decode(text, start + len(prefix), end, path)
                log.errors.append(LogMessage(str(event.get("key")), event.get("value"),
                                             _line_of(text, start)))
            at = text.find(_ERROR_MARK, end)
    return log


def read_detail_log(path: str) -> DetailLog:
    return parse_detail_log(read_text(path), path)
