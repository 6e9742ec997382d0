"""The device's system description: present, JSON, its fields and its category."""

from __future__ import annotations

import os

from infercheck.checker.core.findings import Rule
from infercheck.checker.core.registry import check
from infercheck.checker.core.textfile import ParseError
from infercheck.checker.core.tree_rules import PARSE_RULES, finding_for_parse_error
from infercheck.checker.mobile.system import read_system


class SystemMissing(Rule):
    """A device has no system description.

    What it checks:
        `systems/<device>.json` exists for each device folder (any case), or the one file in
        `systems/` when results have no device level.

    Why it matters:
        The device, SoC and software stack in the results table come from it.

    Example:
        expected: closed/Acme/systems/PhoneX.json, found: nothing

    How to fix:
        Add the description (the Mobile working group's template).

    Rounds:
        All.

    Source:
        mobile_open rules, "<system_desc_id>.json metadata".
    """

    code = "MOB020"
    name = "system-missing"
    tags = ("mobile", "system")
    message = "no system description for device {device!r}"


class SystemNotJson(Rule):
    """The system description is not valid JSON.

    What it checks:
        `systems/<device>.json` parses as strict JSON.

    Why it matters:
        Tools that read it fail (or, for a key named twice, read one of its values); infercheck
        still reads it leniently (trailing commas removed, a duplicate key at its last value, as
        Python's json takes it) to fill the results table.

    Example:
        found: Expecting property name enclosed in double quotes: line 9 column 9 (a trailing comma)

    How to fix:
        Remove trailing commas, quote every key and text value, name each key once.

    Rounds:
        All; every Qualcomm file of v4.1 and v5.0 has trailing commas, which
        `--profile published` tolerates; v2.1's SD7G1_Oppo_Reno_8_Pro.json names CPU_Type_2
        twice.

    Source:
        infercheck.
    """

    code = "MOB021"
    name = "system-not-json"
    tags = ("mobile", "system")
    message = "system description is not valid JSON: {found}"
    published_tolerated = True


class SystemFieldMissing(Rule):
    """The system description does not name the processor (SoC) or the device.

    What it checks:
        Some field names the processor / SoC ("Processor Name", "Processor_name", "SoC_ID",
        host_processor_model_name) and some field or note names the device ("System",
        "Phone summary", system_name); the Mobile template is free form, so spellings vary.

    Why it matters:
        The results table is keyed by device and SoC.

    Example:
        expected: a processor name field, found: System, DRAM, OS Version

    How to fix:
        Add "Processor Name" (and "Phone summary" under "notes").

    Rounds:
        All.

    Source:
        The Mobile working group's system description template.
    """

    code = "MOB022"
    name = "system-field-missing"
    tags = ("mobile", "system")
    message = "system description names no {expected}"


class UnknownCategory(Rule):
    """The system description gives a category that Mobile does not have.

    What it checks:
        A `status` / `category` field, if present, is a Mobile category: Available or R&D SoC
        ("research" and "rdi" mean R&D SoC).

    Why it matters:
        R&D SoC results must be resubmitted as Available later; readers filter on it.

    Example:
        found: preview (expected Available or R&D SoC)

    How to fix:
        Use "available" or "rdi".

    Rounds:
        All; categories in the rule pack.

    Source:
        mobile_open rules, "Submission Categories".
    """

    code = "MOB023"
    name = "unknown-category"
    tags = ("mobile", "system")
    message = "category {found!r} is not a Mobile category ({expected})"


@check(emits=(*PARSE_RULES, SystemMissing, SystemNotJson, SystemFieldMissing, UnknownCategory))
def check_system_description(dev):
    """Read the device's system description into dev.system and its category into dev.category."""
    by_lower = {k.lower(): v for k, v in dev.systems.items()}
    path = by_lower.get(dev.tree.name.lower())
    if path is None:
        yield SystemMissing.at(dev.rel(os.path.join(dev.sub_path, "systems", dev.tree.name + ".json")),
                               expected=f"systems/{dev.tree.name}.json", device=dev.tree.name)
        return
    try:
        desc = read_system(path)
    except ParseError as exc:
        yield finding_for_parse_error(exc, dev.rel(path))
        return
    dev.system = desc
    if desc.strict_error:
        lenient = "read leniently (trailing commas removed, a key named twice at its last value)"
        yield SystemNotJson.at(dev.rel(path), found=desc.strict_error,
                               detail=lenient if desc.lenient else None)
    if desc.data:
        for what, label in (("processor", "processor (SoC) name"), ("device", "device name")):
            if not desc.get(what):
                yield SystemFieldMissing.at(dev.rel(path), expected=label, found=sorted(desc.data))
    status = desc.get("category")
    if status is not None:
        dev.category = dev.rules.category(status)
        if dev.category is None:
            yield UnknownCategory.at(dev.rel(path), found=status,
                                     expected=", ".join(dev.rules.categories.values()))
