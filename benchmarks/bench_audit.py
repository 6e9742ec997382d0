"""Speed and memory of `infercheck audit`, from a tree and from the table `check --parquet` wrote.

    python benchmarks/bench_audit.py ../shared/corpus/inference-v2.1
    python benchmarks/bench_audit.py ../inference_results_v2.1 --repeat 3

Each measurement runs the command as a user does (a new process, default --jobs) and reads its
wall time and peak RSS (the largest of its processes) as bench_check.py does. The table is made
once, first, by `infercheck check TREE --parquet` (its time is printed too: an audit from a
table costs that check once, then seconds per audit).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_check import best_of  # noqa: E402  (the same process accounting)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "infercheck.cli"]
    with tempfile.TemporaryDirectory(prefix="infercheck-audit-") as scratch:
        table = os.path.join(scratch, "results.parquet")
        check = best_of([*cli, "check", args.tree, "-q", "--parquet", table], 1, "check")
        tree = best_of([*cli, "audit", args.tree], args.repeat, "audit of the tree")
        from_table = best_of([*cli, "audit", table], args.repeat, "audit of the table")
    print(f"{args.tree}")
    print(f"  check --parquet (once):     {check[0]:6.2f} s, peak RSS {check[2]:5.0f} MB")
    for label, (best, median, rss) in (("audit TREE", tree), ("audit TABLE.parquet", from_table)):
        print(f"  {label + ':':27} {best:6.2f} s best, {median:6.2f} s median, "
              f"peak RSS {rss:5.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
