"""The Mobile suite's walk of a tree: divisions, submitters, devices (checked once each), then
one result per benchmark and scenario a device has in its export or its log folders."""

from __future__ import annotations

import os

from infercheck.checker.core.codes import CORE_CODES
from infercheck.checker.core.engine import collect_findings, run_checks
from infercheck.checker.core.findings import CodeIndex
from infercheck.checker.core.profiles import apply_profile
from infercheck.checker.core.report import Report, ResultEntry
from infercheck.checker.core.suite import Scope
from infercheck.checker.core.textfile import subdirs
from infercheck.checker.core.tree_rules import LinkedFolder, UnknownDivision, linked_folder
from infercheck.checker.mobile.checks import DEVICE_CHECKS, RESULT_CHECKS, RULES
from infercheck.checker.mobile.context import Device, MobileContext, system_info
from infercheck.checker.mobile.layout import scan_submitter
from infercheck.checker.mobile.rules import MobileRules

__all__ = ["CODES", "WALK_RULES", "owns_tree", "walk"]

CODES = CORE_CODES | CodeIndex(RULES)
WALK_RULES = (UnknownDivision, LinkedFolder)


def _result(dev: Device, submitter: str, key: tuple[str, str], device_findings, scope: Scope,
            checks) -> ResultEntry:
    bench, scenario = key
    tree, rules = dev.tree, dev.rules
    dirs = tree.runs.get(key)
    app = dev.runs.get(key)
    name = dirs.folder if dirs else f"{tree.rel}/{app.benchmark_id if app else bench}"
    entry = ResultEntry(result=name, division=dev.division, submitter=submitter, system=tree.name,
                        benchmark=bench, scenario_folder=scenario, scenario=scenario,
                        model=bench, system_type="mobile",
                        availability=dev.category or "available")
    ctx = MobileContext(device=dev, submitter=submitter, benchmark=bench, scenario=scenario,
                        where=name, dirs=dirs, app=app, metrics=entry.metrics)
    ctx.metrics.update(benchmark_title=rules.benchmarks[bench]["model"], device=tree.name)
    if dev.export is not None:
        ctx.metrics.update(app_generation=dev.export.generation, source=dev.rel(dev.export.path),
                           app_version=dev.export.build.get("version"))
    entry.system_info, device_metrics = system_info(dev, app)
    ctx.metrics.update(device_metrics)
    # The device's problems (result file, system description) come first: they explain the rest.
    entry.findings = run_checks(ctx, name, checks, CODES, scope.profile, first=device_findings,
                                tolerated=rules.published_tolerates)
    return entry


def owns_tree(root: str) -> bool:
    """The tree holds the Mobile app's exports (result.json, results.json or the command-line
    excerpts) under <division>/<submitter>/results/[<device>/]."""
    for division in subdirs(root):
        for sub in subdirs(os.path.join(root, division)):
            results = os.path.join(root, division, sub, "results")
            for folder in [results, *(os.path.join(results, d) for d in subdirs(results))]:
                try:
                    names = {n.lower() for n in os.listdir(folder)}
                except OSError:
                    continue
                if names & {"result.json", "results.json", "performance_results.txt"}:
                    return True
    return False


def walk(root: str, rules: MobileRules, report: Report, scope: Scope) -> None:
    checks = scope.checks if scope.checks is not None else RESULT_CHECKS
    for division in subdirs(root):
        if division not in rules.divisions:
            report.findings.append(UnknownDivision.at(division, found=division,
                                                      expected=", ".join(rules.divisions)))
            continue
        # A linked division, submitter or device folder: each result under it carries it.
        division_link = linked_folder(root, division)
        for sub in subdirs(os.path.join(root, division)):
            if scope.submitter and sub.lower() != scope.submitter.lower():
                continue
            sub_path = os.path.join(root, division, sub)
            trees, systems = scan_submitter(rules, root, sub_path)
            linked = [f for f in (division_link, linked_folder(root, f"{division}/{sub}"))
                      if f is not None]
            for tree in trees:
                dev = Device(root=root, rules=rules, division=division, sub_path=sub_path,
                             tree=tree, systems=systems)
                own = linked_folder(root, tree.rel) if tree.rel != f"{division}/{sub}" else None
                found = [*linked, *([own] if own else []),
                         *collect_findings(dev, tree.rel, DEVICE_CHECKS)]
                keys = dev.result_keys
                if not keys:
                    report.findings.extend(apply_profile(found, scope.profile, CODES,
                                                         rules.published_tolerates))
                for key in keys:
                    report.add_result(_result(dev, sub, key, found, scope, checks))
