"""Runs a suite over a tree: opens the report (round and rules), walks the tree through the
suite, runs the checks on each result with faults contained, and closes the report."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Collection
from functools import partial
from typing import Any

from infercheck.checker.core import __version__
from infercheck.checker.core.findings import CodeIndex, Finding, dedupe
from infercheck.checker.core.internal import CheckCrashed, RoundRecognised, RulePackBroken
from infercheck.checker.core.packs import RulePackError
from infercheck.checker.core.profiles import apply_profile
from infercheck.checker.core.registry import CheckSet
from infercheck.checker.core.report import Report
from infercheck.checker.core.suite import Scope, Suite
from infercheck.checker.core.tree_rules import EmptyTree

__all__ = ["check_tree", "collect_findings", "crash_finding", "open_report", "run_checks", "usable_cores"]


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container or taskset may
    narrow), the default number of processes of a check."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def crash_finding(where: str | None, exc: BaseException, check: str) -> Finding:
    """INT001 for a fault of ours, with the traceback kept for the JSON report."""
    return CheckCrashed.at(where, found=f"{type(exc).__name__}: {exc}", check=check,
                           detail=traceback.format_exc())


def collect_findings(ctx: Any, where: str, checks: CheckSet) -> list[Finding]:
    """Every check on one context, in order; a check that raises, or yields a code it did not
    declare, is a fault of ours (INT001 at `where`) and never stops the others."""
    findings: list[Finding] = []
    for chk in checks:
        try:
            produced = list(chk.func(ctx))
        except Exception as exc:  # one bad file must not stop the others
            findings.append(crash_finding(where, exc, chk.name))
            continue
        findings.extend(produced)
        undeclared = {f.code for f in produced} - chk.codes
        if undeclared:
            findings.append(CheckCrashed.at(
                where, found=f"yielded undeclared codes {', '.join(sorted(undeclared))}",
                check=chk.name))
    return findings


def run_checks(ctx: Any, where: str, checks: CheckSet, codes: CodeIndex, profile: str,
               first: list[Finding] = (),
               tolerated: Collection[str] | Callable[[Finding], bool] = frozenset()) -> list[Finding]:
    """The findings of one result: `first` (those it shares, such as its device's), then its
    checks', then what its context's loaders recorded; deduplicated, the profile applied
    (`tolerated`: see profiles.apply_profile)."""
    findings = [*first, *collect_findings(ctx, where, checks), *getattr(ctx, "load_findings", ())]
    return apply_profile(dedupe(findings), profile, codes, tolerated)


def open_report(root: str, round: str | None, suite: Suite, profile: str):
    """A new report and the round's rules; (report, None) with a RUL001 finding when the round is
    not given and the suite cannot tell it from the tree, or its pack cannot be loaded."""
    report = Report(root=root, round=round or "", suite=suite.name, profile=profile,
                    tool_version=__version__)
    if round is None:
        recognised = suite.detect_round(root)
        if recognised.round is None:
            report.findings.append(RulePackBroken.at(
                None, found=f"round not given and {recognised.evidence}; "
                            f"use --version (one of {', '.join(suite.packs.rounds())})"))
            return report, None
        round = report.round = recognised.round
        report.findings.append(RoundRecognised.at(None, round=round, found=recognised.evidence))
    try:
        return report, suite.load_rules(round)
    except RulePackError as exc:
        report.findings.append(RulePackBroken.at(None, found=str(exc)))
        return report, None


def _focused(focus, codes, entry):
    """The result as the focus sees it: None when its benchmark or scenario is left out, else
    with the findings of the codes left out removed (its verdict follows)."""
    if not focus.keeps_result(entry.benchmark, entry.scenario, entry.scenario_folder):
        return None
    entry.findings = [f for f in entry.findings if focus.keeps_finding(f, codes)]
    return entry


def check_tree(root: str, suite: Suite, *, round: str | None = None,
               scope: Scope | None = None) -> Report:
    """Check every result of `suite` under `root` (the folder holding closed/, open/, ...)."""
    scope = scope or Scope()
    root = os.path.abspath(root)
    report, rules = open_report(root, round, suite, scope.profile)
    report.root = scope.shown_root or root
    report.findings[0:0] = scope.input_findings
    if rules is None:
        return report
    focus = scope.focus
    focused = focus is not None and focus.active
    if focused:
        report.focus = focus.describe()
        report.entry_filters.append(partial(_focused, focus, suite.codes))
    waivers = scope.waivers.for_round(report.round) if scope.waivers is not None else None
    if waivers is not None:
        report.entry_filters.append(partial(waivers.waive_result, suite.codes))
    sink = scope.sink
    if sink is not None:
        sink.begin(report)
        if suite.results_in_order:
            report.sink = sink.add
    suite.walk(root, rules, report, scope)
    if focused:
        report.findings = [f for f in report.findings if focus.keeps_finding(f, suite.codes)]
    if waivers is not None:
        report.findings = waivers.waive(report.findings, suite.codes)
    report.results.sort(key=lambda e: e.result)
    if sink is not None and report.sink is None:
        # A suite whose walk does not come upon its results in order: they go on sorted.
        held, report.results = report.results, []
        report.sink, report.entry_filters = sink.add, []  # each has been through them once
        for entry in held:
            report.add_result(entry)
    if not report.result_count:
        where = f" for submitter {scope.submitter!r}" if scope.submitter else ""
        report.findings.append(EmptyTree.at(None, found=0, where=where))
    if waivers is not None:
        report.findings.extend(waivers.closing_findings(partial=focused or bool(scope.submitter)))
        report.waivers = waivers.summary()
    return report
