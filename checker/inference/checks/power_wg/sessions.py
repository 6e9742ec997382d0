"""The session descriptors: their fields, the PTD client and server that wrote them (sources),
and that client.json and server.json describe the same session (UUIDs, name, messages)."""

from __future__ import annotations

import re
import uuid

from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.registry import check
from infercheck.checker.inference.checks.power_wg.common import (
    CLIENT,
    SERVER,
    descriptor,
    field,
    field_problems,
    perf_rel,
    wg_rules,
)


class PowerSessionMalformed(Rule):
    """A power session descriptor lacks a field the Power WG checks read, or has it in another shape.

    What it checks:
        `performance/power/client.json` and `server.json` are JSON objects holding the round's
        session fields (version, timezone, modules, sources, messages, uuid, session_name,
        results, phases), and server.json also `ptd_messages` and `ptd_config`; the fields the
        checks read have the shape the PTD client and server write (messages a list of
        {"cmd", "reply"}, phases with 3 or more points for the ranging and testing runs, ...).

    Why it matters:
        These files are the record of the power measurement session; without the field the
        session cannot be checked. The official tool stops with an AssertionError (a missing
        field) or an exception in the check that reads it.

    Example:
        server.json lacks the field 'ptd_config'

    How to fix:
        Submit the descriptors exactly as the MLCommons power client and server wrote them;
        re-run the measurement if they were lost or edited.

    Rounds:
        v3.1 onwards (rule pack `power.wg_checks`); the field lists are `power.wg.session_fields`
        and `power.wg.server_fields`.

    Source:
        Official tools/submission/power/power_checker.py, `SessionDescriptor.required_fields_check`
        (and the fields `ptd_messages_check`, `phases_check`, `check_ptd_config` read).
    """

    code = "PWR003"
    name = "power-session-malformed"
    severity = Severity.ERROR
    tags = ("power",)
    message = "{file} {found}"


class PowerSourcesUnknown(Rule):
    """The PTD client or server that made the session is not a release the round accepts.

    What it checks:
        The `sources` of client.json and of server.json (the SHA-1 of every file of the
        mlcommons/power-dev client and server that ran) equal one of the round's accepted sets.

    Why it matters:
        The power client and server enforce the measurement protocol (ranging, then testing,
        with fixed analyzer ranges); a modified or outdated copy can measure something else.

    Example:
        server.json: lib/server.py is 9bc9a3b6... (expected 99303c83...)

    How to fix:
        Measure with the power-dev release the round names (for v4.1 the one whose
        lib/server.py is 99303c83...), unmodified.

    Rounds:
        v3.1 onwards; the accepted sets are `power.wg.sources` of the round's pack (taken from
        the official sources_checksums.json of the round's tag).

    Source:
        Official power_checker.py `sources_check` ("do not exist in 'sources_checksums.json'").
    """

    code = "PWR004"
    name = "power-sources-unknown"
    severity = Severity.ERROR
    tags = ("power",)
    message = "{file}: the PTD client/server sources are not an accepted release ({found})"


class PowerUuidMismatch(Rule):
    """client.json and server.json do not name the same session UUIDs.

    What it checks:
        `uuid.client` and `uuid.server` are UUIDs and are the same in both descriptors.

    Why it matters:
        The UUIDs tie the client's record (LoadGen side) to the server's (power analyzer side);
        different ones mean the two files come from different sessions.

    Example:
        uuid.server: ddc7fc7b-... in client.json, 0f2a61c4-... in server.json

    How to fix:
        Submit the client.json and server.json of the same session.

    Rounds:
        v3.1 onwards.

    Source:
        Official power_checker.py `uuid_check` ("'client uuid' is not equal").
    """

    code = "PWR009"
    name = "power-uuid-mismatch"
    severity = Severity.ERROR
    tags = ("power",)
    message = "session UUIDs do not match: {found}"


