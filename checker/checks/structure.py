"""Layout of the tree: missing, empty and unreadable files, stray folders, symlinks."""

from __future__ import annotations

from ..findings import Rule, Severity
from ._registry import check


class MissingFile(Rule):
    """A file or folder the round requires is not there.

    What it checks:
        Every file the rules of the round require for a result: LoadGen logs, accuracy files,
        system description, measurements files, compliance folders, power logs, the code folder.

    Why it matters:
        Reviewers and the results table read these files; a result without them cannot be
        verified.

    Example:
        expected: closed/Acme/results/sys1/resnet50/Offline/performance/run_1/mlperf_log_detail.txt
        found: nothing

    How to fix:
        Copy the file from the run's output folder, or re-run the benchmark.

    Rounds:
        All; the required list is in the round's rule pack (layout, measurements_files).

    Source:
        Official checker: "is missing" / "has file list mismatch" (which crashed on some files).
    """

    code = "STR001"
    name = "missing-file"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "required file or folder is missing"


class EmptyFile(Rule):
    """A required file is empty (or holds only white space).

    What it checks:
        Required files have content.

    Why it matters:
        An empty log or README says nothing a reviewer can check.

    Example:
        path: closed/Acme/measurements/sys1/resnet50/Offline/user.conf, found: empty

    How to fix:
        Regenerate or fill the file.

    Rounds:
        All.

    Source:
        Official checker (v4.1): "is having empty".
    """

    code = "STR002"
    name = "empty-file"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "file is empty"


class NotUtf8(Rule):
    """A text file is not valid UTF-8.

    What it checks:
        Logs, accuracy reports, JSON and configuration files decode as UTF-8.

    Why it matters:
        LoadGen and the accuracy scripts write UTF-8; other bytes mean the file was damaged or
        replaced.

    Example:
        found: "byte 812 is not UTF-8" (line 3)

    How to fix:
        Restore the original file from the run.

    Rounds:
        All.

    Source:
        infercheck (the official checker raises UnicodeDecodeError and stops).
    """

    code = "STR003"
    name = "not-utf8"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "file is not UTF-8: {found}"


class MalformedFile(Rule):
    """A log or report does not have the expected shape: a line cut off, not JSON, wrong format.

    What it checks:
        Every `:::MLLOG` line of a detail log is a whole JSON object; spl.txt lines have a time
        and a watt value; verification files have the lines the tools write.

    Why it matters:
        A log truncated mid-line was copied before the run finished or was edited.

    Example:
        locator: line 85, found: "log line is cut off"

    How to fix:
        Copy the complete file from the run's output.

    Rounds:
        All.

    Source:
        infercheck (the official checker crashes with a JSON error).
    """

    code = "STR004"
    name = "malformed-file"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "file is malformed: {found}"


class InvalidJson(Rule):
    """A JSON file does not parse.

    What it checks:
        System descriptions, measurements JSON, model_mapping.json and power summaries parse as
        JSON.

    Why it matters:
        Nothing in it can be read, so the fields cannot be checked.

    Example:
        found: "Expecting ',' delimiter at line 4 column 5"

    How to fix:
        Fix the JSON syntax (a JSON linter shows where).

    Rounds:
        All.

    Source:
        infercheck (the official checker raises and stops the whole run).
    """

    code = "STR005"
    name = "invalid-json"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "file is not valid JSON: {found}"


class SymlinkOutsideTree(Rule):
    """A symbolic link points outside the submission tree.

    What it checks:
        Every symlink under a submitter's folder resolves to a path inside the tree.

    Why it matters:
        A published submission is a git repository: a link outside it is empty for everyone
        else, and it may expose files of the submitter's machine.

    Example:
        path: closed/Acme/results/sys1/resnet50/Offline/accuracy/accuracy.txt
        found: /home/me/runs/accuracy.txt

    How to fix:
        Replace the link by a copy of the file.

    Rounds:
        All.

    Source:
        Official checker (v4.1): broken symbolic links; infercheck also rejects escaping ones.
    """

    code = "STR006"
    name = "symlink-outside-tree"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "symbolic link points outside the tree, to {found}"


