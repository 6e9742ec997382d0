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

import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.oracle_common import accepted_results, error_lines, main  # noqa: E402
from tests.automotive_trees import TREES, build  # noqa: E402

# `git -C <mirror of mlcommons/mlperf_automotive> rev-parse 5d11f17c`
COMMIT = "5d11f17c5316683369837e0cff3da64c5e094745"


def judge(official: str, root: Path) -> dict:
    out = root.parent / "official.csv"
    done = subprocess.run([sys.executable, "submission_checker.py", "--input", str(root),
                           "--version", "v1.0", "--csv", str(out)],
                          cwd=official, capture_output=True, text=True, timeout=600)
    # This checker logs to standard output too, and a fault ends it with a traceback.
    output = done.stderr + done.stdout
    crash = [line for line in output.splitlines() if re.match(r"^\w+(Error|Exception)\b", line)]
    return {"exit_status": done.returncode, "accepted": accepted_results(out, root),
            "errors": error_lines(output, root), **({"crash": crash[-1]} if crash else {})}


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0],
                  "tools/submission of a checkout of mlcommons/mlperf_automotive at 5d11f17c",
                  "tests/oracle/automotive-v1.0.json", TREES, build, judge,
                  f"mlcommons/mlperf_automotive @ {COMMIT[:8]}, tools/submission: python3 "
                  "submission_checker.py --input TREE --version v1.0 --csv OUT", COMMIT))
