"""Hostile inputs: what they cost to check, against the bytes actually read.

    python benchmarks/bench_hostile.py ../shared/corpus/inference-v2.1 --version v2.1
    python benchmarks/bench_hostile.py --bounds [--corpus ../shared/corpus]

With a tree: the tree is copied to a scratch folder (the corpus is read-only), checked as a user
runs it, then one performance detail log is made a sparse file of 2 GB (no disk used) and the
copy is checked again. A bounded reader refuses the file unread (STR017): time and memory stay
those of the clean tree.

With --bounds, in a scratch folder, each input grows by a factor of ten or more and the time is
printed next to the bytes read (/proc/self/io rchar, so from any cache): time follows the bytes,
not the logical size or the square of the input.
  (a) tars (GNU tar --sparse) holding one sparse member of 1 GiB, 31 GiB, 64 GiB and 1 TiB, each
      with a 4 KiB block of data every 1/16 of its length, unpacked as `check ARCHIVE` does;
      past 32 GiB of stated sizes the archive is refused (STR025) before its member is read;
  (b) the v4.1 edge slice's Offline detail log with 1,000, 10,000 and 100,000 error lines,
      parsed as a check reads it (every error line decoded, with its line number);
  (c) the v4.1 slice's results table with every system_name 2 kB, 20 kB and 200 kB long
      ("aaaa..."), read and audited as `infercheck audit TABLE.parquet` does; with, for
      comparison, the former count-in-name pattern on one such name where it ends in time.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_check import ours  # noqa: E402  (a script beside this one)

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpus")


def sparse_log(args) -> int:
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


# --- bounds ------------------------------------------------------------------------------------


def bytes_read() -> int:
    """The bytes this process has read so far, through any read(2): from disk or from cache."""
    with open("/proc/self/io", encoding="ascii") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("rchar:"))


def timed(work):
    """(seconds, bytes read, result) of work()."""
    before, start = bytes_read(), time.perf_counter()
    result = work()
    return time.perf_counter() - start, bytes_read() - before, result


def size_text(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


def sparse_tars(scratch: str) -> None:
    from infercheck.checker.core.archive import extract

    print("(a) a tar of one sparse member (4 KiB of data every 1/16 of it), unpacked")
    print(f"    {'logical size':>12} {'archive':>10} {'bytes read':>11} {'time':>9}  outcome")
    for size in (1 << 30, 31 << 30, 64 << 30, 1 << 40):
        src = os.path.join(scratch, "src")
        os.makedirs(src)
        with open(os.path.join(src, "member.bin"), "wb") as f:
            f.truncate(size)
            for n in range(16):
                f.seek(size // 16 * n)
                f.write(os.urandom(4096))
        archive = os.path.join(scratch, "sparse.tar")
        subprocess.run(["tar", "--sparse", "--format=gnu", "-cf", archive, "-C", src, "member.bin"],
                       check=True)
        out = os.path.join(scratch, "out")
        os.makedirs(out)
        seconds, read, findings = timed(lambda archive=archive, out=out: extract(archive, out))
        outcome = ", ".join(f.code for f in findings) or "unpacked"
        print(f"    {size_text(size):>12} {size_text(os.path.getsize(archive)):>10} "
              f"{size_text(read):>11} {seconds * 1000:7.1f} ms  {outcome}")
        for path in (src, out, archive):
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)


_ERROR = (':::MLLOG {{"key": "error_runtime", "value": "error {n}", "time_ms": 1.0, "namespace": '
          '"mlperf::logging", "event_type": "POINT_IN_TIME", "metadata": {{"is_error": true, '
          '"is_warning": false, "file": "loadgen.cc", "line_no": 419, "pid": 1, "tid": 1}}}}\n')


def detail_logs(scratch: str, corpus: str) -> None:
    from infercheck.checker.core.loadgen_log import read_detail_log

    base = os.path.join(corpus, "inference-v4.1", "closed", "UntetherAI", "results",
                        "h13_u1_preview", "resnet50", "offline", "performance", "run_1",
                        "mlperf_log_detail.txt")
    with open(base, encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    print("(b) a detail log with N error lines between its own, parsed with each error's line")
    print(f"    {'errors':>8} {'log':>10} {'bytes read':>11} {'time':>9} {'per error':>10}")
    for count in (1_000, 10_000, 100_000):
        rng = random.Random(count)
        out, at = [], 0
        for n, after in enumerate(sorted(rng.randrange(len(lines) - 1) for _ in range(count))):
            out.extend(lines[at:after + 1])
            at = after + 1
            out.append(_ERROR.format(n=n))
        out.extend(lines[at:])
        path = os.path.join(scratch, f"mlperf_log_detail_{count}.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(out))
        seconds, read, log = timed(lambda path=path: read_detail_log(path))
        assert len(log.errors) == count
        print(f"    {count:>8,} {size_text(os.path.getsize(path)):>10} {size_text(read):>11} "
              f"{seconds * 1000:7.1f} ms {seconds / count * 1e6:7.2f} µs")
        os.remove(path)


def long_names(scratch: str, corpus: str) -> None:
    from infercheck.checker.audit.audit import audit
    from infercheck.reports.inputs import load_results

    tree = os.path.join(scratch, "v4.1")
    shutil.copytree(os.path.join(corpus, "inference-v4.1"), tree)
    table, _ = load_results([tree])
    former = re.compile(r"([A-Za-z][\w-]*?)[-_ ]?[x×](\d{1,4})(?![\w.])")
    print(f"(c) `audit` of a table of {len(table)} results whose system_name is N letters")
    print(f"    {'N':>8} {'table':>10} {'bytes read':>11} {'time':>9}   former pattern, one name")
    for length in (2_000, 20_000, 200_000):
        path = os.path.join(scratch, f"t{length}.parquet")
        table.assign(system_name="a" * length).to_parquet(path)

        def run(path=path):
            return audit(load_results([path])[0])

        seconds, read, _ = timed(run)
        if length <= 20_000:
            start = time.perf_counter()
            former.findall("a" * length)
            was = f"{(time.perf_counter() - start) * 1000:9.1f} ms"
        else:
            was = "  (minutes: quadratic)"
        print(f"    {length:>8,} {size_text(os.path.getsize(path)):>10} "
              f"{size_text(read):>11} {seconds * 1000:7.1f} ms {was}")


def bounds(args) -> int:
    scratch = tempfile.mkdtemp(prefix="infercheck-hostile-")
    try:
        sparse_tars(scratch)
        detail_logs(scratch, args.corpus)
        long_names(scratch, args.corpus)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", help="a tree to check clean and with a sparse log")
    parser.add_argument("--version", dest="round_name", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bounds", action="store_true",
                        help="sparse tars, detail logs of many errors, long system names")
    parser.add_argument("--corpus", default=CORPUS, help="the corpus, for --bounds")
    args = parser.parse_args()
    if args.bounds:
        return bounds(args)
    if args.root is None:
        parser.error("give a tree, or --bounds")
    return sparse_log(args)


if __name__ == "__main__":
    sys.exit(main())
