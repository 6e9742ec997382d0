"""Rebuild the sample trees: one runner-made demo submission and invalid variants of it.

    python sample_submissions/make_samples.py            # all of them (about a minute)
    python sample_submissions/make_samples.py --derive   # only the invalid variants

Each variant is a copy of demo-valid/ with exactly one thing broken; VARIANTS says what and which
code `infercheck check` must report (tests/test_runner.py holds them to it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VALID = "demo-valid"
SYSTEM = "closed/Demo/results/x86_64-scikit-learn/digits"


def set_log_key(path: str, key: str, value) -> None:
    """Set the first `key` event of a LoadGen detail log to `value`, and the summary's line of
    it to match, as a run that logged that value would have written both."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    for i, line in enumerate(lines):
        if f'"key": "{key}"' in line:
            event = json.loads(line[line.index("{"):])
            event["value"] = value
            lines[i] = ":::MLLOG " + json.dumps(event) + "\n"
            break
    else:
        raise KeyError(f"{key} not in {path}")
    # LoadGen writes an early-stopping estimate twice: as its key and in the result's text.
    estimate = {"early_stopping_latency_ss": "90", "early_stopping_latency_ms": "99"}.get(key)
    if estimate:
        for i, line in enumerate(lines):
            if '"key": "early_stopping_result"' in line:
                event = json.loads(line[line.index("{"):])
                event["value"] = re.sub(rf"({estimate}(?:\.0)?th percentile estimate: )\d+",
                                        rf"\g<1>{value}", event["value"])
                lines[i] = ":::MLLOG " + json.dumps(event) + "\n"
                break
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)
    _set_summary_value(os.path.join(os.path.dirname(path), "mlperf_log_summary.txt"), key, value)


def _set_summary_value(path: str, key: str, value) -> None:
    from infercheck.checker.core.summary_log import parse_summary

    if not os.path.isfile(path):
        return
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    lines = text.splitlines(keepends=True)
    shown = ("Yes" if value else "No") if isinstance(value, bool) else str(value)
    for said in parse_summary(text).lines:
        block = said.key.startswith("early_stopping_") and said.key.endswith("_result")
        if key in (said.key, said.prefer) and not block:
            line = lines[said.line - 1]
            head, _, rest = line.partition(":")
            ending = rest[len(rest.rstrip("\r\n")):]
            lines[said.line - 1] = f"{head}: {shown}{ending}"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.writelines(lines)


def seed_changed(root: str) -> None:
    set_log_key(f"{root}/{SYSTEM}/Offline/performance/run_1/mlperf_log_detail.txt",
                 "effective_qsl_rng_seed", 1234)


def accuracy_below_target(root: str) -> None:
    path = f"{root}/{SYSTEM}/Offline/accuracy/accuracy.txt"
    lines = open(path, encoding="utf-8").read().splitlines()
    lines[0] = "accuracy=90.000%, good=1078, total=1198"
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def compliance_failed(root: str) -> None:
    path = f"{root}/{SYSTEM}/SingleStream/TEST04/verify_performance.txt"
    text = open(path, encoding="utf-8").read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace("TEST PASS", "TEST FAIL: test is 25.0% faster"))


def missing_file(root: str) -> None:
    os.remove(f"{root}/{SYSTEM}/MultiStream/performance/run_1/mlperf_log_detail.txt")


def result_invalid(root: str) -> None:
    set_log_key(f"{root}/{SYSTEM}/SingleStream/performance/run_1/mlperf_log_detail.txt",
                 "result_validity", "INVALID")


def system_field_missing(root: str) -> None:
    path = f"{root}/closed/Demo/systems/x86_64-scikit-learn.json"
    data = json.load(open(path, encoding="utf-8"))
    del data["host_processor_model_name"]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


# variant folder -> (mutation, the code the checker reports)
VARIANTS = {
    "invalid-seed-changed": (seed_changed, "LG003"),
    "invalid-accuracy-below-target": (accuracy_below_target, "ACC001"),
    "invalid-compliance-failed": (compliance_failed, "CMP002"),
    "invalid-missing-file": (missing_file, "STR001"),
    "invalid-result-invalid": (result_invalid, "LG002"),
    "invalid-system-field-missing": (system_field_missing, "SYS001"),
}


def derive(base: str = HERE) -> None:
    for name, (mutate, _code) in VARIANTS.items():
        target = os.path.join(base, name)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(os.path.join(base, VALID), target)
        mutate(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--derive", action="store_true", help="only rebuild the invalid variants")
    args = parser.parse_args()
    if not args.derive:
        from infercheck.runner.pipeline import RunOptions, run_submission

        os.chdir(HERE)
        shutil.rmtree(VALID, ignore_errors=True)
        shutil.rmtree(VALID + ".accuracy-backup", ignore_errors=True)
        run_submission(RunOptions(out=VALID, system_name="x86_64-scikit-learn"), echo=print)
        shutil.rmtree(VALID + ".accuracy-backup", ignore_errors=True)
    derive()
    return 0


if __name__ == "__main__":
    sys.exit(main())
