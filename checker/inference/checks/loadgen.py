"""LoadGen performance logs: validity, settings of the round, run length, latency, the metric."""

from __future__ import annotations

from infercheck.checker.core.coerce import as_int, is_true
from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.registry import check
from infercheck.checker.inference.rules import known_seed_sets

NS_PER_MS = 1000 * 1000
SEED_KEYS = ("qsl_rng_seed", "sample_index_rng_seed", "schedule_rng_seed")


class LoadgenError(Rule):
    """LoadGen logged an error during the run.

    What it checks:
        No line of `mlperf_log_detail.txt` (performance, accuracy or compliance run) has
        `"is_error": true`.

    Why it matters:
        LoadGen reports broken settings, SUT failures and misuse as errors; a run with errors is
        not a valid measurement. The HEAD official checker ignores them unless a flag is given.

    Example:
        locator: line 57, found: "Loadgen built with uncommitted changes!"

    How to fix:
        Fix the cause LoadGen names and run again.

    Rounds:
        All.

    Source:
        Official checker `find_error_in_detail_log` (correct in v2.1/v4.1, inverted at HEAD).
    """

    code = "LG001"
    name = "loadgen-error"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "LoadGen logged an error: {found}"


class ResultInvalid(Rule):
    """LoadGen judged the run INVALID.

    What it checks:
        `result_validity` is `VALID`.

    Why it matters:
        LoadGen sets INVALID when the run missed its minimum duration, query count, latency
        bound or early-stopping condition. The HEAD official checker no longer enforces it.

    Example:
        expected: VALID, found: INVALID

    How to fix:
        Read the summary log's "Result is" section for the reason; usually raise the duration
        or lower the target QPS.

    Rounds:
        All.

    Source:
        Official v2.1/v4.1 checker ("Result is : VALID").
    """

    code = "LG002"
    name = "result-invalid"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "LoadGen result is {found}, expected VALID"


class SeedMismatch(Rule):
    """A random seed differs from the seeds of the round.

    What it checks:
        `effective_qsl_rng_seed`, `effective_sample_index_rng_seed` and
        `effective_schedule_rng_seed` equal the round's seeds (TEST05 runs: its own seeds).

    Why it matters:
        The seeds are published only at submission time so that no system can be tuned to the
        sample order. Seeds of another round mean an old mlperf.conf or LoadGen build.

    Example:
        locator: effective_qsl_rng_seed, expected: 14284205019438841327, found: 1234

    How to fix:
        Use the mlperf.conf of the round (or the LoadGen release of the round) and run again.
        Under `--profile smoke`, seeds of another known round are accepted with a warning,
        because CI smoke runs use whatever LoadGen is installed; unknown seeds never are.

    Rounds:
        All; `loadgen.seeds` in the rule pack.

    Source:
        Official checker: "qsl_rng_seed is wrong".
    """

    code = "LG003"
    name = "seed-mismatch"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "{key} is {found}, round {round} requires {expected}{other}"


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
        All (`loadgen.min_duration_ms`). Relaxed by `--profile smoke`.

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


class LatencyConstraintExceeded(Rule):
    """The latency bound of the scenario is exceeded.

    What it checks:
        Server: the target latency LoadGen used for early stopping
        (`effective_target_latency_ns`) is within the benchmark's bound; other scenarios with a
        bound: the 99th-percentile latency is within it.

    Why it matters:
        Throughput at a looser latency bound is not comparable.

    Example:
        expected: 15000000, found: 20000000 (resnet Server, 15 ms)

    How to fix:
        Set `target_latency` no higher than the bound and lower the target QPS.

    Rounds:
        All (`benchmarks.<name>.latency_constraint_ns`).

    Source:
        Official checker: "Latency constraint ... not met".
    """

    code = "LG008"
    name = "latency-constraint-exceeded"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "{key} is {found} ns; {scenario} bound is {expected} ns"


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


class EqualIssueModeOff(Rule):
    """A benchmark that needs equal-issue mode ran without it (closed, network).

    What it checks:
        `effective_sample_concatenate_permutation` is true for 3d-unet, GPT-J, Llama 2,
        Mixtral, Llama 3.1 and R-GAT from v4.1.

    Why it matters:
        These benchmarks have samples of very different cost; without equal issue the run can
        be skewed by which samples it drew.

    Example:
        expected: true, found: false

    How to fix:
        Use the round's mlperf.conf, which sets `sample_concatenate_permutation = 1`.

    Rounds:
        v4.1 onwards (`benchmarks.<name>.equal_issue`).

    Source:
        Official checker `requires_equal_issue` (dead or inverted at several commits; infercheck
        applies the rule as written).
    """

    code = "LG010"
    name = "equal-issue-mode-off"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "equal-issue mode is {found}; {model} requires it"


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


