"""The performance value: the export against LoadGen's logs, run length, settings and validity."""

from __future__ import annotations

import math

from infercheck.checker.core.findings import Finding, Rule
from infercheck.checker.core.registry import check
from infercheck.checker.mobile.appfile import AppRun
from infercheck.checker.mobile.context import RunLogs


class PerformanceMissing(Rule):
    """A result has no performance value.

    What it checks:
        The result file's entry (or the performance excerpt) has a throughput or latency.

    Why it matters:
        There is nothing to publish.

    Example:
        found: performance_run null for natural_language_processing

    How to fix:
        Run the performance mode in the app and export again.

    Rounds:
        All.

    Source:
        mobile_open rules ("Inference performance results").
    """

    code = "MOB027"
    name = "performance-missing"
    tags = ("mobile", "app-json")
    message = "no performance value for {benchmark} {scenario}"


class RunTooShort(Rule):
    """A performance run is shorter than the round's minimum.

    What it checks:
        SingleStream: at least 1,024 queries and 60 s (LoadGen's flags and counts, and the
        app's); Offline: at least 24,576 samples. Stable Diffusion (v4.1 onwards) is exempt from
        the query minimum: its runs stop at 300 s with 75-85 queries.

    Why it matters:
        Short runs make the 90th percentile unstable and favour thermally throttling phones.

    Example:
        expected: >= 1024 queries, found: 512

    How to fix:
        Run in the app's submission mode (not quick or rapid mode).

    Rounds:
        All; `run` in the rule pack, per-benchmark overrides under `benchmarks.<name>.run`.

    Source:
        The app's tasks.pbtxt (min_query_count, min_duration, max_duration) per round tag;
        mobile_open rules, "Scenarios".
    """

    code = "MOB010"
    name = "run-too-short"
    tags = ("mobile", "run-length")
    message = "{what}: expected {expected}, found {found}"
    run_length = True


class RunSettings(Rule):
    """The run was configured with other limits than the round's.

    What it checks:
        LoadGen's effective settings (min duration, min query count, max duration, Offline min
        sample count) and the app's `min_duration` / `min_samples` equal the round's.

    Why it matters:
        Different limits mean a different app build or mode; the result is not comparable even if
        it passes the minimum.

    Example:
        locator: effective_max_duration_ms, expected: 600000, found: 0 (v4.1)

    How to fix:
        Use the round's submission build of the app.

    Rounds:
        All; max duration from v4.0 (600 s, 300 s for Stable Diffusion). The v4.1 Windows
        laptop (command-line tool) ran with 1,000 as the minimum query count; as the runs
        still exceeded 1,024 queries (MOB010 checks the counts), `--profile published` tolerates
        the setting.

    Source:
        The app's tasks.pbtxt per round tag.
    """

    code = "MOB011"
    name = "run-settings"
    tags = ("mobile", "loadgen")
    message = "{what} is {found}, the round requires {expected}"
    published_tolerated = True


class RunInvalid(Rule):
    """LoadGen or the app called the performance run invalid.

    What it checks:
        The summary says "Result is : VALID" and the app's validity flags agree, except for the
        criteria the round waives (Stable Diffusion: min queries and early stopping).

    Why it matters:
        An invalid run did not meet the statistical requirements of the metric.

    Example:
        found: INVALID (Min queries satisfied : NO)

    How to fix:
        Re-run in submission mode; check for throttling that stretched the run.

    Rounds:
        All.

    Source:
        mobile_app_open flutter/lib/benchmark/performance_result_validity.dart.
    """

    code = "MOB012"
    name = "run-invalid"
    tags = ("mobile", "loadgen")
    message = "{source} says the performance run is invalid: {found}"


class AppLogDisagree(Rule):
    """A number in the app's result file differs from the LoadGen log beside it.

    What it checks:
        The app's p90 latency (or 1/throughput) equals the summary's 90th percentile latency,
        its Offline throughput the log's samples per second, its query count LoadGen's, and
        its validity LoadGen's "Result is".

    Why it matters:
        Either the logs belong to another run or the result file was edited: the published
        value would not be the measured one.

    Example:
        locator: latency90, expected: 0.000914218 s (log), found: 0.000814218 s (result.json)

    How to fix:
        Put the logs of the exported run beside the export.

    Rounds:
        All rounds whose results carry both. `--profile published` tolerates it in v4.1, which
        published SD8SG3's MOSAIC with the app's values beside the logs of another run (the
        pack's `published_tolerates`); the result keeps the app's value.

    Source:
        infercheck (the Mobile review compares them by hand).
    """

    code = "MOB015"
    name = "app-log-disagree"
    tags = ("mobile", "app-json", "loadgen")
    message = "{what}: result file says {found}, the LoadGen log says {expected}"


