"""Read-only view on a resolved MLPerf Mobile rule pack, with the look-ups the checks need."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from infercheck.checker.core.packs import PackStore

__all__ = ["PACKS", "AccuracyTarget", "MobileRules", "RunRule", "app_id_key", "available_rounds",
           "folder_key", "load_rules"]

PACKS = PackStore("mobile", resources.files("infercheck.checker.mobile").joinpath("packs"),
                  "mobile_rules")

SCENARIOS = ("SingleStream", "Offline")


def folder_key(name: str) -> str:
    """Folder and id spellings vary in case and punctuation (mobileBERT, Mobile-BERT, mobileBert)."""
    return re.sub(r"[^0-9a-z+]", "", name.lower())


# Parts of an app benchmark id that name how it ran, not what: precision, accelerator, delegate.
_RUN_TOKENS = frozenset({"uint8", "int8", "int16", "float32", "float16", "fp32", "fp16", "quant",
                         "tpu", "gpu", "dsp", "npu", "cpu", "htp", "nnapi"})


def app_id_key(app_id: str) -> tuple[str, bool]:
    """An app benchmark id of any generation reduced to what names its task, and whether it is
    the Offline one: IC_tpu_uint8_offline -> ("ic", True), LU_gpu_float32 -> ("lu", False),
    image_classification_offline_v2 -> ("image_classification_v2", True)."""
    tokens = [t for t in re.split(r"[_\-\s]+", app_id.strip().lower()) if t]
    offline = "offline" in tokens
    kept = [t for t in tokens if t != "offline" and t not in _RUN_TOKENS]
    return "_".join(kept), offline


def _category_key(text: str) -> str:
    """A category's words, lower case, sorted: "SOC R&D" and "R & D SoC" are both "r&d soc"."""
    words = re.findall(r"[a-z0-9&]+", re.sub(r"\s*&\s*", "&", text.lower()))
    return " ".join(sorted(words))


@dataclass(frozen=True)
class RunRule:
    scenario: str
    min_queries: int | None = None
    min_samples: int | None = None
    min_duration_s: float | None = None
    max_duration_s: float | None = None
    waive_min_queries: bool = False
    waive_early_stopping: bool = False


@dataclass(frozen=True)
class AccuracyTarget:
    metric: str
    unit: str
    display_scale: float
    samples: int
    reference: float | None = None
    fraction: float | None = None
    minimum: float | None = None
    tentative: bool = False
    accuracy_txt: dict | None = None  # {pattern, divisor}: reading a reference script's accuracy.txt

    @property
    def threshold(self) -> float:
        """The lowest accepted value, on the app's normalised scale (0-1)."""
        if self.minimum is not None:
            return self.minimum
        return self.reference * self.fraction

    def shown(self, normalized: float) -> str:
        """A normalised value in the unit people quote (82.14 %, 0.2740 mAP, 33.39 dB)."""
        value = normalized * self.display_scale
        if self.unit == "%":
            return f"{value:.2f}%"
        digits = 4 if self.display_scale == 1 else 2
        return f"{value:.{digits}f} {self.unit}"


class MobileRules:
    def __init__(self, data: dict) -> None:
        self.data = data
        self.round: str = data["round"]
        self.suite: str = data["suite"]
        self.benchmarks: dict[str, dict] = data["benchmarks"]
        self.divisions: list[str] = data["divisions"]
        self.categories: dict[str, str] = data["categories"]
        self._aliases = {_category_key(k): v for k, v in data["category_aliases"].items()}
        self.files: dict = data["files"]
        self.one_of: list[list[str]] = data.get("one_of") or []
        self.table_order: list[str] = data["table_order"]
        # The app's measurements JSON must fill every implementation field (no round waives it).
        self.measurements_nonempty: bool = bool(data.get("measurements_nonempty", True))
        self.published_tolerates: frozenset[str] = frozenset(data.get("published_tolerates") or ())
        self._by_id: dict[str, tuple[str, str]] = {}
        self._by_task: dict[str, str] = {}
        self._by_folder: dict[str, str] = {}
        for name, bench in self.benchmarks.items():
            for scenario, ids in bench["app_ids"].items():
                for app_id in ids:
                    self._by_id.setdefault(app_id.lower(), (name, scenario))
                    self._by_task.setdefault(app_id_key(app_id)[0], name)
            for folder in [name, *bench["folders"]]:
                self._by_folder.setdefault(folder_key(folder), name)

    def __repr__(self) -> str:
        return f"MobileRules({self.round})"

    # names -----------------------------------------------------------------------------------
    def by_app_id(self, app_id: str) -> tuple[str, str] | None:
        """(benchmark, scenario) of an app benchmark id such as image_classification_offline_v2:
        one the round's app knows, or one of another build that differs from it only in
        precision, accelerator or scenario suffix (IC_gpu_float32_offline)."""
        exact = self._by_id.get(app_id.lower())
        if exact:
            return exact
        task, offline = app_id_key(app_id)
        name = self._by_task.get(task) if task else None
        if name is None:
            return None
        return name, "Offline" if offline else "SingleStream"

    def by_folder(self, folder: str) -> str | None:
        return self._by_folder.get(folder_key(folder))

    @staticmethod
    def scenario_name(folder: str) -> str | None:
        return {s.lower(): s for s in SCENARIOS}.get(folder.lower())

    def category(self, text: str | None) -> str | None:
        """The category a system description's text means, in any case, order and spacing of
        its words ("R&D SoC", "SOC R&D", "r & d soc"), or from the category words it holds
        ("Research, Development or Internal (RDI)"); None when it names none, or two."""
        if text is None:
            return None
        key = _category_key(str(text))
        if key in self._aliases:
            return self._aliases[key]
        said = {self._aliases[word] for word in key.split() if word in self._aliases}
        return said.pop() if len(said) == 1 else None

    def category_as_written(self, text: str) -> bool:
        """Whether `text` is a category's own name or title (rdi, R&D SoC), as the rules write it."""
        plain = str(text).strip().lower()
        return plain in self.categories or plain in {v.lower() for v in self.categories.values()}

    # per benchmark ---------------------------------------------------------------------------
    def scenarios(self, name: str) -> list[str]:
        return list(self.benchmarks[name]["scenarios"])

    def optional_scenarios(self, name: str) -> list[str]:
        return list(self.benchmarks[name].get("optional_scenarios") or [])

    def allowed_scenarios(self, name: str) -> list[str]:
        return self.scenarios(name) + self.optional_scenarios(name)

    def required_benchmarks(self) -> list[str]:
        return [n for n, b in self.benchmarks.items() if b["required"]]

    def run_rule(self, name: str, scenario: str) -> RunRule:
        merged = dict(self.data["run"][scenario] or {})
        merged.update((self.benchmarks[name].get("run") or {}).get(scenario) or {})
        return RunRule(scenario=scenario, **merged)

    def target(self, name: str) -> AccuracyTarget:
        return AccuracyTarget(**self.benchmarks[name]["accuracy"])

    def mode(self, name: str) -> str:
        """The seed table's "Mode" column."""
        names = {"SingleStream": "Single-stream", "Offline": "Offline"}
        return " & ".join(names[s] for s in self.allowed_scenarios(name))


def available_rounds() -> list[str]:
    return PACKS.rounds()


@cache
def load_rules(round_name: str) -> MobileRules:
    """The resolved rules of one Mobile round."""
    return MobileRules(PACKS.resolve(round_name))
