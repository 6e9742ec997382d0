"""Make tests/oracle/automotive-v1.0.json: the official MLPerf Automotive v1.0 checker's verdicts
on the trees of tests/automotive_trees.py, which tests/test_automotive_oracle.py holds infercheck
to.

    python benchmarks/oracle_automotive.py --official PATH/tools/submission \
        [--out tests/oracle/automotive-v1.0.json]

PATH is a checkout of mlcommons/mlperf_automotive at 5d11f17c (the commit the v1.0 pack cites);
the checker is run from PATH/tools/submission as documented there:
`python3 submission_checker.py --input TREE --version v1.0 --csv OUT`. Each tree is built in a
temporary folder; a result is accepted when the CSV has its row. The JSON keeps, per tree, the
accepted result folders (relative to the tree) with the official Result and Units, the checker's
exit status and its ERROR lines (paths made relative), so a reader sees why.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.automotive_trees import TREES, build  # noqa: E402

# `git -C <mirror of mlcommons/mlperf_automotive> rev-parse 5d11f17c`
COMMIT = "5d11f17c5316683369837e0cff3da64c5e094745"


def judge(official: str, root: Path) -> dict:
    out = root.parent / "official.csv"
    done = subprocess.run([sys.executable, "submission_checker.py", "--input", str(root),
                           "--version", "v1.0", "--csv", str(out)],
                          cwd=official, capture_output=True, text=True, timeout=600)
    accepted = {}
    if out.exists():
        with open(out, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                location = row["Location"]  # relative: the checker works from the tree's root
                if os.path.isabs(location):
                    location = os.path.relpath(location, root)
                location = location.replace(os.sep, "/")
                accepted[location] = {"Result": row["Result"], "Units": row["Units"]}
    output = done.stderr + done.stdout
    errors = sorted({re.sub(r"^\[[^\]]*\] ", "", line).replace(str(root) + "/", "")
                     for line in output.splitlines() if " ERROR] " in line})
    crash = [line for line in output.splitlines() if re.match(r"^\w+(Error|Exception)\b", line)]
    return {"exit_status": done.returncode, "accepted": accepted, "errors": errors[:20],
            **({"crash": crash[-1]} if crash else {})}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--official", required=True,
                        help="tools/submission of a checkout of mlcommons/mlperf_automotive at "
                             "5d11f17c")
    parser.add_argument("--out", default="tests/oracle/automotive-v1.0.json")
    args = parser.parse_args()
    verdicts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in TREES:
            verdicts[name] = judge(args.official, build(name, Path(tmp) / name))
            print(f"{name}: {sorted(verdicts[name]['accepted']) or 'nothing'} accepted")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({
        "checker": f"mlcommons/mlperf_automotive @ {COMMIT[:8]}, tools/submission: python3 "
                   "submission_checker.py --input TREE --version v1.0 --csv OUT",
        "commit": COMMIT, "trees": verdicts}, indent=2) + "\n", "utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
