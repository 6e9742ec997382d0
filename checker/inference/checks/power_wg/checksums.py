"""The checksums the session recorded for the result files against the files submitted."""

from __future__ import annotations

import hashlib
import os

from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.registry import check
from infercheck.checker.core.textfile import ParseError, open_regular
from infercheck.checker.inference.checks.power_wg.common import (
    CLIENT,
    SERVER,
    descriptor,
    field,
    perf_rel,
    wg_rules,
)


class PowerResultChecksum(Rule):
    """A result file is not the one the power session recorded.

    What it checks:
        For each of the round's result files (under `performance/`: the power logs but the two
        descriptors, and the ranging and testing runs' LoadGen logs and spl.txt), the SHA-1
        recorded in the `results` of client.json or server.json (the two must agree where both
        record a file) equals the SHA-1 of the file submitted, and every such file is recorded.

    Why it matters:
        The power client and server record the checksums at the end of the session; a file
        that differs was edited or comes from another run, so the power result is not the
        measured one.

    Example:
        run_1/mlperf_log_detail.txt: recorded a2ea7988..., file is 5b1f09c2...

    How to fix:
        Submit the files exactly as the session wrote them (no re-formatting, no truncation);
        if they were changed, measure again.

    Rounds:
        v3.1 onwards; the files are `power.wg.result_files`.

    Source:
        Official power_checker.py `results_check` ("results checksum comparison", "There are
        absent files ... in the results"). A file that is missing altogether is STR001 instead.
    """

    code = "PWR017"
    name = "power-result-checksum"
    severity = Severity.ERROR
    tags = ("power",)
    message = "{file}: {found}"


def _sha1(path: str) -> str | None:
    digest = hashlib.sha1()
    try:
        fd, _ = open_regular(path)  # a pipe, device or oversized file is the reading check's finding
    except ParseError:
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None  # unreadable: reported by the check that reads it
    return digest.hexdigest()


@check(emits=(PowerResultChecksum,))
def check_power_checksums(ctx):
    wg = wg_rules(ctx)
    if wg is None:
        return
    wanted = wg["result_files"]
    recorded = {name: field(descriptor(ctx, name), "results") for name in (CLIENT, SERVER)}
    if None in recorded.values():
        return  # a descriptor without results: PWR003
    client, server = ({k: v for k, v in r.items() if k in wanted} for r in recorded.values())
    server_rel = perf_rel(ctx, "power", SERVER)
    for path in sorted(client.keys() & server.keys()):
        if client[path] != server[path]:
            yield PowerResultChecksum.at(server_rel, locator="results", file=path,
                                         found=f"{CLIENT} records {client[path][:8]}..., "
                                               f"{SERVER} {server[path][:8]}...")
    both = {**client, **server}
    for path in wanted:
        rel = perf_rel(ctx, *path.split("/"))
        if not ctx.exists(rel):
            continue  # STR001
        actual = _sha1(ctx.abs(rel))
        if actual is None:
            continue
        if path not in both:
            yield PowerResultChecksum.at(rel, file=path, found=f"not recorded in {CLIENT} or {SERVER}")
        elif both[path] != actual:
            yield PowerResultChecksum.at(rel, file=path, expected=both[path],
                                         found=f"recorded {both[path][:8]}..., file is {actual[:8]}...")
