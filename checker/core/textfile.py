"""Careful reading of submission files: every way a file can be unusable becomes a ParseError."""

from __future__ import annotations

import json
import math
import os
import re
import stat
from dataclasses import dataclass
from functools import partial
from typing import Any

__all__ = ["DEFAULT_LIMIT", "SIZE_LIMITS", "ParseError", "entry_kind", "file_size", "loads",
           "mode_kind", "open_regular", "raw_decode", "read_bytes", "read_json", "read_text",
           "missing_folders", "size_limit", "subdirs"]


@dataclass
class ParseError(Exception):
    """A file that exists but cannot be used; `kind` picks the finding code."""

    path: str
    kind: str  # "missing", "empty", "not-utf8", "malformed", "unreadable", "not-a-file", "too-large"
    reason: str
    line: int | None = None
    size: int | None = None  # too-large: the file's size and the bound it passes
    limit: int | None = None

    def __str__(self) -> str:
        where = f" line {self.line}" if self.line else ""
        return f"{self.path}{where}: {self.reason}"


MiB = 1 << 20
# The most a file of each kind may hold before it is refused unread (STR017), by file name; the
# largest seen in the published rounds v0.5-v5.1 are far below (detail log 2.2 MB, summary
# 4 KB, PTDaemon log 1.6 MB, system JSON 3 KB).
SIZE_LIMITS = {
    "mlperf_log_summary.txt": 1 * MiB,
    ".json": 16 * MiB,  # descriptions and settings (not the accuracy log, which is never read whole)
    "mlperf_log_accuracy.json": 64 * MiB,
}
DEFAULT_LIMIT = 64 * MiB

_KINDS = {stat.S_IFIFO: "named pipe", stat.S_IFSOCK: "socket", stat.S_IFCHR: "character device",
          stat.S_IFBLK: "block device", stat.S_IFDIR: "folder", stat.S_IFLNK: "symbolic link"}


def mode_kind(mode: int) -> str | None:
    """None for a regular file, else what stands there (a symbolic link, from lstat)."""
    return None if stat.S_ISREG(mode) else _KINDS.get(stat.S_IFMT(mode), "special file")


def entry_kind(path: str) -> str | None:
    """None for a regular file (a link followed), else "missing" or what stands there."""
    try:
        return mode_kind(os.stat(path).st_mode)
    except OSError:
        return "missing"


def size_limit(path: str) -> int:
    name = os.path.basename(path)
    if name in SIZE_LIMITS:
        return SIZE_LIMITS[name]
    return SIZE_LIMITS.get(os.path.splitext(name)[1], DEFAULT_LIMIT)


