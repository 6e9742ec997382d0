"""What the oracle scripts share (oracle_v61.py, oracle_automotive.py): reading an official
checker's verdicts on one built tree, and writing the verdicts on every tree as the JSON a test
holds infercheck to."""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path


def accepted_results(csv_path: Path, root: Path) -> dict[str, dict[str, str]]:
    """The result folders (relative to the tree) the official CSV lists, with Result and Units.
    A Location may be absolute or relative to the tree's root, and from v6.0 name the result's
    performance/run_1 folder."""
    accepted = {}
    if csv_path.exists():
        with open(csv_path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                location = row["Location"]
                if os.path.isabs(location):
                    location = os.path.relpath(location, root)
                result = re.sub(r"/performance/run_1$", "", location.replace(os.sep, "/"))
                accepted[result] = {"Result": row["Result"], "Units": row["Units"]}
    return accepted


def error_lines(output: str, root: Path) -> list[str]:
    """The checker's ERROR lines, without their log prefix and with the tree's paths relative;
    the first 20."""
    errors = sorted({re.sub(r"^\[[^\]]*\] ", "", line).replace(str(root) + "/", "")
                     for line in output.splitlines() if " ERROR] " in line})
    return errors[:20]


def main(description: str, official_help: str, default_out: str, trees, build,
         judge: Callable[[str, Path], dict], checker: str, commit: str) -> int:
    """Build each tree in a temporary folder, have `judge` run the official checker on it, and
    write the verdicts with the checker's name and commit."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--official", required=True, help=official_help)
    parser.add_argument("--out", default=default_out)
    args = parser.parse_args()
    verdicts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in trees:
            verdicts[name] = judge(args.official, build(name, Path(tmp) / name))
            print(f"{name}: {sorted(verdicts[name]['accepted']) or 'nothing'} accepted")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"checker": checker, "commit": commit,
                                          "trees": verdicts}, indent=2) + "\n", "utf-8")
    print(f"wrote {args.out}")
    return 0
