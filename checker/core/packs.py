"""Rule packs: one YAML file per suite and round, merged along their `extends` chain.

A suite owns a folder of packs and the JSON Schema they are written against; `PackStore` reads,
validates and merges them. The numbers live in the packs, the mechanisms here.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from importlib.resources.abc import Traversable
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from infercheck.schemas import load_schema

__all__ = ["SAFE_LOADER", "PackStore", "RulePackError", "merge", "round_key", "schema_errors"]


# libyaml's loader when PyYAML has it (its wheels do): the pure-Python one takes half a second
# to read a round's chain of packs, in every process of a --jobs run.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RulePackError(Exception):
    """A rule pack is missing, malformed or fails its schema (a fault of ours, not the user's)."""


def merge(base: Any, change: Any) -> Any:
    """Mappings merge key by key, lists and scalars replace, and `None` removes a key."""
    if not isinstance(base, dict) or not isinstance(change, dict):
        return copy.deepcopy(change)
    out = copy.deepcopy(base)
    for key, value in change.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def round_key(name: str) -> tuple:
    """Rounds in release order (v0.7 < v2.1 < v10.0), named rounds such as demo last."""
    m = re.match(r"v(\d+)\.(\d+)", name)
    return (0, int(m.group(1)), int(m.group(2))) if m else (1, 0, 0)


def schema_errors(instance: Any, schema: dict) -> list[str]:
    validator = Draft202012Validator(schema)
    return [
        f"{e.json_path}: {e.message}"
        for e in sorted(validator.iter_errors(instance), key=lambda e: e.json_path)
    ]


class PackStore:
    """The packs of one suite: `<folder>/<round>.yaml`, each validated by schemas/<schema>."""

    def __init__(self, suite: str, folder: Traversable, schema: str) -> None:
        self.suite, self.folder, self.schema = suite, folder, schema
        # Packs never change while the process runs: read and merge each once.
        self.raw = cache(self._raw)
        self.resolve = cache(self._resolve_checked)

    def __repr__(self) -> str:
        return f"PackStore({self.suite})"

    def rounds(self) -> list[str]:
        names = [p.name[:-5] for p in self.folder.iterdir()
                 if p.name.endswith(".yaml") and not p.name.startswith("_")]
        return sorted(names, key=round_key)

    def data_file(self, name: str) -> Traversable:
        """A file of the pack folder that is not a round (e.g. `_seeds.yaml`)."""
        return self.folder.joinpath(name)

    def _raw(self, round_name: str) -> dict:
        path = self.folder.joinpath(f"{round_name}.yaml")
        if not path.is_file():
            raise RulePackError(f"no rule pack for suite {self.suite!r} round {round_name!r}")
        try:
            data = yaml.load(path.read_text("utf-8"), Loader=SAFE_LOADER)
        except yaml.YAMLError as exc:
            raise RulePackError(f"{self.suite}/{round_name}.yaml is not valid YAML: {exc}") from exc
        errors = schema_errors(data, load_schema(self.schema))
        if errors:
            raise RulePackError(f"{self.suite}/{round_name}.yaml fails {self.schema}.schema.json: "
                                f"{errors[0]}")
        if data["round"] != round_name or data["suite"] != self.suite:
            raise RulePackError(f"{self.suite}/{round_name}.yaml declares "
                                f"{data['suite']}/{data['round']}")
        return data

    def _merged(self, round_name: str, seen: tuple[str, ...] = ()) -> dict:
        if round_name in seen:
            raise RulePackError(f"rule packs extend each other in a loop: {' -> '.join(seen)}")
        raw = self.raw(round_name)
        parent = raw.get("extends")
        if parent is None:
            return copy.deepcopy(raw)
        return merge(self._merged(parent, (*seen, round_name)), raw)

    def _resolve_checked(self, round_name: str) -> dict:
        """A round's pack merged along its `extends` chain, validated before and after merging."""
        data = self._merged(round_name)
        data["extends"] = self.raw(round_name).get("extends")
        schema = load_schema(self.schema)
        errors = schema_errors(data, {**schema["$defs"]["resolved"], "$defs": schema["$defs"]})
        if errors:
            raise RulePackError(f"resolved {self.suite}/{round_name} is incomplete: {errors[0]}")
        return data
