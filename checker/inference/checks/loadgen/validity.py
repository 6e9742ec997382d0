"""LoadGen's own verdict on a run: the errors it logged and its VALID or INVALID."""

from __future__ import annotations

from infercheck.checker.core.findings import Rule, Severity


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
        All; before v1.0 the log's text lines with ERROR (`loadgen.ignored_errors` are not
        counted: "CAS failed" in v0.7).

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


def loadgen_verdict(rel: str, log, keys, rules):
    for msg in log.errors:
        if rules.ignored_error(msg.value):
            continue
        yield LoadgenError.at(rel, found=msg.value, locator=f"line {msg.line}")
    validity = keys.need("result_validity")
    if validity is not None and validity != "VALID":
        yield ResultInvalid.at(rel, expected="VALID", found=validity, locator="result_validity")
