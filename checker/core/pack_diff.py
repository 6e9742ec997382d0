"""What changed between two rounds' resolved rule packs, key by key, so that a round's
thresholds can be read outside the code: a benchmark (or any other table) added or removed is
one line, a number that changed is its old and new value."""

from __future__ import annotations

from typing import Any

__all__ = ["PackChange", "pack_diff"]

# Keys that say where a pack comes from, not what it rules.
_PROVENANCE = {"round", "extends"}

PackChange = tuple[str, Any, Any]  # (dotted path, before, after); None where absent


def _walk(before: Any, after: Any, path: str, out: list[PackChange]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(before.keys() | after.keys(), key=str):
            if not path and key in _PROVENANCE:
                continue
            where = f"{path}.{key}" if path else str(key)
            if key not in after:
                out.append((where, before[key], None))
            elif key not in before:
                out.append((where, None, after[key]))
            else:
                _walk(before[key], after[key], where, out)
    elif before != after:
        out.append((path, before, after))


def pack_diff(before: dict, after: dict) -> list[PackChange]:
    """Every leaf that differs, and every table present in one pack only (as one change)."""
    out: list[PackChange] = []
    _walk(before, after, "", out)
    return out
