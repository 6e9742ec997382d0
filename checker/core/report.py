"""The validation report: data first (to_dict/from_dict round-trip); the CLI only formats it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from infercheck.checker.core.findings import Finding, Severity
from infercheck.checker.core.internal import CheckCrashed

__all__ = ["Report", "ResultEntry"]


@dataclass
class ResultEntry:
    """One result: a scenario folder of one benchmark on one system."""

    result: str
    division: str
    submitter: str
    system: str
    benchmark: str
    scenario_folder: str
    scenario: str | None = None
    model: str | None = None
    system_type: str | None = None
    availability: str | None = None
    findings: list[Finding] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    system_info: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not any(f.is_error for f in self.findings)

    @property
    def crashed(self) -> bool:
        return any(f.code == CheckCrashed.code for f in self.findings)

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    def to_dict(self) -> dict[str, Any]:
        return {
            "result": self.result,
            "valid": self.valid,
            "division": self.division,
            "submitter": self.submitter,
            "system": self.system,
            "benchmark": self.benchmark,
            "scenario_folder": self.scenario_folder,
            "scenario": self.scenario,
            "model": self.model,
            "system_type": self.system_type,
            "availability": self.availability,
            "metrics": self.metrics,
            "system_info": self.system_info,
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ResultEntry:
        d = dict(d)
        d.pop("valid", None)
        d["findings"] = [Finding.from_dict(f) for f in d.get("findings", [])]
        return cls(**d)


@dataclass
class Report:
    root: str
    round: str
    suite: str
    profile: str
    results: list[ResultEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # about the tree, not one result
    tool_version: str = ""

    @property
    def valid(self) -> bool:
        return bool(self.results) and all(r.valid for r in self.results) and not any(
            f.is_error for f in self.findings
        )

    @property
    def crashed(self) -> bool:
        return any(r.crashed for r in self.results) or any(f.code == CheckCrashed.code for f in self.findings)

    def all_findings(self) -> list[Finding]:
        out = list(self.findings)
        for r in self.results:
            out.extend(r.findings)
        return out

    def stats(self) -> dict[str, Any]:
        counts = {s.value: 0 for s in Severity}
        for f in self.all_findings():
            counts[f.severity] = counts.get(f.severity, 0) + 1
        return {
            "results": len(self.results),
            "valid_results": sum(r.valid for r in self.results),
            "invalid_results": sum(not r.valid for r in self.results),
            "power_results": sum(bool(r.metrics.get("power_value")) and r.valid for r in self.results),
            "findings": counts,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": "infercheck",
            "tool_version": self.tool_version,
            "root": self.root,
            "round": self.round,
            "suite": self.suite,
            "profile": self.profile,
            "valid": self.valid,
            "stats": self.stats(),
            "findings": [f.to_dict() for f in self.findings],
            "results": [r.to_dict() for r in self.results],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        return cls(
            root=d["root"],
            round=d["round"],
            suite=d["suite"],
            profile=d["profile"],
            tool_version=d.get("tool_version", ""),
            findings=[Finding.from_dict(f) for f in d.get("findings", [])],
            results=[ResultEntry.from_dict(r) for r in d.get("results", [])],
        )
