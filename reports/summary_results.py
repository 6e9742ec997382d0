"""summary_results.json, the published results file of an inference round.

MLCommons makes it from the checker's summary.csv with tools/submission/generate_final_report.py
(mlcommons/inference; v5.1 was published with the script of 2025-08-06, 8c3c1e26), and the
results site of inference_results_visualization_template reads it. This module does what that
script does, in the same order, so that each entry is the published one field by field:

- columns renamed (Organization -> Submitter, Division -> Category, SystemType -> Suite, ...),
  "on-premise" availability read as "available", an accelerator "-" as none, a# an integer and
  0 as none, p# the host processors per node;
- Details and Code link into the round's results repository; "Unique ID (e.g. for Audit)" is
  suite/category/submitter/platform (and the model, in the open division); ColorKey is the
  availability and the submitter joined;
- IDs `<version>-NNNN`, one per unique ID, numbered in the order of (category, availability,
  submitter, unique ID) after those an ids file already holds, which is then updated;
- the entries of each category x suite table (the scenarios that suite publishes for the
  model: the pack's `publication.scenarios`) and of its power table, sorted by ID, model,
  scenario and units, duplicates dropped, and a power row merged into its performance row
  (Power_Result / Power_Units beside Performance_Result / Performance_Units).

What differs from round to round is data, the pack's `publication` table, each checked against
the script that published the round (tests/test_official_files.py): from v3.0 the spreadsheet
(its tables, sheet names, link columns, results repository and branch), from v5.0, the first
round whose script wrote it, summary_results.json (`publication.summary_results: false` before).

Types and spellings are those of the published file: text stays text (host_processor_core_count
too, which a whole round's CSV always holds as text), counts are integers, Result a number with
at most 10 decimals, and what pandas reads as missing ("N/A", "None", "") is "".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from infercheck.checker.core.outputs import atomic_path
from infercheck.checker.core.packs import RulePackError
from infercheck.checker.core.user_files import UserFileError
from infercheck.checker.inference.rules import load_rules

from .ids import read_official_ids

__all__ = ["IdsFileError", "PublishedResults", "Sheet", "link_columns", "publication",
           "published_files", "published_key", "published_table", "read_ids",
           "save_summary_results", "sheets", "split_key", "summary_results", "write_ids",
           "write_summary_results", "writes_summary_results"]

RENAMES = {
    "Organization": "Submitter", "Division": "Category", "SystemType": "Suite",
    "SystemName": "System", "number_of_nodes": "Nodes", "host_processor_model_name": "Processor",
    "accelerator_model_name": "Accelerator", "accelerators_per_node": "a#", "notes": "Notes",
    "framework": "Software", "Model": "UsedModel", "MlperfModel": "Model",
}
POWER_UNITS = ("Watts", "millijoules", "millijoules/Stream")
SUITES = ("datacenter", "edge")  # generate_final_report.py's, unless the pack names its own
# The suites whose packs say how MLCommons publishes a round (Mobile's results page is the app's).
PUBLISHED_SUITES = ("inference", "automotive")
CATEGORIES = ("closed", "open", "network")


@dataclass
class Sheet:
    """One table of the published spreadsheet, with the rows it shows."""

    name: str  # "datacenter - closed", "datacenter - closed - power"
    category: str
    rows: list[dict]


@dataclass
class PublishedResults:
    entries: list[dict] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)  # the spreadsheet's tables, of the same rows
    ids: dict[str, int] = field(default_factory=dict)  # unique ID -> number, for the ids file
    unlisted: list[str] = field(default_factory=list)  # results no table of the round shows


def _int_or_text(value: str):
    text = value.strip()
    return int(text) if text.lstrip("-").isdigit() else value


# The cells pandas.read_csv reads as missing by default, which the official script then
# writes as "" (fillna): an accelerator "N/A" is published as none.
PANDAS_NA = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
                       "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a",
                       "nan", "null"})


def _number(value: str):
    try:
        # DataFrame.to_json writes 10 decimals (double_precision=10): 9011.066666666662 is
        # published as 9011.0666666667.
        return round(float(value), 10)
    except ValueError:
        return value


def _typed(row: dict[str, str], pub: dict) -> dict:
    """A summary.csv row as the official script holds it after reading the CSV: the columns
    the published round's CSV had (`publication.dropped_columns` are those ours adds), renamed
    (`publication.renames` adds to RENAMES), typed, a scenario named as the script names it
    (`publication.scenario_names`, by its lower-case spelling)."""
    out: dict = {}
    renames = {**RENAMES, **(pub.get("renames") or {})}
    dropped = set(pub.get("dropped_columns") or ())
    integers = set(pub.get("integer_columns") or ())
    for column, value in row.items():
        if column in dropped:
            continue
        value = "" if value is None or value in PANDAS_NA else value
        name = renames.get(column, column)
        if name in ("Nodes", "host_processors_per_node", "compliance", "errors", "inferred",
                    "Total Accelerators") or name in integers:
            out[name] = _int_or_text(value)
        elif name == "has_power":
            out[name] = value.strip().lower() == "true"
        elif name == "Result":
            out[name] = _number(value)
        else:
            out[name] = value
    if out.get("host_processor_core_count") == "2 (big); 4 (LITTLE)":
        out["host_processor_core_count"] = 2  # the official script's own fix of one phone
    if out.get("Availability") == "on-premise":
        out["Availability"] = "available"
    if out.get("Accelerator") == "-":
        out["Accelerator"] = ""
    count = out.get("a#", "")
    count = int(count) if isinstance(count, str) and count.isnumeric() else count
    out["a#"] = "" if count == 0 else count
    # (the official script stops on a count that is not a number; it is kept as written here)
    out["p#"] = out.get("host_processors_per_node", "")
    names = pub.get("scenario_names") or {}
    if "Scenario" in out:
        out["Scenario"] = names.get(str(out["Scenario"]).lower(), out["Scenario"])
    if pub.get("location_prefix") and "Location" in out:
        out["Location"] = pub["location_prefix"] + out["Location"]
    return out


def published_table(rows: Iterable[dict[str, str]], round_name: str,
                    ids: dict[str, int] | None = None, *, owner: str = "mlcommons",
                    repository: str | None = None, branch: str | None = None,
                    pub: dict | None = None) -> tuple[list[dict], dict[str, int]]:
    """The rows as the official script holds them before it makes its tables: renamed, typed,
    with their links (`publication.link_columns`: the v3.0 script made no Code link), unique
    ID, colour key and ID, in its order; and the updated ids. `pub`: the round's `publication`
    table (by default its pack's)."""
    pub = publication(round_name) if pub is None else pub
    bare = split_key(round_name)[1]
    version = bare.lstrip("v")
    repository = repository or pub.get("repository") or f"inference_results_{bare}"
    branch = branch or pub.get("branch") or "main"
    base = f"https://github.com/{owner}/{repository}/tree/{branch}"
    code = pub.get("code_folder") or "code"
    links = link_columns(pub)
    table = []
    for row in rows:
        r = _typed(row, pub)
        r["Details"] = "/".join([base, r["Category"], r["Submitter"], "results", r["Platform"]])
        if "Code" in links:
            r["Code"] = "/".join([base, r["Category"], r["Submitter"], code])
        key = [r["Suite"], r["Category"], r["Submitter"], r["Platform"]]
        if r["Category"] == "open":
            key.append(r["UsedModel"])
        r["Unique ID (e.g. for Audit)"] = "/".join(key)
        r["ColorKey"] = r["Availability"] + r["Submitter"]
        table.append(r)
    table.sort(key=lambda r: (r["Category"], r["Availability"], r["Submitter"],
                              r["Unique ID (e.g. for Audit)"]))
    known = dict(ids or {})
    top = max(known.values(), default=0)
    for r in table:
        unique = r["Unique ID (e.g. for Audit)"]
        if unique not in known:
            top += 1
            known[unique] = top
        r["ID"] = f"{version}-{known[unique]:04}"
    return table, known


SHEET_NAMES = {"performance": "{suite} - {category}", "power": "{suite} - {category} - power"}


def link_columns(pub: dict) -> list[str]:
    """The spreadsheet's link columns of a round (`publication.link_columns`)."""
    links = pub.get("link_columns")
    return list(links) if links is not None else ["Details", "Code"]


def writes_summary_results(pub: dict) -> bool:
    """Whether the round's script wrote summary_results.json (`publication.summary_results`:
    from v5.0; the earlier scripts wrote the spreadsheet only)."""
    return pub.get("summary_results", True) is not False


def sheets(table: list[dict], scenarios: dict[str, dict[str, list[str]]],
           unlisted_shown: bool = False, names: dict[str, str] | None = None,
           suites: Iterable[str] = SUITES) -> list[Sheet]:
    """The tables of the published spreadsheet, in its order: per category and suite, the
    results of the scenarios that suite shows for the model, and the power table of those with
    power (their performance rows too). A sheet with no row is not made. `unlisted_shown`: a
    model the suite does not list is shown in every scenario (the v6 script's default; the
    earlier scripts stop on it with a KeyError, and it is left out here). `names`: the sheet
    names' formats (`publication.sheet_names`; v3.0 named them "closed,datacenter"). `suites`:
    the system types the script makes tables of (`publication.suites`; Automotive's adas)."""
    names = {**SHEET_NAMES, **(names or {})}
    out = []
    for category in CATEGORIES:
        for suite in suites:
            shown = scenarios.get(suite, {})
            listed = [r for r in table if r["Category"] == category and suite in r["Suite"]
                      and (r["Scenario"] in shown[r["Model"]] if r["Model"] in shown
                           else unlisted_shown)]
            perf = [r for r in listed if r["Units"] not in POWER_UNITS]
            power = [r for r in listed if r["has_power"] is True]
            out += [Sheet(names[kind].format(suite=suite, category=category), category, chosen)
                    for kind, chosen in (("performance", perf), ("power", power)) if chosen]
    return out


def summary_results(rows: Iterable[dict[str, str]], round_name: str,
                    scenarios: dict[str, dict[str, list[str]]], ids: dict[str, int] | None = None,
                    pub: dict | None = None, **links) -> PublishedResults:
    """The published entries of a round's summary.csv `rows` (the official columns).

    `scenarios`: per suite, the scenarios its table shows for each model (the pack's
    `publication.scenarios`); `ids`: the ids file's mapping, left unchanged (the result holds
    the updated one); `pub`: the rest of the round's `publication` table (by default its
    pack's); `links`: owner, repository and branch of the results repository.
    """
    pub = publication(round_name) if pub is None else pub
    table, known = published_table(rows, round_name, ids, pub=pub, **links)
    tables = sheets(table, scenarios, pub.get("unlisted_models") == "shown",
                    pub.get("sheet_names"), pub.get("suites") or SUITES)
    out = PublishedResults(sheets=tables, ids=known)
    entries = [dict(r) for sheet in tables for r in sheet.rows]
    shown = {id(r) for sheet in tables for r in sheet.rows}
    out.unlisted = sorted({r["Location"] for r in table if id(r) not in shown})
    entries = [{"ID": e.pop("ID"), **e} for e in entries]
    # Successive stable sorts, as the official script makes them: by ID, then model, scenario
    # and units.
    entries.sort(key=lambda e: (e["ID"], e["UsedModel"], e["Scenario"], e["Units"]))
    unique = []
    for e in entries:
        if unique and all(unique[-1][k] == e[k] for k in ("ID", "UsedModel", "Scenario", "Units")):
            continue  # the same row in two tables (a power system's performance row, or a
            # datacenter,edge system in both suites)
        unique.append(e)
    merged: list[dict] = []
    for e in unique:
        prev = merged[-1] if merged else None
        if prev is not None and "Result" in prev and all(
                prev[k] == e[k] for k in ("ID", "UsedModel", "Scenario")):
            result = {k: v for k, v in prev.items() if k not in ("Result", "Units")}
            # the keys in the official order: the other row's first
            if _is_power(prev["Units"]):
                result.update(Performance_Result=e["Result"], Performance_Units=e["Units"],
                              Power_Result=prev["Result"], Power_Units=prev["Units"])
            else:
                result.update(Power_Result=e["Result"], Power_Units=e["Units"],
                              Performance_Result=prev["Result"], Performance_Units=prev["Units"])
            merged[-1] = result
            continue
        merged.append(e)
    for e in merged:
        if e.get("Result"):  # as the official script: a result of 0 keeps its Result key
            result, units = e.pop("Result"), e.pop("Units")
            e["Performance_Result"], e["Performance_Units"] = result, units
    out.entries = merged
    return out


def _is_power(units: str) -> bool:
    return "Watts" in units or "joules" in units


class IdsFileError(ValueError):
    """An ids file that is not one generate_final_report.py writes."""


def read_ids(path: str | None) -> dict[str, int]:
    """The official ids.json: unique ID -> number (none when the file does not exist yet),
    read bounded (ids.read_official_ids): its size, nesting and numbers."""
    try:
        return read_official_ids(path)
    except UserFileError as exc:
        raise IdsFileError(str(exc)) from None


def published_key(suite: str, round_name: str) -> str:
    """The name a round is published under here: an inference round's own ("v5.1"), another
    suite's with the suite ("automotive v0.5"), as rounds of different suites share names."""
    return round_name if suite == "inference" else f"{suite} {round_name}"


def split_key(key: str) -> tuple[str, str]:
    """(suite, round) of a published_key."""
    suite, _, round_name = key.rpartition(" ")
    return suite or "inference", round_name


def publication(round_name: str) -> dict:
    """The pack's `publication` table of a round (a published_key; empty when it has none, or
    when no pack knows the round: a table may name any round)."""
    suite, bare = split_key(round_name)
    if suite not in PUBLISHED_SUITES:  # a table's text, never a module path to import
        return {}
    try:
        return load_rules(bare, suite).data.get("publication") or {}
    except RulePackError:
        return {}


def published_files(rows: list[dict[str, str]], round_name: str, ids_path: str | None = None,
                    pub: dict | None = None) -> PublishedResults | None:
    """What the round's script publishes of `rows` (its spreadsheet's tables, and the entries of
    summary_results.json where it wrote one), with the IDs of the ids file at `ids_path` (kept:
    a rebuild numbers a result as before); None when the pack says nothing of the round. `pub`:
    the round's `publication` table (by default its pack's)."""
    pub = publication(round_name) if pub is None else pub
    scenarios = pub.get("scenarios")
    if not scenarios:
        return None
    return summary_results(rows, round_name, scenarios, read_ids(ids_path), pub)


def write_ids(published: PublishedResults, ids_path: str) -> None:
    with atomic_path(ids_path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write(json.dumps(published.ids, indent=4))


def write_summary_results(rows: list[dict[str, str]], round_name: str, path: str,
                          ids_path: str | None = None) -> PublishedResults | None:
    """Write summary_results.json of one round (and update its ids file); None when the round's
    pack does not say what it publishes, or when its script wrote no summary_results.json
    (`publication.summary_results: false`, up to v4.1: such a round publishes its spreadsheet
    only)."""
    pub = publication(round_name)
    published = published_files(rows, round_name, ids_path, pub) \
        if writes_summary_results(pub) else None
    if published is not None:
        save_summary_results(published, path, ids_path)
    return published


def save_summary_results(published: PublishedResults, path: str, ids_path: str | None) -> None:
    """summary_results.json of what a round publishes, and its ids file."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write(json.dumps(published.entries, indent=2))  # the official file: no final newline
    if ids_path:
        write_ids(published, ids_path)
