"""How much the run did: duration, query and sample counts, early stopping."""

from __future__ import annotations

import re

from infercheck.checker.core.coerce import is_true
from infercheck.checker.core.findings import Rule, Severity


class MinDurationTooShort(Rule):
    """The run's minimum duration is below the round's.

    What it checks:
        `effective_min_duration_ms` is at least the round's minimum (600000 ms since v1.0).

    Why it matters:
        Short runs hide thermal throttling and warm caches; the rules require ten minutes.

    Example:
        expected: 600000, found: 60000

    How to fix:
        Remove the `min_duration` override from user.conf.

    Rounds:
        All (`loadgen.min_duration_ms`; a benchmark that runs one fixed pass, such as the v6.1
        e2e-rag ones, sets its own `min_duration_ms: 0`). Relaxed by `--profile smoke`.

    Source:
        Official checker: "Test duration less than 600s in user config".
    """

    code = "LG004"
    name = "min-duration-too-short"
    severity = Severity.ERROR
    tags = ("loadgen", "run-length")
    run_length = True
    message = "min duration is {found} ms; round {round} requires at least {expected} ms"


class MinQueryCountTooLow(Rule):
    """The run's minimum query count is below the round's (scenarios without early stopping).

    What it checks:
        `effective_min_query_count` is at least the benchmark's minimum for the scenario.

    Why it matters:
        Fewer queries give a less reliable throughput.

    Example:
        expected: 1, found: 0

    How to fix:
        Remove the `min_query_count` override from user.conf.

    Rounds:
        All (`benchmarks.<name>.min_query_count`). Relaxed by `--profile smoke`.

    Source:
        Official checker: "Required minimum Query Count not met".
    """

    code = "LG005"
    name = "min-query-count-too-low"
    severity = Severity.ERROR
    tags = ("loadgen", "run-length")
    run_length = True
    message = "min query count is {found}; {scenario} needs at least {expected}"


class PerformanceSampleCountTooLow(Rule):
    """The performance sample count is below the benchmark's.

    What it checks:
        `effective_performance_sample_count` is at least the benchmark's count.

    Why it matters:
        The performance run draws from this many samples loaded in memory; fewer samples fit in
        caches and flatter the result.

    Example:
        expected: 1024, found: 64

    How to fix:
        Remove the `performance_sample_count_override` from user.conf.

    Rounds:
        All (`benchmarks.<name>.performance_sample_count`). Relaxed by `--profile smoke`, since
        a CI-sized data set is smaller than the benchmark's.

    Source:
        Official checker: "performance_sample_count, found ..., needs to be >=".
    """

    code = "LG006"
    name = "performance-sample-count-too-low"
    severity = Severity.ERROR
    tags = ("loadgen", "run-length")
    run_length = True
    message = "performance sample count is {found}; {model} needs at least {expected}"


class EarlyStoppingNotMet(Rule):
    """The early-stopping condition was not met (SingleStream, MultiStream, Server).

    What it checks:
        `early_stopping_met` is true.

    What early stopping is:
        LoadGen reports a tail latency (the 90th percentile, say) only when the run holds
        enough queries to vouch for it with 99 % confidence. The more queries run over the
        latency, the more queries in all the run needs. SingleStream and MultiStream: a run
        needs a minimum number of queries (64 at the 90th percentile, 662 at the 99th), and
        with more the estimate may discard some of the slowest. Server: each query over the
        target latency raises the number of queries the run needs.

    Why it matters:
        Without it, the reported percentile is not statistically supported by the run.

    Example:
        found: " * Only processed 128 queries.  * Need to process at least 662 queries for
        early stopping." -- message: "early stopping condition not met: the run processed
        128 queries and needs at least 662: run at least 534 more"

    How to fix:
        SingleStream, MultiStream: run longer (min_duration, min_query_count) until the count
        LoadGen names is reached. Server: too many queries were over the latency; lower the
        target QPS, or run the further queries LoadGen names, each under the latency.

    Rounds:
        v2.0 onwards.

    Source:
        Official checker: "Early stopping condition was not met" (v2.1 logged without
        rejecting; infercheck rejects). The message reads LoadGen's `early_stopping_result`
        (loadgen/results.cc, PerformanceSummary::EarlyStopping).
    """

    code = "LG007"
    name = "early-stopping-not-met"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "early stopping condition not met: {plain}"


