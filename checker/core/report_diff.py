"""What changed between two checks of a submission: results added and removed, verdicts and
values that changed, findings that appeared and disappeared. Reviewers run it between two
uploads of one submitter."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from infercheck.checker.core.report import Report
from infercheck.checker.core.user_files import UserFileError, load_user_json
from infercheck.schemas import load_schema

__all__ = ["ReportDiff", "diff_reports", "load_report"]

# A round's report is tens of MB (a result with its findings and system is a few kB).
MAX_REPORT_BYTES = 256 << 20


@cache
def _report_validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema("report"))


def load_report(path: str) -> Report:
    """A report written by `check --json`, as the schema it was written by describes it: a
    field of the wrong type ("results": 5, "valid": "yes") raises UserFileError naming where it
    stands, rather than failing somewhere in the comparison."""
    data = load_user_json(path, MAX_REPORT_BYTES)
    # The first error in document order: the one an editor shows first (a key and an index
    # never meet at one place of two paths; the type first keeps the order total all the same).
    error = min(_report_validator().iter_errors(data),
                key=lambda e: [(isinstance(p, str), p) for p in e.absolute_path], default=None)
    if error is not None:
        where = error.json_path if error.absolute_path else "the top"
        raise UserFileError(path, f"at {where}: {error.message} (schemas/report.schema.json)")
    return Report.from_dict(data)


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
