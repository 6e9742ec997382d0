"""Compliance (audit) tests of closed and network results: TEST01, TEST04 and TEST05 (a
performance run), TEST06 (LLM output checks) and, from v6.1, tests judged by their verification
file alone (TEST07-TEST09, `compliance.verify_files` in the rule pack)."""

from __future__ import annotations

from infercheck.checker.core.coerce import is_true
from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.registry import check
from infercheck.checker.core.tree_rules import MalformedFile, MissingFile
from infercheck.checker.inference.checks.endpoints import EndpointsAuditFailed
from infercheck.checker.inference.checks.loadgen.log_keys import NeededKeys
from infercheck.checker.inference.checks.loadgen.performance import PERFORMANCE_RULES, performance_findings
from infercheck.checker.inference.checks.loadgen.sample_order import seed_findings

TEST06_LINES = (("First token check pass: True", "First token check pass: Skipped"),
                ("EOS check pass: True",), ("Sample length check pass: True",))


class ComplianceTestMissing(Rule):
    """A compliance test the benchmark requires was not run.

    What it checks:
        Closed and network results have a folder per required audit test (e.g. resnet in v2.1:
        TEST01, TEST04, TEST05).

    Why it matters:
        The audits catch caching of results, accuracy lost in performance mode and tuning to the
        sample order.

    Example:
        expected: TEST04, found: (absent)

    How to fix:
        Run the test with its `audit.config` and copy its output.

    Rounds:
        v1.0 onwards (`benchmarks.<name>.compliance`; before v2.1 TEST04 is TEST04-A and TEST04-B,
        and no MultiStream result runs it in v1.0 and v1.1: `compliance.skipped_tests`). The
        v0.7 tool checked no compliance folder.

    Source:
        Official checker: "Missing TEST0x in compliance dir".
    """

    code = "CMP001"
    name = "compliance-test-missing"
    severity = Severity.ERROR
    tags = ("compliance",)
    message = "compliance test {expected} is missing"


class CompliancePerformanceFailed(Rule):
    """A compliance test's performance verification did not pass.

    What it checks:
        `verify_performance.txt` says `TEST PASS`.

    Why it matters:
        TEST04 faster than the submission means repeated samples were cached; TEST01 or TEST05
        far from it means the submission run is not representative.

    Example:
        expected: TEST PASS, found: TEST FAIL

    How to fix:
        Investigate the difference; re-run the test and the submission run.

    Rounds:
        All.

    Source:
        Official checker: "Compliance test performance check ... failed".
    """

    code = "CMP002"
    name = "compliance-performance-failed"
    severity = Severity.ERROR
    tags = ("compliance",)
    message = "{test} performance verification did not pass"


class ComplianceAccuracyFailed(Rule):
    """An audit test's accuracy verification failed (TEST01: and the fallback does not hold).

    What it checks:
        `TEST01/verify_accuracy.txt` says `TEST PASS`; if not (non-deterministic outputs),
        `TEST01/accuracy/` holds baseline_accuracy.txt and compliance_accuracy.txt whose metrics
        differ by at most 1 % (0.1 % for 99.9 benchmarks; SDXL: CLIP 1 %, FID 2 %). The tests
        judged by their verification file alone (v6.1: TEST07 and TEST08 `verify_accuracy.txt`,
        TEST09 `verify_output_len.txt`) say `TEST PASS`.

    Why it matters:
        It shows performance mode computes the same answers as accuracy mode.

    Example:
        locator: acc, expected: <= 1.0 %, found: 3.2 %

    How to fix:
        Make performance mode run the same model and post-processing as accuracy mode.

    Rounds:
        All (TEST07-TEST09 from v6.1).

    Source:
        Official checker `check_compliance_acc_dir`; HEAD `ComplianceCheck.accuracy_check`.
    """

    code = "CMP003"
    name = "compliance-accuracy-failed"
    severity = Severity.ERROR
    tags = ("compliance",)
    message = "{test} accuracy verification failed: {why}"


