"""Make tests/oracle/v6.1.json: the official v6.1 checker's verdicts on the trees of
tests/v61_trees.py, which tests/test_v61_oracle.py holds infercheck to.

    python benchmarks/oracle_v61.py --official PATH/tools/submission [--out tests/oracle/v6.1.json]

PATH is a checkout of mlcommons/inference at b66003e1 (the commit the v6.1 pack cites); the
checker is run from PATH/tools/submission as documented there:
`python3 -m submission_checker.main --input TREE --version v6.1 --csv OUT`. Each tree is built
in a temporary folder; a result is accepted when the CSV has its row. The JSON keeps, per tree,
the accepted result folders (relative to the tree) with the official Result and Units, the
checker's exit status and its ERROR lines (paths made relative), so a reader sees why.
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
from tests.v61_trees import TREES, build  # noqa: E402

COMMIT = "b66003e10e2db4b8c36a448b0545ec90fcc6e9e9"


def judge(official: str, root: Path) -> dict:
    out = root.parent / "official.csv"
    done = subprocess.run([sys.executable, "-m", "submission_checker.main", "--input", str(root),
                           "--version", "v6.1", "--csv", str(out)],
                          cwd=official, capture_output=True, text=True, timeout=600)
    accepted = {}
    if out.exists():
        with open(out, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                location = os.path.relpath(row["Location"], root).replace(os.sep, "/")
                result = re.sub(r"/performance/run_1$", "", location)
                accepted[result] = {"Result": row["Result"], "Units": row["Units"]}
    errors = sorted({re.sub(r"^\[[^\]]*\] ", "", line).replace(str(root) + "/", "")
                     for line in done.stderr.splitlines() if " ERROR] " in line})
    return {"exit_status": done.returncode, "accepted": accepted, "errors": errors[:20]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--official", required=True,
                        help="tools/submission of a checkout of mlcommons/inference at b66003e1")
    parser.add_argument("--out", default="tests/oracle/v6.1.json")
    args = parser.parse_args()
    verdicts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in TREES:
            verdicts[name] = judge(args.official, build(name, Path(tmp) / name))
            print(f"{name}: {sorted(verdicts[name]['accepted']) or 'nothing'} accepted")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({
        "checker": f"mlcommons/inference @ {COMMIT[:8]}, tools/submission: python3 -m "
                   "submission_checker.main --input TREE --version v6.1 --csv OUT",
        "commit": COMMIT, "trees": verdicts}, indent=2) + "\n", "utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