class OfflinePaddedThroughput(Rule):
    """The app's Offline throughput counts the samples it padded to whole batches.

    What it checks:
        For Offline, the app's throughput equals LoadGen's samples per second. The app divides
        its own sample count by the run time; with a large batch (12,360) that count includes
        the padding of the last batch (24,720 instead of LoadGen's 24,576 samples), which makes
        the throughput 0.6 % higher than LoadGen measured.

    Why it matters:
        Padding is not work LoadGen asked for; the published value overstates the result.

    Example:
        expected: 1648.73 (24576 samples), found: 1658.39 (24720 samples)

    How to fix:
        Report LoadGen's samples per second (the summary's), or count only issued samples.

    Rounds:
        v4.0 onwards (the app computes throughput as samples / p90 since the Flutter 3 app).
        Every published v4.1 Offline result with batching has it; `--profile published`
        tolerates it and keeps the app's value as the published one.

    Source:
        mobile_app_open flutter/lib/state/task_runner.dart, _calculateThroughput
        (numSamples / latency90).
    """

    code = "MOB028"
    name = "offline-padded-throughput"
    tags = ("mobile", "app-json", "loadgen")
    message = "the app's Offline throughput {found} counts batch padding; LoadGen measured {expected}"
    published_tolerated = True


def _performance(out, where, m, scenario, rule, app: AppRun | None, perf: RunLogs | None) -> None:
    detail = perf.detail if perf else None
    summary = perf.summary if perf else {}
    bench = m.get("benchmark_title")
    log_p90_ns = detail.get("result_90.00_percentile_latency_ns") if detail else None
    log_sps = detail.get("result_samples_per_second") if detail else None
    # The value: the app's, else (no export) LoadGen's, so the table still has a number.
    score = app.score if app else None
    p90_s = app.p90_s if app else None
    if scenario == "SingleStream":
        if p90_s is None and score:
            p90_s = 1 / score
        if p90_s is None and app is None and log_p90_ns:
            p90_s = log_p90_ns / 1e9
        value = p90_s * 1000 if p90_s is not None else None
        m.update(value=value, units="ms", latency_ms=value,
                 throughput=score if score is not None else (1 / p90_s if p90_s else None))
    else:
        value = score if score is not None else (log_sps if app is None else None)
        m.update(value=value, units="samples/s", throughput=value)
    if value is None:
        out.append(PerformanceMissing.at(where, benchmark=bench, scenario=scenario))
    m["app_score"] = score
    # The app's numbers against LoadGen's.
    if app and detail:
        if scenario == "SingleStream" and log_p90_ns and p90_s is not None:
            if not math.isclose(p90_s, log_p90_ns / 1e9, rel_tol=1e-5):
                out.append(AppLogDisagree.at(
                    where, what="90th percentile latency", found=f"{p90_s:.9g} s",
                    expected=f"{log_p90_ns / 1e9:.9g} s", locator=app.locator))
        if scenario == "Offline" and score is not None and log_sps is not None:
            issued = detail.get("generated_samples_per_query")
            padded = (issued and app.samples and app.samples > issued and app.p90_s
                      and math.isclose(score, app.samples / app.p90_s, rel_tol=1e-6))
            if padded:
                out.append(OfflinePaddedThroughput.at(
                    where, found=f"{score:.6g} ({app.samples} samples)",
                    expected=f"{log_sps} ({issued} samples)", locator=app.locator))
            elif not math.isclose(score, float(log_sps), rel_tol=1e-3, abs_tol=0.01):
                out.append(AppLogDisagree.at(where, what="samples per second", found=score,
                                               expected=log_sps, locator=app.locator))
            m["loadgen_value"] = float(log_sps)
        log_queries = detail.get("result_query_count")
        if app.query_count is not None and log_queries is not None and app.query_count != log_queries:
            out.append(AppLogDisagree.at(where, what="query count", found=app.query_count,
                                           expected=log_queries, locator=app.locator))
    # Run length and settings, from the log where there is one, else from the app.
    queries = detail.get("result_query_count") if detail else None
    if queries is None and app:
        queries = app.query_count if app.query_count is not None else (
            app.samples if scenario == "SingleStream" else None)
    if scenario == "SingleStream":
        too_few = queries is not None and rule.min_queries and queries < rule.min_queries
        if too_few and not rule.waive_min_queries:
            out.append(RunTooShort.at(where, what="queries", expected=f">= {rule.min_queries}",
                                        found=queries))
        # LoadGen's own flag decides: the v2.1 app times the run itself and reports 59.7 s
        # for runs LoadGen measured as over 60 s.
        duration = app.duration_s if app else None
        met = detail.get("result_min_duration_met") if detail else None
        if met is None and app:
            met = app.min_duration_met
        if met is None and duration is not None and rule.min_duration_s:
            met = duration >= rule.min_duration_s
        short = met is False
        if short:
            found = f"{duration:.1f} s" if duration is not None else "min duration not met"
            out.append(RunTooShort.at(where, what="duration",
                                        expected=f">= {rule.min_duration_s} s", found=found))
    else:
        samples = app.samples if app else None
        if samples is None and detail:
            samples = detail.get("effective_min_sample_count")
        if samples is not None and rule.min_samples and samples < rule.min_samples:
            out.append(RunTooShort.at(where, what="samples", expected=f">= {rule.min_samples}",
                                        found=samples))
    _settings(out, where, scenario, rule, app, detail)
    _validity(out, where, rule, app, detail, summary)


