"""The reference runner on a busy machine: N runs of `infercheck run`, each tree then checked.

    python benchmarks/bench_runner_load.py                 # 20 runs, one core kept busy
    python benchmarks/bench_runner_load.py --runs 5 --busy 0 -- --version v6.1

While it runs, `--busy` other processes spin at 100 % of a core each (on a 2-core machine, one of
them leaves the runner a single core, shared with LoadGen's threads). Each run makes a whole
submission (the default: the embedded digits model, every edge scenario, TEST01 and TEST04), and
the tree is then checked again by a separate `infercheck check`, the command the run itself
names. No threshold is loosened for this: a tree is counted only when that check accepts it.

Prints one line per run (time, verdict, the re-runs the runner made) and the tally; exit code 0
when every run was accepted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

INFERCHECK = [sys.executable, "-m", "infercheck.cli"]
SPIN = "while True:\n    pass\n"


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _one_run(out: str, run_args: list[str]) -> tuple[float, bool, str, int]:
    """Seconds, accepted by a separate check, the check's verdict line, re-runs made."""
    start = time.monotonic()
    made = subprocess.run(INFERCHECK + ["run", "--out", out] + run_args, capture_output=True,
                          text=True)
    seconds = time.monotonic() - start
    said = made.stdout + made.stderr
    with open(out + ".log", "w", encoding="utf-8") as f:  # what the run said, kept with its tree
        f.write(said)
    reruns = len(re.findall(r"\(attempt \d+\)", said))
    named = re.search(r"`infercheck check (\S+)((?: --\S+ \S+)*)`", said)
    if made.returncode not in (0, 1) or named is None:
        tail = said.strip().splitlines()[-1:] or ["no output"]
        return seconds, False, f"run failed (exit {made.returncode}): {tail[0]}", reruns
    check = subprocess.run(INFERCHECK + ["check", out] + named.group(2).split(),
                           capture_output=True, text=True)
    last = check.stdout.strip().splitlines()[-1:] or ["(no output)"]
    return seconds, check.returncode == 0, last[0], reruns


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--busy", type=int, default=1,
                        help="processes spinning at 100 %% of a core while the runs go on")
    parser.add_argument("--keep", metavar="DIR", help="keep the trees in DIR (default: removed)")
    parser.add_argument("run_args", nargs="*", help="passed to `infercheck run` (after --)")
    args = parser.parse_args()
    scratch = args.keep or tempfile.mkdtemp(prefix="infercheck-runner-load-")
    os.makedirs(scratch, exist_ok=True)
    spinners = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(args.busy)]
    accepted = 0
    began = time.monotonic()
    try:
        print(f"{args.runs} runs of `infercheck run {' '.join(args.run_args)}` on "
              f"{os.cpu_count()} cores, {args.busy} of them kept busy by another process")
        for n in range(1, args.runs + 1):
            out = os.path.join(scratch, f"run{n:02d}")
            seconds, ok, verdict, reruns = _one_run(out, args.run_args)
            accepted += ok
            print(f"run {n:2d}: {seconds:6.1f} s  {'accepted' if ok else 'REJECTED'}  "
                  f"re-runs {reruns}  | {verdict}", flush=True)
            if not args.keep and ok:
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(out + ".accuracy-backup", ignore_errors=True)
                os.unlink(out + ".log")
        wall = time.monotonic() - began
        busy = [_cpu_seconds(p.pid) / wall for p in spinners]
    finally:
        for p in spinners:
            p.kill()
            p.wait()
    load = ", ".join(f"{b:.0%}" for b in busy) or "none"
    print(f"accepted {accepted} of {args.runs} in {wall / 60:.1f} min; "
          f"the busy processes used {load} of a core")
    if accepted < args.runs and not args.keep:
        print(f"rejected trees kept in {scratch}")
    elif not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0 if accepted == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
