"""Where things are in a Mobile submitter folder, in every layout the published rounds use.

    <division>/<submitter>/results/[<device>/]{result.json | results.json | *_results.txt}
                                   [<device>/]<log folders>
                          systems/<device>.json
                          measurements/<device>/<benchmark folder>/<Scenario>/*.json

One walk reads every arrangement of log folders, whatever order its folders name the benchmark,
the scenario and the kind of log in, down to four levels:

    <benchmark>/<Scenario>/log_performance/        (the app's own layout)
    <benchmark>/<Scenario>/performance/run_1/      (a LoadGen harness, inference style)
    log_accuracy/<app benchmark id>/               (no scenario level: the id says it)
    <app benchmark id>-performance/

Benchmark folders are matched to the round's benchmarks case- and punctuation-insensitively
(mobileBERT, mobileBert, Mobile-BERT); app benchmark ids of any generation, with their precision,
accelerator and `_offline` parts (rules.by_app_id). Logs split to stay under GitHub's size limit
(`.jsonaa`, `_aa`, `_split/`) count as their whole file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from infercheck.checker.core.textfile import subdirs
from infercheck.checker.mobile.rules import MobileRules

__all__ = ["APP_FOLDER", "DeviceTree", "LogFile", "RunDirs", "find_log", "scan_submitter"]

RESULT_FILES = ("result.json", "results.json")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
APP_FOLDER = re.compile(r"^(?P<id>.+)-(?P<kind>accuracy|performance)$", re.IGNORECASE)
_RUN_FOLDERS = {"log_performance": "performance", "performance": "performance",
                "log_accuracy": "accuracy", "accuracy": "accuracy"}


def _entries(path: str) -> list[os.DirEntry]:
    try:
        with os.scandir(path) as it:
            return sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:
        return []


def _files(path: str) -> list[str]:
    return [e.name for e in _entries(path) if e.is_file()]


@dataclass
class RunDirs:
    """The log folders of one benchmark and scenario on one device."""

    benchmark: str
    scenario: str
    folder: str                  # results-relative folder that names the result
    performance: str | None = None
    accuracy: str | None = None


@dataclass
class DeviceTree:
    name: str
    path: str                            # the folder holding the result file and log folders
    rel: str                             # its path relative to the tree root
    result_file: str | None = None
    cli_performance: str | None = None
    cli_accuracy: str | None = None
    runs: dict[tuple[str, str], RunDirs] = field(default_factory=dict)
    unknown_folders: list[str] = field(default_factory=list)
    screenshots: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Place:
    """What the folders from the device folder down to here say: benchmark, scenario, log kind,
    and the folders that name the result (the kind and run_N folders do not)."""

    benchmark: str | None = None
    scenario: str | None = None
    kind: str | None = None
    names: tuple[str, ...] = ()
    depth: int = 0


# Deep enough for <benchmark>/<Scenario>/performance/run_1/ and log_<kind>/<id>/; a deeper tree
# is not a layout any round used, and the bound keeps a hostile tree's walk short.
MAX_DEPTH = 4
_RUN_N = re.compile(r"^run_?\d+$", re.IGNORECASE)


def _step(rules: MobileRules, place: _Place, folder: str) -> _Place | None:
    """`place` one folder down, or None when the folder says nothing a layout uses (or
    contradicts what the folders above it said)."""
    said: dict = {}
    name = folder
    app = APP_FOLDER.match(folder)
    found = rules.by_app_id(app.group("id")) if app else None
    if found:
        said = dict(benchmark=found[0], scenario=found[1], kind=app.group("kind").lower())
        name = app.group("id")
    elif folder.lower() in _RUN_FOLDERS:
        said = dict(kind=_RUN_FOLDERS[folder.lower()])
    elif _RUN_N.match(folder):
        said = dict(kind=place.kind) if place.kind == "performance" else {}
        if not said:
            return None
    elif rules.scenario_name(folder):
        said = dict(scenario=rules.scenario_name(folder))
    elif found := rules.by_app_id(folder):
        said = dict(benchmark=found[0], scenario=found[1])
    elif rules.by_folder(folder):
        said = dict(benchmark=rules.by_folder(folder))
    else:
        return None
    for key, value in said.items():
        before = getattr(place, key)
        if before is not None and before != value and key != "kind":
            return None
    names = place.names if set(said) <= {"kind"} else (*place.names, name)
    return _Place(benchmark=said.get("benchmark", place.benchmark),
                  scenario=said.get("scenario", place.scenario),
                  kind=said.get("kind", place.kind), names=names, depth=place.depth + 1)


def _holds_logs(path: str) -> bool:
    return any(f.lower().startswith("mlperf_log_") or f.lower() == "accuracy.txt"
               for f in _files(path))


def _looks_like_device_content(rules: MobileRules, path: str) -> bool:
    names = {n.lower() for n in _files(path)}
    if names & set(RESULT_FILES) or any(n.endswith("_results.txt") for n in names):
        return True
    return any(_step(rules, _Place(), folder) for folder in subdirs(path))


def _walk_logs(rules: MobileRules, dev: DeviceTree, path: str, place: _Place) -> None:
    """Every log folder below `path`, in whatever order the folders name benchmark, scenario
    and kind: <benchmark>/<Scenario>/log_performance/, log_accuracy/<app id>/,
    <app id>-performance/, <benchmark>/<Scenario>/performance/run_1/."""
    for folder in subdirs(path):
        here = _step(rules, place, folder)
        rel = "/".join((*place.names, folder)) if place.kind is None else None
        if here is None:
            # Inside a log folder anything may sit (generated images); above one, a folder
            # that names nothing is a stray.
            if rel is not None:
                dev.unknown_folders.append(rel)
            continue
        full = os.path.join(path, folder)
        if here.benchmark and here.kind:
            scenario = here.scenario or rules.scenarios(here.benchmark)[0]
            key = (here.benchmark, scenario)
            runs = dev.runs.setdefault(key, RunDirs(here.benchmark, scenario,
                                                    "/".join((dev.rel, *here.names))))
            held = getattr(runs, here.kind)
            # The deepest folder holding logs wins (performance/run_1/ over performance/).
            if held is None or _holds_logs(full):
                setattr(runs, here.kind, full)
        if here.depth < MAX_DEPTH:
            _walk_logs(rules, dev, full, here)


def _scan_device(rules: MobileRules, root: str, name: str, path: str) -> DeviceTree:
    dev = DeviceTree(name, path, os.path.relpath(path, root).replace(os.sep, "/"))
    for f in _files(path):
        low = f.lower()
        if low in RESULT_FILES and dev.result_file is None:
            dev.result_file = os.path.join(path, f)
        elif low.startswith("performance_results") and low.endswith(".txt"):
            dev.cli_performance = dev.cli_performance or os.path.join(path, f)
        elif low.startswith("accuracy_results") and low.endswith(".txt"):
            dev.cli_accuracy = dev.cli_accuracy or os.path.join(path, f)
        elif low.endswith(IMAGE_EXTENSIONS):
            dev.screenshots.append(f)
    _walk_logs(rules, dev, path, _Place())
    return dev


def scan_submitter(rules: MobileRules, root: str, sub_path: str) -> tuple[list[DeviceTree], dict[str, str]]:
    """The devices under results/ and the system descriptions (stem -> path) under systems/."""
    systems = {f[:-5]: os.path.join(sub_path, "systems", f)
               for f in _files(os.path.join(sub_path, "systems")) if f.lower().endswith(".json")}
    results = os.path.join(sub_path, "results")
    if not os.path.isdir(results):
        return [], systems
    if _looks_like_device_content(rules, results):
        # No device level: the one system description names the device.
        name = next(iter(systems)) if len(systems) == 1 else os.path.basename(sub_path)
        return [_scan_device(rules, root, name, results)], systems
    return [_scan_device(rules, root, d, os.path.join(results, d)) for d in subdirs(results)], systems


@dataclass
class LogFile:
    """A log as a whole file, or as the parts it was split into."""

    name: str
    path: str | None = None
    parts: list[str] = field(default_factory=list)
    missing_parts: list[str] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return self.path is not None or bool(self.parts)

    @property
    def complete(self) -> bool:
        return self.path is not None or (bool(self.parts) and not self.missing_parts)


def _suffix_index(suffix: str) -> int:
    return (ord(suffix[0]) - ord("a")) * 26 + ord(suffix[1]) - ord("a")


def _suffix(index: int) -> str:
    return chr(ord("a") + index // 26) + chr(ord("a") + index % 26)


def find_log(folder: str, name: str) -> LogFile:
    """`name` in `folder`, whole or split (name + aa/ab…, stem_aa…, stem_split/1.json…)."""
    log = LogFile(name)
    whole = os.path.join(folder, name)
    if os.path.isfile(whole):
        log.path = whole
        return log
    stem, ext = os.path.splitext(name)
    suffixes = {}
    for f in _files(folder):
        for prefix in (name, stem + "_"):
            tail = f[len(prefix):]
            if f.startswith(prefix) and re.fullmatch(r"[a-z]{2}", tail):
                suffixes[_suffix_index(tail)] = os.path.join(folder, f)
    if suffixes:
        log.parts = [suffixes[i] for i in sorted(suffixes)]
        log.missing_parts = [_suffix(i) for i in range(max(suffixes)) if i not in suffixes]
        return log
    split_dir = os.path.join(folder, stem + "_split")
    if os.path.isdir(split_dir):
        numbered = sorted((int(m.group(1)), f) for f in _files(split_dir)
                          if (m := re.fullmatch(r"(\d+)" + re.escape(ext), f)))
        log.parts = [os.path.join(split_dir, f) for _, f in numbered]
        present = {n for n, _ in numbered}
        log.missing_parts = [f"{n}{ext}" for n in range(1, max(present, default=0)) if n not in present]
    return log
