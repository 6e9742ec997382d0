"""Walks a submission tree, runs every check on every result, and assembles the Report."""

from __future__ import annotations

import os
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from . import __version__
from .checks import CHECKS
from .checks.internal import CheckCrashed, RulePackBroken
from .checks.structure import (
    BrokenSymlink,
    EmptyTree,
    InvalidModelMapping,
    MissingScenario,
    SymlinkOutsideTree,
    UnknownBenchmark,
    UnknownDivision,
    UnknownScenario,
)
from .checks.system import load_system
from .context import ResultContext, finding_for_parse_error, read_json
from .findings import Finding, Severity, apply_profile, dedupe
from .loadgen_log import read_detail_log
from .report import Report, ResultEntry
from .round_rules import RoundRules, RulePackError, available_rounds, load_rules
from .textfile import ParseError, subdirs

__all__ = ["PROFILES", "check_tree", "detect_round", "detect_suite", "open_report"]

DIVISIONS = ("closed", "open", "network")
PROFILES = ("strict", "smoke")
SYSTEM_FIELDS = ("system_name", "status", "system_type", "number_of_nodes",
                 "host_processor_model_name", "host_processors_per_node",
                 "host_processor_core_count", "accelerator_model_name", "accelerators_per_node",
                 "framework", "operating_system", "hw_notes", "sw_notes", "other_software_stack",
                 "host_memory_capacity", "accelerator_memory_capacity")


@dataclass(frozen=True)
class _SystemTask:
    root: str
    suite: str
    round: str
    profile: str
    division: str
    submitter: str
    system: str
    extra_mapping: tuple[tuple[str, str], ...]


# Tests set this so that a check yielding a code it did not declare fails loudly.
_VERIFY_EMITS = os.environ.get("INFERCHECK_VERIFY_EMITS") == "1"


def _run_checks(ctx: ResultContext) -> list[Finding]:
    findings: list[Finding] = []
    for chk in CHECKS:
        try:
            produced = list(chk.func(ctx))
            if _VERIFY_EMITS:
                undeclared = {f.code for f in produced} - {r.code for r in chk.emits}
                if undeclared:
                    raise AssertionError(f"{chk.name} emitted undeclared {sorted(undeclared)}")
            findings.extend(produced)
        except Exception as exc:  # one bad file must not stop the others
            findings.append(CheckCrashed.at(
                ctx.result_dir, found=f"{type(exc).__name__}: {exc}", check=chk.name,
                detail=traceback.format_exc()))
    findings.extend(ctx.load_findings)
    return apply_profile(dedupe(findings), ctx.profile)


def _system_info(data: dict | None) -> dict:
    data = data or {}
    return {k: data.get(k) for k in SYSTEM_FIELDS if k in data}


def _check_system(task: _SystemTask) -> tuple[list[ResultEntry], list[Finding]]:
    try:
        return _check_system_unguarded(task)
    except Exception as exc:  # a fault of ours must not end the run for other systems
        where = f"{task.division}/{task.submitter}/results/{task.system}"
        return [], [CheckCrashed.at(where, found=f"{type(exc).__name__}: {exc}",
                                    check="check_system", detail=traceback.format_exc())]


