"""The inference suite's walk of a tree: divisions, submitters, systems, benchmark and scenario
folders; each result is checked in its own context, systems in parallel with --jobs."""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import Future, InvalidStateError, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from infercheck.checker.core.codes import CORE_CODES
from infercheck.checker.core.engine import crash_finding, run_checks
from infercheck.checker.core.findings import CodeIndex, Finding, Severity
from infercheck.checker.core.profiles import apply_profile
from infercheck.checker.core.registry import CheckSet
from infercheck.checker.core.report import Report, ResultEntry
from infercheck.checker.core.repository_rules import REPOSITORY_RULES, RepositoryLimits
from infercheck.checker.core.suite import Scope
from infercheck.checker.core.textfile import ParseError, read_json, subdirs
from infercheck.checker.core.tree_rules import (
    PARSE_RULES,
    BrokenSymlink,
    CaseTwinFolders,
    LinkedFolder,
    SymlinkOutsideTree,
    UnknownDivision,
    finding_for_parse_error,
    linked_folder,
)
from infercheck.checker.inference.checks import CHECKS, RULES
from infercheck.checker.inference.checks.structure import (
    InvalidModelMapping,
    MissingScenario,
    SymlinkedFile,
    UnknownBenchmark,
    UnknownScenario,
)
from infercheck.checker.inference.checks.system import load_system
from infercheck.checker.inference.context import ResultContext, is_endpoints_result
from infercheck.checker.inference.layout import DIVISIONS, ResultPaths
from infercheck.checker.inference.rounds import LogsOfSeveralRounds, several_rounds
from infercheck.checker.inference.rules import RoundRules, load_rules, scenario_of_folder
from infercheck.checker.inference.tree_shape import LinkedFolders, twin_findings

__all__ = ["CODES", "WALK_RULES", "walk"]

CODES = CORE_CODES | CodeIndex((*RULES, LogsOfSeveralRounds))
WALK_RULES = (LogsOfSeveralRounds, UnknownDivision, SymlinkOutsideTree, BrokenSymlink, SymlinkedFile,
              UnknownBenchmark, UnknownScenario, MissingScenario, InvalidModelMapping, LinkedFolder,
              CaseTwinFolders, *PARSE_RULES, *REPOSITORY_RULES)
SYSTEM_FIELDS = ("system_name", "status", "system_type", "number_of_nodes",
                 "host_processor_model_name", "host_processors_per_node",
                 "host_processor_core_count", "accelerator_model_name", "accelerators_per_node",
                 "framework", "operating_system", "hw_notes", "sw_notes", "other_software_stack",
                 "host_memory_capacity", "accelerator_memory_capacity")


@dataclass(frozen=True)
class _SystemTask:
    root: str
    round: str
    suite: str  # whose packs hold the round (inference, or a suite checked the same way)
    profile: str
    checks: CheckSet
    division: str
    submitter: str
    system: str
    extra_mapping: tuple[tuple[str, str], ...]
    # The benchmarks and scenarios a focused check keeps (core/focus.py Focus): the others are
    # not checked at all, only counted as there (a closed benchmark needs them all).
    focus: Any = None
    # What every result of the system carries from above it: a linked division or submitter
    # folder, a submitter folder with a case twin.
    inherited: tuple[Finding, ...] = ()


def _availability(data: dict | None, rules: RoundRules) -> str | None:
    status = str((data or {}).get("status", ""))
    # A round with an availability vocabulary reports it in lower case; v0.7's free text as written.
    return (status.lower() if rules.status_vocabulary else status) or None


def _system_info(data: dict | None) -> dict:
    data = data or {}
    return {k: data.get(k) for k in SYSTEM_FIELDS if k in data}


