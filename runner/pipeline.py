"""From nothing to a submission tree: calibrate, run every scenario (accuracy, performance,
compliance), assemble, truncate."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from infercheck.checker.core.closest import hint
from infercheck.checker.inference.rules import known_seed_sets, load_rules

if TYPE_CHECKING:  # the modules that load LoadGen, numpy and scikit-learn: imported when run
    from .backends import Backend
    from .compliance import ComplianceOutcome

__all__ = ["RunError", "RunOptions", "RunSummary", "allowed_scenarios", "default_backup",
           "prepare", "run_submission"]

DEMO_MIN_DURATION_MS = 2000
# The runner implements TEST01 and TEST04; TEST06 (LLM output checks) has no runner model.
RUNNABLE_TESTS = ("TEST01", "TEST04")


class RunError(Exception):
    """A problem with the options or the environment, reported to the user without a traceback."""


@dataclass
class RunOptions:
    out: str
    round: str = "demo"
    suite: str = "inference"  # or automotive: the packs of the round, and the system type
    benchmark: str = "digits"
    model: str | None = None
    dataset: str | None = None
    division: str | None = None  # default: closed, or open where the model stands in
    system_type: str = "edge"
    profile: str = "demo"  # demo: short runs; full: the round's durations
    submitter: str = "Demo"
    system_name: str | None = None
    scenarios: list[str] | None = None
    compliance: bool | None = None  # default: for closed and network
    attempts: int = 6  # rounds of re-runs before a compliance test counts as failed
    normalize: bool = True
    label_offset: int = 0
    max_samples: int | None = None
    model_stands_in: bool = False  # the embedded model runs as another benchmark (open division)
    # System description fields the machine cannot tell (or to say otherwise), over the detected.
    system_fields: dict = field(default_factory=dict)
    tree: str | None = None  # the folder written, when not `out` (a temporary name beside it)
    backup: str | None = None  # where the full accuracy logs go; default OUT.accuracy-backup
    scratch: str | None = None  # the runs' working folder; default a new temporary folder


@dataclass
class ScenarioResult:
    scenario: str
    value: float
    units: str
    valid: bool
    accuracy: float
    compliance: list[ComplianceOutcome] = field(default_factory=list)


@dataclass
class RunSummary:
    root: str
    round: str
    system: str
    benchmark_folder: str
    results: list[ScenarioResult]
    unknown_fields: list[str]
    notes: list[str]
    backup: str
    seconds: float


def _backend(opts: RunOptions) -> Backend:
    # numpy, scikit-learn, onnxruntime: loaded in the run's own process only (supervise.py)
    from .backends import BackendError, DigitsBackend, OnnxImageBackend

    try:
        if opts.model is None:
            if opts.benchmark != "digits" and not opts.model_stands_in:
                raise RunError(f"--benchmark {opts.benchmark} needs --model and --dataset")
            return DigitsBackend()
        if opts.dataset is None:
            raise RunError("--model needs --dataset (a folder of images with val_map.txt)")
        return OnnxImageBackend(opts.model, opts.dataset, normalize=opts.normalize,
                                label_offset=opts.label_offset, max_count=opts.max_samples)
    except BackendError as exc:
        raise RunError(str(exc)) from None


# The embedded model is a plain classifier, scored as an accuracy: it can stand in for a round's
# benchmark of that metric, in the open division (where a model need not be the reference one).
_STAND_IN_METRIC = "acc"
_RUNNABLE_SCENARIOS = ("SingleStream", "MultiStream", "Offline", "Server")


def _stand_in(rules, system_type: str) -> str | None:
    """The round's first benchmark (by name) that the embedded digits classifier can stand in
    for on this system type: accuracy-scored, with scenarios the runner can run."""
    for name in sorted(rules.benchmarks):
        scenarios = rules.required_scenarios(name, system_type) or []
        targets = rules.targets(name)
        if (scenarios and all(s in _RUNNABLE_SCENARIOS for s in scenarios) and targets
                and all(t.metric == _STAND_IN_METRIC for t in targets)
                and not rules.one_of_scenarios(name, system_type)):
            return name
    return None


def _with_stand_in(opts: RunOptions, rules) -> tuple[RunOptions, str | None]:
    """Options for a round without the digits benchmark: the embedded model runs in the open
    division as a benchmark of the round (model_mapping.json names it), and says so."""
    if opts.benchmark != "digits" or opts.model is not None or "digits" in rules.benchmarks:
        return replace(opts, division=opts.division or "closed"), None
    chosen = _stand_in(rules, opts.system_type)
    if chosen is None:
        raise RunError(f"round {opts.round} has no {opts.system_type} benchmark the embedded "
                       "classifier can stand in for; give --model and --dataset")
    if opts.division == "closed":
        raise RunError(f"round {opts.round} has no digits benchmark: the embedded classifier can "
                       f"only stand in for {chosen} in the open division (--division open)")
    note = (f"Round {opts.round} has no digits benchmark: the embedded classifier runs in the "
            f"open division as {chosen} (model_mapping.json says so).")
    return replace(opts, benchmark=chosen, division="open", model_stands_in=True), note


def _seeds_note(target: tuple[int, int, int], round_name: str,
                suite: str = "inference") -> tuple[tuple | None, str]:
    from . import harness  # LoadGen: loaded when a run needs it, not to check options

    version = harness.loadgen_version()
    embedded = harness.loadgen_round_seeds()
    # The LoadGen on PyPI is MLPerf Inference's.
    serves = f"round {known_seed_sets().get(embedded, 'an unknown round')}"
    named = round_name if suite == "inference" else f"{suite} {round_name}"
    if suite != "inference":
        serves = f"inference {serves}"
    if embedded == target:
        return None, f"LoadGen {version} serves {serves}: its compiled-in seeds are used."
    return target, (f"LoadGen {version} serves {serves}; round {named} has other seeds, so they "
                    f"are set explicitly (as that round's mlperf.conf would). An official "
                    f"{named} submission must use that round's LoadGen.")


def _outcome_text(outcome: ComplianceOutcome) -> str:
    if not outcome.passed:
        return f", {outcome.test} FAILED ({outcome.attempts} attempts)"
    after = f" after {outcome.attempts} attempts" if outcome.attempts > 1 else ""
    return f", {outcome.test} passed{after}"


# Fields the runner writes from its own options: given another way they would contradict the tree.
_OWN_FIELDS = {"division": "--division", "submitter": "--submitter", "system_type": "--system-type"}


def allowed_scenarios(rules, benchmark: str, system_type: str) -> list[str]:
    """The scenarios a result of `benchmark` may have on `system_type` in the round: required,
    optional and those of its one-of groups, in the round's order."""
    out = list(rules.required_scenarios(benchmark, system_type) or [])
    out += rules.optional_scenarios(benchmark, system_type)
    out += [s for group in rules.one_of_scenarios(benchmark, system_type) for s in group]
    return list(dict.fromkeys(out))


