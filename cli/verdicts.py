"""How a report reads on a terminal: a verdict line per result, findings, the summary, and
the exit status."""

from __future__ import annotations

import re

from infercheck.checker.core.internal import RulePackBroken
from infercheck.checker.core.names import readable
from infercheck.checker.core.profiles import PROFILES, TOLERATED
from infercheck.checker.core.report import Report, ResultEntry
from infercheck.checker.core.tree_rules import EmptyTree

__all__ = ["count", "exit_status", "finding_line", "findings_in_order", "not_shown_line", "number",
           "printable", "summary_line", "verdict_line"]

# Findings that mean the command was used wrongly rather than that the tree is invalid.
USAGE_CODES = {EmptyTree.code, RulePackBroken.code}

_LINE = re.compile(r"\bline (\d+)\b")  # a locator naming the line of its file
_SEVERITY_ORDER = {"error": 0, "warning": 1}


def number(value: float) -> str:
    """A measured value as people write it: six significant digits, no exponent within
    0.0001..1e15 (173400, not 1.734e+05; 96.6042, not 96.60419999999999)."""
    shown = f"{value:.6g}"
    if "e" in shown and 1e-4 <= abs(value) < 1e15:
        digits = max(0, 5 - int(f"{abs(value):e}".split("e")[1]))
        shown = f"{round(value, digits):.{digits}f}"
        if "." in shown:
            shown = shown.rstrip("0").rstrip(".")
    return shown


def count(n: int, one: str, many: str | None = None) -> str:
    """"1 error", "1,698 errors"."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def findings_in_order(findings) -> list:
    """Errors, then warnings, then the rest (info), each in the order found."""
    return sorted(findings, key=lambda f: _SEVERITY_ORDER.get(f.severity, 2))


def not_shown_line(hidden: int, shows_all: str = "-v shows all") -> str:
    return f"… {count(hidden, 'more finding')} not shown: {shows_all}"


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
        parts.append(f"{number(m['value'])} {m.get('units', '')}".rstrip())
    if m.get("accuracy_display"):
        metric, shown = m.get("accuracy_metric") or "accuracy", m["accuracy_display"]
        parts.append(shown if metric in shown else f"{metric} {shown}")
    if m.get("power_value"):
        parts.append(f"power {number(m['power_value'])} {m.get('power_units', '')}")
    if m.get("inferred"):
        parts.append(f"(inferred from {m.get('loadgen_scenario')})")
    # The findings go on lines of their own (check_cmd.VerdictLines), each with its path.
    return "  ".join(parts)


def finding_line(f) -> str:
    """SEVERITY CODE name: path[:line]: message, the path relative to the tree."""
    line = _LINE.search(f.locator or "")
    where = f" {f.path}{':' + line.group(1) if line else ''}:" if f.path else ""
    waived = f" [waived by waiver {f.waived['waiver']}: {f.waived['reason']}]" if f.waived else ""
    return printable(f"{f.severity.upper():7} {f.code} {f.name}:{where} {f.message}{waived}")


def _tolerated(report: Report) -> str:
    """What --profile published let through, by code: the list a reviewer reads."""
    counts = {name: n for (detail, name), n in report.tally().detailed.items() if detail == TOLERATED}
    if not counts:
        return ""
    lines = [f"  {name}: {n}" for name, n in sorted(counts.items())]
    return "Tolerated by the published profile (warnings that strict counts as errors):\n" + "\n".join(lines)


def summary_line(report: Report) -> str:
    s = report.stats()
    counts = s["findings"]
    verdict = "VALID" if report.valid else "INVALID"
    power = f", {s['power_results']:,} with power" if report.suite != "mobile" else ""
    line = (f"{verdict}: {count(s['results'], 'result')}, {s['valid_results']:,} valid, "
            f"{s['invalid_results']:,} invalid{power}; "
            f"{count(counts.get('error', 0), 'error')}, {count(counts.get('warning', 0), 'warning')} "
            f"({'mobile ' if report.suite == 'mobile' else ''}round {report.round or '?'}, "
            f"profile {report.profile}"
            + (f"; FOCUSED, not a full check: {report.focus}" if report.focus else "") + ")")
    if report.waivers is not None:
        w = report.waivers
        line += (f"\n{count(w['waived_findings'], 'finding')} waived by {w['file']} "
                 f"({count(w['entries'], 'entry', 'entries')})")
    tolerated = _tolerated(report)
    return f"{tolerated}\n{line}" if tolerated else line


def exit_status(report: Report) -> int:
    codes = {f.code for f in report.findings}
    if codes & USAGE_CODES or report.crashed:
        return 2
    return 0 if report.valid else 1
