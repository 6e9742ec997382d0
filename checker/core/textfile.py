"""Careful reading of submission files: every way a file can be unusable becomes a ParseError."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

__all__ = ["ParseError", "file_size", "read_bytes", "read_json", "read_text", "subdirs"]


@dataclass
class ParseError(Exception):
    """A file that exists but cannot be used; `kind` picks the finding code."""

    path: str
    kind: str  # "missing", "empty", "not-utf8", "malformed", "unreadable"
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f" line {self.line}" if self.line else ""
        return f"{self.path}{where}: {self.reason}"


def read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise ParseError(path, "missing", "file not found") from None
    except IsADirectoryError:
        raise ParseError(path, "unreadable", "a folder where a file is expected") from None
    except OSError as exc:
        raise ParseError(path, "unreadable", exc.strerror or str(exc)) from None
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


def file_size(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def read_json(path: str) -> Any:
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(path, "invalid-json", f"{exc.msg} at line {exc.lineno} column {exc.colno}",
                         exc.lineno) from None
