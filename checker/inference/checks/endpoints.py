"""Results of Loadgen++ ("endpoints") runs, from v6.1: their files read into LoadGen's keys
(core/endpoints_log.py, driven by the pack's `endpoints` section), then held to the rules of a
LoadGen run that the official checker keeps for them. The performance check calls
`performance_findings` for an endpoints result instead of reading LoadGen's log; the accuracy
and compliance checks have their endpoints branch beside their LoadGen one and use the rules
and helpers here."""

from __future__ import annotations

from infercheck.checker.core.coerce import as_float, as_int
from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.tree_rules import MalformedFile
from infercheck.checker.inference.checks.loadgen.latency import (
    TokenLatencyExceeded,
    percentile_latency,
)
from infercheck.checker.inference.checks.loadgen.log_keys import NeededKeys
from infercheck.checker.inference.checks.loadgen.run_length import min_duration
from infercheck.checker.inference.checks.loadgen.sample_order import seed_findings
from infercheck.checker.inference.checks.loadgen.validity import LoadgenError
from infercheck.checker.inference.rules import SCENARIO_NAMES


class EndpointsModelNotAllowed(Rule):
    """An endpoints (Loadgen++) result is for a benchmark endpoints submissions may not use.

    What it checks:
        A result made of `config.yaml`, `performance/result_summary.json` and
        `accuracy/accuracy_results.json` is for one of the round's endpoints benchmarks
        (v6.1: wan-2.2-t2v-a14b, qwen3-vl-235b-a22b, qwen3.6-27b, llama3.1-8b, llama3.1-8b-edge,
        gpt-oss-120b, deepseek-r1).

    Why it matters:
        Only these benchmarks have an endpoints harness whose output the rules were written
        for; any other must be run with LoadGen and submit its logs.

    Example:
        expected: [wan-2.2-t2v-a14b, ...], found: resnet

    How to fix:
        Run the benchmark with LoadGen and submit `mlperf_log_detail.txt` and its companions.

    Rounds:
        v6.1 onwards (`endpoints.allowed_models`).

    Source:
        Official checker `endpoints_model_check` (performance_check.py 586, accuracy_check.py
        343): "endpoints submission uses disallowed model".
    """

    code = "LG018"
    name = "endpoints-model-not-allowed"
    severity = Severity.ERROR
    tags = ("loadgen", "endpoints")
    message = "{found} may not be submitted as an endpoints result"


class EndpointsAccuracyScoreMissing(Rule):
    """An endpoints result's `accuracy_results.json` has no accuracy score.

    What it checks:
        `accuracy_scores` is a list holding at least one entry with a non-null `score`.

    Why it matters:
        The score is the only accuracy an endpoints run reports; without it the result's
        quality is unknown.

    Example:
        expected: accuracy_scores[].score, found: (absent)

    How to fix:
        Run the endpoints harness's accuracy mode to the end and submit the file it writes.

    Rounds:
        v6.1 onwards.

    Source:
        Official checker `accuracy_result_check` (accuracy_check.py 108): "accuracy score not
        found".
    """

    code = "ACC009"
    name = "endpoints-accuracy-score-missing"
    severity = Severity.ERROR
    tags = ("accuracy", "endpoints")
    message = "accuracy_results.json has no accuracy score"


class EndpointsAuditFailed(Rule):
    """An endpoints audit file does not record a pass of its test (closed, network).

    What it checks:
        `audit/audit_<test name>.json` of an endpoints result is an object whose `test` is the
        test's name (TEST04: output_caching_test) and whose `passed` is true. A missing file
        the benchmark needs (TEST04 for wan-2.2-t2v-a14b) is CMP001.

    Why it matters:
        The audit is the endpoints counterpart of the compliance tests: it shows that outputs
        are not cached or otherwise faked.

    Example:
        path: .../Offline/audit/audit_output_caching_test.json, expected: passed true,
        found: false

    How to fix:
        Fix what the audit flags and run it again; submit the file it writes unchanged.

    Rounds:
        v6.1 onwards (`endpoints.audit_tests`, `endpoints.required_tests`).

    Source:
        Official checker `compliance_endpoints_check` (compliance_check.py 502).
    """

    code = "CMP005"
    name = "endpoints-audit-failed"
    severity = Severity.ERROR
    tags = ("compliance", "endpoints")
    message = "{test} audit does not pass: {why}"




