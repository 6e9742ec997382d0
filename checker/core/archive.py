"""A submission given as an archive (.tar.gz, .tgz, .tar, .tar.xz, .tar.bz2, .zip), unpacked into
a folder the caller owns (a temporary one) without ever writing outside it: members are
created one by one by this module (never by tarfile's or zipfile's own extract), a name that
is absolute or climbs with "..", a link that leads out, a device or a name given twice is
refused with a finding (STR024), and the archive's size is bounded (STR025)."""

from __future__ import annotations

import errno
import os
import posixpath
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from tempfile import TemporaryDirectory

from infercheck.checker.core.findings import Finding, Rule, Severity
from infercheck.checker.core.stop_hold import held
from infercheck.checker.core.textfile import DEFAULT_LIMIT, SIZE_LIMITS

__all__ = ["ARCHIVE_SUFFIXES", "ArchiveMemberRefused", "ArchiveUnreadable", "extract",
           "is_archive", "unpacked", "unpacked_or_not"]

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.xz", ".txz", ".tar.bz2", ".zip")

# Bounds of what one archive may unpack to: the whole published v2.1 round (126,000 files,
# 5.6 GB) fits several times over; a "zip bomb" does not. The bytes are the members' stated
# sizes, counted before a member is read: a sparse member (GNU tar --sparse) of 1 TiB in a
# 10 kB archive is refused at once, not after its holes were read out as zeros.
MAX_MEMBERS = 2_000_000
MAX_TOTAL_BYTES = 32 << 30
# No check reads more of a file than this (textfile.SIZE_LIMITS); of a larger member only that
# much of its start and its last 16 KiB are read and written, around a hole of its size (its
# fingerprint reads those), so that a 2 GB member costs no disk and gives the same findings
# as in a tree.
_READ_AT_MOST = max(DEFAULT_LIMIT, *SIZE_LIMITS.values())
_EDGE = 16384
_CHUNK = 1 << 20


class ArchiveMemberRefused(Rule):
    """A member of the archive checked could write outside it, and is not unpacked.

    What it checks:
        Every member of a .tar.gz / .zip given to `check` names a place inside the archive: no
        absolute name, no ".." step, no link (symbolic or hard) to outside it, no device or
        named pipe, no name given twice (a second copy could replace a link already made).

    Why it matters:
        Unpacking such a member writes where the archive's maker chose: over a file of the
        reviewer's. infercheck unpacks each member itself, into a temporary folder, and skips
        these; the rest of the archive is checked.

    Example:
        path: ../../.bashrc, found: a name that climbs out with ".."

    How to fix:
        Pack the tree again with `infercheck pack TREE --out FILE.tar.gz`, which stores every
        name relative to the tree and refuses links out of it.

    Rounds:
        All.

    Source:
        infercheck (the official tools unpack with `tar -xvz`, which follows the archive).
    """

    code = "STR024"
    name = "archive-member-refused"
    severity = Severity.ERROR
    tags = ("structure", "robustness", "archive")
    message = "archive member not unpacked: {found}"


class ArchiveUnreadable(Rule):
    """The archive checked cannot be read to its end, or unpacks to more than infercheck takes.

    What it checks:
        The archive opens, every member reads whole, and it holds at most 2,000,000 members
        and 32 GiB in all.

    Why it matters:
        A cut-off download or a damaged archive checks as a tree that lacks files; this says
        why. The bounds keep a crafted archive from filling the disk.

    Example:
        found: "Error -3 while decompressing data: invalid stored block lengths"

    How to fix:
        Download or pack it again; compare its SHA-256 with the one `infercheck pack` wrote
        in its receipt.

    Rounds:
        All.

    Source:
        infercheck.
    """

    code = "STR025"
    name = "archive-unreadable"
    severity = Severity.ERROR
    tags = ("structure", "robustness", "archive")
    message = "archive cannot be read whole: {found}"


def is_archive(path: str) -> bool:
    return os.path.isfile(path) and path.lower().endswith(ARCHIVE_SUFFIXES)


@dataclass
class _Member:
    name: str
    kind: str  # "file", "dir", "symlink", "hardlink", or what else it is
    size: int = 0  # of a file: its stated (logical) size
    target: str = ""  # of a link
    open: object = None  # () -> a seekable binary stream of a file's bytes
    # Of a sparse file: the (offset, length) of its data, in order; the rest are holes.
    data: list[tuple[int, int]] | None = None


class _Bounds(Exception):
    pass