class PowerSessionNameMismatch(Rule):
    """client.json and server.json name different sessions.

    What it checks:
        `session_name` is the same in both descriptors.

    Why it matters:
        The session name marks the ranging and testing runs in PTDaemon's log and spl.txt; two
        names mean two sessions.

    Example:
        found: 2024-07-25_06-58-23 (client.json), expected: 2024-07-25_14-06-24 (server.json)

    How to fix:
        Submit the descriptors of one session.

    Rounds:
        v3.1 onwards.

    Source:
        Official power_checker.py `session_name_check` ("Session name is not equal").
    """

    code = "PWR010"
    name = "power-session-name-mismatch"
    severity = Severity.ERROR
    tags = ("power",)
    message = "session names differ: {found!r} in client.json, {expected!r} in server.json"


class PowerMessagesMismatch(Rule):
    """The client's and the server's records of their messages differ.

    What it checks:
        `messages` of client.json and server.json have the same length, the same commands in
        the same order, and the same replies (but to "time", which each side answers with its
        own clock).

    Why it matters:
        Both sides log every exchange of the session; a difference means a file was edited or
        comes from another session.

    Example:
        message 5: command 'session,...,start,ranging' in client.json, 'time' in server.json

    How to fix:
        Submit both descriptors as written by the session.

    Rounds:
        v3.1 onwards.

    Source:
        Official power_checker.py `messages_check` ("Commands {i} are different", "Replies on
        command ... are different", "commands list length").
    """

    code = "PWR015"
    name = "power-messages-mismatch"
    severity = Severity.ERROR
    tags = ("power",)
    message = "client.json and server.json messages differ: {found}"


class PowerProtocolMismatch(Rule):
    """The PTD client and server speak different protocol versions, or do not say which.

    What it checks:
        The first message of server.json is the client's greeting `mlcommons/power client vN`
        answered by `mlcommons/power server vN`, with the same N.

    Why it matters:
        A client and a server of different versions do not follow the same measurement
        protocol.

    Example:
        client v3, server v4

    How to fix:
        Run the client and the server of the same power-dev release.

    Rounds:
        v3.1 onwards.

    Source:
        Official power_checker.py `messages_check` ("Client.py version ... is not equal
        server.py version", "Server version is not defined").
    """

    code = "PWR016"
    name = "power-protocol-mismatch"
    severity = Severity.ERROR
    tags = ("power",)
    message = "PTD client and server protocol versions: {found}"


class PowerServerDebug(Rule):
    """The PTD server ran in debug mode.

    What it checks:
        server.json has no `debug` field, or `debug: false`.

    Why it matters:
        Debug mode is for trying out a setup; the Power WG accepts no measurement made in it.

    Example:
        found: true

    How to fix:
        Run the server without its debug option and measure again.

    Rounds:
        v3.1 onwards.

    Source:
        Official power_checker.py `debug_check` ("Server was running in debug mode").
    """

    code = "PWR024"
    name = "power-server-debug"
    severity = Severity.ERROR
    tags = ("power",)
    message = "the PTD server ran in debug mode (debug: {found!r})"


def _source_differences(sources: dict, accepted: list[dict]) -> list[str]:
    """How `sources` differs from the nearest accepted set, in words."""
    def differences(known: dict) -> list[str]:
        out = [f"{name} is {sources[name][:8]}... (expected {sha[:8]}...)"
               for name, sha in sorted(known.items()) if name in sources and sources[name] != sha]
        out += [f"{name} is missing" for name in sorted(known.keys() - sources.keys())]
        out += [f"{name} is not in the release" for name in sorted(sources.keys() - known.keys())]
        return out

    return min((differences(known) for known in accepted), key=len)


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _uuid_problems(client: dict, server: dict) -> list[str]:
    problems = []
    for role in ("client", "server"):
        values = {name: ids[role] for name, ids in ((CLIENT, client), (SERVER, server))}
        parsed = {name: _uuid(text) for name, text in values.items()}
        bad = [name for name, value in parsed.items() if value is None]
        for name in bad:
            problems.append(f"uuid.{role} {values[name]!r} in {name} is not a UUID")
        if not bad and parsed[CLIENT] != parsed[SERVER]:
            problems.append(f"uuid.{role}: {values[CLIENT]} in {CLIENT}, {values[SERVER]} in {SERVER}")
    return problems


