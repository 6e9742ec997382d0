"""Accuracy runs: quality targets, the hash of the accuracy log, truncation, dataset coverage."""

from __future__ import annotations

import hashlib
import re
from functools import cache

from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.fingerprints import file_fingerprint
from infercheck.checker.core.registry import check
from infercheck.checker.core.textfile import ParseError, file_size, loads, read_bytes
from infercheck.checker.core.tree_rules import MalformedFile, MissingFile
from infercheck.checker.inference.checks.endpoints import (
    EndpointsAccuracyScoreMissing,
    EndpointsModelNotAllowed,
    model_findings,
    numeric_score,
    value_findings,
)
from infercheck.checker.inference.checks.loadgen.log_keys import LogValueNotANumber, NeededKeys
from infercheck.checker.inference.checks.loadgen.validity import LoadgenError

# What an accuracy run's detail log is read for, besides its errors: the samples it covered, two
# settings. These logs are most of a round's bytes (an accuracy run loads its samples in hundreds
# of sets, each logged), so they are scanned for keys only as far as the first set.
ACCURACY_RUN_SETTINGS = frozenset({"effective_accuracy_sample_count", "qsl_reported_total_count"})
_HASH = re.compile(r"^hash=([\w\d]+)$")
# Below this size reading line by line costs nothing worth saving.
_LARGE_REPORT = 64 * 1024


@cache
def _after_newline(pattern: re.Pattern) -> re.Pattern:
    """`pattern` anchored after a newline: the engine then hops from line to line in C (a leading
    (?m)^ would make it try every position)."""
    body = pattern.pattern[1:] if pattern.pattern.startswith("^") else pattern.pattern
    return re.compile("\n(?:" + body.replace("$", "(?=\n|\\Z)") + ")")


def matching_lines(pattern: re.Pattern, text: str, lines: list[str]) -> list[tuple[int, re.Match]]:
    """(0-based line number, match) of every line of `text` that `pattern.match`es, as a loop over
    `lines` (text.splitlines()) would find them. Large files (accuracy.txt may list 50,000 images)
    are searched whole, each match checked to stay on its line; otherwise line by line."""
    # Only for large texts whose lines end in \n alone: no \r (which splitlines() drops) and no
    # other separator of splitlines() (\v, \f, \x1c-\x1e, \x85, \u2028, \u2029: more lines).
    if len(text) > _LARGE_REPORT and "$" not in pattern.pattern.rstrip("$") and "\r" not in text \
            and len(lines) == text.count("\n") + (not text.endswith("\n")):
        first = pattern.match(lines[0]) if lines else None
        found = [(0, first)] if first else []
        line, counted_to = 0, 0
        for m in _after_newline(pattern).finditer(text):
            line += text.count("\n", counted_to, m.start() + 1)
            counted_to = m.start() + 1
            # The line's own match, for the same groups; none, or a match across lines, which
            # the loop below never makes, sends the file to that loop.
            own = pattern.match(lines[line]) if "\n" not in m.group(0)[1:] else None
            if own is None:
                break
            found.append((line, own))
        else:
            return found
    return [(number, m) for number, line in enumerate(lines) if (m := pattern.match(line))]


class AccuracyBelowTarget(Rule):
    """An accuracy metric is below the round's target.

    What it checks:
        Each metric of the benchmark, read from `accuracy.txt` with the round's pattern, is at
        least reference x fraction (e.g. resnet top-1 >= 76.46 x 0.99 = 75.6954).

    Why it matters:
        Closed and network results must keep the reference model's quality. In the open
        division the accuracy is recorded and this finding is a warning.

    Example:
        locator: acc, expected: 75.6954, found: 75.1

    How to fix:
        Fix the model or its quantisation, re-run the accuracy run, or submit in open.

    Rounds:
        All (`benchmarks.<name>.accuracy`; `accuracy_by_scenario` where one scenario is
        judged on another subset, e.g. qwen3-vl Interactive in v6.1).

    Source:
        Official checker: "accuracy not met".
    """

    code = "ACC001"
    name = "accuracy-below-target"
    severity = Severity.ERROR
    tags = ("accuracy",)
    message = "{metric} is {found}, below the target {expected}"


