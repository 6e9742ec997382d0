"""JSON Schemas for every JSON and rule file infercheck reads or writes."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

__all__ = ["load_schema", "schema_names"]


@cache
def load_schema(name: str) -> dict:
    """Return the schema `name` (file name without `.schema.json`)."""
    text = resources.files(__name__).joinpath(f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


def schema_names() -> list[str]:
    return sorted(
        p.name.removesuffix(".schema.json")
        for p in resources.files(__name__).iterdir()
        if p.name.endswith(".schema.json")
    )