def _stop_if_full(exc: OSError) -> None:
    """A full disk ends the unpacking (STR025) rather than refusing every member after."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        raise exc


class _Unpacker:
    def __init__(self, dest: str) -> None:
        self.dest = os.path.realpath(dest)
        self.findings: list[Finding] = []
        self.members = 0
        self.stated = 0  # the files' stated sizes so far
        # Folders (relative, "" for the top) known to resolve inside dest: no member can turn
        # one into a link later (a name given twice is refused), so each is resolved once.
        self.inside: set[str] = {""}

    def refuse(self, name: str, why: str) -> None:
        self.findings.append(ArchiveMemberRefused.at(name, found=why))

    def _inside(self, path: str) -> bool:
        return path == self.dest or path.startswith(self.dest + os.sep)

    def _place(self, name: str) -> tuple[str | None, str]:
        """The member's path in dest, or None and why it is refused."""
        if "\0" in name:
            return None, "a name with a NUL byte"
        clean = name.replace("\\", "/") if name.startswith("\\") else name
        if clean.startswith("/") or (len(clean) > 1 and clean[1] == ":" and clean[0].isalpha()):
            return None, "an absolute name"
        parts = [p for p in clean.split("/") if p not in ("", ".")]
        if ".." in parts:
            return None, 'a name that climbs out with ".."'
        if not parts:
            return self.dest, ""  # the archive's own top ("./"): nothing to make
        path = os.path.join(self.dest, *parts)
        parent = "/".join(parts[:-1])
        if parent not in self.inside:
            if not self._inside(os.path.realpath(os.path.dirname(path))):
                return None, "a name under a link that leads out of the archive"
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
            except OSError as exc:
                _stop_if_full(exc)
                return None, f"a name under a file, or one this system cannot make ({exc.strerror})"
            self.inside.add(parent)
        return path, "/".join(parts)

    def add(self, m: _Member) -> None:
        self.members += 1
        if self.members > MAX_MEMBERS:
            raise _Bounds(f"more than {MAX_MEMBERS} members")
        try:
            self._add(m)
        except OSError as exc:
            # A name too long for this system, say (the error names the path): that member
            # only. Reading the archive fails without a file name: that ends it (STR025).
            if exc.filename is None:
                raise
            _stop_if_full(exc)
            self.refuse(m.name, f"a member this system cannot make ({exc.strerror})")

    def _add(self, m: _Member) -> None:
        path, rel = self._place(m.name)
        if path is None:
            self.refuse(m.name, rel)
            return
        if m.kind == "dir":
            if path == self.dest:
                return
            if os.path.lexists(path) and not os.path.isdir(path):
                self.refuse(m.name, "a folder where another member already stands")
                return
            if rel not in self.inside:
                os.makedirs(path, exist_ok=True)
                if self._inside(os.path.realpath(path)):
                    self.inside.add(rel)
            return
        if path == self.dest:
            self.refuse(m.name, "a member in the place of the archive's top folder")
            return
        if os.path.lexists(path):
            self.refuse(m.name, "a name given twice")
            return
        if m.kind == "symlink":
            lexical = posixpath.normpath(posixpath.join(posixpath.dirname(rel), m.target))
            if m.target.startswith("/") or lexical.split("/")[0] == "..":
                self.refuse(m.name, f"a link to {m.target!r}, outside the archive")
                return
            os.symlink(m.target, path)
            # Through links made before it ("y" -> ".", then "x" -> "y/.."), a link can lead
            # out although its text does not: where it resolves decides.
            if not self._inside(os.path.realpath(path)):
                os.unlink(path)
                self.refuse(m.name, f"a link to {m.target!r}, which leads out of the archive")
        elif m.kind == "hardlink":
            source, _ = self._place(m.target)
            if source is None or not os.path.isfile(source) or os.path.islink(source):
                self.refuse(m.name, f"a hard link to {m.target!r}, not a file unpacked before it")
                return
            os.link(source, path)
        elif m.kind == "file":
            self.stated += m.size
            if self.stated > MAX_TOTAL_BYTES:
                raise _Bounds(f"more than {MAX_TOTAL_BYTES} bytes in all (with {m.name!r}, "
                              f"of {m.size} bytes)")
            self._write(path, m)
        else:
            self.refuse(m.name, f"a {m.kind}")

    def _write(self, path: str, m: _Member) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o644)
        with os.fdopen(fd, "wb") as out, m.open() as src:
            data = [(0, m.size)] if m.data is None else m.data
            for start, end in _kept(m.size):
                for at, length in data:
                    lo, hi = max(start, at), min(end, at + length)
                    if lo < hi:  # a hole is never read: seeking over it costs nothing
                        _copy(src, out, lo, hi)
            # Past the last byte: a zip member's CRC is checked there, a cut-off one fails.
            src.read(1)
            out.truncate(m.size)


def _kept(size: int) -> list[tuple[int, int]]:
    """The spans of a member that are written: all of it, or its start and its last _EDGE bytes."""
    if size <= _READ_AT_MOST:
        return [(0, size)]
    return [(0, _READ_AT_MOST), (max(_READ_AT_MOST, size - _EDGE), size)]


