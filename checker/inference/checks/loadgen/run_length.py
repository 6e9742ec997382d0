"""How much the run did: duration, query and sample counts, early stopping."""

from __future__ import annotations

from infercheck.checker.core.coerce import as_int, is_true
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

    Why it matters:
        Without it, the reported percentile is not statistically supported by the run.

    Example:
        found: false ("Early stopping condition was not met")

    How to fix:
        Run longer (more queries), or lower the Server target QPS.

    Rounds:
        v2.0 onwards.

    Source:
        Official checker: "Early stopping condition was not met" (v2.1 logged without
        rejecting; infercheck rejects).
    """

    code = "LG007"
    name = "early-stopping-not-met"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "early stopping condition not met: {found}"


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
    psc = as_int(keys.need("effective_performance_sample_count"))
    wanted = bench["performance_sample_count"]
    if psc is not None and psc < wanted:
        yield PerformanceSampleCountTooLow.at(rel, expected=wanted, found=psc, model=model,
                                              locator="effective_performance_sample_count")


def min_duration(rel: str, keys, rules, model: str):
    duration = as_int(keys.need("effective_min_duration_ms"))
    wanted = rules.min_duration_ms(model)
    if duration is not None and duration < wanted:
        yield MinDurationTooShort.at(rel, expected=wanted, found=duration, round=rules.round,
                                     locator="effective_min_duration_ms")


def early_stopping(rel: str, log, keys):
    met = keys.need("early_stopping_met")
    if met is not None and not is_true(met):
        yield EarlyStoppingNotMet.at(rel, expected=True, found=log.get("early_stopping_result", met),
                                     locator="early_stopping_met")


def min_query_count(rel: str, keys, bench: dict, scenario: str):
    wanted = (bench.get("min_query_count") or {}).get(scenario)
    count = as_int(keys.need("effective_min_query_count"))
    if wanted and count is not None and count < wanted:
        yield MinQueryCountTooLow.at(rel, expected=wanted, found=count, scenario=scenario,
                                     locator="effective_min_query_count")


def offline_samples_per_query(ctx, rel: str, keys, scenario: str | None):
    if scenario == "Offline" and ctx.is_closed_like:
        wanted = ctx.rules.offline_min_spq(ctx.model)
        spq = as_int(keys.need("effective_samples_per_query"))
        if wanted and spq is not None and spq < wanted:
            yield OfflineSamplesPerQueryTooLow.at(rel, expected=wanted, found=spq, model=ctx.model,
                                                  locator="effective_samples_per_query")