class MissingLogKey(Rule):
    """A key the checks need is absent from the detail log.

    What it checks:
        The detail log has the keys this result needs (scenario, seeds, settings, the metric).

    Why it matters:
        The log was cut short, or made by a LoadGen too old or too new for the round.

    Example:
        expected: early_stopping_latency_ss, found: (absent)

    How to fix:
        Use the complete log of the run, made with the round's LoadGen.

    Rounds:
        All.

    Source:
        Official checker (crashes with KeyError or TypeError).
    """

    code = "LG013"
    name = "missing-log-key"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "detail log has no {expected!r}"


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
        v2.0 onwards (`loadgen.inferable`).

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
        v2.0 onwards.

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


def conf_setting(ctx, name: str):
    """A setting for this benchmark and scenario from the measurements' mlperf.conf/user.conf."""
    base = ctx.model.replace("-99.9", "").replace("-99", "").lower()
    value = None
    for conf in ("mlperf.conf", "user.conf"):  # user.conf overrides mlperf.conf
        rel = f"{ctx.measurements_dir}/{conf}"
        text = ctx.text(rel) if ctx.exists(rel) else None
        for line in (text or "").splitlines():
            line = line.split("#", 1)[0].replace(" ", "")
            if "=" not in line or line.count(".") < 2:
                continue
            key, val = line.split("=", 1)
            model, scenario, setting = (key.split(".", 2) + ["", ""])[:3]
            if setting == name and model.lower() in (base, "*") and scenario in (ctx.scenario, "*"):
                value = val
    return value


def performance_findings(ctx, rel: str, log, *, test: str | None = None):
    """Findings on one performance-mode detail log (a result's run or a compliance run)."""
    rules, model, bench = ctx.rules, ctx.model, ctx.rules.benchmark(ctx.model)
    missing: list[str] = []

    def need(key):
        if key not in log.values:
            missing.append(key)
            return None
        return log.values[key]

    for msg in log.errors:
        yield LoadgenError.at(rel, found=msg.value, locator=f"line {msg.line}")
    validity = need("result_validity")
    if validity is not None and validity != "VALID":
        yield ResultInvalid.at(rel, expected="VALID", found=validity, locator="result_validity")

    scenario = need("effective_scenario")
    seeds = rules.loadgen.get("test05_seeds") if test == "TEST05" else rules.loadgen["seeds"]
    found_seeds = tuple(as_int(need(f"effective_{k}")) for k in SEED_KEYS)
    if seeds and None not in found_seeds and found_seeds != tuple(seeds[k] for k in SEED_KEYS):
        other = known_seed_sets().get(found_seeds)
        tolerated = ctx.profile == "smoke" and other is not None
        for key, got in zip(SEED_KEYS, found_seeds, strict=True):
            if got != seeds[key]:
                yield SeedMismatch.at(
                    rel, expected=seeds[key], found=got, locator=f"effective_{key}", key=key,
                    round=rules.round, other=f" (the seeds of round {other})" if other else "",
                    severity=Severity.WARNING if tolerated else None)

    psc = as_int(need("effective_performance_sample_count"))
    wanted = bench["performance_sample_count"]
    if psc is not None and psc < wanted:
        yield PerformanceSampleCountTooLow.at(rel, expected=wanted, found=psc, model=model,
                                              locator="effective_performance_sample_count")

    duration = as_int(need("effective_min_duration_ms"))
    wanted = rules.loadgen["min_duration_ms"]
    if duration is not None and duration < wanted:
        yield MinDurationTooShort.at(rel, expected=wanted, found=duration, round=rules.round,
                                     locator="effective_min_duration_ms")

    if scenario in rules.loadgen["early_stopping_scenarios"]:
        met = need("early_stopping_met")
        if met is not None and not is_true(met):
            yield EarlyStoppingNotMet.at(rel, expected=True, found=log.get("early_stopping_result", met),
                                         locator="early_stopping_met")
        bound = (bench.get("latency_constraint_ns") or {}).get(scenario)
        if bound:
            target = as_int(need("effective_target_latency_ns"))
            if target is not None and target > bound:
                yield LatencyConstraintExceeded.at(rel, expected=bound, found=target,
                                                   key="effective_target_latency_ns",
                                                   scenario=scenario,
                                                   locator="effective_target_latency_ns")
    elif scenario is not None:
        bound = (bench.get("latency_constraint_ns") or {}).get(scenario)
        if bound:
            key = "result_99.00_percentile_latency_ns"
            p99 = as_int(need(key))
            if p99 is not None and p99 > bound:
                yield LatencyConstraintExceeded.at(rel, expected=bound, found=p99, key=key,
                                                   scenario=scenario, locator=key)
        wanted = (bench.get("min_query_count") or {}).get(scenario)
        count = as_int(need("effective_min_query_count"))
        if wanted and count is not None and count < wanted:
            yield MinQueryCountTooLow.at(rel, expected=wanted, found=count, scenario=scenario,
                                         locator="effective_min_query_count")

    if scenario == "Offline" and ctx.is_closed_like:
        wanted = rules.offline_min_spq(model)
        spq = as_int(need("effective_samples_per_query"))
        if wanted and spq is not None and spq < wanted:
            yield OfflineSamplesPerQueryTooLow.at(rel, expected=wanted, found=spq, model=model,
                                                  locator="effective_samples_per_query")

    if bench.get("equal_issue") and ctx.is_closed_like:
        key = "effective_sample_concatenate_permutation"
        value = log.get(key)
        # Some LoadGen builds do not log the key; the official tool then reads the conf files.
        if value is None:
            value = conf_setting(ctx, "sample_concatenate_permutation")
        if not is_true(value):
            yield EqualIssueModeOff.at(rel, expected=True, found=value, model=model, locator=key)

    limits = bench.get("token_latencies")
    if limits is not None:  # {} still requires token latencies, with no bounds
        flag = need("requested_use_token_latencies")
        if flag is not None and not is_true(flag):
            yield TokenLatenciesOff.at(rel, expected=True, found=flag, model=model,
                                       locator="requested_use_token_latencies")
        bound = limits.get(ctx.scenario)
        if bound and flag is not None and is_true(flag):
            for key, limit in (("result_first_token_99.00_percentile_latency_ns", bound["ttft_ns"]),
                               ("result_time_per_output_token_99.00_percentile_ns", bound["tpot_ns"])):
                got = need(key)
                if got is not None and float(got) >= limit:
                    yield TokenLatencyExceeded.at(rel, expected=limit, found=got, key=key, locator=key)

    for key in missing:
        yield MissingLogKey.at(rel, expected=key, locator=key)