def _private_id(sys_abs: str, system: str, rules: RoundRules) -> str | None:
    """The system's private ID where its results folder has the round's private ID file (a
    JSON object, system name -> ID: what the official --private-ids writes and reads)."""
    name = rules.data["csv"].get("private_id_file")
    path = os.path.join(sys_abs, name) if name else None
    if path is None or not os.path.isfile(path):
        return None
    try:
        data = read_json(path)
    except (OSError, ParseError):
        return None  # read only for the summary column; a bad file gives an empty one
    value = data.get(system) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _check_system(task: _SystemTask) -> tuple[list[ResultEntry], list[Finding]]:
    """The system's results, in the order of their paths, and its findings about the tree."""
    try:
        entries, tree = _check_system_unguarded(task)
    except Exception as exc:  # a fault of ours must not end the run for other systems
        where = f"{task.division}/{task.submitter}/results/{task.system}"
        crash = crash_finding(where, exc, "check_system")
        # Nor may it make the system's results vanish: each is listed, invalid, with the fault.
        sys_abs = os.path.join(task.root, task.division, task.submitter, "results", task.system)
        entries = [ResultEntry(result=f"{where}/{bench}/{folder}", division=task.division,
                               submitter=task.submitter, system=task.system, benchmark=bench,
                               scenario_folder=folder, scenario=scenario_of_folder(folder),
                               findings=[crash])
                   for bench in subdirs(sys_abs) for folder in subdirs(os.path.join(sys_abs, bench))]
        tree = [] if entries else [crash]
    entries.sort(key=lambda e: e.result)
    return entries, tree


