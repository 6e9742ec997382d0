"""Profiles: how strictly findings count. One vocabulary for `check`, `report` and `run`."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from infercheck.checker.core.findings import CodeIndex, Finding, Rule, Severity

__all__ = ["PROFILES", "TOLERATED", "Profile", "apply_profile"]

TOLERATED = "tolerated by --profile published"


@dataclass(frozen=True)
class Profile:
    name: str
    help: str  # one sentence for --help and the README
    relaxes: Callable[[type[Rule]], bool]  # which error rules become warnings
    detail: str | None = None  # what a downgraded finding says about it
    verdict_tag: str | None = None  # shown on the verdict line of a result it touched


PROFILES: dict[str, Profile] = {p.name: p for p in (
    Profile("strict", "every rule of the round, as its official checker applies it.",
            lambda rule: False),
    Profile("smoke", "relaxes only the run-length rules (duration, query counts, performance "
                     "sample count, dataset coverage) and accepts, with a warning, the seeds of "
                     "another known round, for short CI runs; every verdict line says so.",
            lambda rule: rule.run_length, verdict_tag="[smoke: run-length rules relaxed]"),
    Profile("published", "accepts, as warnings, what the round's official checker let through "
                         "(inference: e.g. a LoadGen INVALID run before v2.1, each round's list "
                         "in its pack; Mobile: missing trace logs, system JSON with trailing "
                         "commas, command-line excerpts instead of result.json, ...) and lists "
                         "them, so that the verdicts are the published ones.",
            lambda rule: rule.published_tolerated, detail=TOLERATED,
            verdict_tag="[published: tolerated deviations]"),
)}


def apply_profile(findings: list[Finding], profile: str, codes: CodeIndex,
                  tolerated: Collection[str] | Callable[[Finding], bool] = frozenset()
                  ) -> list[Finding]:
    """Errors of the rules the profile relaxes become warnings (marked where it says so).
    `tolerated`: what the round's official checker let through, which the published profile
    relaxes too (a round's pack lists it): codes, or a test of a finding (a code may be
    tolerated in one part of a submission only)."""
    spec = PROFILES[profile]
    lets_through = tolerated if callable(tolerated) else (lambda f: f.code in tolerated)
    out = []
    for f in findings:
        rule = codes.get(f.code)
        relaxed = rule is not None and (spec.relaxes(rule)
                                        or (profile == "published" and lets_through(f)))
        if f.is_error and relaxed:
            f = f.downgraded(Severity.WARNING, spec.detail)
        out.append(f)
    return out