def _check_system_unguarded(task: _SystemTask) -> tuple[list[ResultEntry], list[Finding]]:
    rules = load_rules(task.suite, task.round)
    entries: list[ResultEntry] = []
    tree: list[Finding] = []
    sub_rel = f"{task.division}/{task.submitter}"
    sys_rel = f"{sub_rel}/results/{task.system}"
    sys_abs = os.path.join(task.root, task.division, task.submitter, "results", task.system)
    info = load_system(task.root, task.division, task.submitter, task.system, rules)
    system_type = (info.data or {}).get("system_type")
    closed_like = task.division in ("closed", "network")
    extra = dict(task.extra_mapping)
    for bench in subdirs(sys_abs):
        model = rules.mlperf_model(bench, extra if task.division == "open" else None)
        if model is None or (closed_like and bench not in rules.benchmarks
                             and bench not in rules.model_mapping):
            tree.append(UnknownBenchmark.at(f"{sys_rel}/{bench}", found=bench, round=rules.round))
            continue
        required = optional = None
        if isinstance(system_type, str):
            required = rules.required_scenarios(model, system_type)
            optional = rules.optional_scenarios(model, system_type)
        if closed_like and isinstance(system_type, str) and required is None:
            tree.append(UnknownBenchmark.at(
                f"{sys_rel}/{bench}", found=bench, round=f"{rules.round} for {system_type} systems"))
            continue
        bench_entries: list[ResultEntry] = []
        for folder in subdirs(os.path.join(sys_abs, bench)):
            scenario = RoundRules.scenario_name(folder)
            allowed = set(required or []) | set(optional or [])
            if scenario is None or (closed_like and required is not None and scenario not in allowed):
                severity = None if closed_like else Severity.WARNING
                tree.append(UnknownScenario.at(f"{sys_rel}/{bench}/{folder}", found=folder,
                                               model=model, system_type=system_type,
                                               severity=severity))
                continue
            ctx = ResultContext(root=task.root, rules=rules, profile=task.profile,
                                division=task.division, submitter=task.submitter,
                                system=task.system, benchmark=bench, scenario_folder=folder,
                                scenario=scenario, model=model, system_info=info)
            findings = _run_checks(ctx)
            bench_entries.append(ResultEntry(
                result=ctx.result_dir, division=task.division, submitter=task.submitter,
                system=task.system, benchmark=bench, scenario_folder=folder, scenario=scenario,
                model=model, system_type=system_type if isinstance(system_type, str) else None,
                availability=str((info.data or {}).get("status", "")).lower() or None,
                findings=findings, metrics=ctx.metrics, system_info=_system_info(info.data)))
        if closed_like and required:
            present = {e.scenario for e in bench_entries}
            missing = sorted(set(required) - present)
            if missing:
                finding = MissingScenario.at(f"{sys_rel}/{bench}", expected=sorted(required),
                                             found=sorted(present), missing=missing)
                for e in bench_entries:
                    e.findings.append(finding)
                if not bench_entries:
                    tree.append(finding)
        entries.extend(bench_entries)
    return entries, tree


def _scan_links(root: str, top: str) -> list[Finding]:
    """Symlinks that escape the tree or point nowhere (never followed)."""
    real_root = os.path.realpath(root)
    out: list[Finding] = []
    pending = [top]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():  # from the directory listing: no extra system call
                rel = os.path.relpath(entry.path, root).replace(os.sep, "/")
                target = os.readlink(entry.path)
                resolved = os.path.realpath(entry.path)
                if not (resolved == real_root or resolved.startswith(real_root + os.sep)):
                    out.append(SymlinkOutsideTree.at(rel, found=target))
                elif not os.path.exists(entry.path):
                    out.append(BrokenSymlink.at(rel, found=target))
            elif entry.is_dir():
                pending.append(entry.path)
    return sorted(out, key=lambda f: f.path or "")


def _link_owner(finding: Finding, by_result: dict[str, ResultEntry]) -> ResultEntry | None:
    parts = (finding.path or "").split("/")
    if len(parts) < 6:
        return None
    if parts[2] in ("measurements", "compliance"):
        parts[2] = "results"
    return by_result.get("/".join(parts[:6]))


def detect_suite(root: str) -> str:
    """mobile when the tree holds the Mobile app's exports (result.json, results.json or the
    command-line excerpts) under <division>/<submitter>/results/[<device>/]; else inference."""
    for division in subdirs(root):
        for sub in subdirs(os.path.join(root, division)):
            results = os.path.join(root, division, sub, "results")
            for folder in [results, *(os.path.join(results, d) for d in subdirs(results))]:
                try:
                    names = {n.lower() for n in os.listdir(folder)}
                except OSError:
                    continue
                if names & {"result.json", "results.json", "performance_results.txt"}:
                    return "mobile"
    return "inference"


