"""The summary log against the detail log beside it: one mechanism for every suite whose runs
LoadGen logs (inference results and compliance runs, MLPerf Mobile)."""

from __future__ import annotations

from infercheck.checker.core.findings import Finding, Rule
from infercheck.checker.core.fingerprints import run_fingerprint
from infercheck.checker.core.summary_log import disagreements, parse_summary

__all__ = ["SUMMARY_RULES", "SummaryDisagrees", "SummaryNotASummary", "summary_findings"]


class SummaryDisagrees(Rule):
    """A figure or setting of `mlperf_log_summary.txt` differs from `mlperf_log_detail.txt`.

    What it checks:
        Every line of the summary that the detail log also records, to the digits the summary
        prints: the result (samples per second, latency, tokens per second), `Result is`, the
        scenario and mode, the satisfied/unsatisfied lines, the early-stopping lines, the
        latency statistics (minimum, maximum, mean, every percentile; per query for
        MultiStream), query counts, the seeds and the test parameters (target QPS and latency,
        durations, query counts).

    Why it matters:
        LoadGen writes both files from the same numbers, so they cannot differ unless one was
        edited or taken from another run. The summary is what people read; the official tools
        read only the detail log, so an edited summary passes them unseen.

    Example:
        locator: line 7, expected: 4079418411 (detail log), found: 3079418411 (summary)

    How to fix:
        Put back the two files of one LoadGen run, untouched.

    Rounds:
        All (a detail log of an old LoadGen build that lacks a key is not compared on it).

    Source:
        infercheck; LoadGen's results.cc writes both.
    """

    code = "LG019"
    name = "summary-disagrees"
    tags = ("loadgen", "audit")
    message = "{label} is {found} in the summary, {expected} in the detail log"


class SummaryNotASummary(Rule):
    """A performance run's `mlperf_log_summary.txt` is not a LoadGen summary.

    What it checks:
        The summary of a performance run has LoadGen's "MLPerf Results Summary" header and its
        "Result is" line. (An accuracy run's summary may hold only the count of warnings and
        errors; it is compared where it says more.)

    Why it matters:
        A summary replaced by something else tells a reader nothing, or something false, while
        the detail log still passes every rule.

    Example:
        found: no "MLPerf Results Summary" header, no "Result is" line

    How to fix:
        Put back the summary LoadGen wrote with the detail log beside it.

    Rounds:
        All.

    Source:
        infercheck.
    """

    code = "LG020"
    name = "not-a-summary"
    tags = ("loadgen", "audit")
    message = "{rel} is not a LoadGen summary: {found}"


SUMMARY_RULES = (SummaryDisagrees, SummaryNotASummary)


def summary_findings(rel: str, text: str, detail, performance: bool,
                     metrics: dict | None = None) -> list[Finding]:
    """The findings of the summary at `rel` (its text) against the values of its detail log:
    a dict, or a function giving it (None: unreadable), called only when the summary states
    anything to compare (an accuracy run's rarely does; its detail log is long to read)."""
    summary = parse_summary(text)
    if metrics is not None:
        # What identifies the run, from the figures the summary states: the same whether a check
        # or an audit reads it (core/fingerprints.py).
        metrics["run_digest"] = run_fingerprint(summary.values())
    if not summary.lines and not performance:
        return []
    if callable(detail):
        detail = detail()
        if detail is None:
            return []
    if performance and not (summary.has_header and summary.states_result):
        missing = [what for what, ok in (('no "MLPerf Results Summary" header', summary.has_header),
                                         ('no "Result is" line', summary.states_result)) if not ok]
        return [SummaryNotASummary.at(rel, rel=rel.rsplit("/", 1)[-1], found=", ".join(missing))]
    return [SummaryDisagrees.at(rel, locator=f"line {d.line}", label=d.label, found=d.summary,
                                expected=d.detail)
            for d in disagreements(summary, detail)]