def _check_system_unguarded(task: _SystemTask) -> tuple[list[ResultEntry], list[Finding]]:
    rules = load_rules(task.round, task.suite)
    entries: list[ResultEntry] = []
    tree: list[Finding] = []
    sub_rel = f"{task.division}/{task.submitter}"
    sys_rel = f"{sub_rel}/results/{task.system}"
    sys_abs = os.path.join(task.root, task.division, task.submitter, "results", task.system)
    info = load_system(task.root, task.division, task.submitter, task.system, rules)
    private_id = _private_id(sys_abs, task.system, rules)
    system_type = (info.data or {}).get("system_type")
    if isinstance(system_type, str) and system_type not in (rules.system.get("system_types")
                                                              or [system_type]):
        # Checked as an untyped system: every result stays listed, each with the description's
        # finding on the field (SYS002), rather than vanishing behind "no such benchmark".
        system_type = None
    closed_like = task.division in ("closed", "network")
    extra = dict(task.extra_mapping)
    links = LinkedFolders(task.root)
    systems = subdirs(os.path.join(task.root, task.division, task.submitter, "results"))
    shape = [*task.inherited, *[f for f in [twin_findings(f"{sub_rel}/results", systems).get(
        task.system)] if f is not None]]
    benches = subdirs(sys_abs)
    bench_twins = twin_findings(sys_rel, benches)
    for bench in benches:
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
        left_out: set[str] = set()
        folders = subdirs(os.path.join(sys_abs, bench))
        folder_twins = twin_findings(f"{sys_rel}/{bench}", folders)
        for folder in folders:
            scenario = rules.scenario_name(folder)
            # Online is a scenario folder of endpoints results only (the official loader).
            if scenario is None and rules.endpoints_scenario(folder) and is_endpoints_result(
                    task.root, f"{sys_rel}/{bench}/{folder}", rules) and not (
                    closed_like and rules.endpoints.get("closed_by_folder_name")):
                scenario = rules.endpoints_scenario(folder)
            allowed = set(required or []) | set(optional or [])
            # v0.7 holds open results to the system type's scenarios too (layout.open_any_scenario).
            held = closed_like or rules.layout.get("open_any_scenario", True) is False
            if scenario is None or (held and required is not None and scenario not in allowed):
                severity = None if closed_like else Severity.WARNING
                tree.append(UnknownScenario.at(f"{sys_rel}/{bench}/{folder}", found=folder,
                                               model=model, system_type=system_type,
                                               severity=severity))
                continue
            if task.focus is not None and not task.focus.keeps_result(bench, scenario, folder):
                left_out.add(scenario)
                continue
            ctx = ResultContext(root=task.root, rules=rules, profile=task.profile,
                                division=task.division, submitter=task.submitter,
                                system=task.system, benchmark=bench, scenario_folder=folder,
                                scenario=scenario, model=model, system_info=info)
            findings = run_checks(ctx, ctx.result_dir, task.checks, CODES, task.profile,
                                  tolerated=rules.tolerated_by_published)
            paths = ResultPaths(rules.layout, task.division, task.submitter, task.system, bench,
                                folder)
            above = [*shape, *links.of_result(paths),
                     *(f for f in (bench_twins.get(bench), folder_twins.get(folder)) if f)]
            findings.extend(apply_profile(above, task.profile, CODES, rules.tolerated_by_published))
            if private_id is not None:
                ctx.metrics["private_id"] = private_id
            bench_entries.append(ResultEntry(
                result=ctx.result_dir, division=task.division, submitter=task.submitter,
                system=task.system, benchmark=bench, scenario_folder=folder, scenario=scenario,
                model=model, system_type=system_type if isinstance(system_type, str) else None,
                availability=_availability(info.data, rules),
                findings=findings, metrics=ctx.metrics, system_info=_system_info(info.data)))
        if closed_like and isinstance(system_type, str):
            present = {e.scenario for e in bench_entries} | left_out
            # Each group of `one_of_scenarios` (a datacenter LLM's Interactive or Server) needs
            # at least one of its scenarios.
            one_of = rules.one_of_scenarios(model, system_type)
            missing = sorted(set(required or []) - present) + [
                f"one of {'/'.join(g)}" for g in one_of if not present & set(g)]
            if missing:
                expected = sorted(required or []) + [f"one of {'/'.join(g)}" for g in one_of]
                (finding,) = apply_profile(
                    [MissingScenario.at(f"{sys_rel}/{bench}", expected=expected,
                                        found=sorted(present), missing=missing)],
                    task.profile, CODES, rules.tolerated_by_published)
                for e in bench_entries:
                    e.findings.append(finding)
                if not bench_entries:
                    tree.append(finding)
            # A required scenario whose result is invalid leaves the benchmark without it, as
            # the official checker says too; said on that result, whose verdict it cannot change
            # (the official one keeps the other scenarios' verdicts), so as a warning.
            # (A result invalid only as its benchmark lacks a scenario is there.)
            broken = [e for e in bench_entries
                      if any(f.code != MissingScenario.code for f in e.errors())]
            valid = {e.scenario for e in bench_entries} - {e.scenario for e in broken} | left_out
            lacking = sorted(set(required or []) - valid - set(missing))
            for e in broken:
                if e.scenario in lacking:
                    e.findings.append(MissingScenario.at(
                        f"{sys_rel}/{bench}", expected=sorted(required or []), found=sorted(valid),
                        missing=lacking, severity=Severity.WARNING,
                        detail=f"{e.scenario} is there, but its result is invalid"))
        entries.extend(bench_entries)
    return entries, tree


def _quiet_cancelled_futures() -> None:
    """The pool's manager thread, finding its workers stopped, sets an exception on futures
    that were cancelled and dies printing InvalidStateError (a race in CPython's
    concurrent/futures/process.py, terminate_broken; seen here about once in 16 interrupts on
    3.11): the interrupted check is ending anyway, so that traceback is not printed."""
    previous = threading.excepthook

    def hook(args) -> None:
        if not isinstance(args.exc_value, InvalidStateError):
            previous(args)

    threading.excepthook = hook