def _check_scenarios(opts: RunOptions, rules) -> list[str]:
    required = rules.required_scenarios(opts.benchmark, opts.system_type)
    if not required:
        raise RunError(f"{opts.benchmark} has no {opts.system_type} scenarios in round {opts.round}")
    unrunnable = [s for s in opts.scenarios or required if s not in _RUNNABLE_SCENARIOS]
    if unrunnable:
        raise RunError(f"the runner cannot run {', '.join(unrunnable)}: the LoadGen on PyPI "
                       f"(mlcommons-loadgen) runs {', '.join(_RUNNABLE_SCENARIOS)} only; "
                       "MLPerf Automotive's ConstantStream needs that suite's own LoadGen")
    allowed = allowed_scenarios(rules, opts.benchmark, opts.system_type)
    refused = [s for s in opts.scenarios or [] if s not in allowed]
    if refused:
        article = "an" if opts.system_type[0] in "aeiou" else "a"
        hint = next((f" (--system-type {other} allows {', '.join(there)})"
                     for other in ("datacenter", "edge") if other != opts.system_type
                     and rules.required_scenarios(opts.benchmark, other)
                     and set(refused) <= set(there := allowed_scenarios(rules, opts.benchmark, other))), "")
        raise RunError(f"round {opts.round} allows {opts.benchmark} on {article} {opts.system_type} "
                       f"system only in {', '.join(allowed)}: not {', '.join(refused)}{hint}")
    return list(dict.fromkeys(opts.scenarios)) if opts.scenarios else list(required)


