"""The result's value, as the official checker computes it, measured or inferred from a run of
another scenario."""

from __future__ import annotations

import math

from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.inference.checks.loadgen.log_keys import MissingLogKey
from infercheck.checker.inference.rules import NS_PER_MS


class ScenarioMismatch(Rule):
    """The run's scenario differs from the folder's and cannot be inferred.

    What it checks:
        LoadGen's `effective_scenario` equals the folder's scenario, or the pair is an allowed
        inference for an edge system (SingleStream to MultiStream or Offline, MultiStream to
        Offline).

    Why it matters:
        A result must come from a run of its own scenario, except the inferences the rules allow.

    Example:
        expected: Offline, found: Server

    How to fix:
        Put the run in the folder of its scenario.

    Rounds:
        All (`loadgen.inferable`): v0.7 infers nothing, v1.0 and v1.1 Offline from
        SingleStream, v2.0 onwards the three pairs.

    Source:
        Official checker `inferred_check` (HEAD); v2.1 inferred silently.
    """

    code = "LG014"
    name = "scenario-mismatch"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "log scenario is {found}, folder is {expected}"


class ResultInferred(Rule):
    """The result is inferred from a run of another scenario.

    What it checks:
        Provenance: an edge result whose run was made in another scenario (e.g. MultiStream
        from a SingleStream run: 8 x the early-stopping latency).

    Why it matters:
        Readers should know the number was not measured in its own scenario.

    Example:
        found: SingleStream, expected: MultiStream

    How to fix:
        Nothing to fix; run the scenario itself for a measured number.

    Rounds:
        v1.0 onwards.

    Source:
        Official checker's `inferred` column (which is wrong for lower-case folders; ours is not).
    """

    code = "LG015"
    name = "result-inferred"
    severity = Severity.INFO
    tags = ("loadgen", "provenance")
    message = "{expected} result inferred from a {found} run"


class NoEarlyStoppingEstimate(Rule):
    """MultiStream inferred from SingleStream has no early-stopping estimate.

    What it checks:
        `early_stopping_latency_ms` of the SingleStream run is not 0.

    Why it matters:
        0 means too few queries for an estimate; the inferred result would be 0 ms.

    Example:
        found: 0

    How to fix:
        Run SingleStream longer.

    Rounds:
        v2.0 onwards.

    Source:
        Official checker: "Not enough samples were processed for early stopping".
    """

    code = "LG016"
    name = "no-early-stopping-estimate"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "early-stopping estimate is {found}"


class ImpossibleValue(Rule):
    """The result's value is negative, not a number or infinite.

    What it checks:
        The value LoadGen logged for the result (a throughput, a latency), and the value
        inferred from it, is a finite number of zero or more.

    Why it matters:
        No run has a negative latency or an infinite throughput: the log was edited or
        damaged. Such a value would rank first in every results table.

    Example:
        locator: result_90.00_percentile_latency_ns, found: -124016

    How to fix:
        Submit the logs LoadGen wrote for the run, unedited.

    Rounds:
        All.

    Source:
        infercheck's own: the official checker publishes whatever number it reads.
    """

    code = "LG021"
    name = "impossible-value"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "result value {found} is not a finite number of zero or more"


def _number(raw) -> float | None:
    if isinstance(raw, bool):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if math.isfinite(value) and value >= 0 else None


def result_metric(ctx, rel: str, log):
    """The reported value of the result, as the official checker computes it."""
    rules = ctx.rules
    scenario = log.get("effective_scenario")
    if scenario not in rules.loadgen["result_keys"]:
        return
    if getattr(ctx, "is_endpoints", False) and scenario not in rules.endpoints["result_keys"]:
        return
    pair = [scenario, ctx.scenario]
    inferred = scenario != ctx.scenario and not rules.same_run(scenario, ctx.scenario)
    if inferred and (pair not in rules.loadgen["inferable"] or "edge" not in (ctx.system_type or "")):
        yield ScenarioMismatch.at(rel, expected=ctx.scenario, found=scenario,
                                  locator="effective_scenario")
        return
    # An endpoints run's value is its sample rate or latency, or in some scenarios the
    # benchmark's own key (an LLM's Server token rate): the pack's endpoints section says which.
    endpoints = ctx.rules.endpoints if getattr(ctx, "is_endpoints", False) else {}
    own = (rules.benchmarks[ctx.model].get("result_keys") or {}).get(scenario)
    if endpoints and not (own and scenario in (endpoints.get("benchmark_keys_in") or [])):
        key = endpoints["result_keys"][scenario]
    else:
        key, endpoints = rules.result_key(ctx.model, scenario), {}
    raw = log.get(key)
    if raw is None:
        yield MissingLogKey.at(rel, expected=key, locator=key)
        return
    value = _number(raw)
    if value is None:
        yield ImpossibleValue.at(rel, found=raw, locator=key)
        return
    # Latencies are logged in ns and reported in ms, or in s for minute-long generations (video).
    unit_ns = rules.latency_unit_ns(ctx.model)
    if scenario in rules.loadgen["latency_scenarios"]:
        # ns to ms, then to the benchmark's unit: the official order of the divisions
        # (performance_check.py 575-578), so that the float written is the same to the last digit.
        value = value / NS_PER_MS / (unit_ns / NS_PER_MS)
    if inferred:
        yield ResultInferred.at(rel, expected=ctx.scenario, found=scenario, locator="effective_scenario")
        if pair == ["SingleStream", "Offline"]:
            value = float(log.get("result_qps_without_loadgen_overhead", 0))
        elif pair == ["MultiStream", "Offline"]:
            spq = float(log.get("effective_samples_per_query", 0))
            mean_ms = float(log.get("result_mean_query_latency_ns", 0)) / NS_PER_MS
            value = spq * 1000 / mean_ms if mean_ms else 0.0
        else:  # SingleStream -> MultiStream
            n = rules.loadgen["multistream_samples_per_query"]
            if scenario in rules.loadgen["early_stopping_scenarios"]:
                estimate = float(log.get("early_stopping_latency_ms", 0))
                if estimate == 0:
                    yield NoEarlyStoppingEstimate.at(rel, expected="> 0", found=estimate,
                                                     locator="early_stopping_latency_ms")
                value = estimate * n / unit_ns
            else:
                value = float(log.get("result_99.00_percentile_latency_ns", 0)) * n / unit_ns
    if _number(value) is None:
        yield ImpossibleValue.at(rel, found=value, locator=key)
        return
    ctx.metrics.update({
        "value": value,
        "units": (endpoints.get("units") or {}).get(ctx.scenario) or rules.unit(ctx.scenario, ctx.model),
        "metric_key": key,
        "loadgen_scenario": scenario,
        "inferred": inferred,
        "result_validity": log.get("result_validity"),
    })
