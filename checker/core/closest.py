"""The valid names closest to a typed one, for "did you mean" in every message that refuses a
name (the CLI's options, the runner's system fields)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

__all__ = ["closest", "either", "hint"]

# A code typed with a digit too few (LG03, PWR3): its padded form comes first among the
# suggestions, as difflib would rank LG030 and LG003 alike.
_SHORT_CODE = re.compile(r"^([A-Za-z]+)(\d{1,2})$")


def closest(word: str, names: Iterable[str], n: int = 3) -> list[str]:
    """The valid names closest to `word`, compared without case, best first."""
    by_lower: dict[str, str] = {}
    for name in names:
        by_lower.setdefault(name.lower(), name)
    found = []
    m = _SHORT_CODE.match(word)
    if m and (padded := (m.group(1) + m.group(2).zfill(3)).lower()) in by_lower:
        found.append(by_lower[padded])
    for lower in difflib.get_close_matches(word.lower(), list(by_lower), n=n + 1, cutoff=0.6):
        if by_lower[lower] not in found:
            found.append(by_lower[lower])
    return found[:n]


def hint(word: str, names: Iterable[str], first: Iterable[str] = ()) -> str:
    """"; did you mean A or B?" naming `first` (other spellings of `word` that fit exactly) and
    then the closest names, three at most; "" when none is near."""
    near = list(first)
    near += [n for n in closest(word, names) if n not in near]
    return f"; did you mean {either(near[:3])}?" if near else ""


def either(names: list[str]) -> str:
    """"A", "A or B", "A, B or C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"

