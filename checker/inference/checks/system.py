"""The system description JSON (`systems/<system>.json`): fields, values, and agreement with folders."""

from __future__ import annotations

import os

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match

from infercheck.checker.core.coerce import is_true
from infercheck.checker.core.findings import Finding, Rule, Severity
from infercheck.checker.core.formulas import formula_like
from infercheck.checker.core.registry import check
from infercheck.checker.core.textfile import ParseError, read_json
from infercheck.checker.core.tree_rules import PARSE_RULES, finding_for_parse_error
from infercheck.checker.inference.context import SystemInfo
from infercheck.schemas import load_schema

NETWORK_FIELDS = (
    "is_network", "network_type", "network_media", "network_rate", "nic_loadgen",
    "number_nic_loadgen", "net_software_stack_loadgen", "network_protocol", "number_connections",
    "nic_sut", "number_nic_sut", "net_software_stack_sut", "network_topology",
)


class MissingField(Rule):
    """The system description lacks a field the round requires.

    What it checks:
        `systems/<system>.json` has every field of the round's schema (17 in v0.5, which has no
        system_type; 16 and system_type in v0.7, 33 from v1.0, 35 from v3.1; 13 more in the
        network division).

    Why it matters:
        The results table and reviewers read these fields; a missing one leaves a hole in the
        published table.

    Example:
        locator: $, expected: host_processor_model_name, found: (absent)

    How to fix:
        Add the field; if it does not apply, write "N/A" (from v3.1 some fields must say more).

    Rounds:
        All; schemas/system_desc_v05.schema.json (v0.5), system_desc_v07 (v0.7),
        system_desc_v1 (v1.0-v3.0), system_desc_v31 (v3.1 onwards).

    Source:
        Official checker: "field ... is missing".
    """

    code = "SYS001"
    name = "missing-field"
    severity = Severity.ERROR
    tags = ("system",)
    message = "required field {expected!r} is missing"


class InvalidFieldValue(Rule):
    """A system description field has a value of the wrong type or outside its allowed set.

    What it checks:
        `status` is available, preview or rdi; `system_type` is datacenter, edge or both;
        counts are numbers or numeric strings; text fields are text.

    Why it matters:
        The availability category and system type decide which rules apply and where the
        result is published.

    Example:
        locator: $.status, expected: available|preview|rdi, found: "released"

    How to fix:
        Use one of the allowed values.

    Rounds:
        All.

    Source:
        Official checker: "has invalid status", "has invalid system type".
    """

    code = "SYS002"
    name = "invalid-field-value"
    severity = Severity.ERROR
    tags = ("system",)
    message = "field {locator} has an invalid value {found!r} (expected {expected})"


class UnknownField(Rule):
    """The system description has a field the round does not define.

    What it checks:
        Fields outside the round's schema (required, power and network fields).

    Why it matters:
        Usually a typo of a required field, whose real value is then missing.

    Example:
        found: host_procesor_model_name

    How to fix:
        Fix the spelling, or remove the field.

    Rounds:
        All.

    Source:
        Official checker: "field ... is unknown" (a warning there too).
    """

    code = "SYS003"
    name = "unknown-field"
    severity = Severity.WARNING
    tags = ("system",)
    message = "field {found!r} is not a field of round {round}"


class EmptyField(Rule):
    """A field that needs a meaningful answer is empty.

    What it checks:
        From v3.1, 26 fields (processor, memory, accelerator, framework, ...) must be non-empty.

    Why it matters:
        Readers compare systems by these fields.

    Example:
        locator: $.host_memory_configuration, found: ""

    How to fix:
        Describe the hardware or software; "N/A" where it truly does not apply.

    Rounds:
        v3.1 onwards (`system.nonempty_fields` in the rule pack).

    Source:
        Official checker: "is missing meaningful value".
    """

    code = "SYS004"
    name = "empty-field"
    severity = Severity.ERROR
    tags = ("system",)
    message = "field {locator} must not be empty"


class SubmitterMismatch(Rule):
    """The `submitter` field differs from the submitter's folder name.

    What it checks:
        `submitter` equals the folder `<division>/<submitter>` (case-insensitive).

    Why it matters:
        Results are credited to the folder's organisation.

    Example:
        expected: Acme, found: ACME Corp

    How to fix:
        Make the field and the folder name the same.

    Rounds:
        All.

    Source:
        Official checker: "has submitter ..., directory has ...".
    """

    code = "SYS005"
    name = "submitter-mismatch"
    severity = Severity.ERROR
    tags = ("system",)
    message = "submitter is {found!r}, the folder says {expected!r}"


