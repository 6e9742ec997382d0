"""The measurements JSON of each result (its fields are checked by the shared core check)."""

from __future__ import annotations

import os

from infercheck.checker.core.findings import Rule
from infercheck.checker.core.measurements import (
    ImplementationFieldEmpty,
    ImplementationFieldMissing,
    implementation_findings,
)
from infercheck.checker.core.registry import check
from infercheck.checker.core.textfile import ParseError, loads, read_text, subdirs
from infercheck.checker.core.tree_rules import PARSE_RULES, InvalidJson, finding_for_parse_error
from infercheck.checker.mobile.naming import match_device


class MeasurementsMissing(Rule):
    """A result has no measurements JSON.

    What it checks:
        `measurements/<device>/<benchmark>/<Scenario>/` holds a JSON describing the
        implementation (input and weight data types, starting weights, retraining).

    Why it matters:
        It tells how the model was quantised; the review compares it to Calibration.md.

    Example:
        expected: measurements/PhoneX/mosaic/SingleStream/*.json, found: nothing

    How to fix:
        Add `<device>_<runtime>_<Scenario>.json` with the five implementation fields.

    Rounds:
        All.

    Source:
        mobile_open rules, "Directory structure".
    """

    code = "MOB025"
    name = "measurements-missing"
    tags = ("mobile", "measurements")
    message = "no measurements JSON for {benchmark} {scenario} on device {device!r}"


def _measurements_json(ctx, sub: str) -> str | None:
    """measurements/<device>/<benchmark>/<scenario>/*.json, folders matched in any spelling (a
    submitter with one device folder may name it otherwise)."""
    devices = subdirs(sub)
    dev = ctx.device
    # As the device folder is named, else as its system description is (paired otherwise).
    names = [dev.tree.name]
    if dev.system is not None:
        names.append(os.path.splitext(os.path.basename(dev.system.path))[0])
    match = next((m for m in (match_device(n, devices) for n in names) if m), None)
    folder = match.name if match else None
    if folder is None and len(devices) == 1:
        folder = devices[0]
    if not folder:
        return None
    bench_dir = next((b for b in subdirs(os.path.join(sub, folder))
                      if ctx.rules.by_folder(b) == ctx.benchmark), None)
    if not bench_dir:
        return None
    scen = next((s for s in subdirs(os.path.join(sub, folder, bench_dir))
                 if s.lower() == ctx.scenario.lower()), None)
    if not scen:
        return None
    base = os.path.join(sub, folder, bench_dir, scen)
    jsons = sorted(f for f in os.listdir(base) if f.lower().endswith(".json"))
    return os.path.join(base, jsons[0]) if jsons else None


@check(emits=(*PARSE_RULES, MeasurementsMissing, ImplementationFieldMissing, ImplementationFieldEmpty))
def check_measurements(ctx):
    """The result's measurements JSON, with the implementation fields both suites require."""
    sub = os.path.join(ctx.device.root, ctx.division, ctx.submitter, "measurements")
    path = _measurements_json(ctx, sub)
    if path is None:
        yield MeasurementsMissing.at(ctx.rel(sub), benchmark=ctx.benchmark, scenario=ctx.scenario,
                                     device=ctx.device.tree.name)
        return
    rel = ctx.rel(path)
    try:
        data = loads(read_text(path))
    except ParseError as exc:
        yield finding_for_parse_error(exc, rel)
        return
    except ValueError as exc:
        yield InvalidJson.at(rel, found=str(exc))
        return
    if not isinstance(data, dict):
        yield InvalidJson.at(rel, found="not a JSON object")
        return
    yield from implementation_findings(data, rel, nonempty=ctx.rules.measurements_nonempty)
    ctx.metrics["weight_data_types"] = data.get("weight_data_types")
