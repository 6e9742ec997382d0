"""The inference suite's rule packs and the read-only view the checks use (`RoundRules`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from infercheck.checker.core.packs import SAFE_LOADER, PackStore, RulePackError, schema_errors
from infercheck.schemas import load_schema

__all__ = ["NS_PER_MS", "PACKS", "SCENARIO_NAMES", "RoundRules", "Target", "available_rounds",
           "known_seed_sets", "load_rules", "pack_store", "scenario_of_folder"]

PACKS = PackStore("inference", resources.files("infercheck.checker.inference").joinpath("packs"), "rules")
# Suites whose results are LoadGen runs in the inference layout (Automotive) are checked by this
# suite's walk and checks on packs of their own, in checker/<suite>/packs: the rules name their
# suite, so that a worker process loads the same pack from (suite, round) alone.
_STORES = {"inference": PACKS}

SCENARIO_NAMES = ("SingleStream", "MultiStream", "Offline", "Server", "Interactive")
NS_PER_MS = 1000 * 1000
_SCENARIO_BY_LOWER = {s.lower(): s for s in SCENARIO_NAMES}


def scenario_of_folder(folder: str) -> str | None:
    """LoadGen's scenario a folder is named after, any case (when no round's rules are at hand)."""
    return _SCENARIO_BY_LOWER.get(folder.lower())


def pack_store(suite: str = "inference") -> PackStore:
    """The packs of `suite` (inference, or a suite checked the inference way)."""
    store = _STORES.get(suite)
    if store is None:
        folder = resources.files(f"infercheck.checker.{suite}").joinpath("packs")
        store = _STORES[suite] = PackStore(suite, folder, "rules")
    return store


@cache
def seeded_suites() -> tuple[str, ...]:
    """The suites checked the inference way, recognised by LoadGen's seeds: those whose packs
    hold a _seeds.yaml (a new one is found by its packs, not listed here)."""
    root = resources.files("infercheck.checker")
    return tuple(sorted(d.name for d in root.iterdir()
                        if d.is_dir() and d.joinpath("packs", "_seeds.yaml").is_file()))


def available_rounds(suite: str = "inference") -> list[str]:
    return pack_store(suite).rounds()


@cache
def load_rules(round_name: str, suite: str = "inference") -> RoundRules:
    """The resolved rules of one round of `suite`."""
    return RoundRules(pack_store(suite).resolve(round_name))


@cache
def known_seed_sets(suite: str = "inference") -> dict[tuple[int, int, int], str]:
    """(qsl, sample index, schedule) seeds of every known round of `suite`, including rounds
    without a pack."""
    path = pack_store(suite).data_file("_seeds.yaml")
    data = yaml.load(path.read_text("utf-8"), Loader=SAFE_LOADER)
    errors = schema_errors(data, load_schema("seed_sets"))
    if errors:
        raise RulePackError(f"{suite}/_seeds.yaml fails seed_sets.schema.json: {errors[0]}")
    return {tuple(seeds): name for name, seeds in data.items()}


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
        self.csv_accuracy_format: str = data["csv"].get("accuracy_format", "first")
        self.model_mapping: dict = data.get("model_mapping") or {}
        self.benchmarks: dict = data["benchmarks"]
        # code or "*" -> the parts of a submitter's folder it is tolerated in (None: anywhere)
        self.published_tolerates: dict[str, set[str] | None] = {}
        for entry in data.get("published_tolerates") or ():
            code, _, part = entry.partition("@")
            where = self.published_tolerates.setdefault(code, set())
            if not part:
                self.published_tolerates[code] = None
            elif where is not None:
                where.add(part)
        # Loadgen++ results (v6.1 onwards); empty in rounds that have none.
        self.endpoints: dict = data.get("endpoints") or {}
        self._patterns = {k: re.compile(v) for k, v in self.accuracy["patterns"].items() if v}
        # The log keys the round's rules name (its results, its required settings), which a
        # detail log is read for beside the keys the checks themselves read.
        named = [*self.loadgen["result_keys"].values(),
                 *(self.loadgen.get("percentile_latency_keys") or {}).values()]
        for model, bench in self.benchmarks.items():
            named += [*(bench.get("result_keys") or {}).values(),
                      *(s["key"] for s in self.required_settings(model))]
        self.log_keys = frozenset(k for k in named if k)

    def __repr__(self) -> str:
        return f"RoundRules({self.suite}/{self.round})"

    # names -----------------------------------------------------------------------------------
    def mlperf_model(self, name: str, extra_mapping: dict | None = None) -> str | None:
        """Map a benchmark folder name to the round's benchmark, or None if it has none."""
        if name in self.benchmarks:
            return name
        # A mapping may name a benchmark the round no longer has (v6.1 still maps llama3_1-405b).
        if name in self.model_mapping:
            mapped = self.model_mapping[name]
            return mapped if mapped in self.benchmarks else None
        if extra_mapping and name in extra_mapping:
            mapped = self.model_mapping.get(extra_mapping[name], extra_mapping[name])
            return mapped if mapped in self.benchmarks else None
        guesses = self.data.get("model_guesses")
        if guesses:  # the round's own guesses, and no other
            match = str.startswith if guesses.get("match") == "prefix" else str.__contains__
            model = next((m for needle, m in guesses["names"].items() if match(name, needle)), None)
            return model if model in self.benchmarks else None
        # The official tool's fallbacks, kept because published open results rely on them: from
        # v1.0 object detectors named after their backbone are ssd-small, before any "mobilenet"
        # or "resnet50" in their name counts (tag v2.0 submission-checker.py:708-717).
        for needle, model in (("bert-99.9", "bert-99.9"), ("bert-99", "bert-99"),
                              ("ssdlite", "ssd-small"), ("ssd-inception", "ssd-small"),
                              ("yolo", "ssd-small"), ("ssd-mobilenet", "ssd-small"),
                              ("ssd-resnet50", "ssd-small"), ("mobilenet", "resnet"),
                              ("efficientnet", "resnet"), ("resnet50", "resnet"),
                              ("rcnn", "ssd-small")):
            if needle in name and model in self.benchmarks:
                return model
        return None

    def scenario_name(self, folder: str) -> str | None:
        """The scenario a folder holds, any case: the round's own folder names where it has
        them (Automotive's `server` folder holds ConstantStream), else LoadGen's."""
        own = self.loadgen.get("scenario_folders")
        return own.get(folder.lower()) if own else _SCENARIO_BY_LOWER.get(folder.lower())

    @property
    def scenario_names(self) -> tuple[str, ...]:
        """The scenarios of the round's suite (LoadGen's, or the round's own folder names')."""
        own = self.loadgen.get("scenario_folders")
        return tuple(dict.fromkeys(own.values())) if own else SCENARIO_NAMES

    def endpoints_scenario(self, folder: str) -> str | None:
        """The scenario of a folder only an endpoints result may use (Online), any case."""
        folders = {k.lower(): v for k, v in (self.endpoints.get("scenario_folders") or {}).items()}
        return folders.get(folder.lower())

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

    def one_of_scenarios(self, model: str, system_type: str) -> list[list[str]]:
        """Groups of scenarios of which a closed benchmark needs at least one each."""
        groups = self.benchmarks[model].get("one_of_scenarios") or {}
        return [list(g) for g in groups.get(self._type_key(system_type)) or []]

    def targets(self, model: str, scenario: str | None = None) -> list[Target]:
        by_scenario = self.benchmarks[model].get("accuracy_by_scenario") or {}
        targets = by_scenario.get(scenario) or self.benchmarks[model]["accuracy"]
        return [Target(**t) for t in targets]

    def upper_limits(self, model: str) -> list[Target]:
        return [Target(**t) for t in self.benchmarks[model].get("upper_limits") or []]

    def required_settings(self, model: str) -> list[dict]:
        """The LoadGen settings a run of `model` must have been made with: the round's, then
        the benchmark's (`required_settings`: key, value, the scenarios bound)."""
        return [*(self.loadgen.get("required_settings") or ()),
                *(self.benchmarks[model].get("required_settings") or ())]

    def pattern(self, metric: str) -> re.Pattern | None:
        return self._patterns.get(metric)

    def result_key(self, model: str, scenario: str) -> str:
        override = (self.benchmarks[model].get("result_keys") or {}).get(scenario)
        return override or self.loadgen["result_keys"][scenario]

    def accuracy_sample_count(self, model: str, scenario: str) -> int | None:
        """Samples the accuracy run must cover: the benchmark's accuracy sample count (per
        scenario where it has one), else its dataset size."""
        bench = self.benchmarks[model]
        count = bench.get("accuracy_sample_count")
        if isinstance(count, dict):
            count = count.get(scenario)
        return count if count is not None else bench.get("dataset_size")

    def min_duration_ms(self, model: str) -> int:
        value = self.benchmarks[model].get("min_duration_ms")
        return value if value is not None else self.loadgen["min_duration_ms"]

    def latency_unit_ns(self, model: str) -> int:
        return self.benchmarks[model].get("latency_unit_ns") or NS_PER_MS

    def offline_min_spq(self, model: str) -> int | None:
        value = self.benchmarks[model].get("offline_min_samples_per_query")
        return value if value is not None else self.loadgen.get("offline_min_samples_per_query")

    def compliance_tests(self, model: str, scenario: str | None = None) -> list[str]:
        skipped = (self.compliance.get("skipped_tests") or {}).get(scenario) or []
        return [t for t in self.benchmarks[model].get("compliance") or [] if t not in skipped]

    def verified_by_itself(self, test: str) -> bool:
        """Whether a compliance test has its own verify_performance.txt (TEST04-B has not)."""
        return test not in (self.compliance.get("unverified_tests") or [])

    def partial_run(self, test: str) -> bool:
        """Whether a compliance test's run ends early by design (TEST04-A/B before v2.1)."""
        return test in (self.compliance.get("partial_run_tests") or [])

    def verify_file(self, test: str) -> str | None:
        """The verification file of an audit test judged by that file alone (TEST07-TEST09)."""
        return (self.compliance.get("verify_files") or {}).get(test)

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

    def performance_runs(self, scenario: str) -> int:
        """How many performance runs a result holds (v0.7 Server: run_1 to run_5)."""
        return int((self.loadgen.get("performance_runs") or {}).get(scenario) or 1)

    def percentile_latency_key(self, scenario: str, model: str | None = None) -> str:
        """The log key a scenario's latency bound applies to (MultiStream: per query, v1.0-v1.1;
        v0.5 GNMT: its 97th percentile)."""
        keys = self.loadgen.get("percentile_latency_keys") or {}
        if keys.get(scenario):
            return keys[scenario]
        percentile = self.benchmarks[model].get("latency_percentile") if model else None
        return f"result_{float(percentile or 99):.2f}_percentile_latency_ns"

    def ignored_error(self, message) -> bool:
        """A LoadGen error the round does not count (v0.7: "CAS failed")."""
        return any(part in str(message) for part in self.loadgen.get("ignored_errors") or [])

    @property
    def status_vocabulary(self) -> list[str]:
        """The availability values; none when status is free text (v0.7), reported as written."""
        return list(self.system.get("statuses") or [])

    def tolerated_by_published(self, finding) -> bool:
        """Whether the round's official checker let `finding` through (`published_tolerates`):
        its code, or any code, tolerated anywhere or in the part of the submitter's folder
        (results, measurements, compliance, code, systems) its path is in."""
        parts = (finding.path or "").split("/")
        part = parts[2] if len(parts) > 2 else None
        for code in (finding.code, "*"):
            if code in self.published_tolerates:
                where = self.published_tolerates[code]
                if where is None or part in where:
                    return True
        return False

    def same_run(self, loadgen_scenario: str, folder_scenario: str) -> bool:
        """LoadGen runs some folder scenarios as another one (Interactive as Server)."""
        return [loadgen_scenario, folder_scenario] in (self.loadgen.get("same_run") or [])

    @property
    def repository(self) -> dict:
        """What the results repository refuses (core/repository_rules.py); empty: no limits."""
        return self.data.get("repository") or {}

    def file_symlinks_rejected(self) -> bool:
        """Whether a symlinked file is an error in itself, wherever it points."""
        return bool(self.layout.get("reject_file_symlinks"))

    def energy_scenario(self, scenario: str) -> bool:
        """Whether the power metric of a scenario is energy per query (else average power)."""
        energy = self.power.get("energy_scenarios")
        return scenario in (energy if energy is not None else self.loadgen["latency_scenarios"])

    def power_unit(self, scenario: str) -> str:
        return self.power["energy_unit"] if self.energy_scenario(scenario) else self.power["power_unit"]