class ComplianceOutputCheckFailed(Rule):
    """TEST06 (LLM output consistency) did not pass.

    What it checks:
        `TEST06/verify_accuracy.txt` has "First token check pass: True" (or Skipped),
        "EOS check pass: True" and "Sample length check pass: True".

    Why it matters:
        It shows the reported tokens are the tokens generated.

    Example:
        expected: EOS check pass: True, found: (absent)

    How to fix:
        Re-run TEST06 and fix the generation loop it flags.

    Rounds:
        v4.0 onwards.

    Source:
        Official checker: "TEST06 accuracy check failed".
    """

    code = "CMP004"
    name = "compliance-output-check-failed"
    severity = Severity.ERROR
    tags = ("compliance", "llm")
    message = "TEST06 verification lacks {expected!r}"


def _evidence_missing(ctx) -> None:
    """A test, its run or accuracy folder or its verification file is not there: the CSV's
    compliance column says 0 (the official tools' check_compliance_dir fails on these; a
    verification that does not pass is a finding, not missing evidence)."""
    ctx.metrics["compliance_complete"] = False


def _required_files(ctx, test: str, test_dir: str):
    """The files the round's official checker lists for a compliance test's folders (a missing
    folder is one finding, not one per file)."""
    wanted = ctx.rules.compliance.get("required_files") or {}
    for folders in (wanted.get("*") or {}, wanted.get(test) or {}):
        for folder, names in folders.items():
            if not ctx.isdir(f"{test_dir}/{folder}"):
                _evidence_missing(ctx)
                yield MissingFile.at(f"{test_dir}/{folder}", expected=f"{folder}/")
                continue
            for name in names:
                if not ctx.exists(f"{test_dir}/{folder}/{name}"):
                    yield MissingFile.at(f"{test_dir}/{folder}/{name}", expected=name)


def _has_pass(text: str | None) -> bool:
    return text is not None and "TEST PASS" in text


def _test01_accuracy(ctx, test_dir: str):
    verify = f"{test_dir}/verify_accuracy.txt"
    if not ctx.exists(verify):
        _evidence_missing(ctx)
        yield MissingFile.at(verify, expected="verify_accuracy.txt")
        return
    if _has_pass(ctx.text(verify)):
        return
    acc = f"{test_dir}/accuracy"
    texts = {}
    for name in ("baseline_accuracy.txt", "compliance_accuracy.txt"):
        if not ctx.exists(f"{acc}/{name}"):
            yield ComplianceAccuracyFailed.at(verify, expected="TEST PASS", found=None, test="TEST01",
                                              why=f"no TEST PASS and no {name} to compare")
            return
        texts[name] = ctx.text(f"{acc}/{name}") or ""
    for target in ctx.rules.targets(ctx.model, ctx.scenario):
        pattern = ctx.rules.pattern(target.metric)
        got = {}
        for name, text in texts.items():
            for line in text.splitlines():
                m = pattern.match(line) if pattern else None
                if m:
                    got[name] = float(m.group(1))
        base, comp = got.get("baseline_accuracy.txt"), got.get("compliance_accuracy.txt")
        if not base or not comp:
            yield ComplianceAccuracyFailed.at(f"{acc}", expected=target.metric, found=None,
                                              test="TEST01", why=f"{target.metric} not reported")
            continue
        delta = abs(1 - base / comp) * 100
        allowed = ctx.rules.delta_percent(ctx.model, target.metric)
        if delta > allowed:
            yield ComplianceAccuracyFailed.at(f"{acc}", expected=allowed, found=round(delta, 4),
                                              locator=target.metric, test="TEST01",
                                              why=f"{target.metric} differs by {delta:.3f} %")


def _test06(ctx, test_dir: str):
    verify = f"{test_dir}/verify_accuracy.txt"
    if not ctx.exists(verify):
        _evidence_missing(ctx)
        yield MissingFile.at(verify, expected="verify_accuracy.txt")
        return
    lines = {line.strip() for line in (ctx.text(verify) or "").splitlines()}
    for options in TEST06_LINES:
        if not any(o in lines for o in options):
            yield ComplianceOutputCheckFailed.at(verify, expected=options[0])


def _verification(ctx, verify: str, failed: type[Rule], **fields):
    """A verification file that must say TEST PASS: its absence is missing evidence, a verdict
    other than TEST PASS is `failed`."""
    if not ctx.exists(verify):
        _evidence_missing(ctx)
        yield MissingFile.at(verify, expected=verify.rsplit("/", 1)[-1])
        return
    text = ctx.text(verify)
    if text is not None and not _has_pass(text):
        yield failed.at(verify, expected="TEST PASS", found=text.strip()[-80:], **fields)


