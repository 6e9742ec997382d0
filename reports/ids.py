"""Public system IDs that stay the same when the site is rebuilt, kept in a JSON file."""

from __future__ import annotations

import json
import os

import pandas as pd

__all__ = ["assign_ids", "system_key"]


def system_key(row) -> str:
    # Mobile rounds reuse inference round names (v4.1): their devices are numbered apart
    # ("mobile-v4.1-0001").
    round_name = f"mobile-{row['round']}" if row.get("suite") == "mobile" else row["round"]
    return f"{round_name}/{row['division']}/{row['submitter']}/{row['system']}"


def assign_ids(table: pd.DataFrame, path: str) -> pd.Series:
    """An ID per row's system ("v2.1-0003"); new systems get the next number of their round.

    The file maps system keys to IDs; an ID once given is never reused or changed.
    """
    known: dict[str, str] = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            known = json.load(f)
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
