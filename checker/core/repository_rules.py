"""What the results repository refuses: files over its size limit, hidden names, names with
spaces or other refused characters, __pycache__ folders, empty folders. The limits are a
round's `repository` section (rules.schema.json); a round without one has none of these
checks, as its official checker had none."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from infercheck.checker.core.findings import Finding, Rule, Severity

__all__ = ["REPOSITORY_RULES", "RepositoryLimits"]

_SOURCE = ("Official checker, tags v3.0 to v5.1 (check_results_dir, 'Apply folder checks'): "
           "it refuses the whole submitter and names no result; the deprecated "
           "repository_checks.sh tests the same, and tests folder names with spaces by mistake "
           "against the file list. The v6 package lost these checks; infercheck keeps them in v6.0 "
           "and v6.1, as the repository refuses the same. It refuses the result whose folder "
           "holds the name, else the tree.")


class FileOverUploadLimit(Rule):
    """A file of a submitter's folder is larger than the results repository takes.

    What it checks:
        Every regular file under `<division>/<submitter>/` is at most the round's
        `repository.max_file_bytes`: 50 MiB (52,428,800 bytes) from v3.0.

    Why it matters:
        The results are published as a git repository that refuses larger files; the
        submission would not upload, or would lose the file. None of the published rounds v3.0
        to v5.1 holds one.

    Example:
        path: closed/Acme/results/sys1/bert-99/Offline/accuracy/mlperf_log_accuracy.json
        expected: <= 52428800 bytes, found: 812345678

    How to fix:
        An accuracy log: `infercheck truncate TREE` keeps its hash and first and last lines,
        as the official truncate_accuracy_log.py does. Code or data: leave it out and say in the
        README where it can be had.

    Rounds:
        v3.0 on (`repository.max_file_bytes`).

    Source:
        {source}
    """

    code = "STR019"
    name = "file-over-upload-limit"
    severity = Severity.ERROR
    tags = ("structure", "repository")
    message = "file has {found} bytes, more than the results repository takes ({expected})"


class HiddenName(Rule):
    """A file or folder of a submitter's folder has a hidden name (it begins with a dot).

    What it checks:
        No name under `<division>/<submitter>/` begins with ".": `.gitignore`, `.DS_Store`,
        `.ipynb_checkpoints/`, an editor's `.file.swp`. A hidden folder is named once, not
        each file in it.

    Why it matters:
        Hidden files are left behind by tools, not written for reviewers; the round's checker
        refuses them. They are also what most often slips into an upload unseen.

    Example:
        path: closed/Acme/code/resnet50/.ipynb_checkpoints, found: folder

    How to fix:
        Delete it (`git clean -X` for files git ignores), or rename it without the dot.

    Rounds:
        v3.0 on (`repository.hidden_names`).

    Source:
        {source}
    """

    code = "STR020"
    name = "hidden-name"
    severity = Severity.ERROR
    tags = ("structure", "repository")
    message = "hidden {found} name: the results repository takes none"


class RefusedNameCharacter(Rule):
    """A file or folder name holds a character the results repository refuses.

    What it checks:
        No name under `<division>/<submitter>/` holds a character of the round's
        `repository.refused_name_characters` (the official checker refuses spaces; infercheck
        adds `< > : " | ? * \\`, which no published round's name holds and which no Windows
        checkout can write) or a control character.

    Why it matters:
        Such names break the scripts that read the published repository and the checkouts
        made on other systems. A space in a system name also ends up in the results table's
        links.

    Example:
        path: closed/Acme/results/X660 G45_A100x8, found: " " (space)

    How to fix:
        Rename it with "_" or "-" for the character, and the system JSON or benchmark folders
        that must keep the same name with it.

    Rounds:
        v3.0 on (`repository.refused_name_characters`).

    Source:
        {source}
    """

    code = "STR021"
    name = "refused-name-character"
    severity = Severity.ERROR
    tags = ("structure", "repository")
    message = "{kind} name holds {found}, which the results repository refuses"


class PycacheFolder(Rule):
    """A `__pycache__` folder is in a submitter's folder.

    What it checks:
        No folder under `<division>/<submitter>/` is named `__pycache__`.

    Why it matters:
        Compiled Python is built from the code beside it; it is not source, and it says which
        interpreter ran it, not what was run. The round's checker refuses it.

    Example:
        path: closed/Acme/code/bert-99/__pycache__

    How to fix:
        Delete it (`find TREE -name __pycache__ -exec rm -r {{}} +`).

    Rounds:
        v3.0 on (`repository.pycache_folders`).

    Source:
        {source}
    """

    code = "STR022"
    name = "pycache-folder"
    severity = Severity.ERROR
    tags = ("structure", "repository")
    message = "__pycache__ folder: the results repository takes no compiled Python"


class EmptyFolder(Rule):
    """A folder of a submitter's folder is empty.

    What it checks:
        Every folder under `<division>/<submitter>/` holds a file or a folder.

    Why it matters:
        git keeps no empty folder: what the reviewer downloads differs from what was checked,
        and an empty result or compliance folder is usually a run that was never copied.

    Example:
        path: closed/Acme/compliance/sys1/resnet50/Offline/TEST04

    How to fix:
        Copy what belongs there, or delete the folder.

    Rounds:
        v3.0 on (`repository.empty_folders`).

    Source:
        {source}
    """

    code = "STR023"
    name = "empty-folder"
    severity = Severity.ERROR
    tags = ("structure", "repository")
    message = "folder is empty: the results repository keeps no empty folder"


REPOSITORY_RULES = (FileOverUploadLimit, HiddenName, RefusedNameCharacter, PycacheFolder,
                    EmptyFolder)
for _rule in REPOSITORY_RULES:
    _rule.__doc__ = _rule.__doc__.format(source=_SOURCE)


def _named(char: str) -> str:
    shown = {" ": '" " (space)', "\t": "a tab"}.get(char)
    if shown:
        return shown
    if unicodedata.category(char).startswith("C"):
        return f"the control character {char!r}"
    return f'"{char}"'


@dataclass(frozen=True)
class RepositoryLimits:
    """One round's `repository` section, as the scan of a submitter's folder applies it."""

    max_file_bytes: int | None = None
    hidden_names: bool = False
    refused_name_characters: str = ""
    pycache_folders: bool = False
    empty_folders: bool = False

    @classmethod
    def of(cls, section: dict | None) -> RepositoryLimits:
        section = section or {}
        return cls(section.get("max_file_bytes"), bool(section.get("hidden_names")),
                   section.get("refused_name_characters") or "",
                   bool(section.get("pycache_folders")), bool(section.get("empty_folders")))

    @property
    def active(self) -> bool:
        return bool(self.max_file_bytes or self.hidden_names or self.refused_name_characters
                    or self.pycache_folders or self.empty_folders)

    @cached_property
    def _refused(self) -> re.Pattern | None:
        # Control characters are Unicode's Cc: C0, DEL and C1.
        chars = self.refused_name_characters
        return re.compile(f"[{re.escape(chars)}\x00-\x1f\x7f-\x9f]") if chars else None

    def of_name(self, rel: str, name: str, is_dir: bool) -> list[Finding]:
        """The findings of one entry's name; a hidden folder is not to be entered (its
        contents are refused with it)."""
        refused = self._refused
        if not (self.hidden_names and name.startswith(".")) and not (
                self.pycache_folders and is_dir and name == "__pycache__") and not (
                refused is not None and refused.search(name)):
            return []  # nearly every name: one regular expression and two comparisons
        kind = "folder" if is_dir else "file"
        out = []
        if self.hidden_names and name.startswith("."):
            out.append(HiddenName.at(rel, found=kind))
        if refused is not None:
            bad = sorted(set(refused.findall(name)))
            if bad:
                out.append(RefusedNameCharacter.at(
                    rel, found=", ".join(_named(c) for c in bad), kind=kind,
                    expected=f"none of {self.refused_name_characters!r} or control characters"))
        if is_dir and self.pycache_folders and name == "__pycache__":
            out.append(PycacheFolder.at(rel))
        return out

    def of_file(self, rel: str, entry: os.DirEntry) -> list[Finding]:
        if not self.max_file_bytes:
            return []
        try:
            size = entry.stat(follow_symlinks=False).st_size
        except OSError:
            return []  # gone or unreadable: the checks that read it say so
        if size > self.max_file_bytes:
            return [FileOverUploadLimit.at(rel, found=size,
                                           expected=f"<= {self.max_file_bytes} bytes")]
        return []

    def of_folder(self, rel: str, entries: list) -> list[Finding]:
        return [EmptyFolder.at(rel)] if self.empty_folders and not entries else []
