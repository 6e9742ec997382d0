"""PTDaemon's log (power/ptd_logs.txt): the ranging run it marks, its uncertainty checking, and
the errors and warnings it logged, judged by where they fall and the round's tolerated lists."""

from __future__ import annotations

import re

from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.registry import check
from infercheck.checker.core.tree_rules import MalformedFile
from infercheck.checker.inference.checks.power_wg.common import (
    SERVER,
    descriptor,
    field,
    loadgen_window,
    perf_rel,
    ptd_time,
    wg_rules,
)


class PtdRangingNotFound(Rule):
    """PTDaemon's log does not show the session's ranging run.

    What it checks:
        ptd_logs.txt has the line `Go with mark '<session name>_ranging'` (the session name of
        server.json) and, after it, a `Completed test` line: the start and end of the ranging
        run.

    Why it matters:
        Errors PTDaemon logs are judged by whether they fall in the ranging run; a log without
        it is not the session's, or was cut.

    Example:
        expected: Go with mark '2024-07-25_06-58-23_ranging' then Completed test

    How to fix:
        Submit the whole ptd_logs.txt of the session that server.json describes.

    Rounds:
        v3.1 onwards.

    Source:
        Official power_checker.py `check_ptd_logs` ("Can not find ranging time in ptd_logs.txt").
    """

    code = "PWR018"
    name = "ptd-ranging-not-found"
    severity = Severity.ERROR
    tags = ("power",)
    message = "ptd_logs.txt does not show the ranging run ({found})"


class PtdUncertaintyCheckOff(Rule):
    """PTDaemon was not checking the measurement uncertainty when the ranging run started.

    What it checks:
        ptd_logs.txt has a line matching `Uncertainty checking for Yokogawa... is activated`,
        with a time before the ranging run's start.

    Why it matters:
        The Power WG rules accept only samples whose uncertainty PTDaemon evaluated; without
        the check the analyzer may have measured outside its accurate range unnoticed.

    Example:
        found: activated at 10:59:02.018, after the ranging run started (10:58:47.037)

    How to fix:
        Use a supported Yokogawa analyzer with PTDaemon's uncertainty checking on, started
        before the session, and measure again.

    Rounds:
        v3.1 onwards; the line is `power.wg.uncertainty_activated`.

    Source:
        Official power_checker.py `check_ptd_logs` ("Line 'Uncertainty checking for Yokogawa...
        is activated' is not found", "... was activated after ranging mode was started").
    """

    code = "PWR019"
    name = "ptd-uncertainty-check-off"
    severity = Severity.ERROR
    tags = ("power",)
    message = "PTDaemon's uncertainty checking: {found}"


class PtdLogError(Rule):
    """PTDaemon logged an error outside the ranging run.

    What it checks:
        Every `ERROR:` line of ptd_logs.txt falls inside the ranging run (strictly between its
        `Go with mark` and `Completed test` lines), but for the round's warning-only errors
        (`USB.`).

    Why it matters:
        During ranging, PTDaemon tries ranges and errors are expected; outside it, an error
        means samples of the testing run were lost or wrong.

    Example:
        07-25-2024 11:26:42.117: ERROR: Bad watts reading nan from Yokogawa

    How to fix:
        Find the cause in the log (cabling, analyzer range, USB); measure again.

    Rounds:
        v3.1 onwards; the warning-only errors are `power.wg.warning_only_errors`.

    Source:
        Official power_checker.py `check_ptd_logs`, `find_error_or_warning` (an ERROR "in
        ptd_log.txt" outside the ranging time). The official tool stops at the first problem of
        the log; here every line is judged, one finding per kind with the count.
    """

    code = "PWR020"
    name = "ptd-log-error"
    severity = Severity.ERROR
    tags = ("power",)
    message = "PTDaemon logged {count} error line(s) outside the ranging run; first: {found}"