class DivisionMismatch(Rule):
    """The `division` field differs from the division folder.

    What it checks:
        `division` equals the top folder (`closed`, `open`, `network`).

    Why it matters:
        The division decides the rules; a closed system described as open (or the reverse)
        hides which rules the submitter meant to follow.

    Example:
        expected: closed, found: open

    How to fix:
        Fix the field, or move the system to the right division.

    Rounds:
        All.

    Source:
        Official checker: "has division ..., division has ...".
    """

    code = "SYS006"
    name = "division-mismatch"
    severity = Severity.ERROR
    tags = ("system",)
    message = "division is {found!r}, the folder says {expected!r}"


class NetworkModeMismatch(Rule):
    """`is_network` does not match the division.

    What it checks:
        `is_network` is true for the network division and false (or absent) for closed.

    Why it matters:
        Network results are measured over a network link and are not comparable with local
        ones.

    Example:
        expected: true (network division), found: "false"

    How to fix:
        Set `is_network`, or move the system to the right division.

    Rounds:
        v2.1 onwards.

    Source:
        Official checker: "incorrect network mode"; infercheck reads the string "false" as false,
        which the HEAD checker does not.
    """

    code = "SYS007"
    name = "network-mode-mismatch"
    severity = Severity.ERROR
    tags = ("system", "network")
    message = "is_network is {found}, the {division} division needs {expected}"


class NetworkSutName(Rule):
    """A network-division run was not made by a SUT named as a network SUT.

    What it checks:
        LoadGen's `sut_name` contains "Network SUT" for network-division results.

    Why it matters:
        It shows the run went through the network harness.

    Example:
        expected: "...Network SUT...", found: "LWIS_Server"

    How to fix:
        Run through the network SUT of the reference harness.

    Rounds:
        v2.1 onwards.

    Source:
        Official checker: "invalid sut name for network mode".
    """

    code = "SYS008"
    name = "network-sut-name"
    severity = Severity.ERROR
    tags = ("system", "network")
    message = "sut_name {found!r} does not contain {expected!r}"


class FormulaText(Rule):
    """A text field of the system description would be a formula in a spreadsheet.

    What it checks:
        No text value starts with `=`, `+`, `-`, `@`, a tab or a carriage return, the characters
        that make Excel, LibreOffice and Google Sheets read a cell as a formula (a lone "-",
        published as "none", and numbers are fine), and no line of it does after a line break
        (`\\n`, `\\r`, or the others str.splitlines knows: `\\v`, `\\f`, `\\x1c`-`\\x1e`, `\\x85`,
        U+2028, U+2029): a reader that splits the text there starts a cell with that line.

    Why it matters:
        The results are published as spreadsheets and CSV that readers open; a system name such
        as `=cmd|" /C calc"!A0` runs on their machines ("CSV injection"). infercheck writes
        such text as text in its own XLSX and quotes it in the site's CSV, but the official
        summary.csv carries it as is.

    Example:
        found: '=HYPERLINK("http://example.com", "details")', locator: $.system_name

    How to fix:
        Start the text with a letter or a digit.

    Rounds:
        All.

    Source:
        infercheck (OWASP, "CSV Injection").
    """

    code = "SYS009"
    name = "formula-like-text"
    severity = Severity.WARNING
    tags = ("system", "safety")
    message = "text would be a formula in a spreadsheet: {found!r}"


class PlaceholderValue(Rule):
    """A system description field still holds a "fill this in" placeholder.

    What it checks:
        No text value of `systems/<system>.json` contains one of the round's placeholder texts
        (`system.placeholders.texts` in the rule pack; by default the reference runner's
        "unknown (not detected; please fill in)", written where the machine could not tell).

    Why it matters:
        The field is there and not empty, so the other checks pass, but it describes nothing:
        the published table would say "please fill in" where readers compare systems.

    Example:
        locator: $.cooling, found: "unknown (not detected; please fill in)"

    How to fix:
        Write the real value, or give it to the runner: `infercheck run --system-field
        cooling=air` (repeatable) or `--system-json FILE`.

    Rounds:
        All: an error in every real round; a warning in the demo round (`system.placeholders.
        severity` in its pack), whose runner-made tree `check` then accepts.

    Source:
        infercheck (the official checker accepts any non-empty text).
    """

    code = "SYS010"
    name = "placeholder-value"
    severity = Severity.ERROR
    tags = ("system",)
    message = "field {locator} still holds the placeholder {found!r}"


def placeholder_settings(rules) -> tuple[list[str], Severity]:
    """The round's placeholder texts (the first is the one the runner writes) and the severity
    of a field that holds one: the pack's `system.placeholders` (v0.5 onwards, demo a warning)."""
    given = (rules.system or {}).get("placeholders") or {"texts": [], "severity": "error"}
    return list(given["texts"]), Severity(given["severity"])


