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

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.oracle_common import accepted_results, error_lines, main  # noqa: E402
from tests.v61_trees import TREES, build  # noqa: E402

COMMIT = "b66003e10e2db4b8c36a448b0545ec90fcc6e9e9"


def judge(official: str, root: Path) -> dict:
    out = root.parent / "official.csv"
    done = subprocess.run([sys.executable, "-m", "submission_checker.main", "--input", str(root),
                           "--version", "v6.1", "--csv", str(out)],
                          cwd=official, capture_output=True, text=True, timeout=600)
    return {"exit_status": done.returncode, "accepted": accepted_results(out, root),
            "errors": error_lines(done.stderr, root)}


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0],
                  "tools/submission of a checkout of mlcommons/inference at b66003e1",
                  "tests/oracle/v6.1.json", TREES, build, judge,
                  f"mlcommons/inference @ {COMMIT[:8]}, tools/submission: python3 -m "
                  "submission_checker.main --input TREE --version v6.1 --csv OUT", COMMIT))
