"""Results tables from the report builder's inputs: submission trees, Parquet tables, summary CSVs."""

from __future__ import annotations

import csv
import json
import os
import re

import numpy as np
import pandas as pd

from infercheck.checker.core.archive import is_archive, unpacked_or_not
from infercheck.checker.core.names import readable_all
from infercheck.checker.core.outputs import (
    LATENCY_SCENARIOS,
    TABLE_TYPES,
    results_table,
    summary_rows,
)
from infercheck.checker.core.textfile import entry_kind
from infercheck.checker.inference import summary as inference_summary
from infercheck.checker.inference.rules import available_rounds, load_rules
from infercheck.checker.mobile import summary as mobile_summary
from infercheck.checker.suites import check_tree, detect_suite, suite_named

from .summary_results import published_key

__all__ = ["InputError", "load_results"]

POWER_UNITS = {"Watts", "Joules", "millijoules"}


class InputError(Exception):
    """An input that is neither a submission tree nor a results table."""


# What a table of `check --parquet` must hold: what names a result, its verdict and its value
# (tables of earlier versions lack some later columns, which are left empty).
_TABLE_COLUMNS = ("round", "result", "valid", "division", "submitter", "system", "benchmark",
                  "scenario", "value", "units")
# A result without one of these could not be placed on the site, nor given an ID.
_NAMING_COLUMNS = ("round", "result", "division", "submitter", "system", "benchmark")
# The columns of a summary.csv that name a result (its round: `version`, where it has one).
_CSV_NAMING = ("Organization", "Division", "Platform", "Model", "Location", "version")
# Every round's summary.csv has these (the rounds before v1.1 have no Units: from the rules).
_CSV_COLUMNS = {"Organization", "Availability", "Division", "SystemType", "Platform", "Model",
                "MlperfModel", "Scenario", "Result", "Accuracy", "Location", "Units"}
_MOBILE_CSV_COLUMNS = {"Organization", "Division", "Device", "SoC", "Accelerator", "Benchmark",
                       "Scenario", "Result", "Units", "Accuracy", "Location", "version"}
# How pandas and csv spell a boolean in a CSV cell; any other text is refused, not read as
# bool("False"), which is True.
_CSV_BOOLEANS = {"True": True, "False": False, "true": True, "false": False}


def _missing(path: str, columns, required, what: str) -> None:
    missing = set(required) - set(columns)
    if missing:
        raise InputError(f"{path} is not {what} (no {', '.join(sorted(missing))} column)")


def _bad_cell(path: str, column: str, row: int, value, expected: str) -> InputError:
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    return InputError(f"{path}: column {column!r}, row {row + 1}: {shown} is not {expected}")


def _no_empty_cell(path: str, frame: pd.DataFrame, columns) -> None:
    """Refuse the first row (in the file's order) that leaves a naming column empty."""
    for column in columns:
        if column not in frame.columns:
            continue
        values = frame[column]
        empty = values.isna().to_numpy() | (values.astype("string") == "").fillna(True).to_numpy()
        if empty.any():
            row = int(np.flatnonzero(empty)[0])
            raise InputError(f"{path}: column {column!r}, row {row + 1} is empty; every result "
                             f"names its {column}")


def _booleans(path: str, column: str, values: pd.Series, *, empty_is_false: bool) -> pd.Series:
    """A table's boolean column as booleans: real ones only (a string "False" is refused, where
    astype(bool) would make it True); an empty cell is False where `empty_is_false`."""
    if pd.api.types.is_bool_dtype(values.dtype) and not values.isna().any():
        return values.astype(bool)
    for row, value in enumerate(values.tolist()):
        if isinstance(value, (bool, np.bool_)):
            continue
        if empty_is_false and (value is None or value is pd.NA
                               or (isinstance(value, float) and np.isnan(value))):
            continue
        raise _bad_cell(path, column, row, value, "a boolean (Parquet's true or false)")
    return values.astype(object).where(values.notna(), False).astype(bool)


def _csv_booleans(path: str, column: str, values: pd.Series) -> pd.Series:
    for row, value in enumerate(values.tolist()):
        if value not in _CSV_BOOLEANS:
            raise _bad_cell(path, column, row, value, "True or False")
    return values.map(_CSV_BOOLEANS).astype(bool)