class AccuracyAboveLimit(Rule):
    """An accuracy metric is above its upper limit.

    What it checks:
        Metrics with a range (SDXL CLIP and FID, LLM tokens per sample or generation length)
        stay at or below the limit.

    Why it matters:
        Out-of-range values mean the model generates something other than the reference does
        (e.g. much longer answers).

    Example:
        locator: FID_SCORE, expected: 23.95007626, found: 24.2

    How to fix:
        Use the reference generation settings.

    Rounds:
        v4.0 onwards (`benchmarks.<name>.upper_limits`).

    Source:
        Official checker: "accuracy not met: upper limit".
    """

    code = "ACC002"
    name = "accuracy-above-limit"
    severity = Severity.ERROR
    tags = ("accuracy",)
    message = "{metric} is {found}, above the limit {expected}"


class AccuracyMetricMissing(Rule):
    """`accuracy.txt` does not report a metric the benchmark needs.

    What it checks:
        Each metric's pattern matches a line of `accuracy.txt`.

    Why it matters:
        Without the number the quality cannot be checked or published.

    Example:
        expected: a line matching ^accuracy=([\\d\\.]+).*, found: nothing

    How to fix:
        Write accuracy.txt with the benchmark's official accuracy script.

    Rounds:
        All.

    Source:
        Official checker (v4.1: `acc_seen`).
    """

    code = "ACC003"
    name = "accuracy-metric-missing"
    severity = Severity.ERROR
    tags = ("accuracy",)
    message = "accuracy.txt reports no {metric}"


class AccuracyHashMissing(Rule):
    """`accuracy.txt` has no `hash=` line.

    What it checks:
        A line `hash=<sha256>` written by truncate_accuracy_log.py.

    Why it matters:
        The hash ties the reported accuracy to the untruncated accuracy log kept by the
        submitter; without it the truncation step was skipped.

    Example:
        expected: hash=<64 hex digits>, found: nothing

    How to fix:
        Run `infercheck truncate` (or the official truncate_accuracy_log.py) on the tree.

    Rounds:
        v0.7 onwards (`accuracy.hash_required`); v0.5 logs were published untruncated.

    Source:
        Official checker: "not hash value for mlperf_log_accuracy.json".
    """

    code = "ACC004"
    name = "accuracy-hash-missing"
    severity = Severity.ERROR
    tags = ("accuracy", "integrity")
    message = "accuracy.txt has no hash= line"


class AccuracyLogNotTruncated(Rule):
    """`mlperf_log_accuracy.json` is larger than a truncated log.

    What it checks:
        The accuracy log is at most 10 KiB (the truncation keeps 4 KiB from each end).

    Why it matters:
        Full accuracy logs are large and must not be published; the truncation also records
        the hash.

    Example:
        expected: <= 10240 bytes, found: 4833021

    How to fix:
        Run `infercheck truncate` (or truncate_accuracy_log.py).

    Rounds:
        v0.7 onwards (`accuracy.max_truncated_log_bytes`); v0.5 logs were published whole.

    Source:
        Official checker: "is not truncated".
    """

    code = "ACC005"
    name = "accuracy-log-not-truncated"
    severity = Severity.ERROR
    tags = ("accuracy", "integrity")
    message = "accuracy log has {found} bytes; a truncated one has at most {expected}"


class AccuracyHashMismatch(Rule):
    """The `hash=` line does not match the untruncated accuracy log beside it.

    What it checks:
        When the untruncated `mlperf_log_accuracy.json` is still present, its SHA-256 equals the
        `hash=` value of accuracy.txt.

    Why it matters:
        A different hash means accuracy.txt was computed from another run than the log.

    Example:
        expected: 9c1f..., found: 31aa...

    How to fix:
        Recompute accuracy.txt from this log, then truncate.

    Rounds:
        All.

    Source:
        infercheck (the official checker never recomputes the hash).
    """

    code = "ACC006"
    name = "accuracy-hash-mismatch"
    severity = Severity.ERROR
    tags = ("accuracy", "integrity")
    message = "hash= line does not match the accuracy log's SHA-256"


class DatasetNotCovered(Rule):
    """The accuracy run did not cover the whole dataset.

    What it checks:
        The accuracy run's sample count (`effective_accuracy_sample_count`, else
        `qsl_reported_total_count`) equals the benchmark's dataset size, or its accuracy sample
        count where the accuracy run covers a set subset (v6.1: gpt-oss-120b 4395 of 6396,
        qwen3-vl Interactive 8000).

    Why it matters:
        Accuracy on a subset is not the benchmark's accuracy.

    Example:
        expected: 50000, found: 500

    How to fix:
        Run accuracy mode on the full dataset.

    Rounds:
        Benchmarks with a `benchmarks.<name>.dataset_size` (or `accuracy_sample_count`), in
        rounds whose pack sets `accuracy.dataset_coverage`: v5.1 onwards, as the official
        checker (MODEL_CONFIG "dataset-size"). Relaxed by `--profile smoke`; v5.1.1 only logs
        it, so `--profile published` tolerates it in v5.1.

    Source:
        Official checker (v5.1 onwards): "accuracy run does not cover all dataset".
    """

    code = "ACC007"
    name = "dataset-not-covered"
    severity = Severity.ERROR
    tags = ("accuracy", "run-length")
    run_length = True
    message = "accuracy run covers {found} samples; the dataset has {expected}"