def _placeholder_findings(data: dict, rel: str, rules) -> list[Finding]:
    texts, severity = placeholder_settings(rules)
    lowered = [t.lower() for t in texts]
    return [PlaceholderValue.at(rel, found=value, locator=f"$.{key}", severity=severity)
            for key, value in data.items()
            if isinstance(value, str) and any(t in value.lower() for t in lowered)]


def _formula_findings(data, rel: str) -> list[Finding]:
    out = []
    pending = [("$", data)]  # a stack, not recursion: the JSON may be nested as deep as it parses
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            if formula_like(value):
                out.append(FormulaText.at(rel, found=value, locator=where))
        elif isinstance(value, dict):
            pending.extend((f"{where}.{k}", v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            pending.extend((f"{where}[{i}]", v) for i, v in reversed(list(enumerate(value))))
    return out


_SCHEMA_RULES = {
    "required": MissingField,
    "additionalProperties": UnknownField,
    "minLength": EmptyField,
}


def _schema_findings(data, path: str, schema_name: str, round_name: str) -> list[Finding]:
    validator = Draft202012Validator(load_schema(schema_name), format_checker=FormatChecker())
    out: list[Finding] = []
    for error in validator.iter_errors(data):
        if error.context:
            error = best_match(error.context)
        rule = _SCHEMA_RULES.get(error.validator, InvalidFieldValue)
        if rule is MissingField:
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            out.append(MissingField.at(path, expected=missing, locator=error.json_path))
        elif rule is UnknownField:
            known = set(error.schema.get("properties", {}))
            for key in sorted(set(error.instance) - known):
                out.append(UnknownField.at(path, found=key, locator=f"$.{key}", round=round_name))
        else:
            out.append(rule.at(path, expected=error.validator_value, found=error.instance,
                               locator=error.json_path))
    return out


def load_system(root: str, division: str, submitter: str, system: str, rules) -> SystemInfo:
    """Read and check one system description; its findings go to every result of the system."""
    rel = f"{division}/{submitter}/systems/{system}.json"
    warnings: list[ParseError] = []
    try:
        data = read_json(os.path.join(root, *rel.split("/")), warnings)
    except ParseError as err:
        return SystemInfo(rel, None, [finding_for_parse_error(err, rel)])
    odd = [finding_for_parse_error(w, rel) for w in warnings]
    if not isinstance(data, dict):
        return SystemInfo(rel, None, [*odd, InvalidFieldValue.at(
            rel, expected="a JSON object", found=type(data).__name__, locator="$")])
    sysrules = rules.system
    findings = odd + _schema_findings(data, rel, sysrules["schema"], rules.round)
    findings += _formula_findings(data, rel)
    findings += _placeholder_findings(data, rel, rules)
    for key in sysrules.get("nonempty_fields", []):
        value = data.get(key)
        if key in data and (value is None or (isinstance(value, str) and not value.strip())):
            findings.append(EmptyField.at(rel, found=value, locator=f"$.{key}"))
    got = data.get("submitter")
    if isinstance(got, str) and got.lower() != submitter.lower():
        findings.append(SubmitterMismatch.at(rel, expected=submitter, found=got, locator="$.submitter"))
    got = data.get("division")
    if isinstance(got, str) and got != division:
        findings.append(DivisionMismatch.at(rel, expected=division, found=got, locator="$.division"))
    is_network = is_true(data.get("is_network"))
    if division in ("network", "closed") and is_network != (division == "network"):
        findings.append(NetworkModeMismatch.at(
            rel, expected=division == "network", found=data.get("is_network"),
            locator="$.is_network", division=division))
    if is_network:
        for key in NETWORK_FIELDS:
            if key not in data:
                findings.append(MissingField.at(rel, expected=key, locator="$"))
    return SystemInfo(rel, data, findings)


@check(emits=(MissingField, InvalidFieldValue, UnknownField, EmptyField, SubmitterMismatch,
              DivisionMismatch, NetworkModeMismatch, NetworkSutName, FormulaText,
              PlaceholderValue, *PARSE_RULES))  # a description that cannot be read, any way
def check_system_description(ctx):
    """The system's findings belong to each of its results; plus the network SUT name."""
    yield from ctx.system_info.findings
    data = ctx.system_info.data or {}
    if is_true(data.get("is_network")):
        log = ctx.perf_log()
        wanted = ctx.rules.system.get("network_sut_substring")  # rounds with a network division
        sut = log.get("sut_name") if log else None
        if wanted and log is not None and (not isinstance(sut, str) or wanted not in sut):
            yield NetworkSutName.at(ctx.perf_log_path, expected=wanted, found=sut, locator="sut_name")
