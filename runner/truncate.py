"""Truncation of accuracy logs, the mandatory last step before submitting.

For each accuracy folder: the SHA-256 of the full mlperf_log_accuracy.json is appended to
accuracy.txt as `hash=<hex>`, the full log is copied to a backup folder outside the tree, and
the log is cut to its first and last 4096 bytes joined by "\\n\\n...\\n\\n".

Crash safety (a kill -9 at any moment loses nothing and leaves no result half-done):

1. Plan, reading only: every folder is classified from its content (to do, done, or left
   half-done by an interrupted run of a tool that replaces files one by one: accuracy.txt holds
   the log's hash but the log is still whole). Anything doubtful (a link or a pipe in a log's
   place, a hash that is not the log's, a backup that holds a different file, a folder that
   cannot be written) stops the run before anything is written.
2. Back up: each full log is copied into the backup folder, flushed to disk and read back; its
   hash must equal the one taken from the original.
3. Stage: the new accuracy folder is built in the backup's staging folder: the folder's other
   files hard-linked (copied where a link is refused), the new accuracy.txt and the cut log
   written and flushed.
4. Commit, per result one atomic step: the staged folder and the tree's folder are exchanged
   (Linux renameat2 RENAME_EXCHANGE), then the old folder, now in the staging area, is removed.

So the tree is changed only after every backup is complete and verified, every result folder
is at all times either as it was or truncated, and running the command again finishes an
interrupted run (or, with nothing left, changes nothing). A kill between two results leaves
some results truncated and the others as they were: POSIX has no atomic step for a whole tree.

Where the backup is on another filesystem than a result (no rename crosses them), that result
is staged beside its folder as `.infercheck-truncate-accuracy`, which a later run removes; where
the system cannot exchange two folders, the two files are renamed into place one by one, the
hash first, which leaves at worst the half-done state that step 1 recognises.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass

from infercheck.checker.core.textfile import missing_folders, mode_kind

__all__ = ["TruncateError", "TruncateProblems", "TruncatedLog", "Truncation", "truncate_tree"]

KEEP = 4096
LIMIT = 10 * 1024
LOG = "mlperf_log_accuracy.json"
REPORT = "accuracy.txt"
# accuracy.txt is a few lines; anything far larger is not one and is not read whole.
REPORT_LIMIT = 1 << 20
STAGING = ".infercheck-staging"
IN_TREE = ".infercheck-truncate-accuracy"  # a result staged beside its folder
_CHUNK = 1 << 20

try:
    _libc = ctypes.CDLL(None, use_errno=True)
except OSError:
    _libc = None
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@dataclass(frozen=True)
class TruncatedLog:
    path: str  # relative to the tree, with "/"
    sha256: str
    original_bytes: int
    resumed: bool = False  # an interrupted run had already written the hash


@dataclass(frozen=True)
class Truncation:
    """What a run of truncate did: the logs it truncated, and those it left as they were because
    they already had been (accuracy.txt holds the hash and the log is short)."""

    logs: list[TruncatedLog]
    already: list[str]  # the logs' paths, relative to the tree, with "/"
    backup_made: bool  # False: nothing needed keeping, and the run left no backup folder


class TruncateError(ValueError):
    """A request to truncate that would put the originals at risk (a usage error)."""


class TruncateProblems(Exception):
    """Folders that cannot be truncated safely (then nothing was changed), or a step that failed
    (each message says what state it left the tree in)."""

    def __init__(self, problems: list[str], outcome: str = "Nothing was changed."):
        super().__init__(f"{len(problems)} accuracy folders cannot be truncated safely")
        self.problems = problems
        self.outcome = outcome


@dataclass
class _Folder:
    rel: str  # of the log, relative to the tree
    folder: str
    size: int
    digest: str
    new_report: bytes | None  # None: accuracy.txt already holds the hash
    report_mode: int | None
    log_mode: int
    staged: str = ""  # the new folder, ready to take the tree folder's place

    @property
    def log(self) -> str:
        return os.path.join(self.folder, LOG)

    @property
    def report(self) -> str:
        return os.path.join(self.folder, REPORT)


def _regular(path: str) -> os.stat_result | None:
    """The file's status if it is a regular file (links not followed), else None."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def _kind(path: str) -> str:
    try:
        return mode_kind(os.lstat(path).st_mode) or "file"
    except FileNotFoundError:
        return "gone"


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _recorded_hash(report: bytes) -> str | None:
    found = None
    for line in report.decode("utf-8", errors="replace").splitlines():
        if line.startswith("hash="):
            found = line[5:].strip()
    return found


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durably(path: str, data: bytes, mode: int | None) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if mode is not None:
        os.chmod(path, stat.S_IMODE(mode))