def _leave_interrupts_to_parent() -> None:
    """Workers ignore Ctrl-C: the parent stops them, and only it says so. SIGTERM and SIGHUP
    (which the command may have made raise, and a fork inherits) end a worker at once: the
    parent stops its workers with SIGTERM, and only the parent cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def _scan_links_task(scan: tuple[str, str, str, str, str]) -> list[Finding]:
    root, top, round_name, suite, profile = scan
    try:
        rules = load_rules(round_name, suite)
        # What the round's checker no longer checks (the v6 package: the results repository's
        # limits) is tolerated by the published profile here too.
        return apply_profile(_scan_links(root, top, rules), profile, CODES, rules.tolerated_by_published)
    except Exception as exc:  # a fault of ours: reported, and the results are still checked
        return [crash_finding(os.path.relpath(top, root).replace(os.sep, "/"), exc, "scan_links")]


def _scan_links(root: str, top: str, rules: RoundRules) -> list[Finding]:
    """Symlinks that escape the tree or point nowhere (never followed), and, in a round that
    rejects them, links to files; in a round with repository limits, what the results
    repository refuses (core/repository_rules.py), the submitter's folder itself included."""
    no_file_links = rules.file_symlinks_rejected()
    limits = RepositoryLimits.of(rules.repository)
    check_repo = limits.active
    real_root = os.path.realpath(root)
    out: list[Finding] = []

    top_rel = os.path.relpath(top, root).replace(os.sep, "/")
    if check_repo:
        out.extend(limits.of_name(top_rel, os.path.basename(top), True))
    pending = [(top, top_rel)]  # each folder with its path in the tree (no relpath per entry)
    while pending:
        folder, folder_rel = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        if check_repo:
            out.extend(limits.of_folder(folder_rel, entries))
        for entry in entries:
            rel = f"{folder_rel}/{entry.name}"
            is_link = entry.is_symlink()  # from the directory listing: no extra system call
            is_dir = not is_link and entry.is_dir()
            if check_repo:
                found = limits.of_name(rel, entry.name, is_dir)
                out.extend(found)
                if is_dir and found and entry.name.startswith("."):
                    continue  # refused with its contents: named once
                if not is_link and not is_dir:
                    out.extend(limits.of_file(rel, entry))
            if is_link:
                target = os.readlink(entry.path)
                resolved = os.path.realpath(entry.path)
                if not (resolved == real_root or resolved.startswith(real_root + os.sep)):
                    out.append(SymlinkOutsideTree.at(rel, found=target))
                elif not os.path.exists(entry.path):
                    out.append(BrokenSymlink.at(rel, found=target))
                elif no_file_links and not os.path.isdir(entry.path):
                    out.append(SymlinkedFile.at(rel, found=target, round=rules.round))
            elif is_dir:
                pending.append((entry.path, rel))
    return sorted(out, key=lambda f: (f.path or "", f.code))


def _link_owner(finding: Finding) -> str | None:
    """The result whose results, measurements or compliance folder holds a linked path."""
    parts = (finding.path or "").split("/")
    if len(parts) < 6:
        return None
    if parts[2] in ("measurements", "compliance"):
        parts[2] = "results"
    return "/".join(parts[:6])


class _Links:
    """The link findings of each submitter's folder as its scan ends: those in a result's
    folders go with the result, the others stay the tree's, at the submitter's place."""

    def __init__(self, scans: list) -> None:
        self._scans = scans  # per submitter: its findings, or a future of them
        self._found: dict[int, list[Finding]] = {}
        self._by_result: dict[str, list[Finding]] = {}
        self._claimed: set[int] = set()

    def _of(self, sub: int) -> list[Finding]:
        if sub not in self._found:
            scan = self._scans[sub]
            found = scan.result() if isinstance(scan, Future) else scan
            self._found[sub] = found
            for f in found:
                owner = _link_owner(f)
                if owner is not None:
                    self._by_result.setdefault(owner, []).append(f)
        return self._found[sub]

    def claim(self, sub: int, entry: ResultEntry) -> None:
        self._of(sub)
        for f in self._by_result.pop(entry.result, ()):
            self._claimed.add(id(f))
            entry.findings.append(f)

    def unclaimed(self, sub: int) -> list[Finding]:
        return [f for f in self._of(sub) if id(f) not in self._claimed]


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