def result_metric(ctx, rel: str, log):
    """The reported value of the result, as the official checker computes it."""
    rules = ctx.rules
    scenario = log.get("effective_scenario")
    if scenario not in rules.loadgen["result_keys"]:
        return
    pair = [scenario, ctx.scenario]
    inferred = scenario != ctx.scenario and not rules.same_run(scenario, ctx.scenario)
    if inferred and (pair not in rules.loadgen["inferable"] or "edge" not in (ctx.system_type or "")):
        yield ScenarioMismatch.at(rel, expected=ctx.scenario, found=scenario,
                                  locator="effective_scenario")
        return
    key = rules.result_key(ctx.model, scenario)
    raw = log.get(key)
    if raw is None:
        yield MissingLogKey.at(rel, expected=key, locator=key)
        return
    value = float(raw)
    if scenario in rules.loadgen["latency_scenarios"]:
        value /= NS_PER_MS
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
                value = estimate * n / NS_PER_MS
            else:
                value = float(log.get("result_99.00_percentile_latency_ns", 0)) * n / NS_PER_MS
    ctx.metrics.update({
        "value": value,
        "units": rules.unit(ctx.scenario, ctx.model),
        "metric_key": key,
        "loadgen_scenario": scenario,
        "inferred": inferred,
        "result_validity": log.get("result_validity"),
    })


PERFORMANCE_RULES = (LoadgenError, ResultInvalid, SeedMismatch, MinDurationTooShort,
                     MinQueryCountTooLow, PerformanceSampleCountTooLow, EarlyStoppingNotMet,
                     LatencyConstraintExceeded, OfflineSamplesPerQueryTooLow, EqualIssueModeOff,
                     TokenLatenciesOff, TokenLatencyExceeded, MissingLogKey)


@check(emits=(*PERFORMANCE_RULES, ScenarioMismatch, ResultInferred, NoEarlyStoppingEstimate))
def check_performance(ctx):
    rel = ctx.perf_log_path
    log = ctx.perf_log()
    if log is None:
        return
    yield from performance_findings(ctx, rel, log)
    yield from result_metric(ctx, rel, log)
