"""How a report reads on a terminal: a verdict line per result, findings, the summary, and
the exit status."""

from __future__ import annotations

from infercheck.checker.core.internal import RulePackBroken
from infercheck.checker.core.names import readable
from infercheck.checker.core.profiles import PROFILES, TOLERATED
from infercheck.checker.core.report import Report, ResultEntry
from infercheck.checker.core.tree_rules import EmptyTree

__all__ = ["exit_status", "finding_line", "printable", "summary_line", "verdict_line"]

# Findings that mean the command was used wrongly rather than that the tree is invalid.
USAGE_CODES = {EmptyTree.code, RulePackBroken.code}


def printable(text: str) -> str:
    """`text` with control characters (a newline in a folder name) escaped as Python writes
    them, so that each verdict and finding stays on its own line; a byte of a name that was not
    UTF-8 as \\xNN."""
    text = readable(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def verdict_line(entry: ResultEntry, profile: str, focused: bool = False) -> str:
    tag = "VALID  " if entry.valid else "INVALID"
    if focused:
        tag += " [focused]"
    spec = PROFILES[profile]
    # smoke relaxes every result; published only those it let a deviation through on
    touched = spec.detail is None or any(f.detail == spec.detail for f in entry.findings)
    if spec.verdict_tag and touched:
        tag += f" {spec.verdict_tag}"
    waived = sorted({f.code for f in entry.findings if f.waived})
    if waived:
        tag += f" [waived: {', '.join(waived)}]"
    m = entry.metrics
    parts = [tag, printable(entry.result)]
    if m.get("value") is not None:
        parts.append(f"{m['value']:.6g} {m.get('units', '')}".rstrip())
    if m.get("accuracy_display"):
        metric, shown = m.get("accuracy_metric") or "accuracy", m["accuracy_display"]
        parts.append(shown if metric in shown else f"{metric} {shown}")
    if m.get("power_value"):
        parts.append(f"power {m['power_value']:.6g} {m.get('power_units', '')}")
    if m.get("inferred"):
        parts.append(f"(inferred from {m.get('loadgen_scenario')})")
    line = "  ".join(parts)
    errors = entry.errors()
    if errors:
        shown = printable("; ".join(f"{f.code} {f.message}" for f in errors[:3]))
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        line += f"\n        {shown}{more}"
    return line


def finding_line(f) -> str:
    where = f" {f.path}:" if f.path else ""
    waived = f" [waived by waiver {f.waived['waiver']}: {f.waived['reason']}]" if f.waived else ""
    return printable(f"{f.severity.upper():7} {f.code} {f.name}:{where} {f.message}{waived}")


def _tolerated(report: Report) -> str:
    """What --profile published let through, by code: the list a reviewer reads."""
    counts = {name: n for (detail, name), n in report.tally().detailed.items() if detail == TOLERATED}
    if not counts:
        return ""
    lines = [f"  {name}: {n}" for name, n in sorted(counts.items())]
    return "Tolerated by the published profile (warnings that strict counts as errors):\n" + "\n".join(lines)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def summary_line(report: Report) -> str:
    s = report.stats()
    counts = s["findings"]
    verdict = "VALID" if report.valid else "INVALID"
    power = f", {s['power_results']} with power" if report.suite != "mobile" else ""
    line = (f"{verdict}: {s['results']} results, {s['valid_results']} valid, "
            f"{s['invalid_results']} invalid{power}; "
            f"{counts.get('error', 0)} errors, {counts.get('warning', 0)} warnings "
            f"({'mobile ' if report.suite == 'mobile' else ''}round {report.round or '?'}, "
            f"profile {report.profile}"
            + (f"; FOCUSED, not a full check: {report.focus}" if report.focus else "") + ")")
    if report.waivers is not None:
        w = report.waivers
        line += (f"\n{_count(w['waived_findings'], 'finding')} waived by {w['file']} "
                 f"({_count(w['entries'], 'entry', 'entries')})")
    tolerated = _tolerated(report)
    return f"{tolerated}\n{line}" if tolerated else line


def exit_status(report: Report) -> int:
    codes = {f.code for f in report.findings}
    if codes & USAGE_CODES or report.crashed:
        return 2
    return 0 if report.valid else 1
