"""The suites infercheck knows, and the library's entry points over them. A new suite is a new
folder beside inference/ and mobile/ and one line here."""

from __future__ import annotations

import os
from collections.abc import Callable

from infercheck.checker import automotive, inference, mobile
from infercheck.checker.audit.rules import AUDIT_RULES
from infercheck.checker.core import engine
from infercheck.checker.core.archive import is_archive, unpacked
from infercheck.checker.core.findings import CodeIndex, Rule
from infercheck.checker.core.registry import CheckSet
from infercheck.checker.core.report import Report
from infercheck.checker.core.suite import ResultSink, Scope, Suite

__all__ = ["ALL_CODES", "SUITES", "ProfileNotForSuite", "UnknownSuite", "all_rules",
           "available_rounds", "check_tree", "detect_suite", "load_rules", "not_a_tree",
           "rule_for", "suite_named"]

# In the order they claim a tree: the first whose owns_tree() says yes checks it.
SUITES: dict[str, Suite] = {s.name: s for s in (mobile.SUITE, automotive.SUITE, inference.SUITE)}

# Codes renamed since they were published: old code -> new code (none yet).
ALIASES: dict[str, str] = {}

# The suites' codes, and the audit's (which reads results tables, of any suite).
ALL_CODES = CodeIndex([*(rule for s in SUITES.values() for rule in s.codes.values()), *AUDIT_RULES],
                      ALIASES)


class UnknownSuite(ValueError):
    """A suite name that no suite has."""


class ProfileNotForSuite(ValueError):
    """A profile that means nothing for the suite (published, for inference trees)."""


def suite_named(name: str) -> Suite:
    try:
        return SUITES[name]
    except KeyError:
        raise UnknownSuite(f"no suite {name!r} (known: {', '.join(SUITES)})") from None


def detect_suite(root: str) -> str:
    """The name of the first suite that claims the tree."""
    return next(s.name for s in SUITES.values() if s.owns_tree(root))


# Every suite's tree holds division folders (inference: closed/, open/, network/; the Mobile
# app's exports sit under closed/ and open/ too), and a submitter's folder holds these.
_DIVISIONS = ("closed", "open", "network")
_SUBMITTER_PARTS = {"results", "systems", "measurements", "compliance", "code", "documentation"}


def _folders(path: str) -> list[str]:
    try:
        return sorted(e.name for e in os.scandir(path)
                      if not e.name.startswith(".") and e.is_dir(follow_symlinks=False))
    except OSError:
        return []


def _has_division(path: str) -> bool:
    # A division that is a link counts: the check then says so on each result (STR026).
    try:
        return any(e.name.lower() in _DIVISIONS and e.is_dir() for e in os.scandir(path))
    except OSError:
        return False


def _some(names: list[str], n: int = 3) -> str:
    return ", ".join(names[:n]) + (f" and {len(names) - n:,} more" if len(names) > n else "")


def not_a_tree(root: str, shown: str | None = None) -> str | None:
    """None when `root` is a submission tree (it holds a division folder); else what the folder
    is and where the tree might be, in a sentence: a division or submitter folder (the tree is
    above it), a folder of several trees, an empty one. `shown` names it (an archive: no folder
    above it to point at)."""
    if _has_division(root):
        return None
    name = shown or root
    path = os.path.abspath(root)
    try:
        entries = [e for e in os.listdir(root) if not e.startswith(".")]
    except OSError:
        entries = []
    if not entries:
        return f"{name} is empty: a submission tree holds closed/, open/ or network/"
    lead = f"{name} holds no closed/, open/ or network/"
    folders = _folders(root)
    base = os.path.basename(path).lower()

    def above(what: str, levels: int) -> str:
        if shown:  # an archive: pack the tree's own root folder instead
            return f"{lead}; it looks like {what}: pack the tree that holds it instead"
        top = path
        for _ in range(levels):
            top = os.path.dirname(top)
        if levels == 1:
            return f"{lead}; it looks like {what}: check its parent {top}"
        return f"{lead}; it looks like {what}: check {top}, {levels} folders up"

    if base in _DIVISIONS or any(_SUBMITTER_PARTS & {n.lower() for n in _folders(os.path.join(root, f))}
                                 for f in folders):
        return above("a division folder", 1)
    if "results" in {f.lower() for f in folders} or len(_SUBMITTER_PARTS & {f.lower() for f in folders}) >= 2:
        return above("a submitter's folder", 2)
    if base == "results":
        return above("a submitter's results folder", 3)
    trees = [f for f in folders if _has_division(os.path.join(root, f))]
    if trees:
        return f"{lead}; it holds {len(trees):,} trees ({_some(trees)}): check each of them"
    return f"{lead} (it holds {_some(sorted(entries))})"


def check_tree(root: str, *, round: str | None = None, suite: str = "inference",
               profile: str = "strict", submitter: str | None = None, jobs: int = 1,
               checks: CheckSet | None = None,
               progress: Callable[[int, int, int], None] | None = None,
               sink: ResultSink | None = None, focus=None, waivers=None,
               shown_root: str | None = None, input_findings=()) -> Report:
    """Check every result under `root` (the folder holding closed/, open/, network/) by the
    rules of `round` (None: recognised from the tree) of `suite` ("auto": recognised too).
    `checks` replaces the suite's own checks (tests use it); `progress` is told (systems done,
    systems in all, results so far) as the check goes; `sink`, when given, gets each result
    in the order of their paths instead of the report's list (which then stays empty);
    `focus` (core/focus.py), the part of the tree and of the rules to check; `waivers`
    (core/waivers.py Waivers), the findings allowed. `root` may be an archive (.tar.gz, .zip:
    core/archive.py), unpacked into a temporary folder for the check."""
    if is_archive(root):
        # An archive is checked as the tree it unpacks to, in a temporary folder; the report
        # names the archive, and what unpacking refused is found about the tree.
        with unpacked(root) as (tree, refused):
            return check_tree(tree, round=round, suite=suite, profile=profile,
                              submitter=submitter, jobs=jobs, checks=checks, progress=progress,
                              sink=sink, focus=focus, waivers=waivers,
                              shown_root=shown_root or os.path.abspath(root),
                              input_findings=(*input_findings, *refused))
    chosen = suite_named(detect_suite(root) if suite == "auto" else suite)
    if profile not in chosen.profiles:
        owners = [s.name for s in SUITES.values() if profile in s.profiles]
        where = f"it is for --suite {' or --suite '.join(owners)}" if owners else "no suite has it"
        raise ProfileNotForSuite(
            f"the {profile} profile does not apply to {chosen.title} trees (their profiles: "
            f"{', '.join(chosen.profiles)}); {where}")
    scope = Scope(profile=profile, submitter=submitter, jobs=jobs, checks=checks, progress=progress,
                  sink=sink, focus=focus, waivers=waivers, shown_root=shown_root,
                  input_findings=tuple(input_findings))
    return engine.check_tree(root, chosen, round=round, scope=scope)


def all_rules() -> CodeIndex:
    return ALL_CODES


def rule_for(code: str) -> type[Rule] | None:
    return ALL_CODES.get(code)


def available_rounds(suite: str = "inference") -> list[str]:
    """The rounds `suite` has rule packs for, oldest first."""
    return suite_named(suite).packs.rounds()


def load_rules(suite: str, round_name: str):
    """The resolved rules of one round of `suite` (RulePackError if it has none)."""
    return suite_named(suite).load_rules(round_name)
