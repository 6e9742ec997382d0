"""Profiles: how strictly findings count. One vocabulary for `check`, `report` and `run`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

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
    Profile("published", "(MLPerf Mobile) accepts, as warnings, the deviations published rounds "
                         "carry (missing trace logs, system JSON with trailing commas, "
                         "command-line excerpts instead of result.json, ...) and lists them.",
            lambda rule: rule.published_tolerated, detail=TOLERATED,
            verdict_tag="[published: tolerated deviations]"),
)}


def apply_profile(findings: list[Finding], profile: str, codes: CodeIndex) -> list[Finding]:
    """Errors of the rules the profile relaxes become warnings (marked where it says so)."""
    spec = PROFILES[profile]
    out = []
    for f in findings:
        rule = codes.get(f.code)
        if f.is_error and rule is not None and spec.relaxes(rule):
            changes = {"severity": Severity.WARNING.value}
            if spec.detail:
                changes["detail"] = spec.detail
            f = Finding(**{**asdict(f), **changes})
        out.append(f)
    return out
