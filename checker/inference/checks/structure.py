"""Layout of an inference result: benchmark and scenario folders, the run folder."""

from __future__ import annotations

from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.registry import check
from infercheck.checker.core.textfile import entry_kind
from infercheck.checker.core.tree_rules import MissingFile, NotARegularFile


class UnknownBenchmark(Rule):
    """A benchmark folder does not name a benchmark of the round.

    What it checks:
        In closed and network, each folder under `results/<system>/` is a benchmark of the round
        (or an alias such as resnet50); in open, it maps to one through `model_mapping.json`.

    Why it matters:
        Without a benchmark there are no targets, so the result cannot be judged.

    Example:
        found: resnet101 (closed division, round v2.1)

    How to fix:
        Rename the folder to the benchmark's name, or, in open, add the model to
        `open/<submitter>/model_mapping.json`.

    Rounds:
        All; the names are the `benchmarks` and `model_mapping` of the rule pack.

    Source:
        Official checker: "has an invalid model".
    """

    code = "STR009"
    name = "unknown-benchmark"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "benchmark folder {found!r} is not a benchmark of round {round}"


class UnknownScenario(Rule):
    """A scenario folder is not a scenario the benchmark has for this system type.

    What it checks:
        Folders under a benchmark are scenarios (any case) required for the system type.

    Why it matters:
        Results in other folders are not part of the submission and are not published.

    Example:
        found: Offline_old

    How to fix:
        Remove or rename the folder.

    Rounds:
        All.

    Source:
        Official checker: "ignoring scenario ... (neither required nor optional)".
    """

    code = "STR010"
    name = "unknown-scenario"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "folder {found!r} is not a scenario of {model} for a {system_type} system"


class MissingScenario(Rule):
    """A benchmark lacks a scenario its system type requires (closed and network).

    What it checks:
        Each benchmark of a closed or network system has every scenario the round requires
        for the system type (e.g. edge resnet: SingleStream, MultiStream, Offline), and at least
        one scenario of each "one of" group (from v5.1 a datacenter LLM such as llama3.1-8b
        needs Offline and one of Interactive or Server).

    Why it matters:
        A closed submission of a benchmark is the whole set of its scenarios; a partial set is
        not comparable.

    Example:
        expected: [MultiStream, Offline, SingleStream], found: [Offline, SingleStream];
        missing: [one of Interactive/Server]

    How to fix:
        Add the missing scenario, or (edge) infer it from another scenario's run.

    Rounds:
        All; the sets are `benchmarks.<name>.scenarios` and `one_of_scenarios` in the rule pack.

    Source:
        Official checker: "does not have all required scenarios".
    """

    code = "STR011"
    name = "missing-scenario"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "benchmark lacks required scenarios {missing}"


class SymlinkedFile(Rule):
    """A file of the submission is a symbolic link, in a round that allows none.

    What it checks:
        No file under a submitter's folder is a symlink, even one that resolves inside the
        tree. Links to folders are not looked at, as the official walk does not list them as
        files. Broken and escaping links are STR007 and STR006.

    Why it matters:
        A link is a file only where links survive (not in every archive or checkout); the
        round's checker refused any, and with it the whole submitter. infercheck rejects the
        result whose folder holds the link (a link elsewhere is a finding about the tree).

    Example:
        path: closed/Acme/results/sys1/resnet50/Offline/accuracy/accuracy.txt
        found: ../../../../../code/resnet50/accuracy.txt

    How to fix:
        Replace the link by a copy of the file.

    Rounds:
        v3.0 only (`layout.reject_file_symlinks`); from v3.1 only broken links are refused.

    Source:
        Official checker (tag v3.0, check_results_dir): "contains symbolic links".
    """

    code = "STR015"
    name = "symlinked-file"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "file is a symbolic link (to {found}); round {round} allows none"


@check(emits=(MissingFile, NotARegularFile))
def check_result_files(ctx):
    """The performance run folder of a result is there, with LoadGen's summary beside the
    detail log (the detail log itself is checked by the checks that read it). An endpoints
    result has no run folder: the check that reads its files reports those it lacks."""
    if ctx.is_endpoints:
        return
    run = ctx.in_result("performance", "run_1")
    if not ctx.isdir(run):
        yield MissingFile.at(run, expected="performance/run_1/")
        return
    # v0.5 also wants LoadGen's (empty) accuracy log of each run (layout.performance_run_files).
    names = ctx.rules.layout.get("performance_run_files") or ["mlperf_log_summary.txt"]
    for n in range(1, ctx.rules.performance_runs(ctx.scenario) + 1):
        run = ctx.in_result("performance", f"run_{n}")
        if n > 1 and not ctx.isdir(run):
            continue  # one finding for a missing run: its detail log's, where that is read
        for name in names:
            kind = entry_kind(ctx.abs(f"{run}/{name}"))
            if kind == "missing":
                yield MissingFile.at(f"{run}/{name}", expected=name)
            elif kind is not None:  # a file no check may read (the summary of a JSON log is not)
                yield NotARegularFile.at(f"{run}/{name}", found=kind)


class InvalidModelMapping(Rule):
    """`model_mapping.json` of an open submitter is not an object of model name to benchmark.

    What it checks:
        `open/<submitter>/model_mapping.json` is a JSON object whose values are benchmark names.

    Why it matters:
        The mapping tells which benchmark's rules apply to a custom model; without it the
        results cannot be judged.

    Example:
        expected: {"my-resnet": "resnet"}, found: list

    How to fix:
        Write the mapping as `{"<folder name>": "<benchmark>"}`.

    Rounds:
        v3.0 onwards (open division).

    Source:
        Official checker `--extra-model-benchmark-map` (which crashes on a bad file).
    """

    code = "STR014"
    name = "invalid-model-mapping"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "model_mapping.json is not a name-to-benchmark object"
