"""Result paths that may become links of a page: relative paths that stay below their base.

A result's link is its tree's base (the folder, or a --link-base URL the operator gave) followed
by its path, and the path comes from a results table anyone can write: `javascript:...` or
`data:...` would run or show what its author chose on a click, `/etc` or `//host/x` would leave
the base, and `../..` climb out of it. The rules follow how browsers parse a URL (WHATWG URL):
a colon before the first `/`, `\\`, `?` or `#` makes a scheme; leading spaces and controls are
stripped and tabs and newlines dropped anywhere (so "java\\tscript:" is a scheme too); `\\` is a
`/`; `%2e` is a `.` in a `..` segment. reports/assets/app.js applies the same rules again.
"""

from __future__ import annotations

import re

__all__ = ["relative_link"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SEGMENT = re.compile(r"[/\\]")
_BEFORE_PATH = re.compile(r"[/\\?#]")
_DOT = re.compile("%2e", re.IGNORECASE)


def relative_link(path: object) -> str | None:
    """`path` if a link may be made of it, else None (the result is shown without a link)."""
    if not isinstance(path, str) or not path:
        return None
    if _CONTROL.search(path) or path[0] in " /\\" or ":" in _BEFORE_PATH.split(path, maxsplit=1)[0]:
        return None
    if any(_DOT.sub(".", part) == ".." for part in _SEGMENT.split(path)):
        return None
    return path
