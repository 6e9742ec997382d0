"""Rule packs: one YAML file per suite and round, merged along their `extends` chain."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from infercheck.schemas import load_schema
from jsonschema import Draft202012Validator

__all__ = ["RoundRules", "RulePackError", "available_rounds", "known_seed_sets", "load_rules",
           "merge", "resolve_pack", "round_key"]

# The schema each suite's packs are written against.
PACK_SCHEMAS = {"inference": "rules", "mobile": "mobile_rules"}

SCENARIO_NAMES = ("SingleStream", "MultiStream", "Offline", "Server", "Interactive")
_SCENARIO_BY_LOWER = {s.lower(): s for s in SCENARIO_NAMES}


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


def _pack_dir(suite: str):
    return resources.files("infercheck.checker").joinpath("rules", suite)


def available_rounds(suite: str = "inference") -> list[str]:
    names = [p.name[:-5] for p in _pack_dir(suite).iterdir()
             if p.name.endswith(".yaml") and not p.name.startswith("_")]
    return sorted(names, key=round_key)


def round_key(name: str) -> tuple:
    m = re.match(r"v(\d+)\.(\d+)", name)
    return (0, int(m.group(1)), int(m.group(2))) if m else (1, 0, 0)


def _schema_errors(instance: Any, schema: dict) -> list[str]:
    validator = Draft202012Validator(schema)
    return [
        f"{e.json_path}: {e.message}"
        for e in sorted(validator.iter_errors(instance), key=lambda e: e.json_path)
    ]


@cache
def known_seed_sets(suite: str = "inference") -> dict[tuple[int, int, int], str]:
    """(qsl, sample index, schedule) seeds of every known round, including rounds without a pack."""
    path = _pack_dir(suite).joinpath("_seeds.yaml")
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text("utf-8"))
    errors = _schema_errors(data, load_schema("seed_sets"))
    if errors:
        raise RulePackError(f"{suite}/_seeds.yaml fails seed_sets.schema.json: {errors[0]}")
    return {tuple(seeds): name for name, seeds in data.items()}


@cache
def _raw_pack(suite: str, round_name: str) -> dict:
    path = _pack_dir(suite).joinpath(f"{round_name}.yaml")
    if not path.is_file():
        raise RulePackError(f"no rule pack for suite {suite!r} round {round_name!r}")
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise RulePackError(f"{suite}/{round_name}.yaml is not valid YAML: {exc}") from exc
    schema_name = PACK_SCHEMAS.get(suite, "rules")
    errors = _schema_errors(data, load_schema(schema_name))
    if errors:
        raise RulePackError(f"{suite}/{round_name}.yaml fails {schema_name}.schema.json: {errors[0]}")
    if data["round"] != round_name or data["suite"] != suite:
        raise RulePackError(f"{suite}/{round_name}.yaml declares {data['suite']}/{data['round']}")
    return data


def _resolve(suite: str, round_name: str, seen: tuple[str, ...] = ()) -> dict:
    if round_name in seen:
        raise RulePackError(f"rule packs extend each other in a loop: {' -> '.join(seen)}")
    raw = _raw_pack(suite, round_name)
    parent = raw.get("extends")
    if parent is None:
        return copy.deepcopy(raw)
    return merge(_resolve(suite, parent, (*seen, round_name)), raw)


def resolve_pack(suite: str, round_name: str) -> dict:
    """A round's pack merged along its `extends` chain, validated before and after merging."""
    if suite not in PACK_SCHEMAS:
        raise RulePackError(f"no rule packs for suite {suite!r}")
    data = _resolve(suite, round_name)
    data["extends"] = _raw_pack(suite, round_name).get("extends")
    schema = load_schema(PACK_SCHEMAS[suite])
    errors = _schema_errors(data, {**schema["$defs"]["resolved"], "$defs": schema["$defs"]})
    if errors:
        raise RulePackError(f"resolved {suite}/{round_name} is incomplete: {errors[0]}")
    return data


@cache
def load_rules(suite: str = "inference", round_name: str = "v4.1"):
    """The resolved rules of one round: RoundRules, or MobileRules for the mobile suite."""
    data = resolve_pack(suite, round_name)
    if suite == "mobile":
        from .mobile.rules import MobileRules

        return MobileRules(data)
    return RoundRules(data)


