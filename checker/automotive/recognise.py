"""Whether a tree holds MLPerf Automotive results, and which round: the LoadGen seeds of its
performance logs (each round's own, packs/_seeds.yaml), or else its systems' `adas` type."""

from __future__ import annotations

import os
from functools import partial

from infercheck.checker.core.textfile import ParseError, read_json, subdirs
from infercheck.checker.inference.layout import DIVISIONS
from infercheck.checker.inference.rounds import benchmark_dirs, recognise_round, scenario_seeds
from infercheck.checker.inference.rules import known_seed_sets

__all__ = ["owns_tree", "recognise_automotive_round"]

recognise_automotive_round = partial(recognise_round, suite="automotive")


def _submitters(root: str):
    for division in DIVISIONS:
        for sub in subdirs(os.path.join(root, division)):
            yield os.path.join(root, division, sub)


def _adas_systems(root: str) -> bool:
    for sub in _submitters(root):
        folder = os.path.join(sub, "systems")
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else ():
            if not name.endswith(".json"):
                continue
            try:
                data = read_json(os.path.join(folder, name))
            except (OSError, ParseError):
                continue
            if isinstance(data, dict) and str(data.get("system_type", "")).strip().lower() == "adas":
                return True
    return False


def owns_tree(root: str) -> bool:
    """The first performance log whose seeds are a known round's decides: an Automotive round's,
    or an Inference one's. A tree whose logs name no known round is Automotive when one of its
    systems is of the `adas` type."""
    automotive = {seeds[0] for seeds in known_seed_sets("automotive")}
    inference = {seeds[0] for seeds in known_seed_sets("inference")}
    seeds = (seed for bench_dir, _ in benchmark_dirs(root) for seed in scenario_seeds(bench_dir))
    for seed in seeds:
        if seed in automotive:
            return True
        if seed in inference:
            return False
    return _adas_systems(root)