def _read_parquet(path: str) -> pd.DataFrame:
    """A table of `check --parquet`, its naming columns filled and its booleans real ones."""
    import pyarrow as pa  # with pandas: what reads the file

    try:
        raw = pd.read_parquet(path)
    except (OSError, ValueError, pa.ArrowException) as exc:  # not Parquet (an HTML page), cut off
        raise InputError(f"{path} cannot be read as a Parquet table: "
                         f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    _missing(path, raw.columns, _TABLE_COLUMNS, "a results table of `check --parquet`")
    _no_empty_cell(path, raw, _NAMING_COLUMNS)
    raw = raw.reset_index(drop=True)
    for column, kind in TABLE_TYPES.items():
        if kind == "bool" and column in raw.columns:
            raw[column] = _booleans(path, column, raw[column], empty_is_false=column != "valid")
    return raw


def _from_mobile_csv(path: str, raw: pd.DataFrame) -> pd.DataFrame:
    _missing(path, raw.columns, _MOBILE_CSV_COLUMNS, "a summary CSV of MLPerf Mobile")
    _no_empty_cell(path, raw, ("Organization", "Division", "Device", "Benchmark", "Location",
                               "version"))
    table = raw.rename(columns=mobile_summary.TIDY_COLUMNS)
    table["device"] = table["system"]
    table["model"] = table["benchmark"]
    table["host_processor_model_name"] = table["soc"]
    table["accelerator_model_name"] = table["accelerator"]
    table["accuracy"] = pd.to_numeric(table["accuracy_display"].str.extract(r"([\d.]+)")[0],
                                      errors="coerce")
    table["system_type"] = "mobile"
    table["suite"] = "mobile"
    table["valid"] = _csv_booleans(path, "valid", raw["valid"]) if "valid" in raw else True
    table["profile"] = "strict"
    return table


def _unreadable_because(path: str, error: Exception) -> str:
    if isinstance(error, (OSError, UnicodeError, csv.Error)):
        return str(error)
    if os.path.isfile(path) and not os.path.getsize(path):
        return "it is empty"
    return f"its rows do not fit its header ({error})"


def _round_of_header(path: str, raw: pd.DataFrame) -> str:
    """The round of a summary.csv: its version column, or the one round whose official CSV has
    exactly these columns (v0.7's has neither a version nor a Units column)."""
    versions = set(raw["version"]) - {""} if "version" in raw.columns else set()
    if len(versions) == 1:
        version = versions.pop()
        if version not in available_rounds():
            raise InputError(f"{path}: round {version} is not one infercheck knows "
                             f"({', '.join(available_rounds())})")
        return version
    header = list(raw.columns)
    matches = [r for r in available_rounds() if load_rules(r).csv_columns == header]
    if len(matches) > 1:
        # v0.5 and v0.7 wrote the same columns: a file name that names one of them decides.
        named = [r for r in matches
                 if re.search(rf"(?<![\d.]){re.escape(r)}(?![\d])", os.path.basename(path))]
        matches = named or matches
    if len(versions) > 1 or len(matches) != 1:
        raise InputError(f"{path}: the round of this summary.csv cannot be told from its columns "
                         f"(rounds that wrote them: {', '.join(matches) or 'none'}); name the "
                         "round in the file's name, as in summary-v0.7.csv")
    return matches[0]


def _with_units(path: str, raw: pd.DataFrame) -> pd.DataFrame:
    """A summary.csv of the rounds before Units had a column (v0.7, v1.0), given the units its
    round's rules state and, for v1.0's `power` column, the power rows later rounds write."""
    round_name = _round_of_header(path, raw)
    rules = load_rules(round_name)
    out = raw.assign(version=round_name)

    def unit(scenario: str, model: str) -> str:
        try:
            return rules.unit(scenario, model if model in rules.benchmarks else None)
        except KeyError:
            raise InputError(f"{path}: scenario {scenario!r} is not one of round {round_name}") from None

    out["Units"] = [unit(s, m) for s, m in zip(out["Scenario"], out["MlperfModel"], strict=True)]
    if "power" not in out.columns:
        return out
    measured = out[pd.to_numeric(out["power"], errors="coerce").fillna(0) > 0]
    power = measured.assign(Result=measured["power"],
                            Units=[rules.power_unit(s) for s in measured["Scenario"]])
    return pd.concat([out, power], ignore_index=True)


def csv_suite(raw: pd.DataFrame) -> str:
    """The suite of a summary.csv: Automotive's systems are all of the adas type, and its rounds
    share their names with Inference's (v0.5)."""
    types = set(raw["SystemType"]) if "SystemType" in raw.columns else set()
    return "automotive" if types == {"adas"} else "inference"


def _from_csv(path: str, raw: pd.DataFrame) -> pd.DataFrame:
    if {"Device", "SoC", "Location", "Result"} <= set(raw.columns):
        return _from_mobile_csv(path, raw)
    _no_empty_cell(path, raw, _CSV_NAMING)  # by the file's rows, before any is dropped
    if "valid" in raw.columns:  # no official column; where a table has one, it counts
        raw = raw[_csv_booleans(path, "valid", raw["valid"]).to_numpy()].reset_index(drop=True)
    if "Units" not in raw.columns and {"Organization", "Location", "Result", "Scenario",
                                       "MlperfModel"} <= set(raw.columns):
        raw = _with_units(path, raw)
    _missing(path, raw.columns, _CSV_COLUMNS, "a summary.csv")
    suite = csv_suite(raw)
    raw = raw.rename(columns=inference_summary.TIDY_COLUMNS)
    power = raw[raw["units"].isin(POWER_UNITS)][["result", "value", "units"]]
    power = power.rename(columns={"value": "power_value", "units": "power_units"})
    perf = raw[~raw["units"].isin(POWER_UNITS)].merge(power, on="result", how="left")
    perf["has_power"] = perf["power_value"].notna()
    perf["valid"] = True
    perf["inferred"] = (perf["inferred"] if "inferred" in perf.columns
                        else pd.Series("", index=perf.index)).isin(["1", "True", "true"])
    perf["suite"] = suite
    perf["profile"] = "strict"
    # "90.21", or from v5.0 "ROUGE1: 38.86  ROUGE2: 15.76": the first metric's value.
    perf["accuracy"] = pd.to_numeric(perf["accuracy"].astype("string").str.extract(r"(?:^|:\s*)([\d.]+)")[0],
                                     errors="coerce")
    # An empty cell is a value the tree did not give, as None is in the table of a checked tree.
    perf = perf.replace("", None)
    nodes = pd.to_numeric(perf.get("number_of_nodes"), errors="coerce")
    per_node = pd.to_numeric(perf.get("accelerators_per_node"), errors="coerce")
    perf["total_accelerators"] = nodes * per_node
    return perf


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    for column, kind in TABLE_TYPES.items():
        values = df[column] if column in df else pd.Series([None] * len(df), index=df.index)
        if kind in ("float64", "int64"):
            values = pd.to_numeric(values, errors="coerce")
            out[column] = values.astype("Int64" if kind == "int64" else "float64")
        elif kind == "bool":
            out[column] = values.fillna(False).astype(bool)
        else:
            out[column] = values.astype("string")
    out["lower_is_better"] = out["scenario"].isin(LATENCY_SCENARIOS)
    return out


def _official_rows_of_table(path: str, frame: pd.DataFrame, official: dict) -> None:
    """The official summary.csv rows a `check --parquet` table keeps for each valid inference
    result (its summary_rows column; tables written before it have none)."""
    if "summary_rows" not in frame.columns:
        return
    for row in frame.itertuples(index=False):
        if row.suite == "mobile" or row.valid is not True or not isinstance(row.summary_rows, str):
            continue
        try:
            rows = json.loads(row.summary_rows)
        except ValueError:
            raise InputError(f"{path}: the summary_rows of {row.result} are not JSON") from None
        if not isinstance(rows, list) or not all(
                isinstance(r, dict) and all(isinstance(v, str) for v in r.values()) for r in rows):
            raise InputError(f"{path}: the summary_rows of {row.result} are not rows of text")
        official.setdefault(published_key(row.suite, row.round), []).extend(rows)


def load_results(paths: list[str], *, jobs: int = 1, profile: str = "strict",
                 official_rows: dict[str, list[dict[str, str]]] | None = None,
                 checks: dict | None = None, waivers=None,
                 left_out: dict | None = None, progress=None) -> tuple[pd.DataFrame, dict[str, str]]:
    """One tidy table of the valid results of every input, and the root of each checked tree
    by its round ("v4.1", or "mobile v4.1" for a Mobile tree) so that each round's results can
    link to their own tree. Trees are checked with `profile` where their suite knows it, else
    strict. `official_rows`, if given, receives per inference round the rows of the official
    summary.csv of the trees and summary CSVs among the inputs (what summary_results.json is
    made from; a Parquet table does not hold them all). `checks`: suite name -> the checks to
    run on its trees instead of all of them (the audit's, which reads only what it compares).
    `waivers` (core/waivers.py Waivers): findings allowed in the trees, whose results then
    count as valid as `check --waivers` says. `left_out`, if given, receives what the table
    leaves out: "invalid" (results the checker rejected), "no_value" (valid ones without a
    number) and "suites" (the suites of every input, kept or not). `progress`: the checks'
    progress callable (cli/progress.py ProgressLine), cleared after each tree."""
    frames, trees = [], {}
    for path in paths:
        if os.path.isdir(path) or is_archive(path):
            with unpacked_or_not(path) as (tree, refused):
                suite = detect_suite(tree)
                known = profile in suite_named(suite).profiles
                report = check_tree(tree, jobs=jobs, suite=suite,
                                    profile=profile if known else "strict",
                                    checks=(checks or {}).get(suite), waivers=waivers,
                                    shown_root=os.path.abspath(path), input_findings=refused,
                                    progress=progress)
                if progress is not None and hasattr(progress, "close"):
                    progress.close()
            if not report.round:
                raise InputError(f"{path}: the round could not be recognised")
            frames.append(results_table(report, suite_named(suite).summary_table).to_pandas())
            if official_rows is not None and suite != "mobile":
                # as summary.csv writes them: a name that is not UTF-8 with its bytes escaped
                official_rows.setdefault(published_key(suite, report.round), []).extend(
                    readable_all(summary_rows(suite_named(suite).summary_table, report)[1]))
            trees[published_key(suite, report.round)] = os.path.abspath(path)
        elif path.endswith((".parquet", ".csv")) and (kind := entry_kind(path)) is not None:
            # A named pipe would be waited on for ever; a folder is no table.
            raise InputError(f"{path} does not exist" if kind == "missing"
                             else f"{path} is not a regular file but a {kind}")
        elif path.endswith(".parquet"):
            frames.append(frame := _read_parquet(path))
            if official_rows is not None:
                _official_rows_of_table(path, frame, official_rows)
        elif path.endswith(".csv"):
            # The official reader: the v0.7 tool wrote commas inside a value unquoted.
            try:
                rows = inference_summary.read_summary_csv(path)
                # a summary of no results still names its columns
                header = rows[0].keys() if rows else pd.read_csv(path, nrows=0).columns
                raw = pd.DataFrame(rows, columns=list(header), dtype=str)
            except (OSError, ValueError, csv.Error, pd.errors.EmptyDataError) as error:
                # ragged, not UTF-8, a field past csv's 128 KiB
                raise InputError(f"{path} cannot be read as a summary.csv: "
                                 f"{_unreadable_because(path, error)}") from None
            frames.append(_from_csv(path, raw))
            if official_rows is not None:
                if "Organization" in raw.columns and "version" in raw.columns:
                    suite = csv_suite(raw)
                    for row in raw.to_dict("records"):
                        if _CSV_BOOLEANS.get(row.get("valid", "True")):  # as _from_csv read it
                            official_rows.setdefault(published_key(suite, row["version"]),
                                                     []).append(row)
        else:
            raise InputError(f"{path} is not a submission tree, a .parquet or a .csv table")
    table = _typed(pd.concat(frames, ignore_index=True)) if frames else _typed(pd.DataFrame())
    keep = table["valid"] & table["value"].notna()
    if left_out is not None:
        left_out["invalid"] = int((~table["valid"]).sum())
        left_out["no_value"] = int((table["valid"] & table["value"].isna()).sum())
        left_out["suites"] = sorted(set(table["suite"].dropna()))
    table = table[keep].reset_index(drop=True)
    return table, trees