def _cut(path: str, size: int) -> bytes:
    with open(path, "rb") as f:
        head = f.read(KEEP)
        f.seek(size - KEEP)
        tail = f.read(KEEP)
    return head + b"\n\n...\n\n" + tail


def _accuracy_folders(root: str):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if os.path.basename(dirpath) == "accuracy" and LOG in filenames:
            yield dirpath


def _remove_leftover(folder: str) -> None:
    """A result staged beside its folder by an interrupted run (its full log is in the backup)."""
    leftover = os.path.join(os.path.dirname(folder), IN_TREE)
    if os.path.isdir(leftover) and not os.path.islink(leftover):
        shutil.rmtree(leftover)


def _plan(root: str, folders: list[str], backup: str, problems: list[str],
          already: list[str]) -> list[_Folder]:
    todo = []
    for folder in folders:
        log = os.path.join(folder, LOG)
        rel = os.path.relpath(log, root)
        shown = rel.replace(os.sep, "/")
        log_st = _regular(log)
        if log_st is None:
            problems.append(f"{shown}: a {_kind(log)}, not a log; truncate only regular files")
            continue
        report = os.path.join(folder, REPORT)
        report_st = _regular(report)
        if report_st is None and os.path.lexists(report):
            problems.append(f"{os.path.dirname(shown)}/{REPORT}: a {_kind(report)}, not a report")
            continue
        if report_st is not None and report_st.st_size > REPORT_LIMIT:
            problems.append(f"{os.path.dirname(shown)}/{REPORT}: {report_st.st_size} bytes, "
                            f"not an accuracy report (at most {REPORT_LIMIT})")
            continue
        try:
            old_report = b""
            if report_st is not None:
                with open(report, "rb") as f:
                    old_report = f.read()
            recorded = _recorded_hash(old_report)
            if recorded is not None and log_st.st_size <= LIMIT:
                already.append(shown)  # done: by us or by the official tool
                continue
            digest = _sha256(log)
        except OSError as exc:
            problems.append(f"{shown}: cannot be read ({exc.strerror})")
            continue
        if recorded is not None and recorded != digest:
            problems.append(f"{shown}: {REPORT} records hash {recorded[:12]}... but the log's is "
                            f"{digest[:12]}...; the log changed after its hash was written "
                            f"(restore the log it was computed from, or remove the hash line)")
            continue
        # the folder is replaced as a whole: it and the folder holding it must be writable
        if not (os.access(folder, os.W_OK) and os.access(os.path.dirname(folder), os.W_OK)):
            problems.append(f"{os.path.dirname(shown)}: the folder cannot be written")
            continue
        kept = os.path.join(backup, rel)
        if os.path.lexists(kept):
            if _regular(kept) is None or _sha256(kept) != digest:
                problems.append(f"{shown}: the backup {kept} already holds a different file; "
                                f"move it away or give another --backup")
                continue
        new_report = None
        if recorded is None:
            # The official tool's spelling: a blank line, then the hash.
            new_report = old_report + f"\nhash={digest}\n".encode()
        todo.append(_Folder(rel, folder, log_st.st_size, digest, new_report,
                            report_st.st_mode if report_st else None, log_st.st_mode))
    return todo


def _remove_if_empty(made: list[str]) -> None:
    """Remove the folders this run made, deepest first, as long as they are empty."""
    for folder in made:
        try:
            os.rmdir(folder)
        except OSError:
            return  # not empty (it holds backups) or not ours to remove any more


