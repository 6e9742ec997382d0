"""Speed of `infercheck pack` and of `infercheck check` on the archive it writes, beside the check
of the tree itself.

    python benchmarks/bench_archive.py ../inference_results_v4.1 --version v4.1
    python benchmarks/bench_archive.py ../shared/corpus/inference-v2.1 --version v2.1 --repeat 5

Each command runs as a user runs it (a new process; bench_check.measured reads its wall time
and peak RSS). `pack --force` is measured so that an invalid published round packs too; the
archive goes to a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_check import best_of  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--version", dest="round_name", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "infercheck.cli"]
    with tempfile.TemporaryDirectory(prefix="infercheck-bench-archive-") as tmp:
        archive = os.path.join(tmp, "submission.tar.gz")
        steps = [
            ("check TREE", [*cli, "check", args.root, "-q", "--version", args.round_name]),
            ("pack TREE", [*cli, "pack", args.root, "--out", archive, "--force",
                           "--version", args.round_name]),
            ("check ARCHIVE", [*cli, "check", archive, "-q", "--version", args.round_name]),
        ]
        for what, cmd in steps:
            best, median, peak = best_of(cmd, args.repeat, what)
            extra = ""
            if what == "pack TREE":
                extra = f", archive {os.path.getsize(archive) / 1e6:.1f} MB"
            print(f"{what:<14} best {best:6.2f} s  median {median:6.2f} s  peak RSS {peak:5.0f} MB"
                  f"{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
