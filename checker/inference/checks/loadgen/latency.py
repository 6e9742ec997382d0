"""Latency bounds: the scenario's bound and the LLM token latencies."""

from __future__ import annotations

from infercheck.checker.core.coerce import is_true
from infercheck.checker.core.findings import Rule, Severity


class LatencyConstraintExceeded(Rule):
    """The latency bound of the scenario is exceeded.

    What it checks:
        Server: the target latency LoadGen used for early stopping
        (`effective_target_latency_ns`) is within the benchmark's bound; other scenarios with a
        bound: the 99th-percentile latency is within it (per query for MultiStream before v2.0).

    Why it matters:
        Throughput at a looser latency bound is not comparable.

    Example:
        expected: 15000000, found: 20000000 (resnet Server, 15 ms)

    How to fix:
        Set `target_latency` no higher than the bound and lower the target QPS.

    Rounds:
        All (`benchmarks.<name>.latency_constraint_ns` at `latency_percentile`, 99 unless the
        pack says otherwise (v0.5 GNMT: 97), `loadgen.percentile_latency_keys`; an
        Interactive folder uses its own bound where the benchmark has one, e.g. qwen3-vl in
        v6.1, else the Server bound). In v0.5 the bounds do not apply to open results, which
        report the latency they ran at (`loadgen.open_latency_bounds`): a warning there.

    Source:
        Official checker: "Latency constraint ... not met".
    """

    code = "LG008"
    name = "latency-constraint-exceeded"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "{key} is {found} ns; {scenario} bound is {expected} ns"


class TokenLatenciesOff(Rule):
    """An LLM benchmark ran without token latencies.

    What it checks:
        `requested_use_token_latencies` is true for LLM benchmarks with TTFT/TPOT bounds.

    Why it matters:
        Without it LoadGen records no time-to-first-token nor time-per-output-token, so the
        latency bounds cannot be checked.

    Example:
        expected: true, found: false

    How to fix:
        Set `use_token_latencies = 1` (the round's mlperf.conf does).

    Rounds:
        v4.0 onwards.

    Source:
        Official checker: "use_token_latencies flag needs to be enabled".
    """

    code = "LG011"
    name = "token-latencies-off"
    severity = Severity.ERROR
    tags = ("loadgen", "llm")
    message = "use_token_latencies is {found}; {model} requires it"


class TokenLatencyExceeded(Rule):
    """An LLM's time to first token or time per output token is above its bound.

    What it checks:
        The 99th-percentile TTFT and TPOT of Server (and Interactive) runs are below the
        benchmark's bounds.

    Why it matters:
        These bounds define the service level the throughput is measured at.

    Example:
        locator: result_first_token_99.00_percentile_latency_ns, expected: 2000000000,
        found: 2500000000

    How to fix:
        Lower the target QPS.

    Rounds:
        v4.0 onwards (`benchmarks.<name>.token_latencies`).

    Source:
        Official checker `extra_check_llm` (HEAD applies Server bounds to Interactive; we use the
        folder's scenario).
    """

    code = "LG012"
    name = "token-latency-exceeded"
    severity = Severity.ERROR
    tags = ("loadgen", "llm")
    message = "{key} is {found} ns; bound is below {expected} ns"


def latency_bound(bench: dict, scenarios: tuple[str, ...]) -> tuple[str | None, int | None]:
    """The first of `scenarios` the benchmark bounds, with its bound. A folder scenario LoadGen
    runs as another (Interactive as Server) may have its own, tighter bound."""
    constraints = bench.get("latency_constraint_ns") or {}
    for scenario in scenarios:
        if constraints.get(scenario):
            return scenario, constraints[scenario]
    return None, None


def target_latency(rel: str, keys, bench: dict, scenarios: tuple[str, ...]):
    """The bound on the target latency of a scenario LoadGen judges by early stopping."""
    scenario, bound = latency_bound(bench, scenarios)
    if bound:
        target = keys.number("effective_target_latency_ns", whole=True)
        if target is not None and target > bound:
            yield LatencyConstraintExceeded.at(rel, expected=bound, found=target,
                                               key="effective_target_latency_ns",
                                               scenario=scenario,
                                               locator="effective_target_latency_ns")


def percentile_latency(rel: str, keys, bench: dict, scenarios: tuple[str, ...], key: str,
                       severity: Severity | None = None):
    """The bound on the measured tail percentile (`key`) of the other scenarios."""
    scenario, bound = latency_bound(bench, scenarios)
    if bound:
        p99 = keys.number(key, whole=True)
        if p99 is not None and p99 > bound:
            yield LatencyConstraintExceeded.at(rel, expected=bound, found=p99, key=key,
                                               scenario=scenario, locator=key, severity=severity)


def token_latencies(ctx, rel: str, keys, bench: dict):
    limits = bench.get("token_latencies")
    if limits is not None:  # {} still requires token latencies, with no bounds
        flag = keys.need("requested_use_token_latencies")
        if flag is not None and not is_true(flag):
            yield TokenLatenciesOff.at(rel, expected=True, found=flag, model=ctx.model,
                                       locator="requested_use_token_latencies")
        # The folder's scenario, not the log's: LoadGen runs Interactive as Server.
        bound = limits.get(ctx.scenario)
        if bound and flag is not None and is_true(flag):
            for key, limit in (("result_first_token_99.00_percentile_latency_ns", bound["ttft_ns"]),
                               ("result_time_per_output_token_99.00_percentile_ns", bound["tpot_ns"])):
                got = keys.number(key)
                if got is not None and got >= limit:
                    yield TokenLatencyExceeded.at(rel, expected=limit, found=got, key=key, locator=key)