def value_findings(log):
    """A field of the wrong type in an endpoints file: the file is malformed there."""
    for p in log.problems:
        yield MalformedFile.at(p.file, expected=p.expected, locator=p.path,
                               found=f"{p.path} is {p.found}, expected {p.expected} (for {p.key})")


def _config_rel(ctx) -> str:
    for name in ctx.rules.endpoints["config_files"]:
        if ctx.exists(ctx.in_result(name)):
            return ctx.in_result(name)
    return ctx.in_result(ctx.rules.endpoints["config_files"][0])


def model_findings(ctx, rel: str):
    allowed = ctx.rules.endpoints.get("allowed_models") or []
    if ctx.model not in allowed:
        yield EndpointsModelNotAllowed.at(rel, expected=allowed, found=ctx.model)


def performance_findings(ctx, rel: str, log):
    """The rules the official checker keeps for an endpoints run (performance_check.py 94: no
    performance sample count, no minimum query count; no QSL seed, 225; no early stopping, 265;
    LLMs by their token latencies alone, 296)."""
    rules, bench = ctx.rules, ctx.rules.benchmark(ctx.model)
    yield from value_findings(log)
    yield from model_findings(ctx, rel)
    if not log.run_read:
        return  # the file's own finding says why; its keys would only repeat it
    keys = NeededKeys(log)
    failed = as_int(keys.need("num_errors"))
    # The official parser counts failed samples as errors but lists none, so never rejects.
    if failed:
        yield LoadgenError.at(rel, found=f"{failed} samples failed", locator="num_errors")
    scenario = keys.need("effective_scenario")
    if scenario is not None and scenario not in SCENARIO_NAMES:
        known = sorted(rules.endpoints.get("scenario_values") or {})
        yield MalformedFile.at(_config_rel(ctx), expected=known,
                               found=f"type {log.raw_scenario!r} is not a scenario", locator="type")
        scenario = None
    yield from seed_findings(ctx, rel, keys, test=None, unlogged=("qsl_rng_seed",))
    yield from min_duration(rel, keys, rules, ctx.model)
    bounded = (ctx.scenario, scenario) if scenario else (ctx.scenario,)
    limits = bench.get("token_latencies")
    if limits is not None:
        bound = limits.get(ctx.scenario)
        if bound:
            for key, limit in (("result_first_token_99.00_percentile_latency_ns", bound["ttft_ns"]),
                               ("result_time_per_output_token_99.00_percentile_ns", bound["tpot_ns"])):
                got = as_float(keys.need(key))
                if got is not None and got >= limit:
                    yield TokenLatencyExceeded.at(rel, expected=limit, found=got, key=key, locator=key)
    elif scenario is not None:
        yield from percentile_latency(rel, keys, bench, bounded, "result_99.00_percentile_latency_ns")
    yield from keys.missing_findings(rel)


def numeric_score(score, metrics: list[str]) -> float | None:
    """A comparable number from an endpoints score: the number itself, or the first of the
    target's metric names (as written, lower case, last word), f1, score or accuracy in a dict
    (accuracy_check.py _numeric_accuracy_score)."""
    if isinstance(score, bool):
        return None
    if isinstance(score, (int, float, str)):
        return as_float(score)
    if isinstance(score, dict):
        names = [n for m in metrics for n in (m, m.lower(), m.split("_")[-1].lower())]
        for name in (*names, "f1", "score", "accuracy"):
            value = score.get(name)
            if not isinstance(value, bool) and as_float(value) is not None:
                return as_float(value)
    return None
