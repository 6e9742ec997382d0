"""Which Mobile round a tree was made for, when the user does not say.

No one field tells it in every round: the app build names its submission branch only from v2.1,
and not always then; the app's version lags the round (v5.0 ran app 4.1.0, v2.1 app 2.0.0), as
does LoadGen's (v2.0 ran LoadGen 1.1). What every round's tree does tell:

- the benchmarks it holds, as folder names and app ids: a round whose rules know them all is a
  candidate (MOSAIC beside DeepLabV3+ is v2.0 or v2.1; EDSR beside MobileNetEdgeTPU v3.0-v4.0);
- when its runs were made: each LoadGen detail log's `test_datetime`. A round's runs are dated
  after the previous round's results were published and by its own (`results_published` in
  each pack); the middle run date of the tree picks the round among the candidates.

The app build's branch, where it names one, wins over both.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from infercheck.checker.core.packs import RulePackError
from infercheck.checker.core.suite import Recognition
from infercheck.checker.core.textfile import ParseError, open_regular, subdirs
from infercheck.checker.mobile.appfile import AppFileError, read_app_json
from infercheck.checker.mobile.layout import APP_FOLDER, RESULT_FILES
from infercheck.checker.mobile.rules import MobileRules, available_rounds, load_rules

__all__ = ["TreeSigns", "recognise_mobile_round", "tree_signs"]

_BRANCH = re.compile(r"submission-(v\d+\.\d+)")
_TEST_DATE = re.compile(rb'"key"\s*:\s*"test_datetime"\s*,\s*"value"\s*:\s*"(\d{4})-(\d\d)-(\d\d)')
_HEAD_BYTES = 16384   # test_datetime is among a detail log's first lines
_MAX_LOGS = 400       # enough dates to place a round; a huge tree is not read whole to guess


@dataclass
class TreeSigns:
    """What a tree shows of its round."""

    branches: Counter = field(default_factory=Counter)   # submission branch round -> exports
    names: set[str] = field(default_factory=set)         # folder names and app ids
    dates: list[date] = field(default_factory=list)      # run dates of the detail logs


def _run_date(path: str) -> date | None:
    try:
        fd, _ = open_regular(path, limit=1 << 40)  # only its head is read
    except ParseError:
        return None
    with os.fdopen(fd, "rb") as f:
        m = _TEST_DATE.search(f.read(_HEAD_BYTES))
    if not m:
        return None
    try:
        return date(*(int(g) for g in m.groups()))
    except ValueError:
        return None


def _device_folders(root: str):
    for division in subdirs(root):
        for sub in subdirs(os.path.join(root, division)):
            results = os.path.join(root, division, sub, "results")
            if os.path.isdir(results):
                yield results
                for device in subdirs(results):
                    yield os.path.join(results, device)


def tree_signs(root: str) -> TreeSigns:
    signs = TreeSigns()
    logs = 0
    for folder in _device_folders(root):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for f in names:
            if f.lower() in RESULT_FILES:
                try:
                    export = read_app_json(os.path.join(folder, f))
                except (ParseError, AppFileError):
                    continue
                signs.names.update(run.benchmark_id for run in export.runs)
                m = _BRANCH.search(str(export.build.get("git_branch") or ""))
                if m:
                    signs.branches[m.group(1)] += 1
        # Two levels of folder names hold every layout's benchmark names (log_accuracy/<id>/).
        for sub in subdirs(folder):
            app = APP_FOLDER.match(sub)
            signs.names.add(app.group("id") if app else sub)
            signs.names.update(subdirs(os.path.join(folder, sub)))
        if os.path.basename(folder) != "results":
            continue  # its logs are walked from results/, once
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            # results/<device>/<benchmark>/<Scenario>/performance/run_1/ at the deepest
            if dirpath.count(os.sep) - folder.count(os.sep) >= 5:
                dirnames[:] = []
            if "mlperf_log_detail.txt" in filenames and logs < _MAX_LOGS:
                logs += 1
                found = _run_date(os.path.join(dirpath, "mlperf_log_detail.txt"))
                if found:
                    signs.dates.append(found)
            if logs >= _MAX_LOGS:
                break
    return signs


def _knows(rules: MobileRules, name: str) -> bool:
    return bool(rules.by_folder(name) or rules.by_app_id(name))


def _rounds() -> list[MobileRules]:
    out = []
    for name in available_rounds():
        try:
            out.append(load_rules(name))
        except RulePackError:
            continue
    return out


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _span(dates: list[date]) -> str:
    first, last = min(dates), max(dates)
    return f"runs dated {first}" if first == last else f"runs dated {first} to {last}"


def recognise_mobile_round(root: str) -> Recognition:
    signs = tree_signs(root)
    rounds = _rounds()
    if signs.branches:
        branch, n = signs.branches.most_common(1)[0]
        if branch in {r.round for r in rounds}:
            return Recognition(branch, f"the app build's branch submission-{branch} "
                                       f"({n} export{'s' * (n != 1)})")
    # The names some round knows as a benchmark; the candidates know them all.
    benchmark_names = {n for n in signs.names if any(_knows(r, n) for r in rounds)}
    if not benchmark_names:
        return Recognition(None, "it holds no benchmark folder or app id of any Mobile round")
    known = {r.round: sum(_knows(r, n) for n in benchmark_names) for r in rounds}
    best = max(known.values())
    candidates = [r for r in rounds if known[r.round] == best]
    fits = ", ".join(r.round for r in candidates)
    if best < len(benchmark_names):
        unknown = sorted(n for n in benchmark_names if not _knows(candidates[0], n))
        fits += f" (none knows {', '.join(unknown)})"
    if len(candidates) == 1:
        return Recognition(candidates[0].round, f"its benchmarks, which fit {fits} only")
    if not signs.dates:
        return Recognition(None, f"its benchmarks fit {fits}, and no LoadGen log dates its runs")
    middle = sorted(signs.dates)[len(signs.dates) // 2]
    dated = [r for r in rounds if r.data.get("results_published")]
    dated.sort(key=lambda r: _day(r.data["results_published"]))
    placed = next((r for r in dated if middle <= _day(r.data["results_published"])), None)
    if placed is None:
        last = dated[-1] if dated else None
        when = f"after {last.round}'s results ({last.data['results_published']})" if last else \
            "when no pack says a round ran"
        return Recognition(None, f"its benchmarks fit {fits}, but its {_span(signs.dates)} "
                                 f"fall {when}: a round infercheck has no rules for")
    if placed not in candidates:
        return Recognition(None, f"its benchmarks fit {fits}, but its {_span(signs.dates)} "
                                 f"fall in {placed.round}'s time, whose benchmarks differ")
    i = dated.index(placed)
    after = f"after {dated[i - 1].round}'s results ({dated[i - 1].data['results_published']}), " \
        if i else ""
    return Recognition(placed.round, f"{_span(signs.dates)}, {after}by {placed.round}'s "
                                     f"({placed.data['results_published']}); the benchmarks fit "
                                     f"{fits}")
