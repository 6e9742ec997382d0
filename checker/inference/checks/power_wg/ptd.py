"""PTDaemon as the server drove it: its release and analyzer (the reply to "Identify" and the
server's ptd_config), the replies to the measurement commands, and the analyzer ranges put back
after the runs."""

from __future__ import annotations

import re

from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.registry import check
from infercheck.checker.inference.checks.power_wg.common import SERVER, descriptor, field, perf_rel, wg_rules


class PtdVersionUnsupported(Rule):
    """PTDaemon is not the release the round requires, or did not say which it is.

    What it checks:
        server.json's `ptd_messages` hold a reply to "Identify" whose `version=` is one of the
        round's PTDaemon versions.

    Why it matters:
        PTDaemon (SPEC's power measurement daemon) computes the uncertainty the Power WG rules
        rely on; each round fixes the release whose behaviour was reviewed.

    Example:
        found: 1.9.2, expected: ['1.10.0']

    How to fix:
        Measure with the PTDaemon release the round names (v4.1: 1.10.0, v5.0 onwards: 1.11.1).

    Rounds:
        v3.1 onwards; the versions are `power.wg.ptd_versions`.

    Source:
        Official power_checker.py `ptd_messages_check` (SUPPORTED_VERSION; "There is no answer
        to the 'Identify' command", "PTD version ... is not supported").
    """

    code = "PWR005"
    name = "ptd-version-unsupported"
    severity = Severity.ERROR
    tags = ("power",)
    message = "PTDaemon version {found!r} is not one the round accepts ({expected})"


class PowerAnalyzerUnsupported(Rule):
    """The power analyzer is not one the Power WG supports.

    What it checks:
        The analyzer PTDaemon names in its reply to "Identify" and the `device_type` of every
        analyzer of server.json's `ptd_config` are in the round's list of analyzers (Yokogawa
        WT210, WT310, WT330, WT500 and their variants).

    Why it matters:
        Only these analyzers have the accuracy and the uncertainty reporting the power rules
        need.

    Example:
        found: device type 12

    How to fix:
        Measure with a supported analyzer and give PTDaemon its device number.

    Rounds:
        v3.1 onwards (the DC models from v4.0); the list is `power.wg.analyzers`.

    Source:
        Official power_checker.py `ptd_messages_check` ("Power meter ... is not supported") and
        `check_ptd_config` ("Device number ... is not supported").
    """

    code = "PWR006"
    name = "power-analyzer-unsupported"
    severity = Severity.ERROR
    tags = ("power",)
    message = "power analyzer {found} is not supported"


class PtdReplyUnexpected(Rule):
    """PTDaemon answered a measurement command with something else than it should.

    What it checks:
        In server.json's `ptd_messages`, every range change ("SR,A...", "SR,V...") got
        "Range A/V changed", every start ("Go,1000,...") the untimed-measurement reply, and every
        "Stop" "Stopping untimed measurement" (the third and later: "Error: no measurement to
        stop").

    Why it matters:
        Another reply means the analyzer did not take the setting or did not measure, so the
        samples are not the ones the protocol asks for.

    Example:
        command 'SR,A,9.779': found 'Error: range not supported', expected 'Range A changed'

    How to fix:
        Look at PTDaemon's log for the failing command, fix the analyzer setup and measure again.

    Rounds:
        v3.1 onwards; the replies are `power.wg.replies` and `power.wg.late_stop`.

    Source:
        Official power_checker.py `ptd_messages_check`, `check_reply` ("Wrong reply for ...
        command").
    """

    code = "PWR007"
    name = "ptd-reply-unexpected"
    severity = Severity.ERROR
    tags = ("power",)
    message = "PTDaemon replied {found!r} to {command!r}, expected {expected!r}"


class PtdRangesNotRestored(Rule):
    """The analyzer's ranges were not put back to the ones it had before the session.

    What it checks:
        The reply to "RR" gives the analyzer's initial ranges (a fixed value, or Auto); the
        round's n-th "SR,A" and "SR,V" commands (the ones after the testing run) set them again.

    Why it matters:
        The PTD client changes the ranges for the testing run and must leave the analyzer as it
        found it; a missing or wrong reset shows the session did not end normally.

    Example:
        expected: SR,A,Auto, found: SR,A,9.779 (command 3)

    How to fix:
        Let the session run to its end with the unmodified client; measure again.

    Rounds:
        v3.1 onwards; which command puts a range back is `power.wg.restore_positions` (the third
        up to v5.0; for amps the third or the fourth from v5.1).

    Source:
        Official power_checker.py `ptd_messages_check` ("Do not set Amps range as initial", "Can
        not get power meters initial values", "Can not find the 3 command").
    """

    code = "PWR008"
    name = "ptd-ranges-not-restored"
    severity = Severity.ERROR
    tags = ("power",)
    message = "the analyzer's {what} range is not put back to {expected!r}: {found}"


class AnalyzerChannelsMisconfigured(Rule):
    """A two-channel analyzer was not set up with two channels.

    What it checks:
        For the analyzers the round measures on two channels (device 77, the multichannel
        WT330), the PTDaemon command of server.json's `ptd_config` has `-c a,b` and its
        `channel` lists two channels.

    Why it matters:
        Measured on one channel, such an analyzer sees only part of the system's power.

    Example:
        found: channels '1', expected: two

    How to fix:
        Start PTDaemon with both channels (`-c 1,2`) and measure again.

    Rounds:
        v3.1 onwards; the devices are `power.wg.two_channel_devices`.

    Source:
        Official power_checker.py `check_ptd_config` ("Expected multichannel mode for ..., but
        got 1-channel").
    """

    code = "PWR023"
    name = "analyzer-channels-misconfigured"
    severity = Severity.ERROR
    tags = ("power",)
    message = "analyzer {device} is not set up with two channels ({found})"


