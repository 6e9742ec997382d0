"""LoadGen's logs beside each result: summary, detail, accuracy and trace logs, whole or split."""

from __future__ import annotations

import os

from infercheck.checker.core.findings import Finding, Rule
from infercheck.checker.core.fingerprints import file_fingerprint
from infercheck.checker.core.loadgen_log import DetailLog, parse_detail_log
from infercheck.checker.core.registry import check
from infercheck.checker.core.summary_log import parse_summary
from infercheck.checker.core.summary_rules import SUMMARY_RULES, summary_findings
from infercheck.checker.core.textfile import ParseError, read_text
from infercheck.checker.core.tree_rules import PARSE_RULES, MalformedFile, finding_for_parse_error
from infercheck.checker.mobile.context import RunLogs
from infercheck.checker.mobile.layout import LogFile, find_log

_NUMBER = (int, float)
# The LoadGen values the Mobile checks compare, with the type each must have.
_LOG_TYPES = {
    "result_query_count": int, "result_90.00_percentile_latency_ns": _NUMBER,
    "result_samples_per_second": _NUMBER, "effective_min_duration_ms": int,
    "effective_max_duration_ms": int, "effective_min_query_count": int,
    "effective_min_sample_count": int, "qsl_reported_total_count": int,
    "generated_samples_per_query": int, "result_min_duration_met": bool,
    "result_min_queries_met": bool, "early_stopping_met": bool, "result_validity": str,
}


class LogsMissing(Rule):
    """A result lacks its LoadGen logs.

    What it checks:
        Each result has a performance and an accuracy log folder (`log_performance/` and
        `log_accuracy/` under `<benchmark>/<Scenario>/`, or `<benchmark_id>-performance/` and
        `-accuracy/`), each with mlperf_log_summary.txt and mlperf_log_detail.txt.

    Why it matters:
        The logs are what the app's numbers are checked against; the audit replays them.

    Example:
        expected: .../mosaic/SingleStream/log_performance/mlperf_log_detail.txt, found: nothing

    How to fix:
        Copy the app's log folders for the run (they are under the app's log directory).

    Rounds:
        All.

    Source:
        mobile_open rules, "Directory structure" and the list of mandatory files.
    """

    code = "MOB009"
    name = "logs-missing"
    tags = ("mobile", "loadgen")
    message = "{what} missing for {benchmark} {scenario}"


class SupportingLogMissing(Rule):
    """A log the rules list as mandatory is missing or incomplete (trace, accuracy log, split parts).

    What it checks:
        The accuracy run has mlperf_log_accuracy.json; both runs have mlperf_log_trace.json
        when the round requires it; a log split into parts (`.jsonaa`, `_aa`, `_split/1.json`)
        has every part up to the last.

    Why it matters:
        Auditors re-score accuracy from mlperf_log_accuracy.json and look at the trace for
        throttling.

    Example:
        expected: mlperf_log_trace.jsonaa, mlperf_log_trace.jsonab, found: mlperf_log_trace.jsonac only

    How to fix:
        Add the file (split it with `split -b 90m` if it is over GitHub's 100 MB limit).

    Rounds:
        All; published rounds lack many traces, which `--profile published` tolerates.

    Source:
        mobile_open rules, list of mandatory files.
    """

    code = "MOB018"
    name = "supporting-log-missing"
    tags = ("mobile", "loadgen")
    message = "{what} of the {run} run of {benchmark} {scenario}"
    published_tolerated = True


def _read_log(ctx, out: list[Finding], log: LogFile, parse):
    paths = [log.path] if log.path else log.parts
    try:
        text = "".join(read_text(p) for p in paths)
        return parse(text, paths[0])
    except ParseError as exc:
        out.append(finding_for_parse_error(exc, ctx.rel(exc.path)))
        return None


def _typed(ctx, out: list[Finding], detail: DetailLog) -> None:
    """Drop (and report) log values of the wrong type, so no comparison later can fail."""
    for key, value in list(detail.values.items()):
        want = _LOG_TYPES.get(key)
        if want is None:
            continue
        ok = isinstance(value, want) and not (want is not bool and isinstance(value, bool))
        if not ok:
            kind = "number" if isinstance(want, tuple) else want.__name__
            out.append(MalformedFile.at(ctx.rel(detail.path), locator=key,
                                        found=f"{key} is {value!r}, not a {kind}"))
            del detail.values[key]


def _run_logs(ctx, out: list[Finding], run: str) -> RunLogs | None:
    bench, scenario = ctx.benchmark, ctx.scenario
    folder = getattr(ctx.dirs, run) if ctx.dirs else None
    if folder is None:
        out.append(LogsMissing.at(ctx.where, expected=f"{run} log folder", what=f"{run} log folder",
                                  benchmark=bench, scenario=scenario))
        return None
    logs = RunLogs()
    wanted = ["mlperf_log_accuracy.json"] if run == "accuracy" else []
    if ctx.rules.files.get("trace_logs"):
        wanted.append("mlperf_log_trace.json")
    summary_text = None
    for name in ("mlperf_log_summary.txt", "mlperf_log_detail.txt"):
        log = find_log(folder, name)
        if not log.complete:
            what = name
            if log.parts:
                what += f" (split, parts {', '.join(log.missing_parts)} absent)"
            out.append(LogsMissing.at(ctx.rel(os.path.join(folder, name)), expected=name,
                                      found=[os.path.basename(p) for p in log.parts] or None,
                                      what=what, benchmark=bench, scenario=scenario))
            continue
        if name.endswith("summary.txt"):
            summary_text = text = _read_log(ctx, out, log, lambda t, p: t)
            logs.summary = parse_summary(text).values() if text else {}
        else:
            logs.detail = _read_log(ctx, out, log, parse_detail_log)
            if logs.detail is not None:
                _typed(ctx, out, logs.detail)
    if summary_text is not None and logs.detail is not None:
        rel = ctx.rel(os.path.join(folder, "mlperf_log_summary.txt"))
        # The performance run's figures identify it (the run_digest column, read by the audit).
        out.extend(summary_findings(rel, summary_text, logs.detail.values, run == "performance",
                                    metrics=ctx.metrics if run == "performance" else None))
    for name in wanted:
        log = find_log(folder, name)
        if run == "accuracy" and name == "mlperf_log_accuracy.json" and log.path:
            ctx.metrics["accuracy_digest"] = file_fingerprint(log.path)
        if not log.present:
            out.append(SupportingLogMissing.at(
                ctx.rel(os.path.join(folder, name)), expected=name, what=f"no {name}",
                run=run, benchmark=bench, scenario=scenario))
        elif not log.complete:
            out.append(SupportingLogMissing.at(
                ctx.rel(folder), expected=log.missing_parts,
                found=[os.path.basename(p) for p in log.parts],
                what=f"{name} split into parts, {len(log.missing_parts)} missing",
                run=run, benchmark=bench, scenario=scenario))
    return logs


@check(emits=(*PARSE_RULES, *SUMMARY_RULES, LogsMissing, SupportingLogMissing))
def check_logs(ctx):
    """Read the performance and accuracy runs' logs into ctx.perf and ctx.acc (this check runs
    before the ones that compare them)."""
    out: list[Finding] = []
    ctx.perf = _run_logs(ctx, out, "performance")
    ctx.acc = _run_logs(ctx, out, "accuracy")
    yield from out