def _settings(out, where, scenario, rule, app, detail) -> None:
    want = {"effective_min_duration_ms": round((rule.min_duration_s or 0) * 1000),
            "effective_max_duration_ms": round((rule.max_duration_s or 0) * 1000)}
    if scenario == "SingleStream":
        want["effective_min_query_count"] = rule.min_queries
    else:
        want["effective_min_sample_count"] = rule.min_samples
    if detail:
        for key, expected in want.items():
            found = detail.get(key)
            if found is not None and expected is not None and found != expected:
                out.append(RunSettings.at(where, what=key, expected=expected, found=found,
                                            locator=key))
    if app:
        app_min = rule.min_queries if scenario == "SingleStream" else rule.min_samples
        if app.min_samples is not None and app_min is not None and app.min_samples != app_min:
            out.append(RunSettings.at(where, what="the app's min_samples", expected=app_min,
                                        found=app.min_samples, locator=app.locator))
        if (app.min_duration_s is not None and rule.min_duration_s is not None
                and not math.isclose(app.min_duration_s, rule.min_duration_s)):
            out.append(RunSettings.at(where, what="the app's min_duration",
                                        expected=f"{rule.min_duration_s} s",
                                        found=f"{app.min_duration_s} s", locator=app.locator))


def _validity(out, where, rule, app: AppRun | None, detail, summary) -> None:
    verdict = summary.get("result_validity") or (detail.get("result_validity") if detail else None)
    if verdict and verdict.upper() != "VALID":
        failing = []
        if detail:
            if detail.get("result_min_duration_met") is False:
                failing.append("min duration")
            if detail.get("result_min_queries_met") is False and not rule.waive_min_queries:
                failing.append("min queries")
            if detail.get("early_stopping_met") is False and not rule.waive_early_stopping:
                failing.append("early stopping")
        waived_only = detail is not None and not failing and (
            detail.get("result_min_queries_met") is False or detail.get("early_stopping_met") is False)
        if not waived_only:
            out.append(RunInvalid.at(where, source="LoadGen", found=f"{verdict}"
                                       + (f" ({', '.join(failing)} not met)" if failing else "")))
    if app is None:
        return
    if app.min_duration_met is not None:
        app_valid = bool(app.min_duration_met
                         and (app.min_query_met or rule.waive_min_queries)
                         and (app.early_stopping_met or rule.waive_early_stopping))
        if not app_valid:
            out.append(RunInvalid.at(where, source="the app", locator=app.locator, found=(
                f"min duration met {app.min_duration_met}, min queries met {app.min_query_met}, "
                f"early stopping met {app.early_stopping_met}")))
    elif app.valid is False:
        out.append(RunInvalid.at(where, source="the app", found="validity false",
                                   locator=app.locator))
    if verdict and app.valid is not None and (verdict.upper() == "VALID") != bool(app.valid):
        if app.min_duration_met is None:  # flags compared above already explain a difference
            out.append(AppLogDisagree.at(where, what="validity", found=app.valid,
                                           expected=verdict, locator=app.locator))


@check(emits=(PerformanceMissing, RunTooShort, RunSettings, RunInvalid, AppLogDisagree,
              OfflinePaddedThroughput))
def check_performance(ctx):
    """The result's value (the app's, else LoadGen's) and the export against the logs; run
    length, LoadGen settings and validity."""
    out: list[Finding] = []
    rule = ctx.rules.run_rule(ctx.benchmark, ctx.scenario)
    _performance(out, ctx.where, ctx.metrics, ctx.scenario, rule, ctx.app, ctx.perf)
    yield from out
