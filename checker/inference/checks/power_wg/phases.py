"""The ranging and testing phases of the session against LoadGen's runs: the client's and the
server's clocks, LoadGen inside each phase, and the testing run's length and power against the
ranging run's."""

from __future__ import annotations

from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.registry import check
from infercheck.checker.core.tree_rules import MalformedFile
from infercheck.checker.inference.checks.loadgen.log_keys import MissingLogKey
from infercheck.checker.inference.checks.power import (
    NoPowerSamples,
    bad_sample,
    power_window,
    sort_key,
    spl_samples,
)
from infercheck.checker.inference.checks.power_wg.common import (
    CLIENT,
    SERVER,
    descriptor,
    field,
    perf_rel,
    utc_seconds,
    utc_text,
    wg_rules,
)

# The Power WG's names of LoadGen's runs: the folder and the key of `phases`.
RUNS = (("ranging", "ranging"), ("run_1", "testing"))


class PowerPhaseClockSkew(Rule):
    """The client and the server disagree on when the session's phases started.

    What it checks:
        client.json and server.json list as many ranging and testing phase points, and the
        times of each point differ by at most the round's tolerance (800 ms from v4.0, 500 ms in
        v3.1).

    Why it matters:
        The client (on the system under test) and the server (beside the analyzer) must share
        one clock, synchronised over NTP at the start of the session; otherwise the samples
        cannot be matched with LoadGen's run.

    Example:
        testing point 2: 1.532 s apart, expected: at most 0.8 s

    How to fix:
        Synchronise both machines with NTP (the client and the server do it when they can reach
        the NTP server) and measure again.

    Rounds:
        v3.1 onwards; the tolerance is `power.wg.time_tolerance_ms`.

    Source:
        Official power_checker.py `phases_check`, `compare_time` ("Phases amount is not equal",
        "The time difference for ... phase ... is more than").
    """

    code = "PWR011"
    name = "power-phase-clock-skew"
    severity = Severity.ERROR
    tags = ("power",)
    message = "client and server clocks disagree on the {phase} phase: {found}"


class LoadgenOutsidePowerPhase(Rule):
    """LoadGen's run did not take place inside the power session's phase for it.

    What it checks:
        The detail log's `power_begin` and `power_end` of the ranging run (and of the testing
        run) lie strictly between the second and the third point of the client's ranging
        (testing) phase, the times PTDaemon started and stopped measuring; a clock one hour
        ahead is also accepted.

    Why it matters:
        Outside its phase the run was not measured, or not with the ranges the phase set; the
        result's power is then not the run's.

    Example:
        LoadGen's ranging power_begin 2024-07-25 11:06:36.284 UTC, phase from 10:58:47.052 to 11:02:26.927 UTC

    How to fix:
        Run LoadGen through the power client (which starts each phase around the run), with
        the logs of that session.

    Rounds:
        v3.1 onwards; the accepted clock offsets are `power.wg.clock_offsets_s` (0 and 3600 s,
        the official tool's "temporary workaround" for daylight saving time).

    Source:
        Official power_checker.py `phases_check`, `compare_time_boundaries` ("Loadgen test begin
        time is not within ... mode time interval").
    """

    code = "PWR012"
    name = "loadgen-outside-power-phase"
    severity = Severity.ERROR
    tags = ("power",)
    message = "LoadGen's {run} run {edge} {found} is outside the {phase} phase ({expected})"


class TestingShorterThanRanging(Rule):
    """The testing run is much shorter than the ranging run.

    What it checks:
        LoadGen's testing run (power_begin to power_end) is no more than half as short as its
        ranging run.

    Why it matters:
        The ranging run sets the analyzer's ranges for the testing run; a much shorter testing
        run suggests the two runs did not do the same work. The official tool warns ("check for
        audit").

    Example:
        testing 250.1 s, ranging 600.4 s (58.35 % shorter)

    How to fix:
        Run the same workload, with the same settings, in both runs.

    Rounds:
        v3.1 onwards; the fraction is `power.wg.testing_shorter_warn_fraction`.

    Source:
        Official power_checker.py `phases_check`, `compare_duration` (whose message says "5
        percent"; the limit it applies is 50 %).
    """

    code = "PWR013"
    name = "testing-shorter-than-ranging"
    severity = Severity.WARNING
    tags = ("power",)
    message = "the testing run is {found} s, {percent} % shorter than the ranging run's {expected} s"


class TestingPowerBelowRanging(Rule):
    """The testing run drew clearly less power than the ranging run.

    What it checks:
        The mean of the positive power samples of spl.txt inside LoadGen's window is, for the
        testing run, not 5 % or more below the ranging run's (both rounded as the official tool
        rounds them).

    Why it matters:
        Both runs do the same work; a testing run that draws much less power than the ranging
        run points to a different workload or a setting changed between the runs.

    Example:
        testing 760.1 W, ranging 814.4 W: -6.67 %, expected: above -5 %

    How to fix:
        Run the same workload in both runs; check power management settings that change
        between runs.

    Rounds:
        v3.1 onwards; the limit is `power.wg.testing_power_min_delta_percent`.

    Source:
        Official power_checker.py `phases_check`, `get_avg_power` ("Average power during the
        testing mode run is lower than that during the ranging run by more than 5%").
    """

    code = "PWR014"
    name = "testing-power-below-ranging"
    severity = Severity.ERROR
    tags = ("power",)
    message = ("the testing run's mean power {found} W is {delta} % from the ranging run's "
               "{expected} W (must be above {limit} %)")


