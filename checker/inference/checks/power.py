"""Power results: required files, spl.txt samples in LoadGen's window, and the power metric."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache

from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.registry import check
from infercheck.checker.core.tree_rules import MalformedFile, MissingFile
from infercheck.checker.inference.checks.loadgen.log_keys import MissingLogKey

TIME_FORMAT = "%m-%d-%Y %H:%M:%S.%f"
POWER_FILES = ("client.json", "client.log", "ptd_logs.txt", "server.json", "server.log")
RUN_FILES = ("mlperf_log_summary.txt", "mlperf_log_detail.txt", "spl.txt")


class NoPowerSamples(Rule):
    """No power sample of spl.txt falls inside LoadGen's measurement window.

    What it checks:
        Some samples of `performance/run_1/spl.txt` have a time strictly between the detail
        log's `power_begin` and `power_end` (and a positive wattage, from v3.1). Where the Power
        WG checks apply (v3.1 onwards), `performance/ranging/spl.txt` needs positive samples
        inside the ranging run's window too.

    Why it matters:
        The power metric is the mean of those samples; with none there is no measurement (the
        official tool fails with an opaque NameError).

    Example:
        expected: samples between 08-20-2022 10:00:01.000 and 08-20-2022 10:10:02.000, found: 0

    How to fix:
        Check the clocks of the SUT and the power director (NTP), and that spl.txt is the
        testing run's.

    Rounds:
        All (the ranging run from v3.1). In v1.0 and v1.1 (`power.utc_timestamps: false`) both
        clocks are local: LoadGen's times are shifted by power/client.json's timezone, spl.txt's
        by server.json's.

    Source:
        Official checker `get_power_metric`; from v3.1 also the ranging run, for the Power WG's
        `phases_check` (checks/power_wg, PWR003-PWR024).
    """

    code = "PWR001"
    name = "no-power-samples"
    severity = Severity.ERROR
    tags = ("power",)
    message = "no power samples between power_begin and power_end"


class UnexpectedPowerFile(Rule):
    """A power folder holds a file the round's list does not have.

    What it checks:
        `performance/power/` holds exactly client.json, client.log, ptd_logs.txt, server.json,
        server.log.

    Why it matters:
        The official checker compares the file lists exactly and rejects extras (such as
        ptd_out.txt); we warn, since extras do not change the measurement.

    Example:
        found: ptd_out.txt

    How to fix:
        Remove the extra file.

    Rounds:
        All.

    Source:
        Official checker: "has file list mismatch".
    """

    code = "PWR002"
    name = "unexpected-power-file"
    severity = Severity.WARNING
    tags = ("power",)
    message = "unexpected file {found!r} in the power folder"


_STAMP = re.compile(r"(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,6})$")


def parse_time(value: str) -> datetime | None:
    """Parse TIME_FORMAT (a naive datetime, UTC as LoadGen and spl.txt write it); strptime is the
    slowest part of a power check, so match it by hand."""
    if not isinstance(value, str):
        return None
    m = _STAMP.match(value.strip())
    if m is None:
        try:
            return datetime.strptime(value.strip(), TIME_FORMAT)
        except ValueError:
            return None
    month, day, year, hour, minute, second, frac = m.groups()
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                        int(frac.ljust(6, "0")))
    except ValueError:
        return None


def sort_key(stamp: datetime) -> str:
    return stamp.strftime("%Y%m%d %H:%M:%S.%f")


def stamp_key(text: str) -> str | None:
    """A sortable form of an spl.txt time, built by slicing: parsing 10^4 stamps per result with
    datetime is the slowest part of a power check."""
    if len(text) >= 21 and text[2] == "-" and text[5] == "-" and text[19] == ".":
        key = f"{text[6:10]}{text[0:2]}{text[3:5]}{text[10:19]}.{text[20:26].ljust(6, '0')}"
        if key[:8].isdigit():
            return key
    stamp = parse_time(text)
    return sort_key(stamp) if stamp else None


@lru_cache(maxsize=4)  # run_1's file is read by check_power and by the Power WG's phase check
def spl_samples(text: str) -> tuple[list[tuple[str, float, str]], tuple[int, str] | None]:
    """The samples of an spl.txt as (sortable time, watts, line), and the first line that is not
    a sample (its number and text) if there is one, where reading stopped."""
    samples = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue  # a trailing blank line crashed the official tool (inference#1581)
        parts = line.split(",", 4)
        key = stamp_key(parts[1]) if len(parts) > 3 else None
        try:
            value = float(parts[3]) if key else None
        except ValueError:
            value = None
        if key is None or value is None:
            return samples, (lineno, line)
        samples.append((key, value, line))
    return samples, None


def bad_sample(rel: str, bad: tuple[int, str]):
    lineno, line = bad
    return MalformedFile.at(rel, found=f"not a power sample: {line[:60]!r}", locator=f"line {lineno}")


def power_window(log, rel: str) -> tuple[tuple[datetime, datetime] | None, list]:
    """LoadGen's power_begin and power_end in a detail log, and the findings when it lacks them
    or they are not times."""
    stamps, problems = [], []
    for key in ("power_begin", "power_end"):
        value = log.get(key)
        stamp = parse_time(value) if value is not None else None
        if value is None:
            problems.append(MissingLogKey.at(rel, expected=key, locator=key))
        elif stamp is None:
            problems.append(MalformedFile.at(rel, found=f"{key} is not a time: {str(value)[:40]!r}",
                                             locator=key))
        stamps.append(stamp)
    begin, end = stamps
    return ((begin, end) if begin and end else None), problems


def _timezone(ctx, rel: str) -> timedelta | None:
    data = ctx.json(rel) if ctx.exists(rel) else None
    offset = data.get("timezone") if isinstance(data, dict) else None
    return timedelta(seconds=offset) if isinstance(offset, (int, float)) else None


def _query_count(ctx, log, scenario: str, duration: float) -> tuple[float | int | None, str]:
    """The number of queries an energy metric divides by, or None and the key the log lacks."""
    if ctx.rules.power.get("query_count_logged", True):
        queries = log.get("result_query_count")
        return (int(queries) if queries is not None else None), "result_query_count"
    # LoadGen before v2.0 logged no count: SingleStream's is estimated from its QPS with
    # overhead over the window, MultiStream's from the queries it generated.
    if scenario == "SingleStream":
        qps = log.get("result_qps_with_loadgen_overhead")
        return (float(qps) * duration if qps is not None else None), "result_qps_with_loadgen_overhead"
    for key in ("generated_query_count", "generated_samples_per_query"):
        if log.get(key) is None:
            return None, key
    return int(log.get("generated_query_count")) * int(log.get("generated_samples_per_query")), \
        "generated_query_count"


@check(emits=(MissingFile, MalformedFile, MissingLogKey, NoPowerSamples, UnexpectedPowerFile))
def check_power(ctx):
    power_dir = ctx.in_result("performance", "power")
    if not ctx.isdir(power_dir):
        return  # not a power result
    ctx.metrics["has_power"] = True
    present = set(ctx.listdir(power_dir))
    for name in POWER_FILES:
        if name not in present:
            yield MissingFile.at(f"{power_dir}/{name}", expected=name)
    for name in sorted(present - set(POWER_FILES) - {".gitkeep"}):
        yield UnexpectedPowerFile.at(f"{power_dir}/{name}", found=name)
    for run in ("ranging", "run_1"):
        for name in RUN_FILES:
            rel = ctx.in_result("performance", run, name)
            if not ctx.exists(rel):
                yield MissingFile.at(rel, expected=name)

    log = ctx.perf_log()
    spl_rel = ctx.in_result("performance", "run_1", "spl.txt")
    if log is None or not ctx.exists(spl_rel):
        return
    window, problems = power_window(log, ctx.perf_log_path)
    yield from problems
    if window is None:
        return
    begin, end = window
    text = ctx.text(spl_rel)
    if text is None:
        return
    samples, bad = spl_samples(text)
    if bad is not None:
        yield bad_sample(spl_rel, bad)
        return
    drop_nonpositive = ctx.rules.power["drop_nonpositive_samples"]
    spl_shift = timedelta(0)
    if ctx.rules.power.get("utc_timestamps") is False:
        # Before v2.0 each side logged local time: LoadGen's is shifted by the client's timezone,
        # spl.txt's by the server's (both in seconds, from the power folder's JSON files).
        zones = []
        for name in ("client.json", "server.json"):
            rel = f"{power_dir}/{name}"
            zone = _timezone(ctx, rel)
            if zone is None:
                if isinstance(ctx.json(rel) if ctx.exists(rel) else None, dict):
                    yield MalformedFile.at(rel, found="no numeric 'timezone'", locator="$.timezone")
                return  # a missing or unreadable file is a finding of its own
            zones.append(zone)
        client, server = zones
        begin, end = begin + client, end + client
        spl_shift = server
    low, high = sort_key(begin - spl_shift), sort_key(end - spl_shift)
    watts = [value for key, value, _ in samples
             if low < key < high and (value > 0 or not drop_nonpositive)]
    if not watts:
        yield NoPowerSamples.at(spl_rel, expected=f"samples between {begin} and {end}", found=0)
        return
    avg = sum(watts) / len(watts)
    scenario = ctx.scenario
    if ctx.rules.energy_scenario(scenario):
        duration = (end - begin).total_seconds()
        queries, missing = _query_count(ctx, log, scenario, duration)
        if queries is None:
            yield MissingLogKey.at(ctx.perf_log_path, expected=missing, locator=missing)
            return
        scale = ctx.rules.power["energy_scale"]
        per_query = ctx.rules.loadgen.get("multistream_samples_per_query", 1) if (
            scenario == "MultiStream" and log.get("effective_scenario") == "SingleStream") else 1
        # Same operation order as the official tool, so the float matches its CSV exactly.
        value = avg * duration * per_query * scale / queries
    else:
        value = avg
    ctx.metrics.update({
        "power_value": value,
        "power_units": ctx.rules.power_unit(scenario),
        "power_samples": len(watts),
        "power_avg_watts": avg,
    })