class SampleArtifactsMissing(Rule):
    """Sample outputs the benchmark requires are missing from the accuracy folder.

    What it checks:
        Stable Diffusion XL: `accuracy/images/` holds the round's 10 sample images.

    Why it matters:
        Reviewers look at the images to see that the model really generates them.

    Example:
        expected: [4655.png, 2569.png, ...], found: missing 10

    How to fix:
        Copy the images the accuracy script saved.

    Rounds:
        v4.0 onwards (`benchmarks.<name>.sample_artifacts`).

    Source:
        Official checker: "expected to have the following extra files".
    """

    code = "ACC008"
    name = "sample-artifacts-missing"
    severity = Severity.ERROR
    tags = ("accuracy",)
    message = "{count} required sample files are missing from {folder}/"


@check(emits=(MissingFile, AccuracyBelowTarget, AccuracyAboveLimit, AccuracyMetricMissing,
              AccuracyHashMissing, AccuracyLogNotTruncated, AccuracyHashMismatch,
              DatasetNotCovered, SampleArtifactsMissing, LoadgenError, MalformedFile,
              EndpointsAccuracyScoreMissing, EndpointsModelNotAllowed, LogValueNotANumber))
def check_accuracy(ctx):
    if ctx.is_endpoints:
        yield from _endpoints_accuracy(ctx, None if ctx.is_closed_like else Severity.WARNING)
        return
    folder = ctx.in_result("accuracy")
    if not ctx.isdir(folder):
        yield MissingFile.at(folder, expected="accuracy/")
        return
    # Quality findings only warn in the open division: accuracy is recorded, not judged.
    quality = None if ctx.is_closed_like else Severity.WARNING
    report = f"{folder}/accuracy.txt"
    text = ctx.text(report)
    hash_value = None
    targets = ctx.rules.targets(ctx.model, ctx.scenario)
    if text is not None:
        lines = text.splitlines()
        values: dict[str, str] = {}
        first_line: dict[str, int] = {}
        for target in targets + ctx.rules.upper_limits(ctx.model):
            pattern = ctx.rules.pattern(target.metric)
            if pattern is None or target.metric in values:
                continue
            for number, m in matching_lines(pattern, text, lines):
                values[target.metric] = m.group(1)  # the last match is the one reported
                first_line.setdefault(target.metric, number)
        for _, m in matching_lines(_HASH, text, lines):
            hash_value = m.group(1)
        for target in targets:
            raw = values.get(target.metric)
            if raw is None:
                yield AccuracyMetricMissing.at(report, expected=ctx.rules.accuracy["patterns"].get(
                    target.metric), metric=target.metric, locator=target.metric, severity=quality)
            elif float(raw) < target.value:
                yield AccuracyBelowTarget.at(report, expected=target.value, found=float(raw),
                                             metric=target.metric, locator=target.metric,
                                             severity=quality)
        for limit in ctx.rules.upper_limits(ctx.model):
            raw = values.get(limit.metric)
            if raw is not None and float(raw) > limit.value:
                yield AccuracyAboveLimit.at(report, expected=limit.value, found=float(raw),
                                            metric=limit.metric, locator=limit.metric,
                                            severity=quality)
        if hash_value is None and ctx.rules.accuracy.get("hash_required", True):
            yield AccuracyHashMissing.at(report, expected="hash=<sha256>")
        first = targets[0].metric
        ctx.metrics["accuracy"] = values.get(first)
        ctx.metrics["accuracy_metrics"] = {k: float(v) for k, v in values.items()}
        # As the official table lists them: the targets' metrics, in the order accuracy.txt
        # first reports them (the order of the targets within a line).
        order = {t.metric: i for i, t in reversed(list(enumerate(targets)))}
        reported = sorted((k for k in values if k in order), key=lambda k: (first_line[k], order[k]))
        ctx.metrics["accuracy_reported"] = {k: values[k] for k in reported}

    acc_log = f"{folder}/mlperf_log_accuracy.json"
    size = file_size(ctx.abs(acc_log))
    # No limit: the round published its accuracy logs whole (v0.5).
    limit = ctx.rules.accuracy.get("max_truncated_log_bytes")
    if size is not None:
        ctx.metrics["accuracy_digest"] = file_fingerprint(ctx.abs(acc_log), size)
    if size is None:
        yield MissingFile.at(acc_log, expected="mlperf_log_accuracy.json")
    elif limit is not None and size > limit:
        yield AccuracyLogNotTruncated.at(acc_log, expected=limit, found=size)
        if hash_value is not None:
            yield from _recompute_hash(acc_log, ctx.abs(acc_log), hash_value)

    detail = ctx.detail_log(f"{folder}/mlperf_log_detail.txt", settings=ACCURACY_RUN_SETTINGS)
    if detail is not None:
        for msg in detail.errors:
            if ctx.rules.ignored_error(msg.value):
                continue
            yield LoadgenError.at(f"{folder}/mlperf_log_detail.txt", found=msg.value,
                                  locator=f"line {msg.line}")
        wanted = ctx.rules.accuracy_sample_count(ctx.model, ctx.scenario)
        key = ("effective_accuracy_sample_count" if "effective_accuracy_sample_count" in detail
               else "qsl_reported_total_count")
        keys = NeededKeys(detail)
        count = keys.number(key, whole=True) if key in detail else None
        covers_all = ctx.rules.accuracy.get("dataset_coverage", True)
        if wanted and covers_all and count is not None and count != wanted:
            yield DatasetNotCovered.at(f"{folder}/mlperf_log_detail.txt", expected=wanted,
                                       found=count, locator=key)
        yield from keys.missing_findings(f"{folder}/mlperf_log_detail.txt")  # a count no number

    artifacts = ctx.rules.benchmark(ctx.model).get("sample_artifacts")
    if artifacts:
        sub = f"{folder}/{artifacts['folder']}"
        present = set(ctx.listdir(sub))
        missing = [f for f in artifacts["files"] if f not in present]
        if missing:
            yield SampleArtifactsMissing.at(sub, expected=artifacts["files"], found=missing,
                                            count=len(missing), folder=artifacts["folder"],
                                            severity=quality)


