"""The validation report: data first (to_dict/from_dict round-trip); the CLI only formats it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from infercheck.checker.core.findings import Finding, Severity
from infercheck.checker.core.internal import CheckCrashed

__all__ = ["Report", "ResultEntry", "Tally"]


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
class Tally:
    """What a report says of its results: counts that stay when the results themselves have
    gone on to a sink (written as they came, so that memory does not grow with the round)."""

    results: int = 0
    valid: int = 0
    power: int = 0
    crashed: bool = False
    severities: Counter = field(default_factory=Counter)
    detailed: Counter = field(default_factory=Counter)  # (detail, "CODE name") -> findings

    def add(self, entry: ResultEntry) -> None:
        valid = entry.valid
        self.results += 1
        self.valid += valid
        self.power += bool(entry.metrics.get("power_value")) and valid
        for f in entry.findings:
            self.count(f)

    def count(self, f: Finding) -> None:
        self.severities[f.severity] += 1
        if f.detail is not None:
            self.detailed[f.detail, f"{f.code} {f.name}"] += 1
        self.crashed = self.crashed or f.code == CheckCrashed.code

    def copy(self) -> Tally:
        return replace(self, severities=Counter(self.severities), detailed=Counter(self.detailed))


@dataclass
class Report:
    root: str
    round: str
    suite: str
    profile: str
    results: list[ResultEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # about the tree, not one result
    tool_version: str = ""
    # Where results go instead of `results`, as each is complete; `streamed` counts them.
    sink: Callable[[ResultEntry], None] | None = field(default=None, repr=False, compare=False)
    streamed: Tally = field(default_factory=Tally, repr=False, compare=False)
    # What a focused check left out (core/focus.py): None when nothing was.
    focus: str | None = None
    # The waivers applied (core/waivers.py): their file and what they waived; None: none given.
    waivers: dict[str, Any] | None = None
    # What each result goes through before it is counted (focus, then waivers); a filter may
    # drop it by returning None.
    entry_filters: list[Callable[[ResultEntry], ResultEntry | None]] = field(
        default_factory=list, repr=False, compare=False)

    def add_result(self, entry: ResultEntry) -> None:
        for keep in self.entry_filters:
            entry = keep(entry)
            if entry is None:
                return
        if self.sink is None:
            self.results.append(entry)
        else:
            self.streamed.add(entry)
            self.sink(entry)

    @property
    def result_count(self) -> int:
        return len(self.results) + self.streamed.results

    def tally(self) -> Tally:
        """The streamed results' counts with the held results' and the tree's findings."""
        total = self.streamed.copy()
        for entry in self.results:
            total.add(entry)
        for f in self.findings:
            total.count(f)
        return total

    @property
    def valid(self) -> bool:
        t = self.tally()
        return t.results > 0 and t.valid == t.results and not any(f.is_error for f in self.findings)

    @property
    def crashed(self) -> bool:
        return self.tally().crashed

    def all_findings(self) -> list[Finding]:
        """The tree's findings and those of the results held (not of streamed ones)."""
        out = list(self.findings)
        for r in self.results:
            out.extend(r.findings)
        return out

    def stats(self) -> dict[str, Any]:
        t = self.tally()
        return {
            "results": t.results,
            "valid_results": t.valid,
            "invalid_results": t.results - t.valid,
            "power_results": t.power,
            "findings": {**{s.value: 0 for s in Severity}, **t.severities},
        }

    def header(self) -> dict[str, Any]:
        """The report's fields known before any result."""
        return {
            "tool": "infercheck",
            "tool_version": self.tool_version,
            "root": self.root,
            "round": self.round,
            "suite": self.suite,
            "profile": self.profile,
            **({"focus": self.focus} if self.focus else {}),
        }

    def totals(self) -> dict[str, Any]:
        """The fields known only once every result is in (after them in the JSON report)."""
        return {
            "findings": [f.to_dict() for f in self.findings],
            **({"waivers": self.waivers} if self.waivers is not None else {}),
            "stats": self.stats(),
            "valid": self.valid,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.header(), "results": [r.to_dict() for r in self.results], **self.totals()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        return cls(
            root=d["root"],
            round=d["round"],
            suite=d["suite"],
            profile=d["profile"],
            tool_version=d.get("tool_version", ""),
            focus=d.get("focus"),
            waivers=d.get("waivers"),
            findings=[Finding.from_dict(f) for f in d.get("findings", [])],
            results=[ResultEntry.from_dict(r) for r in d.get("results", [])],
        )
