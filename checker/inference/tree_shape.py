"""The shape of a tree's structure that no single result shows: folders that are links, and
sibling folders whose names differ only in case."""

from __future__ import annotations

import os
from collections.abc import Iterable

from infercheck.checker.core.findings import Finding
from infercheck.checker.core.tree_rules import CaseTwinFolders, link_target, linked_folder
from infercheck.checker.inference.layout import DIVISIONS, ResultPaths

__all__ = ["LinkedFolders", "case_twins", "linked_structure", "twin_findings"]

# The folders of a submitter that hold results by system, benchmark and scenario, and the
# descriptions'.
_BY_RESULT = ("results", "measurements", "compliance")
_OF_SUBMITTER = (*_BY_RESULT, "systems")


def case_twins(names: Iterable[str]) -> dict[str, list[str]]:
    """Each name that has a sibling equal but for case, with all the names of its group."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name.casefold(), []).append(name)
    return {n: sorted(g) for g in groups.values() if len(g) > 1 for n in g}


def twin_findings(parent_rel: str, names: Iterable[str]) -> dict[str, Finding]:
    """The STR027 finding of each twin folder under `parent_rel`."""
    return {name: CaseTwinFolders.at(f"{parent_rel}/{name}", found=", ".join(group))
            for name, group in case_twins(names).items()}


class LinkedFolders:
    """The structure folders of a submitter's results that are links, each looked at once."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._seen: dict[str, Finding | None] = {}

    def of_folder(self, rel: str) -> Finding | None:
        if rel not in self._seen:
            self._seen[rel] = linked_folder(self.root, rel)
        return self._seen[rel]

    def of_result(self, paths: ResultPaths) -> list[Finding]:
        """The linked folders between the submitter's folder and the result's own folders
        (results, and measurements and compliance where they are beside it)."""
        wanted: dict[str, None] = {}
        sub = paths.submitter_dir
        wanted[f"{sub}/systems"] = None
        for folder in (paths.result_dir, paths.measurements_dir, paths.compliance_dir):
            parts = folder[len(sub) + 1:].split("/")
            for depth in range(1, len(parts) + 1):
                wanted[f"{sub}/{'/'.join(parts[:depth])}"] = None
        found = (self.of_folder(rel) for rel in wanted)
        return [f for f in found if f is not None]


def linked_structure(root: str, submitter: str | None = None) -> list[tuple[str, str]]:
    """(path, target) of every structure folder of the tree that is a link (STR026's folders),
    links not followed: a division, a submitter, a submitter's results, measurements,
    compliance and systems folders, and the system, benchmark and scenario folders under the
    first three."""
    found: list[tuple[str, str]] = []

    def note(rel: str) -> bool:
        target = link_target(root, rel)
        if target is not None:
            found.append((rel, target))
        return target is not None

    def real_folders(rel: str) -> list[str]:
        try:
            with os.scandir(os.path.join(root, *rel.split("/"))) as it:
                return sorted(e.name for e in it if e.is_dir(follow_symlinks=True))
        except OSError:
            return []

    for division in DIVISIONS:
        if note(division) or not os.path.isdir(os.path.join(root, division)):
            continue
        for sub in real_folders(division):
            if submitter and sub.lower() != submitter.lower():
                continue
            if note(f"{division}/{sub}"):
                continue
            for part in _OF_SUBMITTER:
                rel = f"{division}/{sub}/{part}"
                if note(rel) or part not in _BY_RESULT:
                    continue
                pending = [(rel, 0)]
                while pending:
                    folder, depth = pending.pop()
                    for name in real_folders(folder):
                        if not note(f"{folder}/{name}") and depth < 2:
                            pending.append((f"{folder}/{name}", depth + 1))
    return sorted(found)