_VERSION = re.compile(r"(?<=version=)(.+?)-")


def _reply_to(msgs: list, command: str):
    return next((m["reply"] for m in msgs if m["cmd"] == command), None)


def _identify_findings(rel: str, msgs: list, wg: dict):
    identify = _reply_to(msgs, "Identify")
    if not isinstance(identify, str) or not identify:
        yield PtdVersionUnsupported.at(rel, locator="ptd_messages", expected=wg["ptd_versions"],
                                       found="(no reply to Identify)")
        return
    m = _VERSION.search(identify)
    version = m.group(1) if m else ""
    if version not in wg["ptd_versions"]:
        yield PtdVersionUnsupported.at(rel, locator="ptd_messages", expected=wg["ptd_versions"],
                                       found=version)
    model = identify.split(",")[0]
    if model not in wg["analyzers"]:
        yield PowerAnalyzerUnsupported.at(rel, locator="ptd_messages", expected=sorted(wg["analyzers"]),
                                          found=repr(model))


def _reply_findings(rel: str, msgs: list, wg: dict):
    late = wg["late_stop"]
    stops = 0
    for msg in msgs:
        cmd = msg["cmd"]
        for prefix, expected in wg["replies"].items():
            if not cmd.startswith(prefix):
                continue
            if cmd == "Stop":
                stops += 1
                if stops >= late["from"]:
                    expected = late["reply"]
            if msg["reply"] != expected:
                yield PtdReplyUnexpected.at(rel, locator="ptd_messages", expected=expected,
                                            found=msg["reply"], command=cmd)


def _initial_range(reply: str, index: int) -> str | None:
    """The range of an "RR" reply (Ranges,<auto A>,<A>,<auto V>,<V>): the value when it is not
    automatic, else "Auto"; None when the reply cannot be read."""
    parts = reply.split(",")
    try:
        if parts[index] == "0" and float(parts[index + 1]) > 0:
            return parts[index + 1]
    except (IndexError, ValueError):
        return None
    return "Auto"


def _restore_findings(rel: str, msgs: list, wg: dict):
    # The official tool reads the reply of the third message, where the client sends "RR".
    ranges = _reply_to(msgs, "RR")
    for prefix, index, what in (("SR,A", 1, "amps"), ("SR,V", 3, "volts")):
        positions = wg["restore_positions"].get(prefix)
        if not positions:
            continue
        initial = _initial_range(ranges, index) if isinstance(ranges, str) else None
        if initial is None:
            yield PtdRangesNotRestored.at(rel, locator="ptd_messages", what=what, expected="?",
                                          found=f"the initial ranges cannot be read from {ranges!r}")
            continue
        wanted = f"{prefix},{initial}"
        sent = [m["cmd"] for m in msgs if m["cmd"].startswith(prefix)]
        at = [(p, sent[p - 1]) for p in positions if p <= len(sent)]
        if wanted not in (c for _, c in at):
            found = (", ".join(f"{c} (command {p})" for p, c in at)
                     if at else f"only {len(sent)} {prefix} commands")
            yield PtdRangesNotRestored.at(rel, locator="ptd_messages", what=what, expected=wanted,
                                          found=found)


def _channels(command) -> str:
    if isinstance(command, list):
        for i, arg in enumerate(command[:-1]):
            if arg == "-c":
                return str(command[i + 1])
    return ""


def _config_findings(rel: str, config, wg: dict):
    supported = set(wg["analyzers"].values())
    names = {number: name for name, number in wg["analyzers"].items()}
    for analyzer in config if isinstance(config, list) else [config]:
        device = analyzer["device_type"]
        if isinstance(device, bool) or not isinstance(device, int) or device not in supported:
            yield PowerAnalyzerUnsupported.at(rel, locator="ptd_config", expected=sorted(supported),
                                              found=f"device type {device!r}")
        elif device in wg["two_channel_devices"]:
            channels, listed = _channels(analyzer.get("command")), analyzer.get("channel")
            if len(channels.split(",")) != 2 or not isinstance(listed, list) or len(listed) != 2:
                yield AnalyzerChannelsMisconfigured.at(
                    rel, locator="ptd_config", expected="two channels",
                    found=f"-c {channels!r}, channel {listed!r}", device=names.get(device, device))


@check(emits=(PtdVersionUnsupported, PowerAnalyzerUnsupported, PtdReplyUnexpected,
              PtdRangesNotRestored, AnalyzerChannelsMisconfigured))
def check_ptd_session(ctx):
    wg = wg_rules(ctx)
    if wg is None:
        return
    server = descriptor(ctx, SERVER)
    rel = perf_rel(ctx, "power", SERVER)
    msgs = field(server, "ptd_messages")
    if msgs is not None:
        yield from _identify_findings(rel, msgs, wg)
        yield from _reply_findings(rel, msgs, wg)
        yield from _restore_findings(rel, msgs, wg)
    config = field(server, "ptd_config")
    if config is not None:
        yield from _config_findings(rel, config, wg)
