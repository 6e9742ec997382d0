"""The device's system description: present, JSON, its fields and its category."""

from __future__ import annotations

import os

from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.registry import check
from infercheck.checker.core.textfile import ParseError, read_text
from infercheck.checker.core.tree_rules import PARSE_RULES, finding_for_parse_error
from infercheck.checker.mobile.naming import NameMatch, match_device, named_in_readme
from infercheck.checker.mobile.rules import folder_key
from infercheck.checker.mobile.system import read_system


class SystemMissing(Rule):
    """A device has no system description.

    What it checks:
        Each device folder has its description in `systems/`: `<device>.json` in any case or
        punctuation, the file of the device without a variant suffix (`SDCX8G3_AC` and
        `SDCX8G3_DC`, one laptop on and off the charger, share one file), a name with the same
        characters transposed, the one file whose device or SoC is the one the app's export
        names, or the one file a README line names together with the device folder; the one
        file in `systems/` when results have no device level.

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
        Python's json takes it; failing that, its `"key": "value"` pairs one by one) to fill the
        results table.

    Example:
        found: Expecting property name enclosed in double quotes: line 9 column 9 (a trailing comma)

    How to fix:
        Remove trailing commas, quote every key and text value, name each key once.

    Rounds:
        All; every Qualcomm file of v4.1 and v5.0 has trailing commas, which
        `--profile published` tolerates; v2.1's SD7G1_Oppo_Reno_8_Pro.json names CPU_Type_2
        twice; v3.0's SD8CXG3.json lacks a comma and has text outside quotes (its pairs are
        read one by one).

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


class SystemNameDiffers(Rule):
    """A device's system description was found under another name than the device folder's.

    What it checks:
        The description matched to a device folder is named like it (`systems/<device>.json`,
        any case). When it was matched otherwise (as a variant, by transposed characters, by the
        export's device fields, by a README line), this warning says which file and how, so
        that a reviewer can confirm the pairing.

    Why it matters:
        The results table takes the device, SoC and software from the description; a wrong
        pairing would describe another device.

    Example:
        found: systems/SD8CXG3.json for device folder SDCX8G3_AC (the same letters and digits in
        another order)

    How to fix:
        Name the description like the device folder, or the device folders like it.

    Rounds:
        All (a warning: published rounds pair this way).

    Source:
        mobile_open rules, "<system_desc_id>.json metadata"; infercheck.
    """

    code = "MOB030"
    name = "system-name-differs"
    severity = Severity.WARNING
    tags = ("mobile", "system")
    message = "device {device!r} is described by {found} ({how})"


def _named_by_export(dev) -> NameMatch | None:
    """The one description whose device or SoC is the one the export names."""
    device = dev.export.device if dev.export else {}
    wanted = {folder_key(v) for v in (device.get("model"), device.get("soc")) if v}
    wanted.discard("")
    if not wanted:
        return None
    hits = []
    for stem, path in dev.systems.items():
        try:
            named = read_system(path).named
        except ParseError:
            continue
        keys = {folder_key(named[k]) for k in ("device", "processor") if named.get(k)}
        if any(w in k for w in wanted for k in keys if k):
            hits.append(stem)
    return NameMatch(hits[0], "export") if len(hits) == 1 else None


def _readmes(dev) -> list[str]:
    """The README texts of the device folder, results/, the submitter folder and systems/."""
    texts = []
    for folder in (dev.tree.path, os.path.join(dev.sub_path, "results"), dev.sub_path,
                   os.path.join(dev.sub_path, "systems")):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            path = os.path.join(folder, name)
            if name.lower().startswith("readme") and os.path.isfile(path):
                try:
                    texts.append(read_text(path))
                except ParseError:
                    continue
    return texts


class UnknownCategory(Rule):
    """The system description gives a category that Mobile does not have.

    What it checks:
        A `status` / `category` field, if present, names a Mobile category: Available or R&D
        SoC, in any case, word order or spacing ("SOC R&D", "r & d soc"), by one of the words
        the rule pack lists for it ("commercial", "research", "rdi"), or by a text holding only
        such words ("Research, Development or Internal (RDI)").

    Why it matters:
        R&D SoC results must be resubmitted as Available later; readers filter on it.

    Example:
        found: preview (expected Available or R&D SoC)

    How to fix:
        Use "available" or "rdi".

    Rounds:
        All; categories and `category_aliases` in the rule pack. `--profile published`
        tolerates it (the result is listed as Available): a published result is never dropped
        for how its category was written.

    Source:
        mobile_open rules, "Submission Categories".
    """

    code = "MOB023"
    name = "unknown-category"
    tags = ("mobile", "system")
    message = "category {found!r} is not a Mobile category ({expected})"
    published_tolerated = True


class CategorySpelling(Rule):
    """The category is written otherwise than the rules write it, and was read as one.

    What it checks:
        A `status` / `category` field that names a category (see MOB023) names it as the rules
        do: its short name (available, rdi) or its title (Available, R&D SoC), in any case.

    Why it matters:
        Tools that compare the field as text (the results table's filters, a spreadsheet)
        count "research", "SOC R&D" and "R&D SoC" as three categories.

    Example:
        found: research, expected: rdi (R&D SoC)

    How to fix:
        Write the category's short name.

    Rounds:
        All (a warning).

    Source:
        mobile_open rules, "Submission Categories"; infercheck.
    """

    code = "MOB031"
    name = "category-spelling"
    severity = Severity.WARNING
    tags = ("mobile", "system")
    message = "category written {found!r}, read as {expected}"


@check(emits=(*PARSE_RULES, SystemMissing, SystemNameDiffers, SystemNotJson, SystemFieldMissing,
              UnknownCategory, CategorySpelling))
def check_system_description(dev):
    """Read the device's system description into dev.system and its category into dev.category."""
    match = (match_device(dev.tree.name, dev.systems) or _named_by_export(dev)
             or named_in_readme(dev.tree.name, dev.systems, _readmes(dev)))
    if match is None:
        yield SystemMissing.at(dev.rel(os.path.join(dev.sub_path, "systems", dev.tree.name + ".json")),
                               expected=f"systems/{dev.tree.name}.json", device=dev.tree.name)
        return
    path = dev.systems[match.name]
    if not match.exact:
        yield SystemNameDiffers.at(dev.rel(path), device=dev.tree.name,
                                   found=f"systems/{os.path.basename(path)}", how=match.says())
    try:
        desc = read_system(path)
    except ParseError as exc:
        yield finding_for_parse_error(exc, dev.rel(path))
        return
    dev.system = desc
    if desc.strict_error:
        lenient = ("read leniently (trailing commas removed, a key named twice at its last value)"
                   if desc.lenient else
                   'read leniently (its "key": "value" pairs one by one)' if desc.pairs_only else None)
        yield SystemNotJson.at(dev.rel(path), found=desc.strict_error,
                               detail=lenient)
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
        elif not dev.rules.category_as_written(status):
            yield CategorySpelling.at(dev.rel(path), found=status,
                                      expected=f"{dev.category} ({dev.rules.categories[dev.category]})")
