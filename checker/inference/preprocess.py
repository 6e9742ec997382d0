"""`infercheck preprocess`: what the round's official preprocess_submission.py does to a copy of
a tree before it is submitted, decided by infercheck's own check of each step's outcome rather
than by a second, drifting copy of the rules.

On a copy (TREE is never written):
1. empty folders are removed;
2. invalid results are dealt with until the copy checks valid: a closed or network benchmark
   with an invalid result moves to open, all its scenarios with their measurements and
   compliance, its code and the system description (division "open"), as the official tool
   does (closed requires every scenario, so one cannot go alone); a result still invalid
   there, or invalid in open, is removed;
3. before step 2, the scenarios the round lets an edge system infer (`loadgen.inferable`) are
   copied from the run they are inferred from (Offline from MultiStream, else SingleStream;
   MultiStream from SingleStream), and a benchmark's valid -99.9 results stand for its -99
   ones where it has none; the check marks each inferred result;
4. folders left empty are removed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

from infercheck.checker.core.confined import Confined
from infercheck.checker.core.report import Report, ResultEntry
from infercheck.checker.inference.checks.structure import MissingScenario
from infercheck.checker.inference.layout import DIVISIONS, ResultPaths
from infercheck.checker.inference.rules import RoundRules, load_rules
from infercheck.checker.inference.tree_shape import linked_structure

__all__ = ["LinkedStructure", "Preprocessed", "Step", "preprocess"]

_INFERENCE_ORDER = ("MultiStream", "Offline")  # MultiStream first: Offline may come from it
_MAX_PASSES = 8  # each pass removes or moves at least one result; a tree needs two or three


@dataclass(frozen=True)
class Step:
    action: str  # infer, copy, move-to-open, remove, remove-empty
    path: str  # relative to the tree
    target: str | None = None
    reason: str = ""

    def to_dict(self) -> dict:
        return {"action": self.action, "path": self.path, "target": self.target,
                "reason": self.reason}


@dataclass
class Preprocessed:
    steps: list[Step] = field(default_factory=list)
    before: Report | None = None
    after: Report | None = None


def _copy(src: str, dst: str, link: bool) -> None:
    """A folder copied with its links as links; `link`: its files hard-linked (a scratch copy
    that is never written to), else copied."""
    def copy_file(a, b):
        if link:
            try:
                os.link(a, b)
                return b
            except OSError:
                pass
        return shutil.copy2(a, b)

    shutil.copytree(src, dst, symlinks=True, copy_function=copy_file)


class LinkedStructure(Exception):
    """The tree's structure holds links (STR026): preprocess copies real folders only, as what
    it moves and removes must be the copy's, never what a link points to."""

    def __init__(self, links: list[tuple[str, str]]) -> None:
        super().__init__(f"{len(links)} folder(s) of the tree are links")
        self.links = links


def copy_divisions(tree: str, out: str, submitter: str | None, link: bool) -> None:
    """The division folders' submitters, copied to `out` (a submitter's own links as links);
    raises LinkedStructure, before copying anything, where a structure folder is a link."""
    links = linked_structure(tree, submitter)
    if links:
        raise LinkedStructure(links)
    os.makedirs(out, exist_ok=True)
    for division in sorted(os.listdir(tree)):
        top = os.path.join(tree, division)
        if division not in DIVISIONS or not os.path.isdir(top):
            continue
        for sub in sorted(os.listdir(top)):
            if submitter and sub.lower() != submitter.lower():
                continue
            if os.path.isdir(os.path.join(top, sub)):
                _copy(os.path.join(top, sub), os.path.join(out, division, sub), link)


def _remove_empty(root: str, steps: list[Step]) -> None:
    """Remove every empty folder, bottom up (a folder holding only empty ones goes too); the
    steps name the topmost of each removed branch. os.walk follows no link."""
    removed: list[str] = []
    box = Confined(root)
    for division in DIVISIONS:
        top = os.path.join(root, division)
        if not box.isdir(division):
            continue
        for folder, _dirs, _files in sorted(os.walk(top, topdown=False), reverse=True):
            if not os.listdir(folder) and not os.path.islink(folder):
                box.rmdir(_rel(root, folder))
                removed.append(_rel(root, folder))
    tops = [p for p in removed if not any(p.startswith(q + "/") for q in removed)]
    steps.extend(Step("remove-empty", p, reason="empty folder") for p in sorted(tops))


