"""The performance run: every finding on one performance-mode detail log, in report order, and
the check on a result's run, which also records the result's value."""

from __future__ import annotations

from infercheck.checker.core.findings import Severity
from infercheck.checker.core.registry import check
from infercheck.checker.core.tree_rules import MalformedFile, MissingFile
from infercheck.checker.inference.checks.endpoints import EndpointsModelNotAllowed
from infercheck.checker.inference.checks.endpoints import (
    performance_findings as endpoints_performance_findings,
)
from infercheck.checker.inference.checks.loadgen.latency import (
    LatencyConstraintExceeded,
    TokenLatenciesOff,
    TokenLatencyExceeded,
    percentile_latency,
    target_latency,
    token_latencies,
)
from infercheck.checker.inference.checks.loadgen.log_keys import (
    LogValueNotANumber,
    MissingLogKey,
    NeededKeys,
)
from infercheck.checker.inference.checks.loadgen.metric import (
    ImpossibleValue,
    NoEarlyStoppingEstimate,
    ResultInferred,
    ScenarioMismatch,
    result_metric,
)
from infercheck.checker.inference.checks.loadgen.run_length import (
    EarlyStoppingNotMet,
    MinDurationTooShort,
    MinQueryCountTooLow,
    OfflineSamplesPerQueryTooLow,
    PerformanceSampleCountTooLow,
    early_stopping,
    min_duration,
    min_query_count,
    offline_samples_per_query,
    sample_count,
)
from infercheck.checker.inference.checks.loadgen.sample_order import (
    EqualIssueModeOff,
    SeedMismatch,
    equal_issue_mode,
    seed_findings,
)
from infercheck.checker.inference.checks.loadgen.settings import (
    RequiredSettingWrong,
    required_settings,
)
from infercheck.checker.inference.checks.loadgen.validity import (
    LoadgenError,
    ResultInvalid,
    loadgen_verdict,
)

PERFORMANCE_RULES = (LoadgenError, ResultInvalid, SeedMismatch, MinDurationTooShort,
                     MinQueryCountTooLow, PerformanceSampleCountTooLow, EarlyStoppingNotMet,
                     LatencyConstraintExceeded, OfflineSamplesPerQueryTooLow, EqualIssueModeOff,
                     TokenLatenciesOff, TokenLatencyExceeded, RequiredSettingWrong, MissingLogKey,
                     LogValueNotANumber)


def performance_findings(ctx, rel: str, log, *, test: str | None = None):
    """Findings on one performance-mode detail log (a result's run or a compliance run)."""
    rules, bench = ctx.rules, ctx.rules.benchmark(ctx.model)
    keys = NeededKeys(log)
    yield from loadgen_verdict(rel, log, keys, rules)
    scenario = keys.need("effective_scenario")
    yield from seed_findings(ctx, rel, keys, test=test)
    yield from sample_count(rel, keys, bench, ctx.model)
    yield from min_duration(rel, keys, rules, ctx.model)
    bounded = (ctx.scenario, scenario) if rules.same_run(scenario, ctx.scenario) else (scenario,)
    if scenario in rules.loadgen["early_stopping_scenarios"]:
        # Early stopping stands in for the minimum query count, and LoadGen holds it to the
        # target latency, not to a percentile of the run.
        yield from early_stopping(rel, log, keys)
        yield from target_latency(rel, keys, bench, bounded)
        # Unless the round fixes the count all the same (Automotive: 100000 ConstantStream queries).
        if scenario in (rules.loadgen.get("min_queries_with_early_stopping") or ()):
            yield from min_query_count(rel, keys, bench, scenario)
    elif scenario is not None:
        # v0.5's open division reports its latency instead of meeting the bound.
        judged = ctx.is_closed_like or rules.loadgen.get("open_latency_bounds", True)
        yield from percentile_latency(rel, keys, bench, bounded,
                                      rules.percentile_latency_key(scenario, ctx.model),
                                      severity=None if judged else Severity.WARNING)
        yield from min_query_count(rel, keys, bench, scenario)
    yield from offline_samples_per_query(ctx, rel, keys, scenario)
    yield from equal_issue_mode(ctx, rel, log, bench)
    yield from token_latencies(ctx, rel, keys, bench)
    yield from required_settings(rules, rel, keys, ctx.model, scenario)
    yield from keys.missing_findings(rel)


@check(emits=(*PERFORMANCE_RULES, MissingFile, ScenarioMismatch, ResultInferred,
              NoEarlyStoppingEstimate, ImpossibleValue, MalformedFile, EndpointsModelNotAllowed))
def check_performance(ctx):
    if ctx.is_endpoints:
        log = ctx.endpoints_log("performance")
        yield from endpoints_performance_findings(ctx, log.path, log)
        if log.run_read:
            yield from result_metric(ctx, log.path, log)
        return
    rel = ctx.perf_log_path
    log = ctx.perf_log()
    if log is None:
        return
    yield from performance_findings(ctx, rel, log)
    # v0.7 Server results hold five runs: each is held to the rules, and the value is the last
    # one's, as the official CSV gives it.
    for run in range(2, ctx.rules.performance_runs(ctx.scenario) + 1):
        run_rel = f"{ctx.paths.run_dir(run=run)}/mlperf_log_detail.txt"
        if not ctx.exists(run_rel):
            yield MissingFile.at(run_rel, expected="mlperf_log_detail.txt")
            continue
        run_log = ctx.detail_log(run_rel)
        if run_log is not None:
            yield from performance_findings(ctx, run_rel, run_log)
            rel, log = run_rel, run_log
    yield from result_metric(ctx, rel, log)
