"""Each run's summary log against its detail log: the result's runs, performance and accuracy
(the summaries people read and quote). The compliance tests' runs are judged by their
verification files; reading their detail logs whole for their summaries would cost a third
more time on a round for figures no one publishes."""

from __future__ import annotations

from infercheck.checker.core.registry import check
from infercheck.checker.core.summary_rules import SUMMARY_RULES, summary_findings
from infercheck.checker.core.tree_rules import PARSE_RULES


def _runs(ctx):
    """(folder, is a performance run, is the run the result reports) of every LoadGen run."""
    paths = ctx.paths
    last = ctx.rules.performance_runs(ctx.scenario)
    for run in range(1, last + 1):
        yield paths.run_dir(run=run), True, run == last
    yield paths.run_dir("accuracy"), False, False


@check(emits=(*PARSE_RULES, *SUMMARY_RULES))
def check_summaries(ctx):
    """Every summary log of the result states what its detail log records (missing files are
    the file checks' findings)."""
    if ctx.is_endpoints:
        return
    for folder, performance, reported in _runs(ctx):
        summary_rel = f"{folder}/mlperf_log_summary.txt"
        detail_rel = f"{folder}/mlperf_log_detail.txt"
        if not (ctx.exists(summary_rel) and ctx.exists(detail_rel)):
            continue
        text = ctx.text(summary_rel)
        if text is not None:
            def values(rel=detail_rel):
                log = ctx.detail_log(rel)
                return log.values if log is not None else None

            yield from summary_findings(summary_rel, text, values, performance,
                                        ctx.metrics if reported else None)