def _message_difference(mc: list, ms: list) -> str | None:
    if len(mc) != len(ms):
        return f"{len(mc)} messages in {CLIENT}, {len(ms)} in {SERVER}"
    for i, (c, s) in enumerate(zip(mc, ms, strict=True), 1):
        if c["cmd"] != s["cmd"]:
            return f"message {i}: command {c['cmd'][:60]!r} in {CLIENT}, {s['cmd'][:60]!r} in {SERVER}"
        if c["cmd"] != "time" and c["reply"] != s["reply"]:
            return (f"message {i} ({c['cmd'][:40]!r}): reply {str(c['reply'])[:60]!r} in {CLIENT}, "
                    f"{str(s['reply'])[:60]!r} in {SERVER}")
    return None


_CLIENT_HELLO = re.compile(r"mlcommons/power client v(\d+)$")
_SERVER_HELLO = re.compile(r"mlcommons/power server v(\d+)$")


def _protocol_problem(ms: list) -> str | None:
    first = ms[0] if ms else {"cmd": "", "reply": ""}
    client = _CLIENT_HELLO.search(first["cmd"])
    server = _SERVER_HELLO.search(str(first["reply"]))
    if client is None or server is None:
        return (f"not given by the first message of {SERVER} "
                f"({first['cmd'][:40]!r} -> {str(first['reply'])[:40]!r})")
    if client.group(1) != server.group(1):
        return f"client v{client.group(1)}, server v{server.group(1)}"
    return None


@check(emits=(PowerSessionMalformed, PowerSourcesUnknown, PowerUuidMismatch,
              PowerSessionNameMismatch, PowerMessagesMismatch, PowerProtocolMismatch,
              PowerServerDebug))
def check_power_sessions(ctx):
    wg = wg_rules(ctx)
    if wg is None:
        return
    data = {name: descriptor(ctx, name) for name in (CLIENT, SERVER)}
    for name, value in data.items():
        if value is None:
            continue  # absent or not JSON: reported as such
        for problem in field_problems(value, name, wg):
            yield PowerSessionMalformed.at(perf_rel(ctx, "power", name), found=problem, file=name)
    client, server = data[CLIENT], data[SERVER]
    server_rel = perf_rel(ctx, "power", SERVER)

    for name, value in data.items():
        sources = field(value, "sources")
        if sources is not None and sources not in wg["sources"]:
            found = "; ".join(_source_differences(sources, wg["sources"])[:3])
            yield PowerSourcesUnknown.at(perf_rel(ctx, "power", name), locator="sources",
                                         expected=f"one of {len(wg['sources'])} accepted sets",
                                         found=found, file=name)

    ids = field(client, "uuid"), field(server, "uuid")
    if None not in ids:
        for problem in _uuid_problems(*ids):
            yield PowerUuidMismatch.at(server_rel, locator="uuid", found=problem)

    names = field(client, "session_name"), field(server, "session_name")
    if None not in names and names[0] != names[1]:
        yield PowerSessionNameMismatch.at(server_rel, locator="session_name", found=names[0],
                                          expected=names[1])

    mc, ms = field(client, "messages"), field(server, "messages")
    if mc is not None and ms is not None:
        difference = _message_difference(mc, ms)
        if difference:
            yield PowerMessagesMismatch.at(server_rel, locator="messages", found=difference)
    if ms is not None:
        problem = _protocol_problem(ms)
        if problem:
            yield PowerProtocolMismatch.at(server_rel, locator="messages", found=problem)

    if isinstance(server, dict) and server.get("debug", False) is not False:
        yield PowerServerDebug.at(server_rel, locator="debug", expected=False,
                                  found=server.get("debug"))
