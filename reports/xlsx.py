"""The published spreadsheet: one sheet per suite and division, and a power twin of each
(an accuracy twin for MLPerf Mobile, whose table shows each task's accuracy)."""

from __future__ import annotations

import re

import pandas as pd

from infercheck.checker.core.xml_text import xml_text

__all__ = ["formulas_as_text", "write_xlsx", "xml_safe_frame"]

INDEX = ["id", "submitter", "availability", "system_name", "number_of_nodes",
         "host_processor_model_name", "host_processors_per_node", "accelerator_model_name",
         "accelerators_per_node", "total_accelerators", "framework", "notes"]
HEADERS = {"id": "ID", "submitter": "Submitter", "availability": "Availability",
           "system_name": "System", "number_of_nodes": "Nodes",
           "host_processor_model_name": "Processor", "host_processors_per_node": "p#",
           "accelerator_model_name": "Accelerator", "accelerators_per_node": "a#",
           "total_accelerators": "Total Accelerators", "framework": "Software", "notes": "Notes"}


# The system types with sheets of their own (Automotive's systems are adas); a system of none
# of them is on the "other" sheets rather than on none.
SYSTEM_TYPES = ("datacenter", "edge", "mobile", "adas", "other")


def _suites(system_type: str) -> list[str]:
    # A "datacenter,edge" system is published in both suites, as the official report does.
    return [s for s in SYSTEM_TYPES[:-1] if s in str(system_type)] or ["other"]


def _pivot(rows: pd.DataFrame, value: str, units: str) -> pd.DataFrame:
    # A row per system, or per system and model used where a system ran several models for one
    # benchmark (the open division): as the official open tables (UsedModel), no result hidden.
    index = list(INDEX)
    if rows.duplicated(["id", "model", "scenario", units]).any() or (rows["division"] == "open").any():
        index.insert(index.index("system_name") + 1, "benchmark")
    frame = rows[index + ["model", "scenario", units, value]].copy()
    frame[index] = frame[index].astype("string").fillna("")
    frame[value] = frame[value].astype(float)
    pivot = frame.pivot_table(index=index, columns=["model", "scenario", units], values=value,
                              aggfunc="first")
    return pivot.rename_axis(index=[HEADERS.get(c, "Model used") for c in index],
                             columns=["Benchmark", "Scenario", "Units"])


def xml_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell XML 1.0 can hold (xml_text): an XLSX is XML, and openpyxl
    raises IllegalCharacterError at a control character (which a folder name may hold) rather
    than write a file no spreadsheet opens."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: xml_text(v) if isinstance(v, str) else v)
    return out


# Characters Excel refuses in a sheet name; openpyxl raises ValueError at them.
_NOT_IN_SHEET_NAMES = re.compile(r"[\\*?:/\[\]]")


def _sheet_name(text: str) -> str:
    """A round from a results table can be any text: the name made one openpyxl accepts."""
    return _NOT_IN_SHEET_NAMES.sub("_", xml_text(text))


def write_xlsx(table: pd.DataFrame, path: str) -> list[str]:
    """Write the workbook; returns the sheet names ("edge - closed", "edge - closed - power")."""
    sheets: list[str] = []
    table = xml_safe_frame(table)
    rounds = sorted(table["round"].dropna().unique())
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for round_name, division, suite in ((r, d, s) for r in rounds
                                            for d in ("closed", "open", "network")
                                            for s in SYSTEM_TYPES):
            rows = table[(table["round"] == round_name) & (table["division"] == division)
                         & table["system_type"].map(lambda t, s=suite: s in _suites(t))]
            if rows.empty:
                continue
            # one round: the official names; several: the round first, shorter (Excel allows 31
            # characters per sheet name)
            name = (f"{suite} - {division}" if len(rounds) == 1
                    else _sheet_name(f"{round_name} {suite} {division}"))
            _pivot(rows, "value", "units").to_excel(writer, sheet_name=name)
            sheets.append(name)
            if suite == "mobile":
                # The Mobile table publishes each task's accuracy beside its speed.
                scored = rows[rows["accuracy"].notna()]
                if not scored.empty:
                    twin = f"{name} - accuracy" if len(rounds) == 1 else f"{name} acc"
                    _pivot(scored, "accuracy", "accuracy_unit").to_excel(writer, sheet_name=twin)
                    sheets.append(twin)
            power = rows[rows["has_power"] & rows["power_value"].notna()]
            if not power.empty:
                twin = f"{name} - power" if len(rounds) == 1 else f"{name} power"
                _pivot(power, "power_value", "power_units").to_excel(writer, sheet_name=twin)
                sheets.append(twin)
        formulas_as_text(writer.book)
    return sheets


def formulas_as_text(book) -> None:
    """openpyxl stores a string that starts with "=" as a formula; nothing we write is one (a
    system named `=cmd|" /C calc"!A0` would run on the reader's machine). Other text, whatever
    it starts with, is a text cell already, and numbers stay numbers."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
