"""Time and peak memory of a check of a tree, clean and with one 2 GB sparse detail log.

    python benchmarks/bench_hostile.py ../shared/corpus/inference-v2.1 --version v2.1

The tree is copied to a scratch folder (the corpus is read-only), checked as a user runs it,
then one performance detail log is made a sparse file of 2 GB (no disk used) and the copy is
checked again. A bounded reader refuses the file unread (STR017): time and memory stay those of
the clean tree.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_check import ours  # noqa: E402  (a script beside this one)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--version", dest="round_name", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="infercheck-hostile-")
    try:
        tree = os.path.join(scratch, "tree")
        shutil.copytree(args.root, tree)
        clean, _, clean_rss = ours(tree, args.round_name, None, "auto", "strict", args.repeat)
        log = next(os.path.join(d, "mlperf_log_detail.txt") for d, _, files in sorted(os.walk(tree))
                   if "mlperf_log_detail.txt" in files and d.endswith(os.path.join("performance", "run_1"))
                   and f"{os.sep}results{os.sep}" in d)
        with open(log, "r+b") as f:
            f.truncate(2 << 30)
        sparse, _, sparse_rss = ours(tree, args.round_name, None, "auto", "strict", args.repeat)
        print(f"clean tree:            {clean:6.2f} s, peak RSS {clean_rss:5.0f} MB")
        print(f"with a 2 GB sparse log: {sparse:6.2f} s, peak RSS {sparse_rss:5.0f} MB "
              f"({sparse - clean:+.2f} s, {sparse_rss - clean_rss:+.0f} MB; {os.path.relpath(log, tree)})")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