def _check_system_fields(opts: RunOptions, rules) -> None:
    from infercheck.schemas import load_schema  # (jsonschema) only when fields are given

    known = set(load_schema(rules.system["schema"]).get("properties", {}))
    for key, value in opts.system_fields.items():
        own = getattr(opts, key) if key in _OWN_FIELDS else None
        if key in _OWN_FIELDS and value != own:  # the same value (a whole description) is fine
            raise RunError(f"system field {key!r} comes from {_OWN_FIELDS[key]} ({own})")
        if key not in known:
            raise RunError(f"{key!r} is not a system description field of round {opts.round}"
                           f"{hint(key, sorted(known))}")
        if not isinstance(value, (str, int, float, bool)):
            raise RunError(f"system field {key!r}: a text or a number, not {json.dumps(value)[:60]}")


def _required_value(rules, model: str, key: str):
    """The value the round requires of a LoadGen setting for `model`, or None."""
    wanted = [s["value"] for s in rules.required_settings(model) if s["key"] == key]
    return wanted[-1] if wanted else None


def default_backup(out: str) -> str:
    return os.path.abspath(out).rstrip(os.sep) + ".accuracy-backup"


@dataclass(frozen=True)
class Plan:
    """The options as they will run, checked before any run starts."""

    opts: RunOptions
    rules: object
    scenarios: list[str]
    stand_in_note: str | None


def prepare(opts: RunOptions, *, check_out: bool = True) -> Plan:
    """Check everything that can be checked before running: a RunError for the first problem.
    `check_out`: that OUT and its backup are new or empty (not when writing a staged tree, which
    the caller has checked and renames onto OUT at the end)."""
    try:
        rules = load_rules(opts.round, opts.suite)
    except Exception as exc:
        raise RunError(str(exc)) from None
    opts, stand_in_note = _with_stand_in(opts, rules)
    if opts.benchmark not in rules.benchmarks:
        raise RunError(f"round {opts.round} has no benchmark {opts.benchmark!r} "
                       f"(it has {', '.join(sorted(rules.benchmarks))})")
    scenarios = _check_scenarios(opts, rules)
    _check_system_fields(opts, rules)
    if check_out:
        if opts.out and os.path.exists(opts.out) and os.listdir(opts.out):
            raise RunError(f"{opts.out} exists and is not empty; choose a new folder")
        backup = default_backup(opts.out)
        if os.path.exists(backup) and os.listdir(backup):
            raise RunError(f"{backup} (the accuracy-log backup) exists and is not empty")
    return Plan(opts, rules, scenarios, stand_in_note)


