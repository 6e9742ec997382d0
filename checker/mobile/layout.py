"""Where things are in a Mobile submitter folder, in every layout the published rounds use.

    <division>/<submitter>/results/[<device>/]{result.json | results.json | *_results.txt}
                                     [<device>/]<benchmark folder>/<Scenario>/log_{performance,accuracy}/
                                     [<device>/]<benchmark_id>-{performance,accuracy}/
                          systems/<device>.json
                          measurements/<device>/<benchmark folder>/<Scenario>/*.json

Benchmark folders are matched to the round's benchmarks case- and punctuation-insensitively
(mobileBERT, mobileBert, Mobile-BERT); app folders by the app's benchmark id. Logs split to stay
under GitHub's size limit (`.jsonaa`, `_aa`, `_split/`) count as their whole file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from infercheck.checker.core.textfile import subdirs
from infercheck.checker.mobile.rules import MobileRules

__all__ = ["DeviceTree", "LogFile", "RunDirs", "find_log", "scan_submitter"]

RESULT_FILES = ("result.json", "results.json")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
_APP_FOLDER = re.compile(r"^(?P<id>.+)-(?P<kind>accuracy|performance)$", re.IGNORECASE)
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


def _looks_like_device_content(rules: MobileRules, path: str) -> bool:
    names = {n.lower() for n in _files(path)}
    if names & set(RESULT_FILES) or any(n.endswith("_results.txt") for n in names):
        return True
    for folder in subdirs(path):
        m = _APP_FOLDER.match(folder)
        if rules.by_folder(folder) or (m and rules.by_app_id(m.group("id"))):
            return True
    return False


def _run_dirs(path: str) -> dict[str, str]:
    """{"performance": dir, "accuracy": dir} inside a scenario folder."""
    out = {}
    for name in subdirs(path):
        kind = _RUN_FOLDERS.get(name.lower())
        if kind:
            run = os.path.join(path, name)
            # Laptop submissions put each performance run in run_1/.
            if kind == "performance" and os.path.isdir(os.path.join(run, "run_1")):
                run = os.path.join(run, "run_1")
            out.setdefault(kind, run)
    return out


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
    for folder in subdirs(path):
        full = os.path.join(path, folder)
        app = _APP_FOLDER.match(folder)
        found = rules.by_app_id(app.group("id")) if app else None
        if found:
            bench, scenario = found
            runs = dev.runs.setdefault((bench, scenario),
                                       RunDirs(bench, scenario, f"{dev.rel}/{app.group('id')}"))
            setattr(runs, app.group("kind").lower(), full)
            continue
        bench = rules.by_folder(folder)
        if bench is None:
            dev.unknown_folders.append(folder)
            continue
        for scen_folder in subdirs(full):
            scenario = rules.scenario_name(scen_folder)
            if scenario is None:
                dev.unknown_folders.append(f"{folder}/{scen_folder}")
                continue
            dirs = _run_dirs(os.path.join(full, scen_folder))
            dev.runs[(bench, scenario)] = RunDirs(bench, scenario, f"{dev.rel}/{folder}/{scen_folder}",
                                                  dirs.get("performance"), dirs.get("accuracy"))
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