def walk(root: str, rules: RoundRules, report: Report, scope: Scope) -> None:
    """Check every result under `root` (the folder holding closed/, open/, network/)."""
    round = rules.round
    checks = scope.checks if scope.checks is not None else CHECKS
    submitter = scope.submitter
    focus = scope.focus if scope.focus is not None and (
        scope.focus.benchmarks or scope.focus.scenarios) else None
    tasks: list[_SystemTask] = []
    link_scans: list[tuple[str, str, str, str, str]] = []
    link_slots: list[int] = []
    task_subs: list[int] = []  # the link scan of each task's submitter
    for division in subdirs(root):
        if division not in DIVISIONS:
            report.findings.append(UnknownDivision.at(division, found=division,
                                                      expected=", ".join(DIVISIONS)))
            continue
        submitters = subdirs(os.path.join(root, division))
        sub_twins = twin_findings(division, submitters)
        division_link = linked_folder(root, division)
        for sub in submitters:
            if submitter and sub.lower() != submitter.lower():
                continue
            inherited = tuple(f for f in (division_link, linked_folder(root, f"{division}/{sub}"),
                                          sub_twins.get(sub)) if f is not None)
            # Where this submitter's link findings go once its folder has been scanned.
            link_slots.append(len(report.findings))
            link_scans.append((root, os.path.join(root, division, sub), round, rules.suite,
                               scope.profile))
            sub_index = len(link_scans) - 1
            mapping, problems = _extra_mapping(root, division, sub)
            report.findings.extend(problems)
            for system in subdirs(os.path.join(root, division, sub, "results")):
                tasks.append(_SystemTask(root, round, rules.suite, scope.profile, checks, division,
                                         sub, system, tuple(sorted(mapping.items())), focus,
                                         inherited))
                task_subs.append(sub_index)

    # Results go to the report in the order of their paths (a name sorts as with the "/" that
    # follows it in the path), so that a sink gets them as the report would list them.
    order = sorted(range(len(tasks)), key=lambda i: (f"{tasks[i].division}/{tasks[i].submitter}/"
                                                      f"results/{tasks[i].system}/"))
    tasks = [tasks[i] for i in order]
    task_subs = [task_subs[i] for i in order]

    def gather(outcomes, links: _Links) -> None:
        for done, ((entries, tree), sub) in enumerate(zip(outcomes, task_subs, strict=True), 1):
            for entry in entries:
                links.claim(sub, entry)
                report.add_result(entry)
            report.findings.extend(tree)
            if scope.progress is not None:
                scope.progress(done, len(tasks), report.result_count)

    # The link scans walk every file of a submitter's folder (code/ too): they share the
    # processes with the systems.
    if scope.jobs > 1 and len(tasks) + len(link_scans) > 1:
        pool = ProcessPoolExecutor(max_workers=scope.jobs, initializer=_leave_interrupts_to_parent)
        try:
            # The census reads the head of every performance log: a task like the others.
            census = pool.submit(several_rounds, root, round, submitter, scope.profile,
                                 rules.suite)
            links = _Links([pool.submit(_scan_links_task, scan) for scan in link_scans])
            gather(pool.map(_check_system, tasks, chunksize=1), links)
            unclaimed = [links.unclaimed(i) for i in range(len(link_scans))]
            rounds_found = census.result()
        except BaseException:
            # Ctrl-C (or a fault): stop at once rather than finish every queued system.
            workers = list((getattr(pool, "_processes", None) or {}).values())
            _quiet_cancelled_futures()
            pool.shutdown(wait=False, cancel_futures=True)
            for process in workers:
                process.terminate()
            raise
        pool.shutdown()
    else:
        rounds_found = several_rounds(root, round, submitter, scope.profile, rules.suite)
        links = _Links([_scan_links_task(scan) for scan in link_scans])
        gather((_check_system(t) for t in tasks), links)
        unclaimed = [links.unclaimed(i) for i in range(len(link_scans))]
    for slot, found in reversed(list(zip(link_slots, unclaimed, strict=True))):
        report.findings[slot:slot] = found
    report.findings[0:0] = rounds_found