def run_submission(opts: RunOptions, echo: Callable[[str], None] | None = None) -> RunSummary:
    """Make the whole tree in opts.tree (default: opts.out) and truncate its accuracy logs into
    opts.backup. Runs in this process: `supervise.run_supervised` runs it in a child process
    that Ctrl-C can stop, and writes OUT under a temporary name."""
    # LoadGen, numpy and the model: loaded in the child that runs them, not in the parent that
    # supervises it (a fork after LoadGen's threads start would copy them half-made).
    from . import harness
    from .assemble import TreeWriter
    from .calibration import calibrate
    from .compliance import run_compliance
    from .display import Display
    from .loadgen_runner import LoadgenRunner, SharedConf
    from .measurement import accuracy_run, measure
    from .truncate import TruncateError, TruncateProblems, truncate_tree

    display = Display(echo)
    plan = prepare(opts, check_out=opts.tree is None)
    opts, rules, scenarios = plan.opts, plan.rules, plan.scenarios
    tree = opts.tree or opts.out
    backup = opts.backup or default_backup(opts.out)

    backend = _backend(opts)
    bench = rules.benchmark(opts.benchmark)
    closed_like = opts.division in ("closed", "network")
    compliance = opts.compliance if opts.compliance is not None else closed_like
    tests = [t for t in rules.compliance_tests(opts.benchmark) if t in RUNNABLE_TESTS] if compliance else []
    folder = opts.benchmark if closed_like else backend.name
    seeds = rules.loadgen["seeds"]
    explicit_seeds, seed_note = _seeds_note(
        (seeds["qsl_rng_seed"], seeds["sample_index_rng_seed"], seeds["schedule_rng_seed"]),
        opts.round, opts.suite)
    display.echo(seed_note)
    if plan.stand_in_note:
        display.echo(plan.stand_in_note)
    notes: list[str] = []  # repeated at the end, after the progress lines
    # A real round's own minimum is 600 s a run: too long for a look at the runner.
    min_duration = DEMO_MIN_DURATION_MS if opts.profile == "demo" else rules.loadgen["min_duration_ms"]
    if opts.profile == "full":
        notes.append(f"Full-length runs: at least {min_duration / 1000:.0f} s each.")
    conf = SharedConf(model=harness.LOADGEN_MODEL_NAMES.get(opts.benchmark, opts.benchmark),
                      min_duration_ms=min_duration,
                      performance_count=min(backend.total_count, bench["performance_sample_count"]),
                      server_bound_ns=(bench.get("latency_constraint_ns") or {}).get("Server"),
                      latency_percentile=_required_value(rules, opts.benchmark,
                                                         "effective_target_latency_percentile"))
    runner = LoadgenRunner(backend, display, conf, explicit_seeds)

    writer = TreeWriter(opts, rules, backend, folder, root=tree)
    scratch = opts.scratch or tempfile.mkdtemp(prefix="infercheck-run-")
    results: list[ScenarioResult] = []
    try:
        cal = calibrate(runner, os.path.join(scratch, "calibration"))
        for scenario in scenarios:
            base = os.path.join(scratch, scenario)
            percent = accuracy_run(runner, cal, scenario, base)
            runs = measure(runner, cal, scenario, base)
            chosen, outcomes = run_compliance(runs, tests, opts.attempts)
            runs.submit(chosen)
            writer.add_result(scenario, base, tests, runs.submitted_dir + ".user.conf")
            units = rules.unit(scenario, opts.benchmark)
            score = chosen.score
            value = score.value / 1e6 if score.is_latency else score.value
            results.append(ScenarioResult(scenario, value, units, score.valid, percent, outcomes))
            display.echo(f"[{display.elapsed():6.1f} s] {scenario}: {value:.6g} {units}, "
                         f"accuracy {percent:.3f} %" + "".join(map(_outcome_text, outcomes)))
            notes.extend(f"{scenario} {o.test} did not pass in {o.attempts} attempts: the checker "
                         "will reject it." for o in outcomes if not o.passed)
        unknown = writer.finish()
        display.phase("truncating accuracy logs")
        try:
            truncate_tree(tree, backup)
        except (TruncateError, TruncateProblems) as exc:
            problems = getattr(exc, "problems", [str(exc)])
            raise RunError("truncating the accuracy logs failed: " + "; ".join(problems)) from None
    finally:
        display.end_phase()
        shutil.rmtree(scratch, ignore_errors=True)
    return RunSummary(os.path.abspath(opts.out), opts.round, writer.system, folder, results,
                      unknown, notes, default_backup(opts.out), display.elapsed())