class PtdLogErrorAfterWarning(Rule):
    """PTDaemon logged an error outside the ranging run, after a line the official tool takes
    for a warning.

    What it checks:
        As PWR020, for the error lines that come after the log's first accepted-as-warning line
        (a warning-only error, an uncommon ranging error, a warning in the testing run).

    Why it matters:
        The error means what PWR020 says. It has its own code because the official tool stops
        reading the log at its first warning, so it never saw these lines and accepted the
        result: `--profile published` therefore lists this code as tolerated from v3.1, while
        strict keeps it an error.

    Example:
        07-12-2025 23:43:40.833: ERROR: Current exceeds peak value allowed for range 0.50A and CF 3.

    How to fix:
        As for PWR020: find the cause in the log (analyzer range, cabling, USB); measure again.

    Rounds:
        v3.1 onwards.

    Source:
        Official power_checker.py `check_ptd_logs`: `find_error_or_warning` raises at its first
        problem line, a CheckerWarning for a warning, which ends the check.
    """

    code = "PWR025"
    name = "ptd-log-error-after-warning"
    severity = Severity.ERROR
    tags = ("power",)
    message = ("PTDaemon logged {count} error line(s) outside the ranging run after a warning "
               "(lines the official tool does not read); first: {found}")


class PtdUncertaintyAboveLimit(Rule):
    """PTDaemon warned that a sample's uncertainty was above the limit during the testing run.

    What it checks:
        No `WARNING:` line of ptd_logs.txt inside LoadGen's testing run (power_begin to
        power_end, less the round's time tolerance at either end) matches the round's failing
        warnings (`Uncertainty N%, which is above 1.00% limit for the last sample!`).

    Why it matters:
        The Power WG rules require an uncertainty of at most 1 % for every sample of the
        testing run; above it the power result is not accurate enough.

    Example:
        07-25-2024 11:30:01.252: WARNING: Uncertainty 1.52%, which is above 1.00% limit for the last sample!

    How to fix:
        Let the ranging run set a suitable range (or set a fixed one), check the analyzer's
        range for the system's power; measure again.

    Rounds:
        v3.1 onwards; the patterns are `power.wg.testing_errors`, the tolerance
        `power.wg.time_tolerance_ms`.

    Source:
        Official power_checker.py `check_ptd_logs` (WARNING_NEEDS_TO_BE_ERROR_TESTING_RE, "during
        testing phase"). The official tool adds the tolerance, in milliseconds, to times in
        seconds, so it judges only warnings more than 800 s inside the run (none for a run under
        1,600 s); here the tolerance is the 0.8 s it means.
    """

    code = "PWR021"
    name = "ptd-uncertainty-above-limit"
    severity = Severity.ERROR
    tags = ("power",)
    message = ("PTDaemon's uncertainty was above the limit in the testing run ({count} line(s)); "
               "first: {found}")


class PtdLogWarning(Rule):
    """PTDaemon logged something the Power WG accepts but wants reviewed.

    What it checks:
        `ERROR:` lines inside the ranging run that are not among the round's common ranging
        errors (such as a bad reading that is not `nan`), the round's warning-only errors
        (`USB.`) anywhere, and other `WARNING:` lines inside LoadGen's testing run.

    Why it matters:
        The official tool accepts the result ("Warnings encountered, check for audit!"); a
        reviewer should look at the lines.

    Example:
        07-25-2024 11:06:38.244: ERROR: Bad watts reading 991000000000000051926306.000000 from Yokogawa

    How to fix:
        Nothing is required; explain the lines to the reviewers if asked.

    Rounds:
        v3.1 onwards; the common ranging errors are `power.wg.tolerated_ranging_errors`.

    Source:
        Official power_checker.py `check_ptd_logs` ("Treated as WARNING", "in ptd_log.txt
        during load stage"). The official tool reports only the first such line and then stops
        reading the log; here every line is judged, one finding per kind with the count.
    """

    code = "PWR022"
    name = "ptd-log-warning"
    severity = Severity.WARNING
    tags = ("power",)
    message = "PTDaemon logged {count} {kind}, accepted as a warning; first: {found}"


_COMPLETED = ": Completed test"
_KINDS = {
    "uncommon": "uncommon error line(s) during the ranging run",
    "accepted": "warning-only error line(s)",
    "testing": "warning line(s) during the testing run",
}


def _after(line: str, tag: str) -> str | None:
    """The message after the first `tag` of a line, as the official `(?<=TAG).+` finds it."""
    at = line.find(tag)
    if at < 0 or at + len(tag) >= len(line):
        return None
    return line[at + len(tag):].strip()