# LoadGen's early_stopping_result when not met (loadgen/results.cc); the log joins its lines.
_TOO_FEW = re.compile(r"Only processed (\d+) queries\.\s*\*\s*Need to process at least (\d+)")
_OVER_LATENCY = re.compile(r"Processed (\d+) queries\.\s*\*\s*Would need to run at least (\d+) more")


def plain_early_stopping(result) -> str:
    """LoadGen's reason early stopping was not met, in a sentence that says what to do."""
    text = str(result or "")
    if m := _TOO_FEW.search(text):
        done, needed = int(m.group(1)), int(m.group(2))
        return (f"the run processed {done} queries and needs at least {needed}: run at least "
                f"{needed - done} more")
    if m := _OVER_LATENCY.search(text):
        done, more = int(m.group(1)), int(m.group(2))
        return (f"too many of the run's {done} queries were over the target latency: it would "
                f"need at least {more} more, each under the latency; lower the target QPS")
    return f"LoadGen's early_stopping_result: {text.strip()}" if text.strip() else \
        "early_stopping_met is false"


class OfflineSamplesPerQueryTooLow(Rule):
    """An Offline run issued fewer samples in its query than the round requires (closed).

    What it checks:
        `effective_samples_per_query` of closed Offline runs is at least 24576 (v2.1) or the
        benchmark's minimum (v4.0 onwards).

    Why it matters:
        A small Offline query measures latency, not throughput.

    Example:
        expected: 24576, found: 4096

    How to fix:
        Raise `target_qps` or remove the `min_query_count`/`samples_per_query` overrides.

    Rounds:
        All (`loadgen.offline_min_samples_per_query`, `benchmarks.<name>.offline_min_samples_per_query`).

    Source:
        Official checker: "Required minimum samples per query not met".
    """

    code = "LG009"
    name = "offline-samples-per-query-too-low"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "Offline query has {found} samples; {model} needs at least {expected}"


def sample_count(rel: str, keys, bench: dict, model: str):
    psc = keys.number("effective_performance_sample_count", whole=True)
    wanted = bench["performance_sample_count"]
    if psc is not None and psc < wanted:
        yield PerformanceSampleCountTooLow.at(rel, expected=wanted, found=psc, model=model,
                                              locator="effective_performance_sample_count")


def min_duration(rel: str, keys, rules, model: str):
    duration = keys.number("effective_min_duration_ms", whole=True)
    wanted = rules.min_duration_ms(model)
    if duration is not None and duration < wanted:
        yield MinDurationTooShort.at(rel, expected=wanted, found=duration, round=rules.round,
                                     locator="effective_min_duration_ms")


def early_stopping(rel: str, log, keys):
    met = keys.need("early_stopping_met")
    if met is not None and not is_true(met):
        result = log.get("early_stopping_result")
        yield EarlyStoppingNotMet.at(rel, expected=True, found=met if result is None else result,
                                     locator="early_stopping_met",
                                     plain=plain_early_stopping(result))


def min_query_count(rel: str, keys, bench: dict, scenario: str):
    wanted = (bench.get("min_query_count") or {}).get(scenario)
    count = keys.number("effective_min_query_count", whole=True)
    if wanted and count is not None and count < wanted:
        yield MinQueryCountTooLow.at(rel, expected=wanted, found=count, scenario=scenario,
                                     locator="effective_min_query_count")


def offline_samples_per_query(ctx, rel: str, keys, scenario: str | None):
    if scenario == "Offline" and ctx.is_closed_like:
        wanted = ctx.rules.offline_min_spq(ctx.model)
        spq = keys.number("effective_samples_per_query", whole=True)
        if wanted and spq is not None and spq < wanted:
            yield OfflineSamplesPerQueryTooLow.at(rel, expected=wanted, found=spq, model=ctx.model,
                                                  locator="effective_samples_per_query")
