"""Mobile system descriptions: free-form JSON, read strictly, then leniently for the table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from infercheck.checker.core.textfile import loads, read_text

__all__ = ["SystemDescription", "read_system"]

# Normalised key (lower case, letters and digits only) -> what it names. The template is free
# form; these are the spellings of the published rounds.
_FIELDS = {
    "processorname": "processor", "processor": "processor", "socid": "processor",
    "hostprocessormodelname": "processor", "soc": "processor", "socname": "processor",
    "socproductinformation": "processor",
    "system": "device", "phonesummary": "device", "systemname": "device", "device": "device",
    "devicename": "device",
    "vendorsdk": "framework", "framework": "framework",
    "osversion": "os", "operatingsystem": "os", "androidversion": "os",
    "status": "category", "category": "category", "availability": "category",
}
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
# A "key": "value" pair, for a file that no repair makes JSON (a comma missing, text outside
# quotes: v3.0 SD8CXG3.json).
_PAIR = re.compile(r'"((?:[^"\\\n]|\\.)*)"\s*:\s*"((?:[^"\\\n]|\\.)*)"')


@dataclass
class SystemDescription:
    path: str
    data: dict[str, Any] = field(default_factory=dict)
    strict_error: str | None = None     # why json.loads refused it
    lenient: bool = False               # read after removing trailing commas
    pairs_only: bool = False            # not JSON even so: its "key": "value" pairs read one by one
    named: dict[str, str] = field(default_factory=dict)

    def get(self, what: str) -> str | None:
        return self.named.get(what)


def _unquote(escaped: str) -> str:
    try:
        return loads(f'"{escaped}"')
    except ValueError:
        return escaped


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _walk(data: Any, out: dict[str, str], accelerators: list[str]) -> None:
    if not isinstance(data, dict):
        return
    for name, value in data.items():
        if isinstance(value, dict):
            _walk(value, out, accelerators)
            continue
        if value in (None, "") or isinstance(value, (list, bool)):
            continue
        key = _key(str(name))
        if key.startswith("acceleratortype") or key == "acceleratormodelname":
            accelerators.append(str(value))
        what = _FIELDS.get(key)
        if what and what not in out:
            out[what] = str(value).strip()


def read_system(path: str) -> SystemDescription:
    """Read a system description; raises ParseError when it cannot be read at all."""
    text = read_text(path)
    desc = SystemDescription(path)
    try:
        data = loads(text)
    except ValueError as exc:
        desc.strict_error = str(exc)
        try:
            # trailing commas dropped, a key named twice taken at its last value (as Python's
            # json takes it, and the official tools with it); strict_error says which it was
            data = loads(_TRAILING_COMMA.sub(r"\1", text), duplicates=[])
            desc.lenient = True
        except ValueError:
            data = {_unquote(k): _unquote(v) for k, v in _PAIR.findall(text)}
            desc.pairs_only = bool(data)
    desc.data = data if isinstance(data, dict) else {}
    accelerators: list[str] = []
    _walk(desc.data, desc.named, accelerators)
    if accelerators:
        desc.named["accelerator"] = "; ".join(accelerators)
    if "device" not in desc.named and (product := _soc_product(desc.data)):
        # Published descriptions name a development platform only as the SoC's product (its
        # notes' "SoC Product information"): that names the device too.
        desc.named["device"] = product
    return desc


def _soc_product(data: dict[str, Any]) -> str | None:
    for name, notes in data.items():
        if _key(str(name)) == "notes" and isinstance(notes, dict):
            for key, value in notes.items():
                if _key(str(key)) == "socproductinformation" and isinstance(value, str) \
                        and value.strip():
                    return value.strip()
    return None
