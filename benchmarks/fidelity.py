"""Agreement with a round's official checker on a whole published round, and both times.

    python benchmarks/fidelity.py ROUND_TREE --official PATH/TO/submission_checker.py --version v2.1

ROUND_TREE is a checkout of mlcommons/inference_results_vX.Y; --official is the submission
checker of that round's tag of mlcommons/inference (run from its own folder, as documented
there, with `--input ROUND_TREE --version vX.Y --csv FILE`). infercheck checks the same tree
with the round NOT given (it must recognise it) unless --give-round. Rows of both summary.csv
files are matched by (Location, Units); a row agrees when it is in both and every column the
official file has is equal (Result to 1e-9 relative). For v0.5, whose checker (branch r0.5,
v0.5/tools/submission/submission-checker.py) writes no CSV, the accepted results are read from
its log and compared by Location. Prints the agreement, the disagreements
grouped by kind, and both wall times. Nothing here is a test: the full rounds are not in CI.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter

from infercheck.checker import check_tree
from infercheck.checker.inference.summary import read_summary_csv, summary_rows


def official_rows(checker: str, tree: str, round_name: str, extra: list[str]) -> tuple[list[dict], float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "summary.csv")
        cmd = [sys.executable, os.path.basename(checker), "--input", os.path.abspath(tree),
               "--version", round_name, "--csv", out, *extra]
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=os.path.dirname(os.path.abspath(checker)),
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if not os.path.exists(out):
            sys.exit(f"the official checker wrote no CSV (exit {done.returncode}):\n{done.stderr[-2000:]}")
        return read_summary_csv(out), seconds


def official_rows_v05(checker: str, tree: str) -> tuple[list[dict], float]:
    """The r0.5 checker writes no CSV, only log lines: "<result> OK" for each result it read
    without trouble, and ERROR lines that name a result, its system JSON or its measurements
    folder (it never ties those back to the result). A result is accepted when it is OK and no
    ERROR line names it or them. It lists every folder of its input as a division, so it is run
    on a folder holding only the tree's closed/ and open/."""
    with tempfile.TemporaryDirectory() as tmp:
        for division in ("closed", "open"):
            if os.path.isdir(os.path.join(tree, division)):
                os.symlink(os.path.abspath(os.path.join(tree, division)), os.path.join(tmp, division))
        start = time.perf_counter()
        done = subprocess.run([sys.executable, os.path.abspath(checker), "--input", tmp],
                              cwd=os.path.dirname(os.path.abspath(checker)),
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
    lines = done.stderr.splitlines()
    ok = [m.group(1) for m in map(re.compile(r"INFO:main:(\S+/results/\S+) OK$").match, lines) if m]
    errors = [line[len("ERROR:main:"):] for line in lines if line.startswith("ERROR:main:")]
    if not ok and not errors:
        sys.exit(f"the r0.5 checker printed no verdict (exit {done.returncode}):\n{done.stderr[-2000:]}")

    def named(result: str) -> bool:
        division, submitter, _, system, model, scenario = result.split("/")
        measurements = f"{division}/{submitter}/measurements/{system}"
        prefixes = (f"{result}/", f"{result}:", f"{result} ",
                    f"{division}/{submitter}/systems/{system}.json ",
                    f"{measurements}/{model}/{scenario} ", f"{measurements} directory missing")
        return any(e.startswith(prefixes) for e in errors)

    # It prints the OK lines of a division again after each later division: once each.
    return [{"Location": r} for r in dict.fromkeys(ok) if not named(r)], seconds


def our_rows(tree: str, round_name: str | None, jobs: int,
             profile: str) -> tuple[list[dict], str, float]:
    start = time.perf_counter()
    report = check_tree(tree, round=round_name, jobs=jobs, profile=profile)
    seconds = time.perf_counter() - start
    if not report.round:
        sys.exit("infercheck did not recognise the round: " + "; ".join(f.message for f in report.findings))
    _, rows = summary_rows(report)
    return rows, report.round, seconds


def _same(column: str, ours: str, theirs: str) -> bool:
    if column == "Result":
        try:
            return math.isclose(float(ours), float(theirs), rel_tol=1e-9)
        except ValueError:
            return ours == theirs
    return ours.strip() == theirs.strip()


def compare(official: list[dict], ours: list[dict]) -> tuple[int, int, list[tuple[str, tuple, str]]]:
    key = lambda r: (r["Location"], r.get("Units", ""))  # noqa: E731  (v0.7, v1.0: no Units)
    theirs = {key(r): r for r in official}
    mine = {key(r): r for r in ours}
    problems = []
    agree = 0
    for k in sorted(set(theirs) | set(mine)):
        if k not in mine:
            problems.append(("accepted by the official checker only", k, ""))
        elif k not in theirs:
            problems.append(("accepted by infercheck only", k, ""))
        else:
            columns = [c for c in theirs[k] if c in mine[k] and not _same(c, mine[k][c], theirs[k][c])]
            if columns:
                shown = "; ".join(f"{c}: official {theirs[k][c]!r}, ours {mine[k][c]!r}" for c in columns)
                problems.append((f"different {', '.join(columns)}", k, shown))
            else:
                agree += 1
    return agree, len(set(theirs) | set(mine)), problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree")
    parser.add_argument("--official", required=True, help="the round's submission_checker.py")
    parser.add_argument("--version", required=True, help="the round, as the official checker spells it")
    parser.add_argument("--official-arg", action="append", default=[],
                        help="an extra argument for the official checker (repeatable)")
    parser.add_argument("--give-round", action="store_true", help="pass --version to infercheck too")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--profile", default="published",
                        help="infercheck's profile: published (the official verdicts: what the "
                             "round's checker let through is a warning) or strict")
    parser.add_argument("--show", type=int, default=20, help="disagreements listed per kind")
    args = parser.parse_args()

    if args.version == "v0.5":
        official, official_s = official_rows_v05(args.official, args.tree)
    else:
        official, official_s = official_rows(args.official, args.tree, args.version, args.official_arg)
    ours, recognised, ours_s = our_rows(args.tree, args.version if args.give_round else None,
                                        args.jobs, args.profile)
    agree, total, problems = compare(official, ours)
    print(f"tree {args.tree}: round {args.version}, infercheck recognised {recognised}")
    print(f"official checker: {len(official)} rows in {official_s:.1f} s")
    print(f"infercheck (--profile {args.profile}, --jobs {args.jobs}): {len(ours)} rows in {ours_s:.1f} s "
          f"({official_s / ours_s:.1f}x faster)")
    print(f"agreement: {agree} of {total} rows ({100 * agree / max(total, 1):.3f} %)")
    kinds = Counter(kind for kind, _, _ in problems)
    for kind, n in kinds.most_common():
        print(f"\n{kind}: {n}")
        for _, k, shown in [p for p in problems if p[0] == kind][: args.show]:
            print(f"  {k[0]} [{k[1]}] {shown}")


if __name__ == "__main__":
    main()
