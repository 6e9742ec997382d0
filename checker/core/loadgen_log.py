"""Parsing of LoadGen's `mlperf_log_detail.txt`: the keys the checks need, errors and warnings.

Two formats: the `:::MLLOG` JSON lines of LoadGen 1.0 onwards, and the plain text lines of the
LoadGen builds of rounds v0.5 and v0.7 (`"pid": .., "tid": .., "ts": ..ns : text`). A text log
holds the settings but not the run's results, which those builds wrote only to the summary beside
it; `read_detail_log` reads them from there under the JSON format's key names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import Any

from infercheck.checker.core.summary_log import DETAIL_KEYS as SUMMARY_KEYS
from infercheck.checker.core.summary_log import summary_key
from infercheck.checker.core.textfile import ParseError, loads, raw_decode, read_text

__all__ = ["DetailLog", "parse_detail_log", "parse_summary_log", "read_detail_log"]

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
    # Power metrics of v1.0 and v1.1, whose LoadGen did not log the number of queries.
    "result_qps_with_loadgen_overhead", "generated_query_count",
    # MLPerf Mobile compares these with the app's export.
    "effective_max_duration_ms", "effective_min_sample_count", "generated_samples_per_query",
}) | SUMMARY_KEYS  # every figure the summary prints is compared with the detail log's


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
    legacy: bool = False  # the text format of LoadGen before v1.0

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


_PREFIXES = (":::MLLOG ", ":::ENDPTS ")
_KEY_OPEN = '{"key": "'
_ERROR_MARK = '"is_error": true'


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


class _LineCounter:
    """Line numbers of offsets asked in increasing order (the error lines, found in the order
    of the log): each counts the newlines since the previous one only, where counting from the
    start each time made a log of 100,000 error lines quadratic."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def __call__(self, offset: int) -> int:
        if offset < self.offset:  # out of order: from the start again
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _decode(text: str, start: int, end: int, path: str) -> dict:
    try:
        event = loads(text[start:end])
    except ValueError as exc:
        raise ParseError(path, "malformed", f"log line is not JSON ({exc})",
                         _line_of(text, start)) from None
    if not isinstance(event, dict):
        raise ParseError(path, "malformed", "log line is not a JSON object", _line_of(text, start))
    return event


# A wanted key's line, found by one pass of the regex engine: the other lines are skipped in C,
# without a Python step per line. The pattern starts with the newline (a leading "^|" would make
# the engine try every position), so the first line is matched on its own.
# A line of a SKIPPED_KEYS key (the sample indices: most of a log's bytes, LoadGen's accuracy
# runs log hundreds) is jumped over with str.find (memchr): the regex engine steps through a line
# char by char.
SKIPPED_KEYS = frozenset({"loaded_qsl_set"})


