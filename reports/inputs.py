"""Results tables from the report builder's inputs: submission trees, Parquet tables, summary CSVs."""

from __future__ import annotations

import os
import re

import pandas as pd

from infercheck.checker.core.archive import is_archive, unpacked_or_not
from infercheck.checker.core.outputs import TABLE_TYPES, results_table
from infercheck.checker.inference import summary as inference_summary
from infercheck.checker.inference.rules import available_rounds, load_rules
from infercheck.checker.mobile import summary as mobile_summary
from infercheck.checker.suites import check_tree, detect_suite, suite_named

__all__ = ["InputError", "load_results"]

POWER_UNITS = {"Watts", "Joules", "millijoules"}


class InputError(Exception):
    """An input that is neither a submission tree nor a results table."""


def _from_mobile_csv(raw: pd.DataFrame) -> pd.DataFrame:
    table = raw.rename(columns=mobile_summary.TIDY_COLUMNS)
    table["device"] = table["system"]
    table["model"] = table["benchmark"]
    table["host_processor_model_name"] = table["soc"]
    table["accelerator_model_name"] = table["accelerator"]
    table["accuracy"] = pd.to_numeric(table["accuracy_display"].str.extract(r"([\d.]+)")[0],
                                      errors="coerce")
    table["system_type"] = "mobile"
    table["suite"] = "mobile"
    table["valid"] = True
    table["profile"] = "strict"
    return table


def _unreadable_because(path: str, error: Exception) -> str:
    if isinstance(error, (OSError, UnicodeError)):
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


def _from_csv(path: str, raw: pd.DataFrame) -> pd.DataFrame:
    if {"Device", "SoC", "Location", "Result"} <= set(raw.columns):
        return _from_mobile_csv(raw)
    if "Units" not in raw.columns and {"Organization", "Location", "Result", "Scenario",
                                       "MlperfModel"} <= set(raw.columns):
        raw = _with_units(path, raw)
    missing = {"Organization", "Location", "Result", "Units"} - set(raw.columns)
    if missing:
        raise InputError(f"{path} is not a summary.csv (no {', '.join(sorted(missing))} column)")
    raw = raw.rename(columns=inference_summary.TIDY_COLUMNS)
    power = raw[raw["units"].isin(POWER_UNITS)][["result", "value", "units"]]
    power = power.rename(columns={"value": "power_value", "units": "power_units"})
    perf = raw[~raw["units"].isin(POWER_UNITS)].merge(power, on="result", how="left")
    perf["has_power"] = perf["power_value"].notna()
    perf["valid"] = True
    perf["inferred"] = (perf["inferred"] if "inferred" in perf.columns
                        else pd.Series("", index=perf.index)).isin(["1", "True", "true"])
    perf["suite"] = "inference"
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
    out["lower_is_better"] = out["scenario"].isin(["SingleStream", "MultiStream"])
    return out


def load_results(paths: list[str], *, jobs: int = 1, profile: str = "strict",
                 official_rows: dict[str, list[dict[str, str]]] | None = None,
                 checks: dict | None = None, waivers=None) -> tuple[pd.DataFrame, dict[str, str]]:
    """One tidy table of the valid results of every input, and the root of each checked tree
    by its round ("v4.1", or "mobile v4.1" for a Mobile tree) so that each round's results can
    link to their own tree. Trees are checked with `profile` where their suite knows it, else
    strict. `official_rows`, if given, receives per inference round the rows of the official
    summary.csv of the trees and summary CSVs among the inputs (what summary_results.json is
    made from; a Parquet table does not hold them all). `checks`: suite name -> the checks to
    run on its trees instead of all of them (the audit's, which reads only what it compares).
    `waivers` (core/waivers.py Waivers): findings allowed in the trees, whose results then
    count as valid as `check --waivers` says."""
    frames, trees = [], {}
    for path in paths:
        if os.path.isdir(path) or is_archive(path):
            with unpacked_or_not(path) as (tree, refused):
                suite = detect_suite(tree)
                known = profile in suite_named(suite).profiles
                report = check_tree(tree, jobs=jobs, suite=suite,
                                    profile=profile if known else "strict",
                                    checks=(checks or {}).get(suite), waivers=waivers,
                                    shown_root=os.path.abspath(path), input_findings=refused)
            if not report.round:
                raise InputError(f"{path}: the round could not be recognised")
            frames.append(results_table(report).to_pandas())
            if official_rows is not None and suite == "inference":
                official_rows.setdefault(report.round, []).extend(
                    inference_summary.summary_rows(report)[1])
            trees[report.round if suite == "inference" else f"{suite} {report.round}"] = os.path.abspath(path)
        elif path.endswith(".parquet"):
            frames.append(pd.read_parquet(path))
        elif path.endswith(".csv"):
            # The official reader: the v0.7 tool wrote commas inside a value unquoted.
            try:
                rows = inference_summary.read_summary_csv(path)
                # a summary of no results still names its columns
                header = rows[0].keys() if rows else pd.read_csv(path, nrows=0).columns
                raw = pd.DataFrame(rows, columns=list(header), dtype=str)
            except (OSError, ValueError, pd.errors.EmptyDataError) as error:  # ragged, not UTF-8
                raise InputError(f"{path} cannot be read as a summary.csv: "
                                 f"{_unreadable_because(path, error)}") from None
            frames.append(_from_csv(path, raw))
            if official_rows is not None:
                if "Organization" in raw.columns and "version" in raw.columns:
                    for row in raw.to_dict("records"):
                        official_rows.setdefault(row["version"], []).append(row)
        else:
            raise InputError(f"{path} is not a submission tree, a .parquet or a .csv table")
    table = _typed(pd.concat(frames, ignore_index=True)) if frames else _typed(pd.DataFrame())
    table = table[table["valid"] & table["value"].notna()].reset_index(drop=True)
    return table, trees
