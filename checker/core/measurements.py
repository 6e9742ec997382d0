"""The measurements JSON both suites require: the implementation fields every result declares."""

from __future__ import annotations

from typing import Any

from infercheck.checker.core.findings import Finding, Rule, Severity

__all__ = ["IMPLEMENTATION_FIELDS", "ImplementationFieldEmpty", "ImplementationFieldMissing",
           "implementation_findings"]

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


def implementation_findings(data: dict[str, Any], rel: str, *, nonempty: bool) -> list[Finding]:
    """Each implementation field present; with `nonempty` (the round requires values), filled."""
    out = []
    for key in IMPLEMENTATION_FIELDS:
        if key not in data:
            out.append(ImplementationFieldMissing.at(rel, expected=key, locator="$"))
        elif nonempty and data[key] in ("", None, []):
            out.append(ImplementationFieldEmpty.at(rel, found=data[key], locator=f"$.{key}"))
    return out