def _copy(src, out, lo: int, hi: int) -> None:
    src.seek(lo)
    out.seek(lo)
    while lo < hi:
        chunk = src.read(min(_CHUNK, hi - lo))
        if not chunk:
            raise EOFError(f"a member ends at byte {lo} of the {hi} it states")
        out.write(chunk)
        lo += len(chunk)


def _sparse_data(info: tarfile.TarInfo) -> list[tuple[int, int]] | None:
    """The data spans of a sparse tar member, in order and inside its size; None if its map
    overlaps or runs past its size (a map no tar writes)."""
    spans, end = [], 0
    for at, length in info.sparse:
        if not length:
            continue  # GNU tar pads its map with (0, 0) and ends it with (size, 0)
        if at < end or at + length > info.size:
            return None
        spans.append((at, length))
        end = at + length
    return spans


def _tar_members(tar: tarfile.TarFile) -> Iterator[_Member]:
    for info in tar:
        if info.isdir():
            yield _Member(info.name, "dir")
        elif info.issym():
            yield _Member(info.name, "symlink", target=info.linkname)
        elif info.islnk():
            yield _Member(info.name, "hardlink", target=info.linkname)
        elif info.isreg() and info.sparse is not None:
            data = _sparse_data(info)
            if data is None:
                yield _Member(info.name, "sparse file with a malformed map")
            else:
                # info.size is the logical size; tarfile would read each hole out as zeros.
                yield _Member(info.name, "file", info.size, data=data,
                              open=lambda info=info: tar.extractfile(info))
        elif info.isreg():
            yield _Member(info.name, "file", info.size,
                          open=lambda info=info: tar.extractfile(info))
        else:
            kind = ("character device" if info.ischr() else "block device" if info.isblk()
                    else "named pipe" if info.isfifo() else "special member")
            yield _Member(info.name, kind)


def _zip_members(zf: zipfile.ZipFile) -> Iterator[_Member]:
    for info in zf.infolist():
        # The upper 16 bits hold a Unix mode where the zip's maker wrote one; with no file type
        # in them (zipfile's writestr leaves permission bits only, Windows tools nothing) the
        # member is a plain file, as unzip takes it.
        kind = stat.S_IFMT(info.external_attr >> 16)
        if info.is_dir() or kind == stat.S_IFDIR:
            yield _Member(info.filename, "dir")
        elif kind == stat.S_IFLNK:
            with zf.open(info) as link:
                target = link.read(4096).decode("utf-8", "replace")
            yield _Member(info.filename, "symlink", target=target)
        elif kind not in (0, stat.S_IFREG):
            yield _Member(info.filename, "special member")
        else:
            yield _Member(info.filename, "file", info.file_size,
                          open=lambda info=info: zf.open(info))


def extract(path: str, dest: str) -> list[Finding]:
    """Unpack the archive at `path` into the folder `dest`; the findings of what was refused
    or could not be read (what was read before a fault stays unpacked)."""
    unpacker = _Unpacker(dest)
    name = os.path.basename(path)
    try:
        if path.lower().endswith(".zip"):
            with zipfile.ZipFile(path) as zf:
                for m in _zip_members(zf):
                    unpacker.add(m)
        else:
            with tarfile.open(path, "r:*") as tar:
                for m in _tar_members(tar):
                    unpacker.add(m)
    except _Bounds as exc:
        unpacker.findings.append(ArchiveUnreadable.at(name, found=str(exc)))
    except (tarfile.TarError, zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
            ValueError, NotImplementedError) as exc:
        # RuntimeError: an encrypted zip member; NotImplementedError: a compression zipfile
        # lacks; OSError: a cut-off gzip stream, or the disk is full.
        unpacker.findings.append(ArchiveUnreadable.at(name, found=f"{type(exc).__name__}: {exc}"))
    return unpacker.findings


@contextmanager
def unpacked(path: str) -> Iterator[tuple[str, list[Finding]]]:
    """(a temporary folder holding the archive's tree, the findings of unpacking it); the
    folder and all in it are removed when the block ends."""
    # A stop waits until the folder is made and its remover set (TemporaryDirectory's finalizer
    # removes it at exit even if the stop comes before the `with`).
    with held():
        folder = TemporaryDirectory(prefix="infercheck-archive-")
    with folder as tmp:
        yield tmp, extract(path, tmp)


@contextmanager
def unpacked_or_not(path: str) -> Iterator[tuple[str, list[Finding]]]:
    """A folder as it is (no findings), an archive as `unpacked` gives it."""
    if not is_archive(path):
        yield path, []
        return
    with unpacked(path) as found:
        yield found
