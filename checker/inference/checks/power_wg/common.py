"""What the Power WG checks share: whether they apply, the session descriptors (client.json and
server.json, written by the MLCommons PTD client and server) with the shapes of their fields, and
the clocks of PTDaemon's and LoadGen's logs."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from infercheck.checker.inference.checks.power import power_window

__all__ = ["CLIENT", "SERVER", "descriptor", "field", "field_problems", "loadgen_window",
           "perf_rel", "ptd_time", "utc_seconds", "utc_text", "wg_rules"]

CLIENT, SERVER = "client.json", "server.json"


def wg_rules(ctx) -> dict | None:
    """The round's Power WG data when its checks apply to this result (a power result, in a round
    whose official checker runs them), else None."""
    power = ctx.rules.power
    if not power.get("wg_checks") or not ctx.isdir(ctx.in_result("performance", "power")):
        return None
    return power["wg"]


def perf_rel(ctx, *parts: str) -> str:
    """A path under the result's performance/ folder, the folder the Power WG's paths start from."""
    return ctx.in_result("performance", *parts)


def descriptor(ctx, name: str) -> Any:
    """client.json or server.json as read (any JSON value); None when it is absent (check_power
    reports that) or unreadable (the loader reports that)."""
    rel = perf_rel(ctx, "power", name)
    return ctx.json(rel) if ctx.exists(rel) else None


# The shapes of the fields the checks read. A field of another shape made the official tool fail
# the check that reads it with an exception; here it is one PWR003 and the checks skip it.
def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _whole_seconds(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    try:
        int(v)  # what check_ptd_logs does with the server's timezone
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def _checksums(v: Any) -> bool:
    return isinstance(v, dict) and all(isinstance(x, str) for x in v.values())


def _messages(v: Any) -> bool:
    return isinstance(v, list) and all(
        isinstance(m, dict) and isinstance(m.get("cmd"), str) and "reply" in m for m in v)


def _points(v: Any) -> bool:
    # compare_time_boundaries reads the second and third points
    return isinstance(v, list) and len(v) >= 3 and all(
        isinstance(p, list) and p and _number(p[0]) for p in v)


def _phases(v: Any) -> bool:
    return isinstance(v, dict) and _points(v.get("ranging")) and _points(v.get("testing"))


def _uuids(v: Any) -> bool:
    return isinstance(v, dict) and isinstance(v.get("client"), str) and isinstance(v.get("server"), str)


def _analyzer(v: Any) -> bool:
    return isinstance(v, dict) and "device_type" in v


def _analyzers(v: Any) -> bool:
    # one analyzer object up to v5.0, a list of them from v5.1 (power-dev's multi-analyzer server)
    return _analyzer(v) or (isinstance(v, list) and bool(v) and all(map(_analyzer, v)))


SHAPES = {
    "timezone": (_whole_seconds, "a whole number of seconds"),
    "sources": (_checksums, "an object of file names and checksums"),
    "results": (_checksums, "an object of file names and checksums"),
    "messages": (_messages, 'a list of {"cmd", "reply"} objects'),
    "ptd_messages": (_messages, 'a list of {"cmd", "reply"} objects'),
    "uuid": (_uuids, 'an object with "client" and "server" strings'),
    "session_name": (lambda v: isinstance(v, str), "a string"),
    "phases": (_phases, 'an object with "ranging" and "testing" lists of 3 or more [time, ...] points'),
    "ptd_config": (_analyzers, "an analyzer object with a device_type, or a list of them"),
}


def field_problems(data: Any, name: str, wg: dict) -> list[str]:
    """What is wrong with a descriptor's required fields, in words (none when all is well)."""
    if not isinstance(data, dict):
        return ["is not a JSON object"]
    required = [*wg["session_fields"], *(wg["server_fields"] if name == SERVER else ())]
    problems = []
    for key in required:
        shape = SHAPES.get(key)
        if key not in data:
            problems.append(f"lacks the field {key!r}")
        elif shape and not shape[0](data[key]):
            problems.append(f"field {key!r} is not {shape[1]}")
    return problems


def field(data: Any, key: str) -> Any:
    """A descriptor's field when it has the shape the checks read, else None (PWR003 says why)."""
    if not isinstance(data, dict) or key not in data:
        return None
    value = data[key]
    shape = SHAPES.get(key)
    return value if shape is None or shape[0](value) else None


_PTD_STAMP = re.compile(r"(\d\d)-(\d\d)-(\d{4}) (\d\d):(\d\d):(\d\d).(\d{3})")


def ptd_time(line: str) -> tuple[float, int] | None:
    """The time a PTDaemon log line starts with (seconds, read as UTC like the official tool), and
    where the rest of the line starts; None for a line without one."""
    m = _PTD_STAMP.match(line)
    if m is None:
        return None
    month, day, year, hour, minute, second, ms = map(int, m.groups())
    try:
        stamp = datetime(year, month, day, hour, minute, second, ms * 1000, tzinfo=timezone.utc)
    except ValueError:
        return None
    return stamp.timestamp(), m.end()


def utc_seconds(stamp: datetime) -> float:
    return stamp.replace(tzinfo=timezone.utc).timestamp()


def utc_text(seconds: float) -> str:
    """A time in seconds as findings show it."""
    try:
        stamp = datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return f"{seconds} s"
    return f"{stamp:%Y-%m-%d %H:%M:%S.%f}"[:-3] + " UTC"


def loadgen_window(ctx, run: str) -> tuple[float, float] | None:
    """LoadGen's power_begin and power_end of one run (seconds), or None; the findings on a log
    without them come from check_power (run_1) and check_power_phases (ranging)."""
    rel = perf_rel(ctx, run, "mlperf_log_detail.txt")
    log = ctx.detail_log(rel) if ctx.exists(rel) else None
    window = power_window(log, rel)[0] if log is not None else None
    return (utc_seconds(window[0]), utc_seconds(window[1])) if window else None