def _test_run(ctx, test_dir: str, test: str):
    log_rel = f"{test_dir}/performance/run_1/mlperf_log_detail.txt"
    if not ctx.exists(log_rel):
        if ctx.isdir(f"{test_dir}/performance/run_1"):
            yield MissingFile.at(log_rel, expected="mlperf_log_detail.txt")
        else:  # the same finding as the file list's, where it names the folder: kept once
            _evidence_missing(ctx)
            yield MissingFile.at(f"{test_dir}/performance/run_1", expected="performance/run_1/")
        return
    log = ctx.detail_log(log_rel)
    if log is None:
        return
    if ctx.rules.partial_run(test):
        # Ended early by design, so only the samples it drew are held to the round.
        keys = NeededKeys(log)
        yield from seed_findings(ctx, log_rel, keys, test=test)
        yield from keys.missing_findings(log_rel)
    else:
        yield from performance_findings(ctx, log_rel, log, test=test)


@check(emits=(MissingFile, ComplianceTestMissing, CompliancePerformanceFailed,
              ComplianceAccuracyFailed, ComplianceOutputCheckFailed, *PERFORMANCE_RULES,
              MalformedFile, EndpointsAuditFailed))
def check_compliance(ctx):
    if not ctx.is_closed_like:
        return  # open division: audits are not required
    if ctx.is_endpoints:
        yield from _endpoints_audits(ctx)
        return
    rules = ctx.rules
    tests = rules.compliance_tests(ctx.model, ctx.scenario)
    if not tests:
        return
    base = ctx.compliance_dir
    for test in tests:
        test_dir = f"{base}/{test}"
        if not ctx.isdir(test_dir):
            _evidence_missing(ctx)
            yield ComplianceTestMissing.at(test_dir, expected=test)
            continue
        if test == "TEST06":
            yield from _test06(ctx, test_dir)
            continue
        verify_file = ctx.rules.verify_file(test)
        if verify_file:
            yield from _verification(ctx, f"{test_dir}/{verify_file}", ComplianceAccuracyFailed,
                                     test=test,
                                     why=f"{verify_file.rsplit('/', 1)[-1]} does not say TEST PASS")
            continue
        yield from _required_files(ctx, test, test_dir)
        yield from _test_run(ctx, test_dir, test)
        # TEST04-B has no verification of its own: TEST04-A's compares the two runs.
        if rules.verified_by_itself(test):
            yield from _verification(ctx, f"{test_dir}/verify_performance.txt",
                                     CompliancePerformanceFailed, test=test)
        if test == "TEST01":
            yield from _test01_accuracy(ctx, test_dir)


def _endpoints_audits(ctx):
    """The audit files of an endpoints result (compliance_check.py 502-568)."""
    spec = ctx.rules.endpoints
    names = spec.get("audit_tests") or {}
    folder = f"{ctx.compliance_dir}/{spec.get('audit_dir', 'audit')}"
    for test in ctx.rules.compliance_tests(ctx.model, ctx.scenario):
        name = names.get(test)
        if not name:
            continue
        rel = f"{folder}/audit_{name}.json"
        if not ctx.exists(rel):
            if test in (spec.get("required_tests") or []) and ctx.model in (spec.get("allowed_models") or []):
                yield ComplianceTestMissing.at(rel, expected=test)
            continue
        data = ctx.json(rel)
        if data is None:
            continue  # unreadable: the loader's finding
        if not isinstance(data, dict):
            yield MalformedFile.at(rel, expected="a JSON object",
                                   found=f"a JSON {type(data).__name__}, not an object")
        elif data.get("test") != name:
            yield EndpointsAuditFailed.at(rel, expected=name, found=data.get("test"), locator="test",
                                          test=test, why=f"it is the audit of {data.get('test')!r}")
        elif not is_true(data.get("passed")):
            yield EndpointsAuditFailed.at(rel, expected=True, found=data.get("passed"),
                                          locator="passed", test=test, why="passed is not true")