def _ranging(lines: list[str], session: str) -> tuple[float, float] | None:
    mark = f": Go with mark {session + '_ranging'!r}"
    start = None
    for line in lines:
        if (mark[2:] if start is None else _COMPLETED[2:]) not in line:
            continue  # reading the time of every line is most of the cost
        stamp = ptd_time(line)
        if stamp is None:
            continue
        msg = line[stamp[1]:].strip()
        if start is None and msg == mark:
            start = stamp[0]
        elif start is not None and msg == _COMPLETED:
            return start, stamp[0]
    return None


def _uncertainty_problem(lines: list[str], pattern: str, ranging) -> str | None:
    for line in lines:
        if re.search(pattern, line):
            stamp = ptd_time(line)
            if stamp is None:
                return f"the line {line.strip()[:80]!r} has no time"
            if ranging is not None and not stamp[0] < ranging[0]:
                return "activated after the ranging run started"
            return None
    return f"no line matches {pattern!r}"


def _classify(lines: list[str], wg: dict, ranging, window) -> tuple[dict, list]:
    """The problem lines by (rule, kind), and the lines without a time, as (number, text)."""
    groups: dict[tuple[type[Rule], str], list] = {}
    untimed = []
    margin = wg["time_tolerance_ms"] / 1000
    warned = False  # the official tool stops at its first warning: what follows it never sees
    for lineno, line in enumerate(lines, 1):
        warning, error = _after(line, "WARNING:"), _after(line, "ERROR:")
        if warning is None and error is None:
            continue
        stamp = ptd_time(line)
        if stamp is None:
            untimed.append((lineno, line))
            continue
        t = stamp[0]
        if warning is not None and window is not None and window[0] + margin < t < window[1] - margin:
            fails = any(re.search(p, warning) for p in wg["testing_errors"])
            key = (PtdUncertaintyAboveLimit, "") if fails else (PtdLogWarning, "testing")
            groups.setdefault(key, []).append((lineno, line))
            warned = warned or not fails
        if error is None:
            continue
        if error in wg["warning_only_errors"]:
            groups.setdefault((PtdLogWarning, "accepted"), []).append((lineno, line))
            warned = True
        elif ranging is None:
            continue  # PWR018: errors cannot be placed
        elif not ranging[0] < t < ranging[1]:
            rule = PtdLogErrorAfterWarning if warned else PtdLogError
            groups.setdefault((rule, ""), []).append((lineno, line))
        elif not any(error.startswith(common) for common in wg["tolerated_ranging_errors"]):
            groups.setdefault((PtdLogWarning, "uncommon"), []).append((lineno, line))
            warned = True
    return groups, untimed


@check(emits=(PtdRangingNotFound, PtdUncertaintyCheckOff, PtdLogError, PtdLogErrorAfterWarning,
              PtdUncertaintyAboveLimit, PtdLogWarning, MalformedFile))
def check_ptd_log(ctx):
    wg = wg_rules(ctx)
    if wg is None:
        return
    rel = perf_rel(ctx, "power", "ptd_logs.txt")
    text = ctx.text(rel) if ctx.exists(rel) else None
    if text is None:
        return
    lines = text.splitlines()
    session = field(descriptor(ctx, SERVER), "session_name")
    ranging = _ranging(lines, session) if session is not None else None
    if session is not None and ranging is None:
        yield PtdRangingNotFound.at(rel, expected=f"Go with mark '{session}_ranging', then Completed test",
                                    found="no such lines")
    problem = _uncertainty_problem(lines, wg["uncertainty_activated"], ranging)
    if problem:
        yield PtdUncertaintyCheckOff.at(rel, found=problem)

    groups, untimed = _classify(lines, wg, ranging, loadgen_window(ctx, "run_1"))
    for (rule, kind), hits in groups.items():
        lineno, line = hits[0]
        yield rule.at(rel, locator=f"line {lineno}", found=line.strip(), count=len(hits),
                      kind=_KINDS.get(kind, ""))
    if untimed:
        lineno, line = untimed[0]
        yield MalformedFile.at(rel, locator=f"line {lineno}",
                               found=f"{len(untimed)} ERROR/WARNING line(s) without a time, "
                                     f"first: {line.strip()[:80]!r}")
