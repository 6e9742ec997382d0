"""Throughput of `check_tree` on a corpus folder: results/s, MB of logs/s, peak memory.

    python benchmarks/bench_check.py ../shared/corpus/inference-v2.1 --version v2.1
    python benchmarks/bench_check.py ../shared/corpus/inference-v2.1 --version v2.1 --copies 10 --jobs 1 2
    python benchmarks/bench_check.py ../shared/corpus/mobile-v4.1 --suite mobile --profile published

--copies N checks a scratch tree holding N renamed copies of every submitter (hard links, so it
costs no disk), to measure at the scale of a whole round. The official v2.1 checker manages about
33 results/s on the v2.1 slice, single threaded (../shared/reference/official_checker.md).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time

from infercheck.checker import check_tree, detect_suite


def tree_bytes(root: str) -> int:
    total = 0
    for dirpath, _, files in os.walk(root):
        for name in files:
            if name.endswith((".txt", ".json", ".conf", ".md", ".log")):
                total += os.path.getsize(os.path.join(dirpath, name))
    return total


def replicate(src: str, copies: int) -> str:
    dest = tempfile.mkdtemp(prefix="infercheck-bench-")
    for division in os.listdir(src):
        if not os.path.isdir(os.path.join(src, division)):
            continue
        for sub in os.listdir(os.path.join(src, division)):
            if not os.path.isdir(os.path.join(src, division, sub)):
                continue
            for i in range(copies):
                target = os.path.join(dest, division, f"{sub}{i:03d}")
                shutil.copytree(os.path.join(src, division, sub), target, copy_function=os.link)
                # The system JSON names its submitter; keep it consistent with the new folder.
                systems = os.path.join(target, "systems")
                for name in os.listdir(systems) if os.path.isdir(systems) else []:
                    if not name.endswith(".json"):
                        continue
                    path = os.path.join(systems, name)
                    text = open(path, encoding="utf-8").read()
                    os.unlink(path)  # break the hard link before writing
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(text.replace(f'"{sub}"', f'"{sub}{i:03d}"'))
    return dest


def peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--version", dest="round_name", default=None)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--suite", choices=["auto", "inference", "mobile"], default="auto")
    parser.add_argument("--profile", default="strict")
    args = parser.parse_args()
    suite = detect_suite(args.root) if args.suite == "auto" else args.suite

    root = args.root if args.copies == 1 else replicate(args.root, args.copies)
    size_mb = tree_bytes(root) / 1e6
    print(f"tree: {root} ({size_mb:.1f} MB of logs and text, copies={args.copies})")
    try:
        for jobs in args.jobs:
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                report = check_tree(root, round=args.round_name, jobs=jobs, suite=suite,
                                    profile=args.profile)
                times.append(time.perf_counter() - start)
            best, median = min(times), statistics.median(times)
            n = len(report.results)
            own, children = peak_rss_mb()
            print(f"jobs={jobs}: {n} results in {best:.3f} s (median {median:.3f} s): "
                  f"{n / best:.0f} results/s, {size_mb / best:.1f} MB/s; "
                  f"peak RSS {own:.0f} MB (workers {children:.0f} MB); valid={report.valid}")
    finally:
        if root != args.root:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