class BrokenSymlink(Rule):
    """A symbolic link points to nothing.

    What it checks:
        Every symlink in the tree resolves to an existing file or folder.

    Why it matters:
        The file the link stands for is missing for every reader.

    Example:
        found: ../../missing.txt

    How to fix:
        Replace the link by the file it should point to.

    Rounds:
        All.

    Source:
        Official checker (v4.1): "contains broken symbolic links".
    """

    code = "STR007"
    name = "broken-symlink"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "symbolic link is broken (points to {found})"


class UnknownDivision(Rule):
    """A folder at the top of the tree is not a division.

    What it checks:
        The top of a submission holds `closed`, `open` and `network` only.

    Why it matters:
        Results in any other folder are never checked nor published.

    Example:
        found: Closed (expected one of closed, open, network)

    How to fix:
        Move the submitter's folder under the right division, in lower case.

    Rounds:
        All.

    Source:
        Official checker: "invalid division in input dir".
    """

    code = "STR008"
    name = "unknown-division"
    severity = Severity.WARNING
    tags = ("structure",)
    message = "folder {found!r} is not a division (expected one of {expected})"


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
        for the system type (e.g. edge resnet: SingleStream, MultiStream, Offline).

    Why it matters:
        A closed submission of a benchmark is the whole set of its scenarios; a partial set is
        not comparable.

    Example:
        expected: [MultiStream, Offline, SingleStream], found: [Offline, SingleStream]

    How to fix:
        Add the missing scenario, or (edge) infer it from another scenario's run.

    Rounds:
        All; the sets are `benchmarks.<name>.scenarios` in the rule pack.

    Source:
        Official checker: "does not have all required scenarios".
    """

    code = "STR011"
    name = "missing-scenario"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "benchmark lacks required scenarios {missing}"


class UnreadableFile(Rule):
    """A file exists but cannot be opened (permissions, a folder in its place).

    What it checks:
        Files the checks need can be read.

    Why it matters:
        Nothing in it can be checked.

    Example:
        found: "Permission denied"

    How to fix:
        Fix the permissions or replace the folder by the file.

    Rounds:
        All.

    Source:
        infercheck.
    """

    code = "STR012"
    name = "unreadable-file"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "file cannot be read: {found}"


class EmptyTree(Rule):
    """No result was found under the given folder (or none for the chosen submitter).

    What it checks:
        The folder holds `<division>/<submitter>/results/<system>/<benchmark>/<scenario>`.

    Why it matters:
        Checking nothing is not a pass: the official tool says "looks OK" for an empty folder.

    Example:
        found: 0 results under ./my_submission

    How to fix:
        Point `infercheck check` at the folder that holds `closed/`, `open/` or `network/`,
        and check the spelling of `--submitter`.

    Rounds:
        All.

    Source:
        infercheck (official checker bug: empty input passes).
    """

    code = "STR013"
    name = "no-results"
    severity = Severity.ERROR
    tags = ("structure", "usage")
    message = "no results found{where}"


@check(emits=(MissingFile,))
def check_result_files(ctx):
    """The performance run folder of a result is there, with LoadGen's summary beside the
    detail log (the detail log itself is checked by the checks that read it)."""
    run = ctx.in_result("performance", "run_1")
    if not ctx.isdir(run):
        yield MissingFile.at(run, expected="performance/run_1/")
    elif not ctx.exists(f"{run}/mlperf_log_summary.txt"):
        yield MissingFile.at(f"{run}/mlperf_log_summary.txt", expected="mlperf_log_summary.txt")


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
        v4.0 onwards (open division).

    Source:
        Official checker `--extra-model-benchmark-map` (which crashes on a bad file).
    """

    code = "STR014"
    name = "invalid-model-mapping"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "model_mapping.json is not a name-to-benchmark object"
