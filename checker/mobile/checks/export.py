"""Reading the app's result export: its presence, its shape, its build and its benchmark ids."""

from __future__ import annotations

import re

from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.registry import check
from infercheck.checker.core.textfile import ParseError
from infercheck.checker.core.tree_rules import PARSE_RULES, finding_for_parse_error
from infercheck.checker.mobile.appfile import AppFileError, read_app_json, read_cli_text

_BRANCH_ROUND = re.compile(r"submission-(v\d+\.\d+)")


class ResultFileMissing(Rule):
    """A device folder has no app result file.

    What it checks:
        `results/<device>/` (or `results/` when there is no device level) holds the app's
        exported `result.json` (also spelled `results.json`), or at least the command-line tool's
        `performance_results.txt` / `accuracy_results.txt`.

    Why it matters:
        The app's export is the submission's score sheet: the value and accuracy of every
        benchmark come from it.

    Example:
        expected: closed/Acme/results/PhoneX/result.json, found: nothing

    How to fix:
        Export the results from the app (Results > share) and add the file.

    Rounds:
        All Mobile rounds. `--profile published` tolerates it: v1.1 published Intel's laptop
        results, run by its own LoadGen harness, with LoadGen logs and the accuracy script's
        `accuracy.txt` but no app export (their values come from those logs).

    Source:
        mobile_open rules, "Directory structure": results/<system_desc_id>/result.json.
    """

    code = "MOB001"
    name = "result-file-missing"
    tags = ("mobile", "structure")
    published_tolerated = True
    message = "no result.json (nor command-line excerpts) for device {device!r}"


class CliExcerptsOnly(Rule):
    """The results come from the command-line tool's excerpts, not from the app's JSON export.

    What it checks:
        A device with `performance_results.txt` / `accuracy_results.txt` but no result.json.

    Why it matters:
        The excerpts are hand-made copies of log lines: they carry no app build, no device
        description and no validity flags, so they prove less than the export.

    Example:
        SDX_Elite (Windows laptop, v4.1): performance_results.txt and accuracy_results.txt only.

    How to fix:
        Run the app (or the CLI with result export) and add its result.json.

    Rounds:
        All; published Windows-laptop results (v3.0 onwards) rely on excerpts, which
        `--profile published` accepts with a warning.

    Source:
        mobile_open rules, "Directory structure" (result.json is mandatory).
    """

    code = "MOB002"
    name = "cli-excerpts-only"
    tags = ("mobile", "structure")
    message = "results of device {device!r} come from command-line excerpts only, no result.json"
    published_tolerated = True


class ResultFileNotJson(Rule):
    """The app result file is not valid JSON.

    What it checks:
        result.json parses as JSON.

    Why it matters:
        Nothing in it can be read, so no result of the device has a value.

    Example:
        found: Expecting ',' delimiter: line 40 column 5

    How to fix:
        Export the file again from the app; do not edit it by hand.

    Rounds:
        All.

    Source:
        infercheck.
    """

    code = "MOB003"
    name = "result-file-not-json"
    tags = ("mobile", "app-json")
    message = "app result file is not valid JSON: {found}"


class ResultFileSchema(Rule):
    """The app result file does not have the shape of any app generation.

    What it checks:
        The file validates against the JSON Schema of its generation: legacy Android app
        (a flat list, v1.1-v2.0), Flutter 2 (a list with one export, v2.1) or Flutter 3/4 (one
        export object, v3.0 onwards); see schemas/mobile_result_*.schema.json.

    Why it matters:
        A missing or mistyped field (a throughput as text, no scenario) means the value read
        from it could be wrong.

    Example:
        locator: $.results[2].performance_run.loadgen.latency90, found: '0.00091' is not of type 'number'

    How to fix:
        Export the file again from the app; do not edit it by hand.

    Rounds:
        All.

    Source:
        mobile_app_open tools/extended_result_schema.json and docs/result-spec.md.
    """

    code = "MOB004"
    name = "result-file-schema"
    tags = ("mobile", "app-json")
    message = "app result file ({generation}) fails its schema at {locator}: {found}"


class UnknownMobileBenchmark(Rule):
    """A benchmark folder or app benchmark id is not a benchmark of the round.

    What it checks:
        Folders under `results/<device>/` name a benchmark of the round (any case or
        punctuation: mobileBERT, Mobile-BERT) or are app log folders
        `<benchmark_id>-performance` / `-accuracy`; ids in the result JSON are ids of the round.

    Why it matters:
        Without a benchmark there is no quality target and no run rule to judge the result by.

    Example:
        found: deeplabV3+ (round v4.1, whose segmentation benchmark is MOSAIC)

    How to fix:
        Check `--version`; remove results of retired benchmarks or rename the folder.

    Rounds:
        All; names are each benchmark's `folders` and `app_ids` in the rule pack.

    Source:
        mobile_open rules: "<benchmark> must be one of {MobilenetEdgeTPU, MobileDETSSD, MOSAIC,
        EDSR, MobileBERT}".
    """

    code = "MOB006"
    name = "unknown-mobile-benchmark"
    tags = ("mobile", "structure")
    message = "{what} {found!r} is not a benchmark of Mobile round {round}"


