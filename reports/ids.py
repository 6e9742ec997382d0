"""Public system IDs that stay the same when the site is rebuilt, kept in a JSON file."""

from __future__ import annotations

import json
import os

import pandas as pd

from infercheck.checker.core.user_files import UserFileError, load_user_json

__all__ = ["assign_ids", "read_official_ids", "read_site_ids", "system_key"]

# Thousands of systems a round take a few hundred kB.
_MAX_BYTES = 16 << 20


def read_site_ids(path: str) -> dict[str, str]:
    """The ids file of a site: system key -> ID; none when it does not exist yet. A file that is
    not one raises UserFileError."""
    if not os.path.exists(path):
        return {}
    data = load_user_json(path, _MAX_BYTES)
    if not isinstance(data, dict):
        raise UserFileError(path, f"an ids file holds an object of system key: ID, not a "
                                  f"{_json_kind(data)}")
    for key, value in data.items():
        if not isinstance(value, str):
            raise UserFileError(path, f"the ID of {key!r} is a {_json_kind(value)}, not a string "
                                      "such as \"v4.1-0003\"")
    return data


def read_official_ids(path: str | None) -> dict[str, int]:
    """The ids.json of generate_final_report.py (`report --official-ids`): unique ID -> number;
    none when it does not exist yet. A file that is not one raises UserFileError."""
    if not path or not os.path.exists(path):
        return {}
    data = load_user_json(path, _MAX_BYTES)
    kind = "not an ids file of generate_final_report.py (an object of unique ID: number)"
    if not isinstance(data, dict):
        raise UserFileError(path, f"{kind}: a {_json_kind(data)}")
    for key, value in data.items():
        if type(value) is not int:  # true is an int to Python, not a number to the file's readers
            raise UserFileError(path, f"{kind}: the number of {key!r} is a {_json_kind(value)}")
    return data


def _json_kind(value) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", int: "number",
             float: "number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def system_key(row) -> str:
    # Mobile rounds reuse inference round names (v4.1): their devices are numbered apart
    # ("mobile-v4.1-0001").
    round_name = f"mobile-{row['round']}" if row.get("suite") == "mobile" else row["round"]
    return f"{round_name}/{row['division']}/{row['submitter']}/{row['system']}"


def assign_ids(table: pd.DataFrame, path: str) -> pd.Series:
    """An ID per row's system ("v2.1-0003"); new systems get the next number of their round.

    The file maps system keys to IDs; an ID once given is never reused or changed. A file that
    is not one raises UserFileError (before anything is written).
    """
    known = read_site_ids(path)
    keys = table.apply(system_key, axis=1) if len(table) else pd.Series([], dtype=str)
    # The highest number given in each round so far, from the IDs themselves ("v2.1-0003").
    highest: dict[str, int] = {}
    for value in known.values():
        round_name, _, number = value.rpartition("-")
        if number.isdigit():
            highest[round_name] = max(highest.get(round_name, 0), int(number))
    for key in sorted(set(keys)):
        if key in known:
            continue
        round_name = key.split("/", 1)[0]
        highest[round_name] = highest.get(round_name, 0) + 1
        known[key] = f"{round_name}-{highest[round_name]:04d}"
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(dict(sorted(known.items())), f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
    return keys.map(known)
