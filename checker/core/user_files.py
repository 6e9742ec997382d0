"""Files a user hands to a command beside the tree (a waivers file, an ids file, a report given to
`diff`), read whole and so bounded before they are parsed: their size, their nesting and, in
YAML, their aliases (600 bytes of nested aliases expand to gigabytes). Whatever makes one
unusable is a UserFileError naming the file and the reason on one line, which the commands
report as a usage error (exit 2)."""

from __future__ import annotations

import json
from typing import Any

import yaml

from infercheck.checker.core.packs import SAFE_LOADER
from infercheck.checker.core.textfile import JsonRefused, ParseError, loads, read_bytes

__all__ = ["MAX_DEPTH", "UserFileError", "load_user_json", "load_user_yaml", "parse_user_yaml",
           "read_user_text"]

# Deeper than any file infercheck writes or reads (a report: 6), far below the recursion of
# the parsers, validators and writers that walk the data afterwards.
MAX_DEPTH = 64
# A parser's message may quote the value it refused: the reason stays a readable line.
_REASON_CHARS = 400


class UserFileError(ValueError):
    """A file given on the command line that cannot be used, and why: a usage error."""

    def __init__(self, path: str, reason: str) -> None:
        reason = " ".join(str(reason).split())  # PyYAML's messages span several lines
        if len(reason) > _REASON_CHARS:
            reason = reason[: _REASON_CHARS - 3] + "..."
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _unusable(exc: ParseError) -> str:
    if exc.kind == "missing":
        return "the file does not exist"
    if exc.kind == "not-a-file":
        return f"not a regular file but a {exc.reason}"  # a named pipe would block the read
    if exc.kind == "too-large":
        return f"larger than the {exc.limit} bytes such a file may hold"
    if exc.kind == "empty":
        return "the file is empty"
    return f"cannot be read ({exc.reason})"


def read_user_text(path: str, max_bytes: int) -> str:
    """The text of a regular file of at most `max_bytes` bytes, UTF-8 (a BOM allowed)."""
    try:
        data = read_bytes(path, max_bytes)
    except ParseError as exc:
        raise UserFileError(path, _unusable(exc)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserFileError(path, f"not UTF-8 (byte {exc.start}, line {line})") from None


_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _check_events(text: str, source: str) -> None:
    """Refuse aliases and anchors, and nesting past MAX_DEPTH, from the parser's events: before
    anything is built (the parser keeps a stack, not a recursion, so any depth is scanned)."""
    depth = 0
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        line = event.start_mark.line + 1 if event.start_mark is not None else "?"
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            what = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
            raise UserFileError(source, f"a YAML {what}{event.anchor} at line {line}: anchors and "
                                        "aliases are not accepted (each alias repeats what its "
                                        "anchor holds, nested ones multiply it)")
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                raise UserFileError(source, f"nested more than {MAX_DEPTH} deep at line {line}")
        elif isinstance(event, _CLOSE):
            depth -= 1


def parse_user_yaml(text: str, source: str) -> Any:
    """The data of YAML text, its aliases and depth refused first."""
    try:
        _check_events(text, source)
        return yaml.load(text, Loader=SAFE_LOADER)
    except UserFileError:
        raise
    except yaml.YAMLError as exc:
        raise UserFileError(source, f"not YAML: {exc}") from None
    except (ValueError, RecursionError) as exc:
        # A value the constructor refuses: a date 2024-13-45, an integer of 5,000 digits.
        raise UserFileError(source, f"not YAML infercheck reads: {exc}") from None


def load_user_yaml(path: str, max_bytes: int) -> Any:
    return parse_user_yaml(read_user_text(path, max_bytes), path)


def _too_deep(data: Any) -> bool:
    """Whether the decoded data nests past MAX_DEPTH, walked with a stack (a recursion would
    meet the limit it is meant to keep off)."""
    stack = [(data, 1)] if isinstance(data, (dict, list)) else []
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        items = value.values() if isinstance(value, dict) else value
        stack.extend((item, depth + 1) for item in items if isinstance(item, (dict, list)))
    return False


def load_user_json(path: str, max_bytes: int) -> Any:
    """The data of a JSON file; NaN, Infinity, numbers beyond a float's range, a key named twice
    and nesting past MAX_DEPTH are refused (core/textfile.loads, then a walk of the depth)."""
    text = read_user_text(path, max_bytes)
    try:
        data = loads(text)
    except json.JSONDecodeError as exc:
        raise UserFileError(path, f"not JSON: {exc.msg} at line {exc.lineno} column "
                                  f"{exc.colno}") from None
    except JsonRefused as exc:
        raise UserFileError(path, f"not JSON infercheck reads: {exc}") from None
    if _too_deep(data):
        raise UserFileError(path, f"nested more than {MAX_DEPTH} deep")
    return data
