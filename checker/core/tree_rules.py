"""Layout of the tree: missing, empty and unreadable files, stray folders, symlinks."""

from __future__ import annotations

import os

from infercheck.checker.core.findings import Finding, Rule, Severity
from infercheck.checker.core.textfile import ParseError


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


class LinkedFolder(Rule):
    """A folder of the tree's structure is a symbolic link.

    What it checks:
        The division and submitter folders, `results/`, `measurements/`, `compliance/` and
        `systems/`, and each system, benchmark and scenario folder under the first three are
        real folders, not links (to a folder inside the tree or out of it). Each result under
        a linked folder carries the finding. Links deeper in a result (a file, `accuracy/`)
        are STR006, STR007 and STR015's concern, and `code/` is not looked at. In an MLPerf
        Mobile tree: the division, submitter and device folders.

    Why it matters:
        A results repository stores the link, not the folder: the results under it vanish for
        every reader, or point to the submitter's machine. A linked system or benchmark also
        counts one set of runs twice. And a tool that moves or removes result folders
        (`preprocess`) would move the files the link points to, wherever they are.

    Example:
        path: closed/Acme/results/sys1/resnet50
        found: /home/me/runs/resnet50

    How to fix:
        Replace the link by the folder it points to (`cp -r --remove-destination`, or move the
        folder into place).

    Rounds:
        All.

    Source:
        infercheck's own: the official checker follows links without a word (os.listdir), and
        its preprocess_submission.py moves what they point to.
    """

    code = "STR026"
    name = "linked-folder"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "folder is a symbolic link (to {found}); the tree's folders must be real ones"


class CaseTwinFolders(Rule):
    """Two folders of one level of the tree differ only in case.

    What it checks:
        No two system, benchmark or scenario folders beside each other (nor two divisions or
        submitters) have names equal but for case, such as `Offline/` and `offline/`.

    Why it matters:
        A case-insensitive checkout (macOS, Windows) holds only one of them: which result is
        published depends on the reader's machine, and both count here.

    Example:
        path: closed/Acme/results/sys1/resnet50/offline
        found: Offline, offline

    How to fix:
        Keep one folder: merge the runs that belong together and remove the other.

    Rounds:
        All.

    Source:
        infercheck's own; git on a case-insensitive file system checks out one of the two.
    """

    code = "STR027"
    name = "case-twin-folders"
    severity = Severity.ERROR
    tags = ("structure",)
    message = "folders {found} differ only in case; a case-insensitive checkout keeps one"


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


class NotARegularFile(Rule):
    """Something other than a regular file stands where a file is expected.

    What it checks:
        Every file infercheck reads is a regular file (after following a link inside the tree):
        not a named pipe, socket, device or folder.

    Why it matters:
        Reading a named pipe waits forever for a writer and a device may never end; a checker
        that opens them hangs. Nothing in such an entry can be a published log.

    Example:
        path: closed/Acme/results/sys1/resnet50/Offline/performance/run_1/mlperf_log_detail.txt
        found: named pipe

    How to fix:
        Put the file itself there (a copy, not a pipe or device).

    Rounds:
        All.

    Source:
        infercheck (the official checker hangs on a named pipe).
    """

    code = "STR016"
    name = "not-a-regular-file"
    severity = Severity.ERROR
    tags = ("structure", "robustness")
    message = "not a regular file: {found}"


class FileTooLarge(Rule):
    """A file is larger than any real file of its kind, and is not read.

    What it checks:
        Each file infercheck reads is at most the bound for its kind (textfile.SIZE_LIMITS):
        1 MiB for LoadGen summaries, 16 MiB for JSON descriptions, 64 MiB for detail logs,
        accuracy reports, power logs and anything else. The largest seen in the published rounds
        v0.5 to v5.1 are 2.2 MB (a detail log), 4 KB (a summary), 1.6 MB (a PTDaemon log).

    Why it matters:
        A file far beyond its kind (a sparse 2 GB "log", a runaway dump) would cost gigabytes
        of memory and minutes, for a file that cannot be a real log; it is refused unread.

    Example:
        expected: <= 67108864 bytes, found: 2147483648

    How to fix:
        Replace it by the real file; LoadGen's own logs of a complete run are far smaller.

    Rounds:
        All.

    Source:
        infercheck.
    """

    code = "STR017"
    name = "file-too-large"
    severity = Severity.ERROR
    tags = ("structure", "robustness")
    message = "file has {found} bytes, more than any real file of its kind ({expected})"


class DuplicateJsonKey(Rule):
    """A JSON object names the same key twice.

    What it checks:
        No object of a system description, measurements JSON or other JSON file infercheck
        reads holds a key twice.

    Why it matters:
        JSON leaves the meaning open: Python (and so the official checker) takes the last value,
        other readers the first or an error, so the file does not say one thing. infercheck
        uses the last value, as the official tool does, and says so.

    Example:
        found: "duplicate key 'weight_transformations' (values \"Yes\" and \"Weight
        quantization from BF16 to INT8\"); the last is used"

    How to fix:
        Keep one of the two entries.

    Rounds:
        All.

    Source:
        infercheck (published in v5.1: measurements JSON of Intel_VMware name weight_transformations
        twice).
    """

    code = "STR018"
    name = "duplicate-json-key"
    severity = Severity.WARNING
    tags = ("structure", "robustness")
    message = "JSON names a key twice: {found}"


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


# Every rule finding_for_parse_error can give: what a check that reads files declares.
PARSE_RULES = (MissingFile, EmptyFile, NotUtf8, MalformedFile, InvalidJson, UnreadableFile,
               NotARegularFile, FileTooLarge, DuplicateJsonKey)


def finding_for_parse_error(err: ParseError, rel: str) -> Finding:
    """The finding for a file that could not be read or parsed (path relative to the tree)."""
    rule = {
        "missing": MissingFile,
        "empty": EmptyFile,
        "not-utf8": NotUtf8,
        "malformed": MalformedFile,
        "invalid-json": InvalidJson,
        "not-a-file": NotARegularFile,
        "too-large": FileTooLarge,
        "duplicate-key": DuplicateJsonKey,
    }.get(err.kind, UnreadableFile)
    locator = f"line {err.line}" if err.line else None
    if err.kind == "too-large":
        return rule.at(rel, expected=f"<= {err.limit} bytes", found=err.size)
    return rule.at(rel, expected=None, found=err.reason, locator=locator)


def link_target(root: str, rel: str) -> str | None:
    """Where `rel` (in the tree at `root`) links to, whole; None when it is no link."""
    path = os.path.join(root, *rel.split("/"))
    if not os.path.islink(path):
        return None
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def linked_folder(root: str, rel: str) -> Finding | None:
    """STR026 when the folder `rel` of the tree's structure is a symbolic link."""
    target = link_target(root, rel)
    return None if target is None else LinkedFolder.at(rel, found=target)