def _recompute_hash(rel: str, path: str, recorded: str):
    try:
        data = read_bytes(path)
    except ParseError:
        return
    try:
        loads(data)
    except ValueError:
        return  # not a whole log (e.g. a truncated one with a large first entry): nothing to compare
    digest = hashlib.sha256(data).hexdigest()
    if digest != recorded.lower():
        yield AccuracyHashMismatch.at(rel, expected=digest, found=recorded)


def _endpoints_accuracy(ctx, quality):
    """The accuracy run of an endpoints result: its score, judged where the pack says, and the
    samples it covered."""
    log = ctx.endpoints_log("accuracy")
    rel = log.path
    yield from value_findings(log)
    yield from model_findings(ctx, rel)
    if not log.run_read:
        return  # the reader recorded why the file cannot be used
    if not log.accuracy_scores:
        yield EndpointsAccuracyScoreMissing.at(rel, expected="accuracy_scores[].score",
                                               severity=quality)
        return
    score = log.accuracy_scores[0]
    targets = ctx.rules.targets(ctx.model, ctx.scenario)
    numeric = numeric_score(score, [t.metric for t in targets])
    ctx.metrics["accuracy"] = numeric if numeric is not None else str(score)[:200]
    if numeric is not None:
        ctx.metrics["accuracy_metrics"] = {targets[0].metric: numeric}
        ctx.metrics["accuracy_reported"] = {targets[0].metric: numeric}
    if ctx.is_closed_like and ctx.model in (ctx.rules.endpoints.get("judged_accuracy") or []):
        if numeric is None:
            yield MalformedFile.at(rel, expected="a numeric score", locator="accuracy_scores",
                                   found=f"score {str(score)[:80]!r} is not a number")
        elif numeric < targets[0].value:
            yield AccuracyBelowTarget.at(rel, expected=targets[0].value, found=numeric,
                                         metric=targets[0].metric, locator="accuracy_scores")
    wanted = ctx.rules.accuracy_sample_count(ctx.model, ctx.scenario)
    count = log.get("effective_accuracy_sample_count")
    if wanted and ctx.rules.accuracy.get("dataset_coverage", True) and count is not None \
            and int(count) != wanted:
        yield DatasetNotCovered.at(rel, expected=wanted, found=int(count),
                                   locator="accuracy_scores[].total_samples")
