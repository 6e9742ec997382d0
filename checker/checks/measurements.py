"""The measurements folder: implementation JSON, user.conf, README, and the code folder."""

from __future__ import annotations

from ..findings import Rule, Severity
from ._registry import check
from .structure import EmptyFile, MissingFile

IMPLEMENTATION_FIELDS = ("input_data_types", "retraining", "starting_weights_filename",
                         "weight_data_types", "weight_transformations")


class ImplementationFieldMissing(Rule):
    """The measurements JSON lacks a field that describes the implementation.

    What it checks:
        The JSON in the measurements folder (`<system>[_<impl>][_<scenario>].json`, or
        `measurements.json` from v6.0) has input_data_types, retraining,
        starting_weights_filename, weight_data_types and weight_transformations.

    Why it matters:
        Quantisation and retraining are what readers compare; the results table shows
        weight_data_types.

    Example:
        expected: weight_data_types, found: (absent)

    How to fix:
        Add the field to the measurements JSON.

    Rounds:
        All.

    Source:
        Official checker: "field ... is missing" (v2.1 logged it without rejecting the result;
        infercheck rejects it).
    """

    code = "MEA001"
    name = "implementation-field-missing"
    severity = Severity.ERROR
    tags = ("measurements",)
    message = "measurements JSON lacks {expected!r}"


class ImplementationFieldEmpty(Rule):
    """A field of the measurements JSON is empty.

    What it checks:
        The implementation fields have a value (v3.1 onwards).

    Why it matters:
        An empty answer says nothing about how the model was changed.

    Example:
        locator: $.weight_transformations, found: ""

    How to fix:
        Describe it; "none" is an answer.

    Rounds:
        v3.1 onwards (rounds with `system.nonempty_fields`).

    Source:
        Official checker: "is missing meaningful value".
    """

    code = "MEA002"
    name = "implementation-field-empty"
    severity = Severity.ERROR
    tags = ("measurements",)
    message = "measurements JSON field {locator} is empty"


def _implementation_json(ctx, names: list[str]) -> str | None:
    if ctx.rules.layout.get("measurements") == "inside":
        return "measurements.json" if "measurements.json" in names else None
    # Official order: a name ending in _<scenario>.json first, then any <system>*.json.
    for name in names:
        if name.startswith(ctx.system) and name.endswith(f"_{ctx.scenario_folder}.json"):
            return name
    for name in names:
        if name.startswith(ctx.system) and name.endswith(".json"):
            return name
    return None


@check(emits=(MissingFile, EmptyFile, ImplementationFieldMissing, ImplementationFieldEmpty))
def check_measurements(ctx):
    folder = ctx.measurements_dir
    if not ctx.isdir(folder):
        yield MissingFile.at(folder, expected="measurements folder")
        return
    names = ctx.listdir(folder)
    for name in ctx.rules.layout.get("measurements_files", []):
        if name not in names:
            yield MissingFile.at(f"{folder}/{name}", expected=name)
        elif ctx.rules.layout.get("measurements_files_nonempty", True):
            ctx.text(f"{folder}/{name}")  # empty or unreadable becomes a finding
    impl = _implementation_json(ctx, names)
    if impl is None:
        yield MissingFile.at(f"{folder}/{ctx.system}*.json", expected=f"{ctx.system}*.json")
    else:
        data = ctx.json(f"{folder}/{impl}")
        if isinstance(data, dict):
            strict = bool(ctx.rules.system.get("nonempty_fields"))
            for key in IMPLEMENTATION_FIELDS:
                if key not in data:
                    yield ImplementationFieldMissing.at(f"{folder}/{impl}", expected=key, locator="$")
                elif strict and data[key] in ("", None, []):
                    yield ImplementationFieldEmpty.at(f"{folder}/{impl}", found=data[key],
                                                      locator=f"$.{key}")
            ctx.metrics["weight_data_types"] = data.get("weight_data_types")
    code_root = f"{ctx.submitter_dir}/{ctx.rules.layout.get('code_dir', 'code')}"
    if not ctx.isdir(f"{code_root}/{ctx.benchmark}") and not ctx.exists(f"{code_root}/{ctx.model}"):
        yield MissingFile.at(f"{code_root}/{ctx.benchmark}", expected="code folder of the benchmark")