def _rel(root: str, path: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def _paths(rules: RoundRules, entry: ResultEntry, division: str | None = None,
           scenario_folder: str | None = None, benchmark: str | None = None) -> ResultPaths:
    return ResultPaths(rules.layout, division or entry.division, entry.submitter, entry.system,
                       benchmark or entry.benchmark, scenario_folder or entry.scenario_folder)


def _result_dirs(p: ResultPaths) -> list[str]:
    """The folders of one result: results/, and measurements/ and compliance/ beside it."""
    return list(dict.fromkeys((p.result_dir, p.measurements_dir, p.compliance_dir)))


def _group_dirs(p: ResultPaths) -> list[str]:
    """The folders of a system's benchmark: the parents of its results' folders."""
    return [d.rsplit("/", 1)[0] for d in _result_dirs(p)]


def _why(entry: ResultEntry) -> str:
    errors = entry.errors()
    shown = "; ".join(f"{f.code} {f.message}" for f in errors[:2])
    return shown + (f" (+{len(errors) - 2} more)" if len(errors) > 2 else "")


class _Work:
    def __init__(self, root: str, rules: RoundRules, check: Callable[[str], Report],
                 move_to_open: bool) -> None:
        self.root, self.rules, self.check = root, rules, check
        self.box = Confined(root)  # every move, copy and removal: never through a link
        self.move_to_open = move_to_open
        self.steps: list[Step] = []
        self.moved: set[tuple[str, str, str]] = set()  # (submitter, system, benchmark) in open
        # Results this run made (inferred scenarios, -99 copies), and the groups it copied:
        # one that turns out invalid is taken back, never a reason to move the measured ones.
        self.made: set[str] = set()

    def clean(self) -> Report:
        """Move or remove invalid results until the tree checks valid (or nothing is left)."""
        for _ in range(_MAX_PASSES):
            report = self.check(self.root)
            invalid = [e for e in report.results if not e.valid]
            if not invalid:
                return report
            groups_done: set[tuple] = set()
            for entry in invalid:
                key = (entry.submitter, entry.system, entry.benchmark)
                group = (entry.division, *key)
                if self._made(entry.result):
                    self._remove(entry, "made by preprocess and invalid: ")
                elif entry.division in ("closed", "network") and self.move_to_open \
                        and key not in self.moved:
                    if group not in groups_done:
                        groups_done.add(group)
                        self._move_group(entry, report)
                elif group not in groups_done:
                    self._remove(entry)
        return self.check(self.root)

    def _made(self, result: str) -> bool:
        return result in self.made or result.rsplit("/", 1)[0] in self.made

    def _remove(self, entry: ResultEntry, why: str = "") -> None:
        for d in _result_dirs(_paths(self.rules, entry)):
            if self.box.exists(d):
                self.box.remove(d)
        self.steps.append(Step("remove", entry.result, reason=why + _why(entry)))

    def _move_group(self, entry: ResultEntry, report: Report) -> None:
        """The system's benchmark, every scenario, to open (a scenario open already holds
        stays open's), with the code and the system description."""
        src = _paths(self.rules, entry)
        dst = _paths(self.rules, entry, division="open")
        box = self.box
        for a, b in zip(_group_dirs(src), _group_dirs(dst), strict=True):
            if not box.exists(a):
                continue
            box.makedirs(b)
            for scenario in box.listdir(a):
                if not box.exists(f"{b}/{scenario}"):
                    box.move(f"{a}/{scenario}", f"{b}/{scenario}")
            box.remove(a)
        if box.isdir(src.code_dir) and not box.exists(dst.code_dir):
            box.copytree(src.code_dir, dst.code_dir)
        self._open_system(src, dst)
        self.moved.add((src.submitter, src.system, src.benchmark))
        reasons = {e.result: _why(e) for e in report.results if not e.valid
                   and e.result.startswith(src.result_dir.rsplit("/", 1)[0] + "/")}
        self.steps.append(Step("move-to-open", src.result_dir.rsplit("/", 1)[0],
                               dst.result_dir.rsplit("/", 1)[0],
                               "; ".join(f"{r.rsplit('/', 1)[1]}: {why}"
                                         for r, why in sorted(reasons.items()))))
        self._tidy_closed(src)

    def _open_system(self, src: ResultPaths, dst: ResultPaths) -> None:
        if self.box.exists(dst.system_json) or not self.box.isfile(src.system_json):
            return
        text = self.box.read_text(src.system_json)
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        # An unreadable one is copied as it is: the check says what is wrong with it, in open as
        # in closed.
        self.box.write_text(dst.system_json, json.dumps({**data, "division": "open"}, indent=2)
                            + "\n" if isinstance(data, dict) else text)

    def _tidy_closed(self, src: ResultPaths) -> None:
        """A system left with no result keeps no description; code no system uses goes."""
        box = self.box
        results = f"{src.submitter_dir}/results"
        systems = box.listdir(results) if box.isdir(results) else []
        benches_of = {s: {b for b in box.listdir(f"{results}/{s}") if box.isdir(f"{results}/{s}/{b}")}
                      for s in systems if box.isdir(f"{results}/{s}")}
        if not benches_of.get(src.system) and box.isfile(src.system_json):
            box.remove(src.system_json)
        benches = set().union(*benches_of.values())
        if src.benchmark not in benches and box.isdir(src.code_dir):
            box.remove(src.code_dir)

    def infer(self, report: Report) -> None:
        """The scenarios an edge system may infer, and -99 from -99.9, where missing."""
        groups: dict[tuple, list[ResultEntry]] = {}
        for e in report.results:
            groups.setdefault((e.division, e.submitter, e.system, e.benchmark), []).append(e)
        for (division, sub, system, bench), entries in sorted(groups.items()):
            self._infer_scenarios(entries)
            self._copy_high_accuracy(entries, division, sub, system, bench, groups)

    def _infer_scenarios(self, entries: list[ResultEntry]) -> None:
        first = entries[0]
        if "edge" not in (first.system_type or "") or not first.model:
            return
        allowed = set(self.rules.required_scenarios(first.model, first.system_type) or []) | set(
            self.rules.optional_scenarios(first.model, first.system_type))
        # A run is a source when only the scenarios it would give are lacking (STR011).
        measured = {e.scenario: e for e in entries if not e.metrics.get("inferred")
                    and all(f.code == MissingScenario.code for f in e.errors())}
        present = {e.scenario for e in entries}
        pairs = [tuple(p) for p in self.rules.loadgen.get("inferable") or []]
        for target in _INFERENCE_ORDER:
            if target not in allowed or target in present:
                continue
            source = next((measured[s] for s in ("MultiStream", "SingleStream")
                           if s in measured and (s, target) in pairs), None)
            if source is None:
                continue
            folder = target.lower() if source.scenario_folder.islower() else target
            to = _paths(self.rules, source, scenario_folder=folder)
            for a, b in zip(_result_dirs(_paths(self.rules, source)), _result_dirs(to),
                            strict=True):
                if self.box.isdir(a) and not self.box.exists(b):
                    self.box.copytree(a, b)
                    self._rename_measurements(b, source.scenario_folder, folder)
            present.add(target)
            self.made.add(to.result_dir)
            self.steps.append(Step("infer", source.result, to.result_dir,
                                   f"{target} inferred from {source.scenario} (edge system)"))

    def _rename_measurements(self, folder: str, old: str, new: str) -> None:
        """A measurements file named after its scenario is named after the new one."""
        for name in self.box.listdir(folder):
            if name.endswith(f"_{old}.json"):
                self.box.move(f"{folder}/{name}",
                              f"{folder}/{name[: -len(f'_{old}.json')]}_{new}.json")

    def _copy_high_accuracy(self, entries, division, sub, system, bench, groups) -> None:
        low = bench[:-2] if bench.endswith("-99.9") else None
        if low is None or low not in self.rules.benchmarks or (division, sub, system, low) in groups \
                or not all(e.valid for e in entries):
            return
        src = _paths(self.rules, entries[0])
        dst = _paths(self.rules, entries[0], benchmark=low)
        for a, b in zip(_group_dirs(src), _group_dirs(dst), strict=True):
            if self.box.isdir(a) and not self.box.exists(b):
                self.box.copytree(a, b)
        if self.box.isdir(src.code_dir) and not self.box.exists(dst.code_dir):
            self.box.copytree(src.code_dir, dst.code_dir)
        self.made.add(dst.result_dir.rsplit("/", 1)[0])
        self.steps.append(Step("copy", src.result_dir.rsplit("/", 1)[0],
                               dst.result_dir.rsplit("/", 1)[0],
                               f"{bench} results stand for {low}, which has none"))


def preprocess(tree: str, out: str, check: Callable[..., Report], *, round: str | None = None,
               submitter: str | None = None, infer: bool = True, move_to_open: bool = True,
               scratch: bool = False) -> Preprocessed:
    """Build the preprocessed copy of `tree` at `out` (which must not exist). `check(root,
    round=...)` checks a tree; `scratch`: `out` is a throw-away folder (a dry run), whose files
    may be hard links to the tree's (none is ever written to)."""
    done = Preprocessed()
    copy_divisions(tree, out, submitter, link=scratch)
    _remove_empty(out, done.steps)
    done.before = first = check(out, round=round)
    round = first.round
    rules = load_rules(round, first.suite)
    work = _Work(out, rules, lambda root: check(root, round=round), move_to_open)
    if infer:
        # Before anything moves: an inferred scenario may be what a closed benchmark lacks.
        work.infer(first)
    if work.steps or any(not e.valid for e in first.results):
        work.clean()
    _remove_empty(out, work.steps)
    done.steps = [*done.steps, *work.steps]
    done.after = check(out, round=round)
    return done