def open_regular(path: str, limit: int | None = None) -> tuple[int, int]:
    """A read-only descriptor of the regular file at `path` and its size. O_NONBLOCK keeps the
    open of a named pipe from waiting for a writer; fstat then tells what was opened."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ParseError(path, "missing", "file not found") from None
    except IsADirectoryError:
        raise ParseError(path, "not-a-file", "folder") from None
    except OSError as exc:
        kind = entry_kind(path)  # a socket cannot even be opened (ENXIO)
        if kind not in (None, "missing"):
            raise ParseError(path, "not-a-file", kind) from None
        raise ParseError(path, "unreadable", exc.strerror or str(exc)) from None
    try:
        st = os.fstat(fd)
        kind = mode_kind(st.st_mode)
        if kind is not None:
            raise ParseError(path, "not-a-file", kind)
        limit = size_limit(path) if limit is None else limit
        if st.st_size > limit:
            raise ParseError(path, "too-large", f"{st.st_size} bytes, over {limit}",
                             size=st.st_size, limit=limit)
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size


def read_bytes(path: str, limit: int | None = None) -> bytes:
    """The whole of a regular file of at most `limit` bytes (default: its kind's SIZE_LIMITS)."""
    bound = size_limit(path) if limit is None else limit
    fd, size = open_regular(path, bound)
    try:
        with os.fdopen(fd, "rb") as f:
            # Its size and a byte (a buffer of the bound would be allocated for every file);
            # a file still growing is read on, but never past the bound.
            data = f.read(size + 1)
            if len(data) > size:
                data += f.read(bound + 1 - len(data))
    except OSError as exc:
        raise ParseError(path, "unreadable", exc.strerror or str(exc)) from None
    if len(data) > bound:
        raise ParseError(path, "too-large", f"more than {bound} bytes", size=len(data), limit=bound)
    # isspace() stops at the first other byte; strip() would copy the whole file first.
    if not data or data.isspace():
        raise ParseError(path, "empty", "file is empty")
    return data


def read_text(path: str) -> str:
    data = read_bytes(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(path, "not-utf8", f"byte {exc.start} is not UTF-8", line) from None


def subdirs(path: str) -> list[str]:
    """The folders in `path`, sorted, without hidden ones; none when it cannot be listed."""
    try:
        return sorted(n for n in os.listdir(path)
                      if not n.startswith(".") and os.path.isdir(os.path.join(path, n)))
    except OSError:
        return []


def missing_folders(path: str) -> list[str]:
    """`path` and the folders above it that do not exist yet, deepest first: what a makedirs
    would make, and all a command may remove again (nothing that was there before)."""
    missing = []
    while path and not os.path.lexists(path):
        missing.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return missing


def file_size(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None


class JsonRefused(ValueError):
    """JSON that Python's decoder would take but no submission file may hold."""


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; a NaN latency compares false with every bound.
    raise JsonRefused(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if value in (math.inf, -math.inf):
        raise JsonRefused(f"{text[:40]} is beyond the range of a number")
    return value


def _bounded_int(text: str) -> int:
    # Python refuses to convert more digits than this (a ValueError from deep in the decoder).
    if len(text) > _MAX_DIGITS:
        raise JsonRefused(f"a number of {len(text)} digits")
    return int(text)


def _unique_keys(duplicates: list[DuplicateKey] | None, pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) < len(pairs):
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                found = DuplicateKey(key, seen[key], value)
                if duplicates is None:
                    raise found
                duplicates.append(found)
            seen[key] = value
    return out  # the last value of a key, as Python's json and the official checker take it


class DuplicateKey(JsonRefused):
    """An object that names a key twice: JSON readers differ on which value counts."""

    def __init__(self, key: str, first: Any, second: Any):
        super().__init__(f"duplicate key {key!r} (values {_short(first)} and {_short(second)})")
        self.key = key


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


_MAX_DIGITS = 4300
_HOOKS = {"parse_constant": _no_constant, "parse_float": _finite, "parse_int": _bounded_int,
          "object_pairs_hook": partial(_unique_keys, None)}
_DECODER = json.JSONDecoder(**_HOOKS)


def loads(text: str | bytes, duplicates: list[DuplicateKey] | None = None) -> Any:
    """json.loads that refuses what no submission file may hold (NaN, Infinity, numbers beyond
    range) and raises ValueError (never RecursionError) for nesting too deep. A key named twice
    in one object is refused too, unless `duplicates` collects it (the last value is used)."""
    hooks = _HOOKS if duplicates is None else {
        **_HOOKS, "object_pairs_hook": partial(_unique_keys, duplicates)}
    try:
        return json.loads(text, **hooks)
    except RecursionError:
        raise JsonRefused("nested too deeply to decode") from None


def raw_decode(text: str, index: int) -> tuple[Any, int]:
    """JSONDecoder.raw_decode with the refusals of `loads`."""
    try:
        return _DECODER.raw_decode(text, index)
    except RecursionError:
        raise JsonRefused("nested too deeply to decode") from None


def _duplicate_line(text: str, key: str) -> int | None:
    """The line of a duplicate key's second naming, where the file names that key only twice."""
    spots = [m.start() for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", text)]
    return text.count("\n", 0, spots[1]) + 1 if len(spots) == 2 else None


def read_json(path: str, warnings: list[ParseError] | None = None) -> Any:
    """The JSON of a file; with `warnings`, what is odd but readable goes there (a key named
    twice: its last value is used, as by Python's json and the official checker)."""
    text = read_text(path)
    duplicates: list[DuplicateKey] | None = [] if warnings is not None else None
    try:
        data = loads(text, duplicates)
    except json.JSONDecodeError as exc:
        raise ParseError(path, "invalid-json", f"{exc.msg} at line {exc.lineno} column {exc.colno}",
                         exc.lineno) from None
    except DuplicateKey as exc:
        raise ParseError(path, "invalid-json", str(exc), _duplicate_line(text, exc.key)) from None
    except JsonRefused as exc:
        raise ParseError(path, "invalid-json", str(exc)) from None
    for dup in duplicates or ():
        warnings.append(ParseError(path, "duplicate-key", f"{dup}; the last is used",
                                   _duplicate_line(text, dup.key)))
    return data
