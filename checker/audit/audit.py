"""The audit of a round's results table: copied evidence, results far from their peers or from
the previous round, implausible power, inconsistent descriptions.

Every check groups the table (one pass, pandas) instead of comparing pairs of results, so a whole
round takes a second; the numbers come from settings.yaml.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml
from jsonschema import Draft202012Validator

from infercheck.checker.audit import rules as R
from infercheck.checker.core import __version__
from infercheck.checker.core.findings import Finding
from infercheck.schemas import load_schema

__all__ = ["AuditReport", "Flag", "audit", "load_settings"]


@cache
def load_settings() -> dict[str, Any]:
    text = resources.files("infercheck.checker.audit").joinpath("settings.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    errors = list(Draft202012Validator(load_schema("audit_settings")).iter_errors(data))
    if errors:
        raise ValueError(f"checker/audit/settings.yaml: {errors[0].message}")
    return data


@dataclass
class Flag:
    """One audit finding, and what a reviewer needs to judge it."""

    finding: Finding
    round: str
    submitter: str | None
    results: list[str]  # the results involved, the flagged one first
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**self.finding.to_dict(), "round": self.round, "submitter": self.submitter,
                "results": self.results, "evidence": self.evidence}


@dataclass
class AuditReport:
    rounds: list[str]
    results: int
    previous_results: int
    settings: dict[str, Any]
    flags: list[Flag] = field(default_factory=list)
    tool_version: str = __version__

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(f.finding.code for f in self.flags).items()))

    def to_dict(self) -> dict[str, Any]:
        return {"tool_version": self.tool_version, "rounds": self.rounds, "results": self.results,
                "previous_results": self.previous_results, "settings": self.settings,
                "counts": self.counts(), "flags": [f.to_dict() for f in self.flags]}


# names and keys -------------------------------------------------------------------------------
_NO_ACCELERATOR = {"", "na", "none", "nan", "-", "0", "nvidiana"}


def _key(text: Any) -> str:
    return re.sub(r"[^0-9a-z]", "", str(text).lower()) if isinstance(text, str) else ""


def _count(value: Any) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


def _hardware(row) -> tuple[str, int | None]:
    """The accelerator (else the host processor) a result ran on, and how many of them."""
    acc = _key(row.accelerator_model_name)
    if acc not in _NO_ACCELERATOR:
        total = _count(row.total_accelerators)
        if total is None and _count(row.accelerators_per_node):
            total = _count(row.accelerators_per_node) * (_count(row.number_of_nodes) or 1)
        return acc, total
    cpu = _key(row.host_processor_model_name)
    per_node = _count(getattr(row, "host_processors_per_node", None)) or 1
    return (f"cpu:{cpu}" if cpu else ""), per_node * (_count(row.number_of_nodes) or 1)


def _base_model(model: Any) -> str:
    # One run may stand for both accuracy targets of a model (bert-99 and bert-99.9).
    return re.sub(r"-99(\.9)?$", "", str(model))


def _prepare(table: pd.DataFrame) -> pd.DataFrame:
    t = table.copy()
    for column in t.columns:
        if pd.api.types.is_string_dtype(t[column]) and not pd.api.types.is_bool_dtype(t[column]):
            t[column] = t[column].astype(object).where(t[column].notna(), "")
    hardware = [_hardware(r) for r in t.itertuples(index=False)]
    t["hw"] = [h for h, _ in hardware]
    t["hw_count"] = [n for _, n in hardware]
    ran = t["loadgen_scenario"].fillna(t["scenario"]) if "loadgen_scenario" in t else t["scenario"]
    # One unit is one run: a system's run reported for a model's two accuracy targets, or an
    # edge system's SingleStream run reported for the scenario it is inferred for.
    t["unit"] = (t["round"].astype(str) + "|" + t["division"].astype(str) + "|"
                 + t["submitter"].astype(str) + "|" + t["system"].astype(str) + "|"
                 + t["model"].map(_base_model) + "|" + ran.astype(str))
    return t


def _named(rows: pd.DataFrame, limit: int) -> list[str]:
    return list(rows["result"].astype(str))[:limit]


# copied evidence ------------------------------------------------------------------------------
def identical_runs(t: pd.DataFrame, s: dict) -> Iterator[Flag]:
    runs = t[t["run_digest"].notna() & (t["run_digest"] != "")]
    runs = runs[runs.duplicated("run_digest", keep=False)]  # only shared ones are grouped
    for digest, group in runs.groupby("run_digest", sort=True):
        if group["unit"].nunique() < 2:
            continue
        for row in group.itertuples(index=False):
            others = group[group["unit"] != row.unit]
            peers = _named(others, s["max_peers_named"])
            yield Flag(R.IdenticalRun.at(row.result, found=", ".join(peers),
                                         expected="a run of its own"),
                       row.round, row.submitter, [row.result, *peers],
                       {"run_digest": digest, "systems": sorted(set(group["system"].astype(str)))})


def _maker(row) -> str:
    """Who made the hardware: the accelerator's first word, else the host processor's."""
    name = row.accelerator_model_name if not row.hw.startswith("cpu:") else row.host_processor_model_name
    # "2 Nodes: NVIDIA A100-SXM-80GBx8, ...": the first word that is a name
    words = [w for w in re.findall(r"[a-z][a-z0-9]*", str(name).lower()) if w not in ("node", "nodes")]
    return words[0] if words else ""


def identical_accuracy_logs(t: pd.DataFrame, s: dict) -> Iterator[Flag]:
    """Identical accuracy logs of different submitters on hardware of different makers. On one
    maker's hardware they are expected: partners run the maker's deterministic software, which
    gives the same responses in the same order (a whole round's NVIDIA partners share hundreds),
    and one submitter's library gives them on every board of an instruction set. Of the makers
    sharing a log, those other than the one holding most of its copies are flagged (all of them
    on a tie)."""
    logs = t[t["accuracy_digest"].notna() & (t["accuracy_digest"] != "") & (t["hw"] != "")]
    logs = logs[logs.duplicated("accuracy_digest", keep=False)]  # only shared ones are grouped
    logs = logs.assign(maker=[_maker(r) for r in logs.itertuples(index=False)])
    for digest, group in logs.groupby("accuracy_digest", sort=True):
        held = Counter(group["maker"])
        if len(held) < 2 or group["submitter"].nunique() < 2:
            continue
        most = max(held.values())
        owners = {name for name, n in held.items() if n == most}
        for row in group.itertuples(index=False):
            if len(owners) == 1 and row.maker in owners:
                continue
            others = group[(group["maker"] != row.maker) & (group["submitter"] != row.submitter)]
            if others.empty:
                continue
            peers = _named(others, s["max_peers_named"])
            accelerators = sorted(set(group["accelerator_model_name"].astype(str)))
            yield Flag(R.IdenticalAccuracyLog.at(row.result, found=", ".join(peers),
                                                 expected="a log of its own"),
                       row.round, row.submitter, [row.result, *peers],
                       {"accuracy_digest": digest, "accelerators": accelerators,
                        "makers": dict(held),
                        "submitters": sorted(set(group["submitter"].astype(str)))})


# plausibility ---------------------------------------------------------------------------------
def _robust(values: pd.Series) -> tuple[float, float] | None:
    logs = values.map(math.log)
    median = logs.median()
    mad = (logs - median).abs().median()
    return (median, mad) if mad > 0 else None


def _scored(t: pd.DataFrame, s: dict, metric: pd.Series, keys: list[str]):
    """(row, its metric, the peers' median, score, peers) of every result far from its group."""
    data = t.assign(metric_=metric)
    data = data[data["metric_"].notna() & (data["metric_"] > 0) & (data["hw"] != "")]
    for _, group in data.groupby(keys, sort=True, dropna=True):
        if len(group) < s["min_peers"]:
            continue
        fit = _robust(group["metric_"])
        if fit is None:
            continue
        median, mad = fit
        for row in group.itertuples(index=False):
            score = 0.6745 * (math.log(row.metric_) - median) / mad
            # Far in MADs of a tight group is not yet far: the factor must be large too.
            factor = math.exp(abs(math.log(row.metric_) - median))
            if abs(score) > s["outlier_score"] and factor >= s["min_factor"]:
                others = group[group["result"] != row.result]
                yield row, row.metric_, math.exp(median), score, others


def _per_accelerator(t: pd.DataFrame) -> pd.Series:
    per = t["value"] / t["hw_count"].astype("float64")
    return per.where(~t["lower_is_better"], t["value"])


def _peer_flag(rule, row, found, median, score, others, s, what, units):
    higher = bool(score > 0)
    better = higher != bool(row.lower_is_better)
    peers = _named(others, s["max_peers_named"])
    return Flag(rule.at(row.result, found=f"{found:.4g} {units}", expected=f"{median:.4g}",
                        what=what, direction=("above" if higher else "below"),
                        count=len(others), score=f"{score:+.1f}"),
                row.round, row.submitter, [row.result, *peers],
                {"peers": peers, "median": median, "score": round(score, 2),
                 "better_than_peers": better, "accelerator": str(row.accelerator_model_name)})


def outliers(t: pd.DataFrame, s: dict) -> Iterator[Flag]:
    # By benchmark folder: the open division files other networks under one model (Krai's
    # EfficientNets as resnet).
    keys = ["round", "division", "benchmark", "scenario", "hw"]
    throughput = t[~t["lower_is_better"]]
    latency = t[t["lower_is_better"]]
    for part, group_keys, what in ((throughput, keys, "per accelerator"),
                                   (latency, [*keys, "hw_count"], "latency")):
        metric = _per_accelerator(part)
        for row, value, median, score, others in _scored(part, s, metric, group_keys):
            yield _peer_flag(R.OutlierAmongPeers, row, value, median, score, others, s, what,
                             str(row.units))


def _energy(t: pd.DataFrame) -> pd.Series:
    watts = t["power_units"] == "Watts"
    per_sample = t["power_value"] / t["value"]
    return per_sample.where(watts, t["power_value"])


def energy_outliers(t: pd.DataFrame, s: dict) -> Iterator[Flag]:
    powered = t[t["power_value"].notna()]
    keys = ["round", "division", "benchmark", "scenario", "hw", "power_units"]
    for row, value, median, score, others in _scored(powered, s, _energy(powered), keys):
        units = "J" if row.power_units == "Watts" else str(row.power_units)
        yield _peer_flag(R.EnergyOutlier, row, value, median, score, others, s, "energy",
                         units)


def power_ranges(t: pd.DataFrame, s: dict) -> Iterator[Flag]:
    low, high = s["power_w_per_accelerator"]["min"], s["power_w_per_accelerator"]["max"]
    watts = t[(t["power_units"] == "Watts") & t["power_value"].notna()]
    for row in watts.itertuples(index=False):
        count = row.hw_count or 1
        per = float(row.power_value) / count
        if not low <= per <= high:
            yield Flag(R.PowerOutOfRange.at(row.result, found=f"{per:.4g}", count=count,
                                            expected=f"{low:g}-{high:g}"),
                       row.round, row.submitter, [row.result],
                       {"power_w": float(row.power_value), "accelerators": count})


def previous_changes(t: pd.DataFrame, before: pd.DataFrame, s: dict) -> Iterator[Flag]:
    ratio_limit = s["previous_ratio"]
    by_name: dict[tuple, list] = defaultdict(list)
    by_hw: dict[tuple, list] = defaultdict(list)
    for row in before.itertuples(index=False):
        if row.value and row.value > 0:
            by_name[(row.model, row.scenario, _key(row.system_name) or _key(row.system))].append(row)
            by_hw[(row.model, row.scenario, row.hw, row.hw_count)].append(row)
    for row in t.itertuples(index=False):
        if not row.value or row.value <= 0:
            continue
        name = _key(row.system_name) or _key(row.system)
        matches = by_name.get((row.model, row.scenario, name)) or \
            by_hw.get((row.model, row.scenario, row.hw, row.hw_count)) or []
        if not matches:
            continue
        old = sorted(matches, key=lambda r: r.value)[len(matches) // 2]
        better = old.value / row.value if row.lower_is_better else row.value / old.value
        if 1 / ratio_limit <= better <= ratio_limit:
            continue
        shown = f"{better:.1f}x better" if better > 1 else f"{1 / better:.1f}x worse"
        yield Flag(R.ChangeSincePrevious.at(row.result, found=shown,
                                            expected=f"{old.round}'s {old.result} "
                                                     f"({old.value:.4g} {old.units})"),
                   row.round, row.submitter, [row.result, str(old.result)],
                   {"previous_round": str(old.round), "previous": str(old.result),
                    "previous_value": float(old.value), "ratio": round(better, 3),
                    "matched_by": "system name" if by_name.get((row.model, row.scenario, name))
                    else "accelerator model and count"})


# descriptions ---------------------------------------------------------------------------------
def _systems(t: pd.DataFrame) -> pd.DataFrame:
    return t.drop_duplicates(["round", "division", "submitter", "system"])


def _system_path(row) -> str:
    return f"{row.division}/{row.submitter}/systems/{row.system}.json"


def accelerator_spellings(t: pd.DataFrame, s: dict) -> Iterator[Flag]:
    systems = _systems(t)
    systems = systems[systems["accelerator_model_name"].notna()]
    for (round_name, key), group in systems.groupby(
            [systems["round"], systems["accelerator_model_name"].map(_key)], sort=True):
        spellings = Counter(group["accelerator_model_name"].astype(str))
        if key in _NO_ACCELERATOR or len(spellings) < 2:
            continue
        common, _ = spellings.most_common(1)[0]
        for row in group.itertuples(index=False):
            if row.accelerator_model_name != common:
                yield Flag(R.AcceleratorSpellings.at(_system_path(row),
                                                     found=str(row.accelerator_model_name),
                                                     expected=common),
                           str(round_name), row.submitter, [row.result],
                           {"spellings": dict(spellings.most_common())})


# "8x H100-SXM5-80GB", "Acme 4 x A100": a count, then the accelerator (each digit that starts
# a count scans the blanks and the word after it once: linear in the name).
_COUNT_FIRST = re.compile(r"(?<![\w.])(\d{1,4})\s*[x×]\s*([A-Za-z][\w-]*)")
# "H100x8", "A100-SXM x4": the accelerator, then a count. As one pattern,
# ([A-Za-z][\w-]*?)[-_ ]?[x×](\d{1,4})(?![\w.]), tried at each letter of a long word with no
# count, it scans the rest of the word from every letter (a 200 kB system name took minutes);
# _words_before_counts finds the same matches from the count marks and the words' runs.
_COUNT_MARK = re.compile(r"[x×](\d{1,4})(?![\w.])")
_WORD_RUN = re.compile(r"[\w-]+")
_LETTER = re.compile(r"[A-Za-z]")


def _words_before_counts(name: str) -> list[tuple[str, str]]:
    """(word, count) as findall of the one pattern above gives them, in one pass over the name.

    A match ends at a count mark ("x8"); its word ends at the mark, or one separator (-, _ or a
    space) before it, and starts at the first letter of the run of word characters that ends
    there, not before where the previous match ended. Marks, runs and letters are each looked
    at once, in the order of the name."""
    out: list[tuple[str, str]] = []
    runs = _WORD_RUN.finditer(name)
    run = next(runs, None)
    pos = 0  # where the previous match ended
    scanned = 0  # no letter in [pos-or-later .. scanned): looked at for an earlier mark
    for mark in _COUNT_MARK.finditer(name):
        k = mark.start()
        if k == 0:
            continue
        end = k - 1 if name[k - 1] in "-_ " else k  # the word's end
        while run is not None and run.end() < end:
            run = next(runs, None)
        if end <= pos or run is None or not run.start() < end <= run.end():
            continue  # no word character just before (a space after a space, a bracket)
        start = max(pos, run.start(), scanned)
        letter = _LETTER.search(name, start, end)
        scanned = end
        if letter is None:
            continue
        out.append((name[letter.start():end], mark.group(1)))
        pos = mark.end()
    return out


def _model_parts(accelerator: str) -> set[str]:
    """The parts of an accelerator's name that name its model (a100, h100, l4, mi300x): letters
    and digits, not a memory size."""
    # From the first letter of a run only: a part found from a later letter starts at the first
    # one, and a run of letters with no digit is scanned once, not once per letter.
    parts = re.findall(r"(?<![a-z])[a-z]+\d+[a-z0-9]*", accelerator.lower())
    return {p for p in parts if not re.fullmatch(r"\d*gb|[a-z]*\d+gb", p) and len(p) >= 2}


def _named_counts(name: str, accelerator: str) -> set[int]:
    parts = _model_parts(accelerator)
    found = set()
    for number, word in _COUNT_FIRST.findall(name):
        if any(p in word.lower() for p in parts):
            found.add(int(number))
    for word, number in _words_before_counts(name):
        if any(p in word.lower() for p in parts):
            found.add(int(number))
    return found


def counts_against_names(t: pd.DataFrame, s: dict) -> Iterator[Flag]:
    for row in _systems(t).itertuples(index=False):
        accelerator = str(row.accelerator_model_name or "")
        if _key(accelerator) in _NO_ACCELERATOR:
            continue
        said = set()
        for name in (row.system_name, row.system):
            if isinstance(name, str):
                said |= _named_counts(name, accelerator)
        per_node, total = _count(row.accelerators_per_node), row.hw_count
        if len(said) != 1 or per_node is None:
            continue
        stated = said.pop()
        if stated not in (per_node, total):
            yield Flag(R.CountDisagreesWithName.at(
                _system_path(row), expected=stated,
                found=f"{_count(row.number_of_nodes) or 1} node(s) x {per_node}"),
                row.round, row.submitter, [row.result],
                {"system_name": str(row.system_name), "accelerator": accelerator})


CHECKS = (identical_runs, identical_accuracy_logs, outliers, energy_outliers, power_ranges,
          accelerator_spellings, counts_against_names)


def audit(table: pd.DataFrame, previous: pd.DataFrame | None = None,
          settings: dict[str, Any] | None = None) -> AuditReport:
    """Audit the valid results of `table` (reports.inputs.load_results), against `previous`
    (the same for an earlier round) where given."""
    s = {**load_settings(), **(settings or {})}
    t = _prepare(table)
    report = AuditReport(rounds=sorted(set(t["round"].astype(str))), results=len(t),
                         previous_results=0 if previous is None else len(previous), settings=s)
    for check in CHECKS:
        report.flags.extend(check(t, s))
    if previous is not None and len(previous):
        report.flags.extend(previous_changes(t, _prepare(previous), s))
    report.flags.sort(key=lambda f: (f.round, f.finding.code, f.finding.path or ""))
    return report
