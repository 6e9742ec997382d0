"""`mlperf_log_summary.txt` read line by line, each figure and setting under the key LoadGen
logs it as in `mlperf_log_detail.txt`, so that the two can be compared.

The summary is what people read (and what a hand edit changes); the detail log is what the
official tools parse. LoadGen writes both from the same numbers, so every figure of the summary
equals the detail log's to the digits it prints.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = ["DETAIL_KEYS", "Disagreement", "SummaryLog", "disagreements", "parse_summary",
           "summary_key"]

_HEADER = "MLPerf Results Summary"
_LABELS = {
    "SUT name": "sut_name", "Scenario": "effective_scenario", "Mode": "effective_test_mode",
    "Result is": "result_validity",
    "Samples per second": "result_samples_per_second",
    "Tokens per second": "result_tokens_per_second",
    "Tokens per second (inferred)": "result_inferred_tokens_per_second",
    "Completed samples per second": "result_completed_samples_per_sec",
    "Scheduled samples per second": "result_scheduled_samples_per_sec",
    "Completed tokens per second": "result_completed_tokens_per_second",
    "QPS w/ loadgen overhead": "result_qps_with_loadgen_overhead",
    "QPS w/o loadgen overhead": "result_qps_without_loadgen_overhead",
    "Min latency (ns)": "result_min_latency_ns", "Max latency (ns)": "result_max_latency_ns",
    "Mean latency (ns)": "result_mean_latency_ns",
    "Min duration satisfied": "result_min_duration_met",
    "Min queries satisfied": "result_min_queries_met",
    "Performance constraints satisfied": "result_perf_constraints_met",
    "Early stopping satisfied": "early_stopping_met",
}
_BLOCKS = {"Early Stopping Result": "early_stopping_result",
           "TTFT Early Stopping Result": "early_stopping_ttft_result",
           "TPOT Early Stopping Result": "early_stopping_tpot_result"}
_PATTERNS = (
    (re.compile(r"(\d+(?:\.\d+)?)(?:th)? percentile latency \(ns\)"),
     "result_{p}_percentile_latency_ns"),
    (re.compile(r"(\d+(?:\.\d+)?)(?:th)? (?:percentile first token|first token percentile) "
                r"latency \(ns\)"), "result_first_token_{p}_percentile_latency_ns"),
    (re.compile(r"(\d+(?:\.\d+)?)(?:th)? percentile time to output token \(ns\)"),
     "result_time_per_output_token_{p}_percentile_ns"),
    (re.compile(r"(Min|Max|Mean) First Token latency \(ns\)"), "result_first_token_{w}_latency_ns"),
    (re.compile(r"(Min|Max|Mean) Time to Output Token \(ns\)"), "result_time_to_output_token_{w}"),
)
# The early-stopping estimates LoadGen reports as the result of SingleStream (90th; MLPerf
# Automotive's LoadGen, the 99.9th) and MultiStream (99th), logged in the detail log under these
# keys.
_ESTIMATE = re.compile(r"Early stopping (99\.9|90|99)(?:\.0)?th percentile estimate: (\d+)")
_ESTIMATE_KEYS = {"90": "early_stopping_latency_ss", "99.9": "early_stopping_latency_ss",
                  "99": "early_stopping_latency_ms"}
_PERCENTILES = ("50.00", "90.00", "95.00", "97.00", "99.00", "99.90")
_SETTINGS = ("samples_per_query", "target_qps", "target_latency_ns", "max_async_queries",
             "min_duration_ms", "max_duration_ms", "min_query_count", "max_query_count",
             "qsl_rng_seed", "sample_index_rng_seed", "schedule_rng_seed", "accuracy_log_rng_seed",
             "accuracy_log_probability", "accuracy_log_sampling_target", "print_timestamps",
             "performance_issue_unique", "performance_issue_same",
             "performance_issue_same_index", "performance_sample_count", "accuracy_sample_count")
# Every detail-log key a summary line can name: the detail parser decodes these too.
DETAIL_KEYS = frozenset({
    *_LABELS.values(), *_BLOCKS.values(), *_ESTIMATE_KEYS.values(),
    *(f"effective_{s}" for s in _SETTINGS),
    *(f"result_{p}_percentile_latency_ns" for p in _PERCENTILES),
    *(f"result_first_token_{p}_percentile_latency_ns" for p in _PERCENTILES),
    *(f"result_time_per_output_token_{p}_percentile_ns" for p in _PERCENTILES),
    *(f"result_first_token_{w}_latency_ns" for w in ("min", "max", "mean")),
    *(f"result_time_to_output_token_{w}" for w in ("min", "max", "mean")),
    *(f"result_{p}_percentile_per_query_latency_ns" for p in _PERCENTILES),
    *(f"result_{w}_query_latency_ns" for w in ("min", "max", "mean")),
})
# MultiStream's summary states latencies per query (v2.0 on), which the detail log keeps apart
# from those per sample.
_PER_QUERY = re.compile(r"result_(min|max|mean|\d+\.\d+_percentile)_latency_ns")


def _per_query(key: str) -> str | None:
    m = _PER_QUERY.fullmatch(key)
    if not m:
        return None
    what = m.group(1)
    return f"result_{what}_query_latency_ns" if what in ("min", "max", "mean") else \
        f"result_{what.replace('_percentile', '_percentile_per_query')}_latency_ns"


@dataclass(frozen=True)
class SummaryLine:
    label: str
    key: str      # the detail log's key for it
    text: str     # the value as printed
    line: int
    prefer: str | None = None  # a key to compare with first, where the detail log has it


@dataclass
class SummaryLog:
    has_header: bool = False
    lines: list[SummaryLine] = field(default_factory=list)

    @property
    def states_result(self) -> bool:
        return any(s.key == "result_validity" for s in self.lines)

    def values(self) -> dict[str, Any]:
        """Its figures under their detail-log keys (per query where MultiStream states them so),
        typed as the detail log types them."""
        out: dict[str, Any] = {}
        for s in self.lines:
            for key in (s.prefer, s.key):
                if key:
                    out.setdefault(key, _typed(s.text, key))
        return out


def _typed(text: str, key: str) -> Any:
    if key == "effective_scenario":
        return text.replace(" ", "")
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return {"Yes": True, "No": False}.get(text, text)


@lru_cache(maxsize=512)
def _key_of(label: str, section: str) -> str | None:
    if section == "settings":
        key = label.strip().lower().replace(" (ns)", "_ns").replace(" (ms)", "_ms").replace(" ", "_")
        return f"effective_{key}"
    if label in _LABELS:
        return _LABELS[label]
    for pattern, template in _PATTERNS:
        m = pattern.fullmatch(label)
        if m:
            found = m.group(1)
            return template.format(p=f"{float(found):.2f}" if found[0].isdigit() else "",
                                   w=found.lower())
    return None


def summary_key(label: str) -> str | None:
    """The detail-log key of a result or statistics line's label ("Samples per second")."""
    return _key_of(label, "results")


