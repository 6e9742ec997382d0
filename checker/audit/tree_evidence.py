"""What the audit reads of an inference tree, and no more: each result's run (its value and
fingerprint, from the summary log), its accuracy log's fingerprint, its power and its system
description.

The summary states every figure of the run, and `check` holds it to the detail log (LG019); read
from it, a round's audit skips the gigabytes of detail logs that a check parses. Verdicts are
`check`'s: the audit's table counts a result valid when these checks find nothing wrong.
"""

from __future__ import annotations

from infercheck.checker.core.fingerprints import file_fingerprint, run_fingerprint
from infercheck.checker.core.loadgen_log import DetailLog
from infercheck.checker.core.registry import CheckSet, check
from infercheck.checker.core.summary_log import parse_summary
from infercheck.checker.core.tree_rules import PARSE_RULES, MissingFile
from infercheck.checker.inference.checks import power, system
from infercheck.checker.inference.checks.loadgen.log_keys import MissingLogKey
from infercheck.checker.inference.checks.loadgen.metric import (
    NoEarlyStoppingEstimate,
    ResultInferred,
    ScenarioMismatch,
    result_metric,
)

__all__ = ["EVIDENCE_CHECKS"]


@check(emits=(*PARSE_RULES, MissingFile, MissingLogKey, ScenarioMismatch, ResultInferred,
              NoEarlyStoppingEstimate))
def check_run_from_summary(ctx):
    """The result's value and run fingerprint from its last performance run's summary."""
    runs = ctx.rules.performance_runs(ctx.scenario)
    rel = f"{ctx.paths.run_dir(run=runs)}/mlperf_log_summary.txt"
    if not ctx.exists(rel):
        yield MissingFile.at(rel, expected="mlperf_log_summary.txt")
        return
    text = ctx.text(rel)
    if text is None:
        return
    values = parse_summary(text).values()
    yield from result_metric(ctx, rel, DetailLog(rel, values))
    ctx.metrics["run_digest"] = run_fingerprint(values)


@check(emits=(MissingFile,))
def check_accuracy_log_fingerprint(ctx):
    """The fingerprint of the result's accuracy log (its accuracy is check's to judge)."""
    rel = f"{ctx.paths.run_dir('accuracy')}/mlperf_log_accuracy.json"
    digest = file_fingerprint(ctx.abs(rel)) if ctx.exists(rel) else None
    if digest is None and not ctx.is_endpoints:
        yield MissingFile.at(rel, expected="mlperf_log_accuracy.json")
    ctx.metrics["accuracy_digest"] = digest


EVIDENCE_CHECKS = CheckSet.of(
    check_run_from_summary,
    check_accuracy_log_fingerprint,
    power.check_power,
    system.check_system_description,
)
