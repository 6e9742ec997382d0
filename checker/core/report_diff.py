"""What changed between two checks of a submission: results added and removed, verdicts and
values that changed, findings that appeared and disappeared. Reviewers run it between two
uploads of one submitter."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from infercheck.checker.core.report import Report

__all__ = ["ReportDiff", "diff_reports"]


def _finding_key(f) -> tuple:
    # The path, code and message say which finding it is; a finding of a system repeats on each
    # of its results and counts once.
    return (f.code, f.path or "", f.message)


@dataclass
class ReportDiff:
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    values: list[dict[str, Any]] = field(default_factory=list)
    appeared: list[dict[str, Any]] = field(default_factory=list)
    disappeared: list[dict[str, Any]] = field(default_factory=list)

    @property
    def regressed(self) -> list[str]:
        """Results valid before and invalid (or gone) now."""
        return [v["result"] for v in self.verdicts if v["before"] and not v["after"]] + \
            [r["result"] for r in self.removed if r["valid"]]

    @property
    def empty(self) -> bool:
        return not any((self.added, self.removed, self.verdicts, self.values, self.appeared,
                        self.disappeared))

    def to_dict(self) -> dict[str, Any]:
        return {"added": self.added, "removed": self.removed, "verdicts": self.verdicts,
                "values": self.values, "appeared": self.appeared, "disappeared": self.disappeared,
                "regressed": self.regressed}


def _findings(report: Report) -> dict[tuple, Any]:
    out = {}
    for f in report.findings:
        out.setdefault(_finding_key(f), (None, f))
    for e in report.results:
        for f in e.findings:
            out.setdefault(_finding_key(f), (e.result, f))
    return out


def diff_reports(old: Report, new: Report, rel_tolerance: float = 1e-9) -> ReportDiff:
    out = ReportDiff()
    before = {e.result: e for e in old.results}
    after = {e.result: e for e in new.results}
    for name in sorted(after.keys() - before.keys()):
        out.added.append({"result": name, "valid": after[name].valid})
    for name in sorted(before.keys() - after.keys()):
        out.removed.append({"result": name, "valid": before[name].valid})
    for name in sorted(before.keys() & after.keys()):
        a, b = before[name], after[name]
        if a.valid != b.valid:
            out.verdicts.append({"result": name, "before": a.valid, "after": b.valid,
                                 "errors": sorted({f.code for f in b.errors()})})
        x, y = a.metrics.get("value"), b.metrics.get("value")
        if isinstance(x, (int, float)) and isinstance(y, (int, float)) and x != y \
                and abs(y - x) > rel_tolerance * max(abs(x), abs(y)):
            out.values.append({"result": name, "before": x, "after": y,
                               "units": b.metrics.get("units"),
                               "change_pct": (y - x) / x * 100 if x else None})
    old_f, new_f = _findings(old), _findings(new)
    for key in sorted(new_f.keys() - old_f.keys()):
        result, f = new_f[key]
        out.appeared.append({"result": result, **f.to_dict()})
    for key in sorted(old_f.keys() - new_f.keys()):
        result, f = old_f[key]
        out.disappeared.append({"result": result, **f.to_dict()})
    return out