def parse_summary(text: str) -> SummaryLog:
    """Each `label : value` line LoadGen writes, with its detail-log key; an early-stopping
    block (" * ..." lines under its title) as one line of joined text."""
    out = SummaryLog(has_header=_HEADER in text[:4096])
    section, block, block_lines, block_start = "results", None, [], 0
    multistream = False

    def close_block():
        if block is not None:
            out.lines.append(SummaryLine(block, _BLOCKS[block], " ".join(block_lines), block_start))
            if _BLOCKS[block] == "early_stopping_result":
                for offset, item in enumerate(block_lines, 1):
                    m = _ESTIMATE.search(item)
                    if m:
                        out.lines.append(SummaryLine(f"Early stopping {m.group(1)}th percentile "
                                                     "estimate", _ESTIMATE_KEYS[m.group(1)],
                                                     m.group(2), block_start + offset))

    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if block is not None:
            # Its items start with "*"; LoadGen wraps a long one onto lines of its own.
            if line and line.rstrip(":") not in _BLOCKS and (line.startswith("*") or block_lines):
                block_lines.append(line)
                continue
            close_block()
            block, block_lines = None, []
        if line.rstrip(":") in _BLOCKS:
            block, block_start = line.rstrip(":"), n
            continue
        if line.startswith("Additional Stats"):
            section = "stats"
        elif line.startswith("Test Parameters Used"):
            section = "settings"
        elif line.endswith("latency:") and section == "stats":
            # MultiStream's sub-headings (per query, per sample) until v1.1.
            section = "stats" if line.startswith("Per-query") else "per-sample"
        label, sep, value = line.partition(":")
        if not sep or not value.strip() or section == "per-sample":
            continue
        key = _key_of(label.strip(), section)
        if key == "effective_scenario":
            multistream = value.replace(" ", "").strip() == "MultiStream"
        if key:
            prefer = _per_query(key) if multistream and section != "settings" else None
            out.lines.append(SummaryLine(label.strip(), key, value.strip(), n, prefer))
    close_block()
    return out


@dataclass(frozen=True)
class Disagreement:
    label: str
    summary: str   # as the summary prints it
    detail: Any    # as the detail log records it
    line: int


def _half_unit(text: str) -> float:
    """Half a unit of the last digit `text` prints (5.91055 -> 5e-6, 1.2e+06 -> 5e4)."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 0.5 * 10 ** (-decimals + (int(exponent) if exponent else 0))


def _agrees(text: str, value: Any, key: str) -> bool:
    if isinstance(value, bool):
        # "Skipped": LoadGen did not test it (a waived minimum).
        said = text.lower()
        return said == "skipped" or said in (("yes", "true", "1") if value else ("no", "false", "0"))
    if isinstance(value, (int, float)):
        if re.fullmatch(r"-?\d+", text) and isinstance(value, int):
            return int(text) == value
        try:
            number = float(text)
        except ValueError:
            return False
        # Each file prints its own digits: the detail log six significant ones (11956.02 is
        # logged as 11956).
        magnitude = math.floor(math.log10(abs(value))) if value else 0
        slack = max(_half_unit(text), 0.5 * 10 ** (magnitude - 5))
        return abs(number - value) <= slack * (1 + 1e-9) + 1e-12 * abs(value)
    if key == "effective_scenario":
        return text.replace(" ", "") == str(value).replace(" ", "")
    return _words(text) == _words(str(value))


# Control characters print as nothing: LoadGen builds of v1.0 and v1.1 wrote "SUT name : SUT"
# followed by a NUL byte in the summary, where the detail log says "SUT".
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _words(text: str) -> str:
    return " ".join(_CONTROL.sub("", text).split())


def disagreements(summary: SummaryLog, detail: dict[str, Any]) -> list[Disagreement]:
    """The summary's lines whose value differs from the detail log's (keys the detail log lacks
    are not compared: older LoadGen builds log fewer)."""
    out = []
    for s in summary.lines:
        key = s.prefer if s.prefer in detail else s.key
        value = detail.get(key)
        if value is not None and not _agrees(s.text, value, key):
            out.append(Disagreement(s.label, s.text, value, s.line))
    return out
