"""The compliance step: TEST01 and TEST04 runs, their verification against the performance runs,
the choice of the run submitted, and the re-tries when no run agrees with them."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from . import verify
from .backends import Backend
from .measurement import TRIES_PER_RUN, PerformanceRun, PerformanceRuns

__all__ = ["ComplianceOutcome", "TEST01_SEED", "run_compliance"]

TEST01_SEED = 720381539243781796  # the accuracy_log_rng_seed of the official TEST01 audit.config


@dataclass(frozen=True)
class ComplianceOutcome:
    """How one compliance test ended against the submitted run; a test that did not pass leaves
    its failed verification in the tree, and the checker rejects the result."""

    test: str
    passed: bool
    attempts: int  # runs of the test made


@dataclass(frozen=True)
class _TestRun:
    folder: str  # base/<test>.<n>, renamed to base/<test> if submitted
    accuracy_ok: bool  # TEST01's accuracy part; True for TEST04, which has none


def run_compliance(runs: PerformanceRuns, tests: list[str],
                   attempts: int) -> tuple[PerformanceRun, list[ComplianceOutcome]]:
    """Run the compliance tests and choose the performance run to submit.

    Every run made, performance or compliance, stays a candidate: the run submitted is the one
    closest to the median of the performance runs for which each test has a run that agrees
    with it, as a submitter who re-ran a test picks the pair that belongs together. While none
    has, the tests that do not agree with the best candidate (the run most tests agree with) are
    made again, and one more performance run, up to `attempts` times: the machine's speed
    drifts over seconds, and a later run of either kind is a fair candidate. Each test's
    verify_performance.txt is written against the run chosen.
    """
    base = runs.base
    made: dict[str, list[_TestRun]] = {test: [] for test in tests}
    for attempt in range(1, attempts + 1):
        lacking = tests if attempt == 1 else [t for t, got in _best(runs, made)[1].items() if not got]
        for test in lacking:
            made[test].append(_run_test(runs, test, len(made[test]) + 1))
        if all(_best(runs, made)[1].values()):
            break
        if attempt < attempts:
            runs.add()
            if all(_best(runs, made)[1].values()):
                break
    chosen, agreeing = _best(runs, made)
    outcomes = []
    for test in tests:
        picked = agreeing[test] or made[test][-1]
        final = os.path.join(base, test)
        os.rename(picked.folder, final)
        for other in made[test]:
            shutil.rmtree(other.folder, ignore_errors=True)
        agreed, text = _verify_performance(test, chosen, final)
        with open(os.path.join(final, "verify_performance.txt"), "w", encoding="utf-8") as f:
            f.write(text)
        outcomes.append(ComplianceOutcome(test, agreed and picked.accuracy_ok, len(made[test])))
    return chosen, outcomes


def _agreeing(test: str, candidates: list[_TestRun], run: PerformanceRun) -> _TestRun | None:
    """The first run of `test` that passed its own part and agrees with performance `run`."""
    return next((c for c in candidates
                 if c.accuracy_ok and _verify_performance(test, run, c.folder)[0]), None)


def _best(runs: PerformanceRuns, made: dict[str, list[_TestRun]]
          ) -> tuple[PerformanceRun, dict[str, _TestRun | None]]:
    """The performance run the most tests have an agreeing run for (of equals, the one nearest
    the median), with those runs."""
    best, best_count = None, -1
    for run in runs.by_closeness():
        agreeing = {test: _agreeing(test, candidates, run) for test, candidates in made.items()}
        count = sum(got is not None for got in agreeing.values())
        if count > best_count:
            best, best_count = (run, agreeing), count
    return best


def _verify_performance(test: str, reference: PerformanceRun, folder: str) -> tuple[bool, str]:
    reference_log = os.path.join(reference.outdir, "mlperf_log_detail.txt")
    detail = os.path.join(folder, "performance", "run_1", "mlperf_log_detail.txt")
    if test == "TEST01":
        return verify.verify_test01_performance(reference_log, detail)
    return verify.verify_test04_performance(reference_log, detail)


def _write_audit_config(test: str, base: str, backend: Backend) -> str:
    audit = os.path.join(base, f"{test}.audit.config")
    with open(audit, "w", encoding="utf-8") as f:
        f.write("# written by the infercheck runner\n*.*.mode = 2\n")
        if test == "TEST01":
            f.write(f"*.*.accuracy_log_rng_seed = {TEST01_SEED}\n"
                    f"*.*.accuracy_log_sampling_target = {backend.accuracy_log_sampling_target}\n")
        else:  # TEST04: the same sample issued again and again
            f.write("*.*.performance_issue_unique = 0\n*.*.performance_issue_same = 1\n"
                    "*.*.performance_issue_same_index = 3\n")
    return audit


def _run_test(runs: PerformanceRuns, test: str, attempt: int) -> _TestRun:
    """One run of a compliance test with its audit.config; for TEST01 also its accuracy part
    (the responses logged in performance mode against the accuracy run).

    A run LoadGen calls INVALID is made again with wider margins, as a performance run is
    (PerformanceRuns.add): on a machine whose speed swings, a test run that meets a fast
    stretch ends before its minimum duration (Offline) or runs out of generated queries
    (SingleStream, MultiStream). That is LoadGen's expectation being off, not the system
    failing the test; the comparison the test makes is then made on a VALID run, unchanged.
    """
    runner, base = runs.runner, runs.base
    test_dir = os.path.join(base, f"{test}.{attempt}")
    audit = _write_audit_config(test, base, runner.backend)
    run = os.path.join(test_dir, "performance", "run_1")
    label = test + (f" (attempt {attempt})" if attempt > 1 else "")
    for tries in range(1, TRIES_PER_RUN + 1):
        shutil.rmtree(test_dir, ignore_errors=True)
        runner.run(runs.scenario, label + (", wider margins" if tries > 1 else ""), run,
                   runs.user_conf(), audit=audit)
        if verify.run_score(os.path.join(run, "mlperf_log_detail.txt")).valid:
            break
        runs.scale *= 2
    if test != "TEST01":
        return _TestRun(test_dir, True)
    return _TestRun(test_dir, _verify_test01_accuracy(runner.backend, test_dir, run, base))


def _verify_test01_accuracy(backend: Backend, test_dir: str, run: str, base: str) -> bool:
    """Move the responses TEST01 logged into its accuracy folder, score them and compare them with
    the accuracy run's (verify_accuracy.txt)."""
    acc_dir = os.path.join(test_dir, "accuracy")
    os.makedirs(acc_dir)
    shutil.move(os.path.join(run, "mlperf_log_accuracy.json"), acc_dir)
    log = os.path.join(acc_dir, "mlperf_log_accuracy.json")
    ok, text = verify.verify_test01_accuracy(log, os.path.join(base, "accuracy", "mlperf_log_accuracy.json"))
    line, _ = verify.accuracy_report(log, backend.labels)
    with open(os.path.join(acc_dir, "accuracy.txt"), "w", encoding="utf-8") as f:
        f.write(line + "\n")
    with open(os.path.join(test_dir, "verify_accuracy.txt"), "w", encoding="utf-8") as f:
        f.write(text)
    return ok