class UnknownMobileScenario(Rule):
    """A result has a scenario its benchmark does not have.

    What it checks:
        Scenario folders and result entries are SingleStream, or Offline for image
        classification, and an entry's scenario is the one of its app benchmark id
        (image_classification_offline_v2 is Offline).

    Why it matters:
        Other scenarios have no run rules in Mobile and are not published.

    Example:
        found: Offline for mobilebert (closed division)

    How to fix:
        Remove the result, or submit it in the open division (a warning there).

    Rounds:
        All.

    Source:
        mobile_open rules: "<scenario> must be one of {SingleStream, Offline}".
    """

    code = "MOB008"
    name = "unknown-mobile-scenario"
    tags = ("mobile", "structure")
    message = "{found!r} is not a scenario of {benchmark} in round {round}"


class OtherRoundBuild(Rule):
    """The app build says it was made for another round.

    What it checks:
        build_info.git_branch, when it names a submission branch (submission-vX.Y), names the
        round being checked.

    Why it matters:
        Another round's build runs other tasks and limits; usually the wrong `--version`.

    Example:
        expected: submission-v4.1, found: submission-v4.0

    How to fix:
        Check with the round's build, or pass the right `--version`.

    Rounds:
        v2.1 onwards (earlier builds carry no branch).

    Source:
        infercheck.
    """

    code = "MOB024"
    name = "other-round-build"
    severity = Severity.WARNING
    tags = ("mobile", "app-json")
    message = "app build from branch {found!r}, the round is {expected}"


class ResultNotExported(Rule):
    """Logs of a benchmark are present but the app's result file has no entry for it.

    What it checks:
        Every benchmark and scenario folder with logs has an entry in the device's result file.

    Why it matters:
        The published value comes from the result file; logs alone have no accuracy.

    Example:
        found: results/PhoneX/EDSR/SingleStream with no super_resolution entry in result.json

    How to fix:
        Export the run that produced these logs, or remove the folder.

    Rounds:
        All.

    Source:
        infercheck.
    """

    code = "MOB017"
    name = "result-not-exported"
    tags = ("mobile", "app-json")
    message = "{benchmark} {scenario} has logs but no entry in {source}"


def branch_round(export) -> str | None:
    """The round of the app build's submission branch (submission-v4.1), if it names one."""
    m = _BRANCH_ROUND.search(str(export.build.get("git_branch") or ""))
    return m.group(1) if m else None


@check(emits=(*PARSE_RULES, ResultFileNotJson, ResultFileSchema, CliExcerptsOnly, ResultFileMissing,
              OtherRoundBuild, UnknownMobileBenchmark, UnknownMobileScenario))
def check_export(dev):
    """Read the device's export (result.json, else the command-line excerpts) into dev.export and
    dev.runs; its build must be of the round and its benchmark ids the round's."""
    tree = dev.tree
    if tree.result_file:
        try:
            dev.export = read_app_json(tree.result_file)
        except ParseError as exc:
            yield finding_for_parse_error(exc, dev.rel(tree.result_file))
        except AppFileError as exc:
            rel = dev.rel(tree.result_file)
            if exc.kind == "json":
                yield ResultFileNotJson.at(rel, found=exc.reason)
            else:
                yield ResultFileSchema.at(rel, found=exc.reason, locator=exc.locator,
                                          generation=exc.generation or "unknown generation")
    elif tree.cli_performance or tree.cli_accuracy:
        try:
            dev.export = read_cli_text(tree.cli_performance, tree.cli_accuracy)
        except ParseError as exc:
            yield finding_for_parse_error(exc, dev.rel(exc.path))
        yield CliExcerptsOnly.at(tree.rel, device=tree.name)
    else:
        yield ResultFileMissing.at(tree.rel, expected=f"{tree.rel}/result.json", device=tree.name)
    if dev.export is None:
        return
    rules = dev.rules
    built_for = branch_round(dev.export)
    if built_for and built_for != rules.round:
        yield OtherRoundBuild.at(dev.rel(dev.export.path), found=str(dev.export.build.get("git_branch")),
                                 expected=rules.round)
    for run in dev.export.runs:
        found = rules.by_app_id(run.benchmark_id)
        if found is None:
            yield UnknownMobileBenchmark.at(dev.rel(dev.export.path), found=run.benchmark_id,
                                            locator=run.locator, what="app benchmark id",
                                            round=rules.round)
            continue
        if run.scenario != found[1]:
            yield UnknownMobileScenario.at(
                dev.rel(dev.export.path), locator=run.locator, benchmark=found[0], round=rules.round,
                found=f"{run.scenario} (the app id {run.benchmark_id} is for {found[1]})")
        dev.runs.setdefault((found[0], run.scenario), run)


@check(emits=(UnknownMobileScenario,))
def check_scenario_allowed(ctx):
    """The result's scenario is one the round runs for its benchmark (open: a warning)."""
    rules = ctx.rules
    if ctx.scenario not in rules.allowed_scenarios(ctx.benchmark):
        sev = Severity.WARNING if ctx.division == "open" else None
        yield UnknownMobileScenario.at(ctx.where, found=ctx.scenario, benchmark=ctx.benchmark,
                                       round=rules.round, severity=sev)


@check(emits=(ResultNotExported,))
def check_exported(ctx):
    """A result with log folders has its entry in the device's export."""
    export = ctx.device.export
    if export is not None and ctx.app is None:
        yield ResultNotExported.at(ctx.where, benchmark=ctx.benchmark, scenario=ctx.scenario,
                                   source=ctx.rel(export.path))
