"""The suites infercheck knows, and the library's entry points over them. A new suite is a new
folder beside inference/ and mobile/ and one line here."""

from __future__ import annotations

import os
from collections.abc import Callable

from infercheck.checker import inference, mobile
from infercheck.checker.audit.rules import AUDIT_RULES
from infercheck.checker.core import engine
from infercheck.checker.core.archive import is_archive, unpacked
from infercheck.checker.core.findings import CodeIndex, Rule
from infercheck.checker.core.registry import CheckSet
from infercheck.checker.core.report import Report
from infercheck.checker.core.suite import ResultSink, Scope, Suite

__all__ = ["ALL_CODES", "SUITES", "ProfileNotForSuite", "UnknownSuite", "all_rules",
           "available_rounds", "check_tree", "detect_suite", "load_rules", "rule_for", "suite_named"]

# In the order they claim a tree: the first whose owns_tree() says yes checks it.
SUITES: dict[str, Suite] = {s.name: s for s in (mobile.SUITE, inference.SUITE)}

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