def detect_round(root: str, suite: str = "inference") -> str | None:
    """The round of a tree: the pack whose seeds the first performance log carries; when several
    packs share those seeds (the demo round and v6.1), the one that knows the tree's benchmarks."""
    packs = available_rounds(suite)
    seed = None
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if "mlperf_log_detail.txt" in filenames and dirpath.endswith(os.path.join("performance", "run_1")):
            try:
                seed = read_detail_log(os.path.join(dirpath, "mlperf_log_detail.txt")).get(
                    "effective_qsl_rng_seed")
            except ParseError:
                continue
            break
    candidates = []
    for name in packs:
        try:
            rules = load_rules(suite, name)
        except RulePackError:
            continue
        if rules.loadgen["seeds"]["qsl_rng_seed"] == seed:
            candidates.append(rules)
    if not candidates:
        return None
    folders = {bench for division in DIVISIONS for sub in subdirs(os.path.join(root, division))
               for system in subdirs(os.path.join(root, division, sub, "results"))
               for bench in subdirs(os.path.join(root, division, sub, "results", system))}
    # Most benchmark folders recognised wins; on a tie, a real round before the demo one.
    best = max(candidates, key=lambda r: (sum(r.mlperf_model(b) is not None for b in folders),
                                          r.round != "demo"))
    return best.round


def _extra_mapping(root: str, division: str, submitter: str) -> tuple[dict, list[Finding]]:
    rel = f"{division}/{submitter}/model_mapping.json"
    path = os.path.join(root, division, submitter, "model_mapping.json")
    if division != "open" or not os.path.exists(path):
        return {}, []
    try:
        data = read_json(path)
    except ParseError as err:
        return {}, [finding_for_parse_error(err, rel)]
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return {}, [InvalidModelMapping.at(rel, expected="an object of name: benchmark",
                                                  found=type(data).__name__, locator="$")]
    return data, []


def open_report(root: str, round: str | None, suite: str, profile: str, detect,
                unrecognised: str):
    """A new report and the round's rules; (report, None) with a RUL001 finding when the round is
    not given and `detect(root)` cannot tell it, or its pack cannot be loaded."""
    report = Report(root=root, round=round or "", suite=suite, profile=profile,
                    tool_version=__version__)
    if round is None:
        round = detect(root)
        if round is None:
            report.findings.append(RulePackBroken.at(
                None, found=f"round not given and {unrecognised}; "
                            f"use --version (one of {', '.join(available_rounds(suite))})"))
            return report, None
        report.round = round
    try:
        return report, load_rules(suite, round)
    except RulePackError as exc:
        report.findings.append(RulePackBroken.at(None, found=str(exc)))
        return report, None


def check_tree(root: str, *, round: str | None = None, suite: str = "inference",
               profile: str = "strict", submitter: str | None = None, jobs: int = 1) -> Report:
    """Check every result under `root` (the folder holding closed/, open/, network/)."""
    if suite == "mobile":
        from .mobile import check_mobile_tree

        return check_mobile_tree(root, round=round, profile=profile, submitter=submitter)
    root = os.path.abspath(root)
    report, rules = open_report(root, round, suite, profile, lambda r: detect_round(r, suite),
                                "not recognised from the logs' seeds")
    if rules is None:
        return report
    round = report.round

    tasks: list[_SystemTask] = []
    for division in subdirs(root):
        if division not in DIVISIONS:
            report.findings.append(UnknownDivision.at(division, found=division,
                                                      expected=", ".join(DIVISIONS)))
            continue
        for sub in subdirs(os.path.join(root, division)):
            if submitter and sub.lower() != submitter.lower():
                continue
            report.findings.extend(_scan_links(root, os.path.join(root, division, sub)))
            mapping, problems = _extra_mapping(root, division, sub)
            report.findings.extend(problems)
            for system in subdirs(os.path.join(root, division, sub, "results")):
                tasks.append(_SystemTask(root, suite, round, profile, division, sub, system,
                                         tuple(sorted(mapping.items()))))

    if jobs > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(pool.map(_check_system, tasks, chunksize=1))
    else:
        outcomes = [_check_system(t) for t in tasks]
    for entries, tree in outcomes:
        report.results.extend(entries)
        report.findings.extend(tree)
    report.results.sort(key=lambda e: e.result)

    # A link finding belongs to the result whose results, measurements or compliance folder
    # holds the link; other links stay findings about the tree.
    by_result = {e.result: e for e in report.results}
    tree_only = []
    for f in report.findings:
        owner = _link_owner(f, by_result) if f.code in ("STR006", "STR007") else None
        if owner is not None:
            owner.findings.append(f)
        else:
            tree_only.append(f)
    report.findings = tree_only
    if not report.results:
        where = f" for submitter {submitter!r}" if submitter else ""
        report.findings.append(EmptyTree.at(None, found=0, where=where))
    return report
