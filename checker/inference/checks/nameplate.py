"""The nameplate (design) power of a power result's system, from v6.1: the system description's
`system_power_capacity`, else the sum of the power supplies a `systems/<system>_power.yaml`
describes; the summary table's design_power_watts column."""

from __future__ import annotations

from typing import Any

from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.registry import check
from infercheck.checker.core.textfile import ParseError, read_text
from infercheck.checker.core.user_files import UserFileError, parse_user_yaml

__all__ = ["NameplatePowerMissing", "NameplatePowerUnreadable", "check_nameplate_power",
           "design_power"]


class NameplatePowerMissing(Rule):
    """A power result's system states no nameplate power.

    What it checks:
        A result with power measurements has its system's design power: the system
        description's `system_power_capacity`, or `systems/<system>_power.yaml`.

    Why it matters:
        The results table publishes the design power beside the measured one; without it the
        column reads "None".

    Example:
        path: closed/Acme/systems/sys1_power.yaml, expected: the nameplate power YAML

    How to fix:
        Add `system_power_capacity` (watts) to the system description, or the YAML of its power
        supplies (each leaf: `PSUs` with `PowerCapacityWatts`, and `Min PSUs Needed`).

    Rounds:
        v6.1 onwards (the pack's `nameplate_power`).

    Source:
        Official checker (b66003e1) checks/system_check.py nameplate_power_check: "has a power
        submission but nameplate power YAML not found", a warning.
    """

    code = "PWR026"
    name = "nameplate-power-missing"
    severity = Severity.WARNING
    tags = ("power",)
    message = "the system's nameplate power is not stated (expected {expected})"


class NameplatePowerUnreadable(Rule):
    """The nameplate power YAML of a power result's system cannot be read.

    What it checks:
        `systems/<system>_power.yaml`, where a power result's system has one and its
        description no `system_power_capacity`, is YAML the checker reads: a mapping of
        components whose leaves hold `PSUs` and `Min PSUs Needed`.

    Why it matters:
        The official checker rejects the result: its design power cannot be stated.

    Example:
        found: not YAML: mapping values are not allowed here (line 3)

    How to fix:
        Write the file as YAML (anchors and aliases are not accepted).

    Rounds:
        v6.1 onwards (the pack's `nameplate_power`).

    Source:
        Official checker (b66003e1) checks/system_check.py nameplate_power_check: "nameplate
        power YAML exists but could not be loaded", an error.
    """

    code = "PWR027"
    name = "nameplate-power-unreadable"
    severity = Severity.ERROR
    tags = ("power",)
    message = "the nameplate power YAML cannot be read: {found}"


def design_power(data: Any) -> float:
    """The design power of a nameplate tree: at a leaf (a mapping holding `PSUs` and `Min PSUs
    Needed`, in any case) the capacities of its `Min PSUs Needed` largest supplies (the
    redundant ones do not count); elsewhere the sum over what it holds, as the official
    _sum_power_capacity_watts adds it. Walked with a stack: the file may nest deeply."""
    total: float = 0
    pending = [data]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            keys = {str(k).lower(): k for k in node}
            if "psus" in keys and "min psus needed" in keys:
                psus = node[keys["psus"]]
                needed = node[keys["min psus needed"]]
                capacities = sorted((_watts(p) for p in psus if isinstance(p, dict)), reverse=True) \
                    if isinstance(psus, list) else []
                total += sum(capacities[:needed] if isinstance(needed, int) else [])
            else:
                pending.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            pending.extend(node)
    return total


def _watts(psu: dict) -> float:
    value = psu.get("PowerCapacityWatts", 0)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


@check(emits=(NameplatePowerMissing, NameplatePowerUnreadable))
def check_nameplate_power(ctx):
    spec = ctx.rules.data.get("nameplate_power")
    if not spec:
        return
    # What the summary table writes when the design power is not known (results.py formats
    # None): every result but a power result whose system states it.
    ctx.metrics["design_power_watts"] = None
    if not ctx.isdir(ctx.in_result("performance", "power")):
        return
    data = ctx.system_info.data or {}
    if spec["capacity_field"] in data:
        ctx.metrics["design_power_watts"] = data[spec["capacity_field"]]
        return
    rel = f"{ctx.submitter_dir}/{spec['file'].format(system=ctx.system)}"
    if not ctx.exists(rel):
        yield NameplatePowerMissing.at(rel, expected=f"{spec['capacity_field']} or {rel}")
        return
    try:
        tree = parse_user_yaml(read_text(ctx.abs(rel)), rel)
    except (ParseError, UserFileError) as err:
        yield NameplatePowerUnreadable.at(rel, found=getattr(err, "reason", str(err)))
        return
    if tree is None:  # an empty file, which the official loader reads as none
        yield NameplatePowerUnreadable.at(rel, found="the file holds nothing")
        return
    ctx.metrics["design_power_watts"] = design_power(tree)