@dataclass(frozen=True)
class Target:
    metric: str
    reference: float
    fraction: float

    @property
    def value(self) -> float:
        # Same arithmetic as the official tool (reference * fraction), so borderline
        # results compare the same way.
        return self.reference * self.fraction


class RoundRules:
    """Read-only view on a resolved rule pack, with the look-ups the checks need."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.round: str = data["round"]
        self.suite: str = data["suite"]
        self.layout: dict = data["layout"]
        self.system: dict = data["system"]
        self.loadgen: dict = data["loadgen"]
        self.accuracy: dict = data["accuracy"]
        self.compliance: dict = data["compliance"]
        self.power: dict = data["power"]
        self.csv_columns: list[str] = data["csv"]["columns"]
        self.model_mapping: dict = data.get("model_mapping") or {}
        self.benchmarks: dict = data["benchmarks"]
        self._patterns = {k: re.compile(v) for k, v in self.accuracy["patterns"].items() if v}

    def __repr__(self) -> str:
        return f"RoundRules({self.suite}/{self.round})"

    # names -----------------------------------------------------------------------------------
    def mlperf_model(self, name: str, extra_mapping: dict | None = None) -> str | None:
        """Map a benchmark folder name to the round's benchmark, or None if it has none."""
        if name in self.benchmarks:
            return name
        if name in self.model_mapping:
            return self.model_mapping[name]
        if extra_mapping and name in extra_mapping:
            mapped = extra_mapping[name]
            return self.model_mapping.get(mapped, mapped)
        # The official tool's fallbacks, kept because published open results rely on them.
        for needle, model in (("bert-99.9", "bert-99.9"), ("bert-99", "bert-99"),
                              ("mobilenet", "resnet"), ("efficientnet", "resnet"),
                              ("resnet50", "resnet")):
            if needle in name and model in self.benchmarks:
                return model
        return None

    @staticmethod
    def scenario_name(folder: str) -> str | None:
        return _SCENARIO_BY_LOWER.get(folder.lower())

    # per benchmark ---------------------------------------------------------------------------
    def benchmark(self, model: str) -> dict:
        return self.benchmarks[model]

    @staticmethod
    def _type_key(system_type: str) -> str:
        return "datacenter,edge" if system_type in ("datacenter,edge", "edge,datacenter") else system_type

    def required_scenarios(self, model: str, system_type: str) -> list[str] | None:
        return self.benchmarks[model]["scenarios"].get(self._type_key(system_type))

    def optional_scenarios(self, model: str, system_type: str) -> list[str]:
        optional = self.benchmarks[model].get("optional_scenarios") or {}
        return list(optional.get(self._type_key(system_type)) or [])

    def targets(self, model: str) -> list[Target]:
        return [Target(**t) for t in self.benchmarks[model]["accuracy"]]

    def upper_limits(self, model: str) -> list[Target]:
        return [Target(**t) for t in self.benchmarks[model].get("upper_limits") or []]

    def pattern(self, metric: str) -> re.Pattern | None:
        return self._patterns.get(metric)

    def result_key(self, model: str, scenario: str) -> str:
        override = (self.benchmarks[model].get("result_keys") or {}).get(scenario)
        return override or self.loadgen["result_keys"][scenario]

    def offline_min_spq(self, model: str) -> int | None:
        value = self.benchmarks[model].get("offline_min_samples_per_query")
        return value if value is not None else self.loadgen.get("offline_min_samples_per_query")

    def compliance_tests(self, model: str) -> list[str]:
        return list(self.benchmarks[model].get("compliance") or [])

    def delta_percent(self, model: str, metric: str) -> float:
        overrides = self.benchmarks[model].get("compliance_delta_percent") or {}
        if metric in overrides:
            return float(overrides[metric])
        high = "99.9" in model
        key = "accuracy_delta_percent_high" if high else "accuracy_delta_percent"
        return float(self.compliance[key])

    def unit(self, scenario: str, model: str | None = None) -> str:
        override = (self.benchmarks[model].get("units") or {}).get(scenario) if model else None
        return override or self.loadgen["units"][scenario]

    def same_run(self, loadgen_scenario: str, folder_scenario: str) -> bool:
        """LoadGen runs some folder scenarios as another one (Interactive as Server)."""
        return [loadgen_scenario, folder_scenario] in (self.loadgen.get("same_run") or [])

    def power_unit(self, scenario: str) -> str:
        latency = scenario in self.loadgen["latency_scenarios"]
        return self.power["energy_unit"] if latency else self.power["power_unit"]
