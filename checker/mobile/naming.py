"""Which of a submitter's named things (system descriptions, measurements folders) belongs to a
device folder when the names were not typed alike.

Published rounds name one device in several ways: `SD8G1_Mi_12` beside `SD8G1_MI_12.json`,
`SDCX8G3_AC` and `SDCX8G3_DC` (one laptop on and off the charger) beside `SD8CXG3.json`. A match is
looked for in that order: the same name, the same letters and digits in any case and punctuation,
the name without its trailing variant part(s), the same characters transposed. Nothing looser: two
devices of one family (SD8G2, SD8G3) differ by one character and must not be taken for each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from infercheck.checker.mobile.rules import folder_key

__all__ = ["NameMatch", "match_device", "named_in_readme"]

HOW = {
    "name": "the same name",
    "spelling": "the same name in another case or punctuation",
    "variant": "the device's name without its variant suffix",
    "transposed": "the same letters and digits in another order",
    "export": "the device fields of the app's export",
    "readme": "a README line naming both",
}


@dataclass(frozen=True)
class NameMatch:
    name: str  # the candidate that matched
    how: str   # a key of HOW

    @property
    def exact(self) -> bool:
        return self.how in ("name", "spelling")

    def says(self) -> str:
        return HOW[self.how]


def _stems(device: str) -> list[str]:
    """The device name's key, then its keys with one, two ... trailing parts cut (SDCX8G3_AC ->
    sdcx8g3ac, sdcx8g3), never down to nothing."""
    parts = [p for p in device.replace("-", "_").split("_") if p]
    keys = [folder_key(device)]
    for cut in range(1, len(parts)):
        key = folder_key("".join(parts[:-cut]))
        if len(key) >= 3:
            keys.append(key)
    return keys


def match_device(device: str, candidates: Iterable[str]) -> NameMatch | None:
    """The candidate that names `device`, and how; None when none does, or two do alike."""
    names = list(candidates)
    if device in names:
        return NameMatch(device, "name")
    keyed: dict[str, list[str]] = {}
    for name in names:
        keyed.setdefault(folder_key(name), []).append(name)

    def one(key: str) -> str | None:
        found = keyed.get(key) or []
        return found[0] if len(found) == 1 else None

    stems = _stems(device)
    if found := one(stems[0]):
        return NameMatch(found, "spelling")
    for stem in stems[1:]:
        if found := one(stem):
            return NameMatch(found, "variant")
    transposed = {name for stem in stems for key, found in keyed.items()
                  if key != stem and sorted(key) == sorted(stem) for name in found}
    if len(transposed) == 1:
        return NameMatch(transposed.pop(), "transposed")
    return None


def _mentions(line: str, name: str) -> bool:
    return re.search(rf"(?<![\w.+-]){re.escape(name)}(?![\w+-])", line, re.IGNORECASE) is not None


def named_in_readme(device: str, candidates: Iterable[str], texts: Iterable[str]) -> NameMatch | None:
    """The one candidate that a README line names together with the device folder
    ("SD8G3 is the Vivo iQOO 12, described in systems/iQOO12.json")."""
    names = [c for c in candidates if c.lower() != device.lower()]
    hits = {name for text in texts for line in text.splitlines() if _mentions(line, device)
            for name in names if _mentions(line, name)}
    return NameMatch(hits.pop(), "readme") if len(hits) == 1 else None