def _back_up(item: _Folder, backup: str) -> None:
    """Copy the full log into the backup, flushed, then read back and compared by hash."""
    kept = os.path.join(backup, item.rel)
    if os.path.lexists(kept):
        return  # verified in _plan: the same bytes
    os.makedirs(os.path.dirname(kept), exist_ok=True)
    partial = kept + ".partial"
    with open(item.log, "rb") as src, open(partial, "wb") as dst:
        shutil.copyfileobj(src, dst, _CHUNK)
        dst.flush()
        os.fsync(dst.fileno())
    shutil.copystat(item.log, partial)
    if _sha256(partial) != item.digest:
        os.unlink(partial)
        raise OSError(errno.EIO, f"the backup of {item.rel} does not read back as written")
    os.replace(partial, kept)
    _fsync_dir(os.path.dirname(kept))


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def _stage(item: _Folder, staging: str) -> None:
    """Build the truncated folder where one rename can put it in the tree folder's place."""
    parent = os.path.join(staging, os.path.dirname(os.path.dirname(item.rel)))
    os.makedirs(parent, exist_ok=True)
    if os.stat(parent).st_dev != os.stat(item.folder).st_dev:
        parent = os.path.dirname(item.folder)
    staged = os.path.join(parent, IN_TREE if parent == os.path.dirname(item.folder) else "accuracy")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(item.folder, staged, symlinks=True, copy_function=_link_or_copy)
    # Unlinked before writing: a hard link shares the original's bytes.
    if item.new_report is not None:
        target = os.path.join(staged, REPORT)
        if os.path.lexists(target):
            os.unlink(target)
        _write_durably(target, item.new_report, item.report_mode)
    if item.size > LIMIT:
        target = os.path.join(staged, LOG)
        os.unlink(target)
        _write_durably(target, _cut(item.log, item.size), item.log_mode)
    _fsync_dir(staged)
    item.staged = staged


def _exchange(a: str, b: str) -> bool:
    """Swap two folders in one atomic step; False where the system cannot."""
    renameat2 = getattr(_libc, "renameat2", None) if _libc else None
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), b)


def _commit(item: _Folder, step: Callable[[str], None]) -> None:
    if _exchange(item.staged, item.folder):
        step(f"exchange {item.rel}")
    else:
        for name in (REPORT, LOG):  # the hash first: see the module's note
            staged = os.path.join(item.staged, name)
            if name == REPORT and item.new_report is None or name == LOG and item.size <= LIMIT:
                continue
            os.replace(staged, os.path.join(item.folder, name))
            step(f"rename {name} {item.rel}")
    _fsync_dir(os.path.dirname(item.folder))
    shutil.rmtree(item.staged)


def truncate_tree(root: str, backup: str, *,
                  step: Callable[[str], None] | None = None) -> Truncation:
    """Truncate every accuracy log under `root`; originals go to `backup` (same relative paths).

    `step(name)` is called after each durable step (for tests that kill the process there).
    Raises TruncateError for a backup inside the tree or one in use, and TruncateProblems,
    before anything is written, when any folder cannot be truncated safely (or, saying so,
    when the disk fails it on the way).
    """
    step = step or (lambda name: None)
    # Links resolved: a backup named through a link to the tree is inside the tree.
    root, backup = os.path.realpath(root), os.path.realpath(backup)
    if backup == root or backup.startswith(root + os.sep):
        raise TruncateError("the backup folder must be outside the submission tree")
    if os.path.lexists(backup) and not os.path.isdir(backup):
        raise TruncateError(f"the backup {backup} exists and is not a folder")
    made = missing_folders(backup)  # removed again if nothing needed keeping
    os.makedirs(backup, exist_ok=True)
    lock = os.open(backup, os.O_RDONLY)  # the folder itself is the lock: nothing to clean up
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TruncateError(f"another `infercheck truncate` is using {backup}") from None
        staging = os.path.join(backup, STAGING)
        shutil.rmtree(staging, ignore_errors=True)  # left by an interrupted run: ours alone
        folders = list(_accuracy_folders(root))  # one walk of the tree, for both
        for folder in folders:
            _remove_leftover(folder)
        problems: list[str] = []
        already: list[str] = []
        todo = _plan(root, folders, backup, problems, already)
        if problems:
            raise TruncateProblems(problems)
        try:
            for item in todo:
                _back_up(item, backup)
                step(f"backup {item.rel}")
            for item in todo:
                _stage(item, staging)
                step(f"stage {item.rel}")
        except OSError as exc:
            raise TruncateProblems([f"{exc.filename or backup}: {exc.strerror or exc}"],
                                   "Nothing in the tree was changed.") from None
        for n, item in enumerate(todo):
            try:
                _commit(item, step)
            except OSError as exc:
                raise TruncateProblems(
                    [f"{item.rel}: {exc.strerror or exc} while replacing it"],
                    f"{n} of {len(todo)} accuracy folders are truncated, the others as they "
                    f"were; run again to finish.") from None
        shutil.rmtree(staging, ignore_errors=True)
    finally:
        os.close(lock)
        _remove_if_empty(made)  # a refusal, or nothing to do, leaves no empty folder of ours
    logs = [TruncatedLog(item.rel.replace(os.sep, "/"), item.digest, item.size,
                         resumed=item.new_report is None) for item in todo]
    return Truncation(logs, already, backup_made=os.path.isdir(backup))