@lru_cache(maxsize=64)
def _key_line(keys: frozenset[str], first: bool = False) -> re.Pattern:
    keys = keys | SKIPPED_KEYS
    return re.compile(("" if first else "\n") + "(" + "|".join(re.escape(p) for p in _PREFIXES)
                      + ")" + re.escape(_KEY_OPEN) + "("
                      + "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)) + ')"')


# A log of many runs in one repeats every key; past this many repeats the search goes on for the
# keys not yet found only (a Python step per repeated line costs more than a new pattern, which
# the logs of one harness share).
_REPEATS_BEFORE_NARROWING = 64


_VALUE_OPEN = ', "value": '


def _value(text: str, body: int, after_key: int, path: str) -> Any:
    """The value of the event whose JSON starts at `body`. LoadGen writes `"value"` right after
    the key: that value alone is decoded (the metadata that follows costs as much again), and the
    line must still close its object; any other shape is decoded whole."""
    end = text.find("\n", after_key)
    end = len(text) if end < 0 else end
    if text.startswith(_VALUE_OPEN, after_key):
        try:
            value, stop = raw_decode(text, after_key + len(_VALUE_OPEN))
        except ValueError:
            pass  # decoded whole below, which says what is wrong
        else:
            if stop <= end and text[stop:end].rstrip().endswith("}"):
                return value
    return _decode(text, body, end, path).get("value")


_METADATA = '"metadata": '


def _error_marks(text: str, unscanned: list[tuple[int, int]]):
    """The (start, end) of every line flagged as an error, outside the `unscanned` spans."""
    spans, at = [], 0
    for start, end in unscanned:
        spans.append((at, start))
        at = end
    spans.append((at, len(text)))
    for lo, hi in spans:
        at = text.find(_ERROR_MARK, lo, hi)
        while at >= 0:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            yield start, end
            at = text.find(_ERROR_MARK, end, hi) if end < hi else -1


def _is_cut_off(text: str) -> bool:
    tail = text[-4096:].rstrip()  # a log ends in a short line; rstrip() of all of it copies it
    return not (tail or text.rstrip()).endswith("}")


def _skipped_line(text: str, after: int, unscanned: list[tuple[int, int]]) -> int:
    """Record the line of a skipped key, from `after` the key, as unscanned but for its metadata
    (LoadGen writes it last; it holds the error flag); the line's end."""
    end = text.find("\n", after)
    end = len(text) if end < 0 else end
    meta = text.rfind(_METADATA, after, end)
    unscanned.append((after, end if meta < 0 else meta))
    return end


def _scan(text: str, path: str, keys: frozenset[str], settings_only: bool):
    """The first value of each of `keys` by (prefix, key), and the spans of skipped lines; with
    `settings_only`, up to the first sample-index line only."""
    found: dict[tuple[str, str], Any] = {}
    unscanned: list[tuple[int, int]] = []
    first = _key_line(keys, first=True).match(text)
    pending, pos, pattern, repeats = [first] if first else [], 0, _key_line(keys), 0
    missing = set(keys)  # of an :::MLLOG line; an :::ENDPTS one is looked for until then
    while missing:
        for m in chain(pending, pattern.finditer(text, pos)):
            where = m.group(1, 2)
            if where[1] in SKIPPED_KEYS:
                pos = _skipped_line(text, m.end(), unscanned)
                if settings_only:
                    return found, unscanned
                break  # and search on from the end of the line
            if where not in found:
                found[where] = _value(text, m.start(1) + len(where[0]), m.end(), path)
                if where[0] == _PREFIXES[0]:
                    missing.discard(where[1])
                    if not missing:
                        pos = m.end()
                        break
            elif (repeats := repeats + 1) == _REPEATS_BEFORE_NARROWING:
                pattern, pos = _key_line(frozenset(missing)), m.end()
                break
        else:
            return found, unscanned
        pending = []
    # Every key found: the rest is only searched for errors, skipped lines and all (one pass of
    # str.find over them costs less than finding them).
    return found, unscanned


def parse_detail_log(text: str, path: str, settings: Collection[str] | None = None,
                     extra: Collection[str] = ()) -> DetailLog:
    """Decode only the wanted lines and the error lines. The wanted keys are every key a check of
    either suite reads and the `extra` ones a round's rules name (a result key, a required
    setting), or only `settings`: keys LoadGen logs before it loads any samples (its StartTest
    logs the QSL's counts and every setting first), looked for up to there.

    A log cut short ends in a partial line, which is what the shape check looks for; other lines
    are validated when they are decoded.
    """
    if not any(p in text for p in _PREFIXES):
        if _LEGACY_LINE.match(text):
            return _parse_legacy(text, path)
        raise ParseError(path, "malformed", "no ':::MLLOG' lines: not a LoadGen detail log")
    if _is_cut_off(text):
        raise ParseError(path, "malformed", "log line is cut off", _line_of(text, len(text.rstrip())))
    log = DetailLog(path)
    keys = (WANTED_KEYS | frozenset(extra)) if settings is None else frozenset(settings)
    found, unscanned = _scan(text, path, keys, settings_only=settings is not None)
    for (prefix, key), value in found.items():
        # LoadGen repeats some keys and the official tool reads the first; a :::MLLOG line comes
        # before an :::ENDPTS one of the same key wherever each is.
        if prefix == _PREFIXES[0] or (_PREFIXES[0], key) not in found:
            log.values[key] = value
    line_of = _LineCounter(text)
    for start, end in _error_marks(text, unscanned):
        line = text[start:end]
        prefix = next((p for p in _PREFIXES if line.startswith(p)), None)
        if prefix is not None:
            event = _decode(text, start + len(prefix), end, path)
            log.errors.append(LogMessage(str(event.get("key")), event.get("value"),
                                         line_of(start)))
    return log


# The text format ------------------------------------------------------------------------------
# Lines logged before LoadGen's clock starts (its issue threads registering) have negative times.
_LEGACY_LINE = re.compile(r'"pid": \d+, "tid": \d+, "ts": -?\d+ns : ?(.*)')
_SETTINGS_SECTIONS = {"Effective Settings:": "effective_", "Requested Settings:": "requested_"}
_LEGACY_HEADER = {"version": "loadgen_version", "System Under Test (SUT) name": "sut_name",
                  "QSL total size": "qsl_reported_total_count"}
_POWER_MARKS = {"POWER_BEGIN": "power_begin", "POWER_END": "power_end"}
_POWER_TIME = re.compile(r'"time" : (.+?)\s*$')


def _text_value(key: str, raw: str) -> Any:
    raw = raw.strip()
    if key.endswith("scenario"):
        return raw.replace(" ", "")  # "Single Stream" in the text format, "SingleStream" in JSON
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if re.fullmatch(r"-?\d+\.\d*(e[-+]?\d+)?", raw):
        return float(raw)
    return {"true": True, "false": False, "Yes": True, "No": False}.get(raw, raw)


def _setting_key(label: str) -> str:
    # "min_duration (ms)" is logged as min_duration_ms, "Test mode" as test_mode
    return label.strip().lower().replace(" (ns)", "_ns").replace(" (ms)", "_ms").replace(" ", "_")


def _parse_legacy(text: str, path: str) -> DetailLog:
    log = DetailLog(path, legacy=True)
    section = None
    for lineno, line in enumerate(text.splitlines(), 1):
        m = _LEGACY_LINE.match(line)
        if m is None:
            continue  # continuation lines of the version info (git log, file hashes)
        body = m.group(1).rstrip()
        if body in _SETTINGS_SECTIONS:
            section = _SETTINGS_SECTIONS[body]
            continue
        if not body:
            section = None
            continue
        if body.startswith("ERROR"):
            log.errors.append(LogMessage("error", body.split(":", 1)[-1].strip(), lineno))
            continue
        mark = body.split(":", 1)[0]
        if mark in _POWER_MARKS:
            when = _POWER_TIME.search(body)
            if when:
                log.values.setdefault(_POWER_MARKS[mark], when.group(1))
            continue
        label, sep, raw = body.partition(":")
        if not sep:
            continue
        label = label.strip()
        if section is not None:
            key = section + _setting_key(label)
        elif label in _LEGACY_HEADER:
            key = _LEGACY_HEADER[label]
        else:
            continue
        log.values.setdefault(key, _text_value(key, raw))
    return log


def parse_summary_log(text: str) -> dict[str, Any]:
    """The results and statistics of an `mlperf_log_summary.txt`, under the JSON format's keys."""
    values: dict[str, Any] = {}
    for line in text.splitlines():
        if line.startswith("Test Parameters Used"):
            break  # the settings again, which the detail log holds
        label, sep, raw = line.partition(":")
        label = label.strip()
        if not sep or not raw.strip():
            continue
        key = summary_key(label)
        if key:
            values.setdefault(key, _text_value(key, raw))
    return values


def read_detail_log(path: str, settings: Collection[str] | None = None,
                    extra: Collection[str] = ()) -> DetailLog:
    log = parse_detail_log(read_text(path), path, settings, extra)
    if log.legacy:
        summary = os.path.join(os.path.dirname(path), "mlperf_log_summary.txt")
        try:
            results = parse_summary_log(read_text(summary))
        except ParseError:
            results = {}  # the missing summary is a finding of its own
        for key, value in results.items():
            log.values.setdefault(key, value)
    return log
