"""Speed and memory of `infercheck check`, alone or side by side with the round's official checker.

    python benchmarks/bench_check.py ../shared/corpus/inference-v2.1 --version v2.1
    python benchmarks/bench_check.py ../shared/corpus/inference-v2.1 --version v2.1 --copies 10 --jobs 1 2
    python benchmarks/bench_check.py ../shared/corpus/mobile-v4.1 --suite mobile --profile published
    python benchmarks/bench_check.py ../inference_results_v2.1 --version v2.1 \
        --official ../inference-v2.1/tools/submission/submission-checker.py
    python benchmarks/bench_check.py ../inference_results_v2.1 --version v2.1 --scaling 1 2 4 8
    python benchmarks/bench_check.py --corpus ../shared/corpus

Each measurement runs `infercheck check` as a user does (a new process, default --jobs unless
--jobs is given) and reads its wall time and peak RSS (the largest of its processes) from the
kernel's accounting of the child. --official runs the round's submission checker from its own
folder on the same tree (`--input TREE --version ROUND --csv FILE`) and prints the ratio.
--scaling N... checks a scratch tree of N renamed copies of every submitter (hard links, so it
costs no disk) for each N. --corpus checks every round of the corpus, one after the other, and
all of them in one process each. The official v2.1 checker manages about 33 results/s on the
v2.1 slice, single threaded (../shared/reference/official_checker.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from infercheck.checker import check_tree, detect_suite
from infercheck.checker.core.engine import usable_cores


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


# Run by a fresh, small interpreter that starts the measured command and reports its rusage:
# Linux counts in a child's peak RSS the memory of the process it was forked from, up to its
# exec, and this script holds listings of the whole tree by then.
_LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:], cwd=sys.argv[1] or None, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def measured(cmd: list[str], cwd: str | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB (the largest of the command's processes: Linux folds the
    peaks of the children a process has waited for into its own) and exit status."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _LAUNCHER, cwd or "", *cmd], check=True,
                         capture_output=True, text=True).stdout
    elapsed = time.perf_counter() - start
    status, maxrss = (int(x) for x in out.split())
    return elapsed, maxrss / 1024, status


def ours(root: str, round_name: str | None, jobs: int | None, suite: str, profile: str,
         repeat: int) -> tuple[float, float, float]:
    """Best and median wall time and the largest peak RSS of `infercheck check` over `repeat` runs."""
    cmd = [sys.executable, "-m", "infercheck.cli", "check", root, "-q", "--suite", suite,
           "--profile", profile]
    cmd += ["--version", round_name] if round_name else []
    cmd += ["--jobs", str(jobs)] if jobs else []
    return best_of(cmd, repeat, f"infercheck check {root}")


def best_of(cmd: list[str], repeat: int, what: str) -> tuple[float, float, float]:
    """Best and median wall time and the largest peak RSS of `cmd` over `repeat` runs; a run
    that ends in a status other than 0 or 1 is not a measurement."""
    runs = [measured(cmd) for _ in range(repeat)]
    failed = [code for _, _, code in runs if code not in (0, 1)]
    if failed:
        sys.exit(f"{what} ended with exit status {failed[0]}: not a measurement")
    walls = [w for w, _, _ in runs]
    return min(walls), statistics.median(walls), max(m for _, m, _ in runs)


def count_results(root: str, round_name: str | None, suite: str, profile: str) -> int:
    return len(check_tree(root, round=round_name, suite=suite, profile=profile, jobs=2).results)


def official(checker: str, root: str, round_name: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        wall, peak, _ = measured([sys.executable, os.path.basename(checker), "--input",
                                  os.path.abspath(root), "--version", round_name, "--csv",
                                  os.path.join(tmp, "summary.csv")],
                                 cwd=os.path.dirname(os.path.abspath(checker)))
    return wall, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?")
    parser.add_argument("--version", dest="round_name", default=None)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--scaling", type=int, nargs="+", metavar="N",
                        help="time and memory for N copies of the tree, for each N")
    parser.add_argument("--jobs", type=int, nargs="+", default=[0],
                        help="process counts to measure (0: check's default, every usable core)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--suite", choices=["auto", "inference", "mobile"], default="auto")
    parser.add_argument("--profile", default="strict")
    parser.add_argument("--official", metavar="CHECKER", help="the round's submission checker")
    parser.add_argument("--corpus", metavar="FOLDER", help="every round of the corpus")
    args = parser.parse_args()
    print(f"machine: {usable_cores()} usable cores, Python {sys.version.split()[0]}")

    if args.corpus:
        total_wall = total_results = 0
        peak = 0.0
        for name in sorted(os.listdir(args.corpus)):
            tree = os.path.join(args.corpus, name)
            if name == "expected" or not os.path.isdir(tree):
                continue
            profile = "smoke" if "runner-made" in name or "automation" in name else "published"
            n = count_results(tree, None, "auto", profile)
            best, median, rss = ours(tree, None, None, "auto", profile, args.repeat)
            total_wall, total_results, peak = total_wall + best, total_results + n, max(peak, rss)
            print(f"{name:<40} {n:5d} results {best:6.2f} s  peak RSS {rss:4.0f} MB  ({profile})")
        print(f"{'all corpus rounds':<40} {total_results:5d} results {total_wall:6.2f} s  "
              f"peak RSS {peak:4.0f} MB")
        return 0
    if not args.root:
        parser.error("a tree (or --corpus) is needed")
    suite = detect_suite(args.root) if args.suite == "auto" else args.suite

    if args.scaling:
        print(f"{'copies':>6} {'results':>8} {'wall s':>8} {'s/copy':>8} {'peak RSS MB':>12}")
        for n in args.scaling:
            root = args.root if n == 1 else replicate(args.root, n)
            try:
                results = count_results(root, args.round_name, suite, args.profile)
                best, _, rss = ours(root, args.round_name, None, suite, args.profile, args.repeat)
            finally:
                if root != args.root:
                    shutil.rmtree(root, ignore_errors=True)
            print(f"{n:>6} {results:>8} {best:>8.2f} {best / n:>8.2f} {rss:>12.0f}")
        return 0

    root = args.root if args.copies == 1 else replicate(args.root, args.copies)
    size_mb = tree_bytes(root) / 1e6
    print(f"tree: {root} ({size_mb:.1f} MB of logs and text, copies={args.copies})")
    try:
        n = count_results(root, args.round_name, suite, args.profile)
        fastest = None
        for jobs in args.jobs:
            best, median, rss = ours(root, args.round_name, jobs or None, suite, args.profile,
                                     args.repeat)
            fastest = best if fastest is None else min(fastest, best)
            print(f"infercheck --jobs {jobs or usable_cores()}: {n} results in {best:.2f} s "
                  f"(median {median:.2f} s): {n / best:.0f} results/s, {size_mb / best:.1f} MB/s; "
                  f"peak RSS {rss:.0f} MB")
        if args.official:
            wall, rss = official(args.official, root, args.round_name)
            print(f"official checker: {wall:.2f} s, peak RSS {rss:.0f} MB; "
                  f"infercheck is {wall / fastest:.1f}x faster")
    finally:
        if root != args.root:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