def _skew_findings(rel: str, client: dict, server: dict, tolerance_ms: float):
    for _, phase in RUNS:
        points_c, points_s = client[phase], server[phase]
        if len(points_c) != len(points_s):
            yield PowerPhaseClockSkew.at(rel, locator=f"phases.{phase}", phase=phase,
                                         found=f"{len(points_c)} points in {CLIENT}, "
                                               f"{len(points_s)} in {SERVER}")
            continue
        for i, (c, s) in enumerate(zip(points_c, points_s, strict=True), 1):
            apart = abs(c[0] - s[0])
            if apart > tolerance_ms / 1000:
                yield PowerPhaseClockSkew.at(rel, locator=f"phases.{phase}", phase=phase,
                                             expected=f"at most {tolerance_ms / 1000:g} s",
                                             found=f"point {i}: {apart:.3f} s apart")


def _in_phase(t: float, start: float, stop: float, offsets: list) -> bool:
    return any(start < t - offset < stop for offset in offsets)


def _average(samples, begin, end) -> tuple[float | None, float | None, int]:
    """The mean of the positive watts and of the positive power factors strictly inside the
    window, as the official get_avg_power takes them."""
    low, high = sort_key(begin), sort_key(end)
    watts, factors = [], []
    for key, value, line in samples:
        if not low < key < high:
            continue
        if value > 0:
            watts.append(value)
        parts = line.split(",")
        try:
            pf = float(parts[9])
        except (IndexError, ValueError):
            continue  # the power factor is only reported
        if pf > 0:
            factors.append(pf)
    return _mean(watts), _mean(factors), len(watts)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@check(emits=(PowerPhaseClockSkew, LoadgenOutsidePowerPhase, TestingShorterThanRanging,
              TestingPowerBelowRanging, NoPowerSamples, MissingLogKey, MalformedFile))
def check_power_phases(ctx):
    wg = wg_rules(ctx)
    if wg is None:
        return
    server_rel = perf_rel(ctx, "power", SERVER)
    client = field(descriptor(ctx, CLIENT), "phases")
    server = field(descriptor(ctx, SERVER), "phases")
    if client is not None and server is not None:
        yield from _skew_findings(server_rel, client, server, wg["time_tolerance_ms"])

    windows, means = {}, {}
    for run, phase in RUNS:
        rel = perf_rel(ctx, run, "mlperf_log_detail.txt")
        log = ctx.detail_log(rel) if ctx.exists(rel) else None
        if log is None:
            continue
        window, problems = power_window(log, rel)
        if run == "ranging":
            yield from problems  # run_1's are check_power's
        if window is None:
            continue
        windows[run] = window
        if client is not None:
            points = client[phase]
            start, stop = points[1][0], points[2][0]
            for edge, stamp in zip(("power_begin", "power_end"), window, strict=True):
                if not _in_phase(utc_seconds(stamp), start, stop, wg["clock_offsets_s"]):
                    yield LoadgenOutsidePowerPhase.at(
                        rel, locator=edge, run=run, phase=phase, edge=edge,
                        found=utc_text(utc_seconds(stamp)),
                        expected=f"{utc_text(start)} to {utc_text(stop)}")
        spl_rel = perf_rel(ctx, run, "spl.txt")
        text = ctx.text(spl_rel) if ctx.exists(spl_rel) else None
        if text is None:
            continue
        samples, bad = spl_samples(text)
        if bad is not None:
            if run == "ranging":
                yield bad_sample(spl_rel, bad)  # run_1's is check_power's
            continue
        watts, pf, count = _average(samples, *window)
        if watts is None:
            if run == "ranging":
                yield NoPowerSamples.at(spl_rel, expected=f"samples between {window[0]} and {window[1]}",
                                        found=0)
            continue
        means[run] = (watts, pf)

    if len(windows) == 2:
        ranging, testing = ((w[1] - w[0]).total_seconds() for w in (windows["ranging"], windows["run_1"]))
        if ranging > 0 and (ranging - testing) / ranging > wg["testing_shorter_warn_fraction"]:
            yield TestingShorterThanRanging.at(
                perf_rel(ctx, "run_1", "mlperf_log_detail.txt"), found=round(testing, 2),
                expected=round(ranging, 2), percent=round((ranging - testing) / ranging * 100, 2))
    if len(means) == 2:
        ranging_w, testing_w = round(means["ranging"][0], 5), round(means["run_1"][0], 5)
        delta = round((testing_w / ranging_w - 1) * 100, 2)
        limit = wg["testing_power_min_delta_percent"]
        if not delta > limit:
            yield TestingPowerBelowRanging.at(perf_rel(ctx, "run_1", "spl.txt"), found=testing_w,
                                              expected=ranging_w, delta=delta, limit=limit)
