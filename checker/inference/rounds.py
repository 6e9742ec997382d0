"""Which round a tree's logs were made for: the seeds in each result's performance log.

Every round has its own LoadGen seeds (packs/_seeds.yaml), so the seeds name the round; the demo
round shares v6.1's, and the tree's benchmark folders tell them apart. A tree whose logs carry
the seeds of several rounds is reported (LG017), then checked as the round most of them carry.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from dataclasses import dataclass

from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.packs import RulePackError
from infercheck.checker.core.suite import Recognition
from infercheck.checker.core.textfile import ParseError, open_regular, subdirs
from infercheck.checker.inference.layout import DIVISIONS
from infercheck.checker.inference.rules import known_seed_sets, load_rules, pack_store, seeded_suites

__all__ = ["LogsOfSeveralRounds", "RoundCensus", "benchmark_dirs", "census", "detect_round",
           "recognise_round", "scenario_seeds", "seed_of_log", "several_rounds"]

# The qsl seed, in LoadGen's JSON log lines (":::MLLOG {"key": "effective_qsl_rng_seed",
# "value": N") and in the text logs of v0.5-v0.7 ("qsl_rng_seed : N").
_EFFECTIVE_SEED = re.compile(rb'effective_qsl_rng_seed"\s*,\s*"value"\s*:\s*(\d+)')
_ANY_SEED = re.compile(rb'qsl_rng_seed(?:"\s*,\s*"value"\s*:\s*|\s*:\s*)(\d+)')
# The seeds are among the first settings LoadGen logs; a log that has not named them by then
# is read no further (its own checks report what it lacks).
_HEAD_BYTES = 1 << 20


class LogsOfSeveralRounds(Rule):
    """The tree's performance logs carry the LoadGen seeds of more than one round.

    What it checks:
        The qsl seed of every result's performance log (`performance/run_1/mlperf_log_detail.txt`)
        names one round (each round's mlperf.conf has its own seeds); all of them must name the
        same round.

    Why it matters:
        A submission is made for one round. Logs of another round were made with another
        round's settings and sample order; judging them by one round's rules silently would
        accept or reject them for the wrong reasons.

    Example:
        found: v4.1 (35 results), v5.0 (2 results); checked as v4.1

    How to fix:
        Re-run the results whose logs carry another round's seeds with the LoadGen (and
        mlperf.conf) of the round you submit to; each such result also has an LG003 finding.

    Rounds:
        All.

    Source:
        infercheck; seeds from each round's mlperf.conf (mlcommons/inference).
    """

    code = "LG017"
    name = "logs-of-several-rounds"
    severity = Severity.ERROR
    tags = ("loadgen", "round")
    message = "the performance logs carry the seeds of several rounds: {found}; checked as {round}"


@dataclass(frozen=True)
class RoundCensus:
    """How many results' performance logs carry each round's seeds (None: no known round), and
    the benchmark folders seen on the way."""

    counts: Counter
    benchmarks: frozenset[str] = frozenset()

    @property
    def rounds(self) -> list[str]:
        """The known rounds, the most common first (custom seeds are LG003's business)."""
        return [name for name, _ in self.counts.most_common() if name is not None]

    def describe(self) -> str:
        return ", ".join(f"{name} ({n} result{'s' * (n != 1)})"
                         for name, n in self.counts.most_common() if name is not None)


def seed_of_log(path: str) -> int | None:
    head = b""
    try:
        fd, _ = open_regular(path, limit=sys.maxsize)  # only its head is read
    except ParseError:
        return None  # a missing, special or unreadable log is a finding of the checks
    try:
        with os.fdopen(fd, "rb") as f:
            while len(head) < _HEAD_BYTES:
                chunk = f.read(1 << 15)  # the seeds sit about 18 KB in
                if not chunk:
                    break
                head += chunk
                # JSON logs name the effective seed; text logs (v0.5-v0.7) only "qsl_rng_seed",
                # requested and effective alike.
                m = (_EFFECTIVE_SEED if b":::MLLOG" in head[:4096] else _ANY_SEED).search(head)
                if m:
                    return int(m.group(1))
    except OSError:
        return None
    m = _ANY_SEED.search(head)
    return int(m.group(1)) if m else None


def benchmark_dirs(root: str, submitter: str | None = None):
    """(path, name) of every benchmark folder under <division>/<submitter>/results/<system>/."""
    for division in DIVISIONS:
        for sub in subdirs(os.path.join(root, division)):
            if submitter and sub.lower() != submitter.lower():
                continue
            results = os.path.join(root, division, sub, "results")
            for system in subdirs(results):
                for bench in subdirs(os.path.join(results, system)):
                    yield os.path.join(results, system, bench), bench


def census(root: str, submitter: str | None = None, suite: str = "inference") -> RoundCensus:
    """The seeds of every result's performance log (first run; v0.5 results have five), named
    by `suite`'s rounds."""
    by_seed = {seeds[0]: name for seeds, name in known_seed_sets(suite).items()}
    counts: Counter = Counter()
    benchmarks = set()
    for bench_dir, bench in benchmark_dirs(root, submitter):
        benchmarks.add(bench)
        for seed in scenario_seeds(bench_dir):
            if seed is not None:
                counts[by_seed.get(seed)] += 1
    return RoundCensus(counts, frozenset(benchmarks))


def scenario_seeds(bench_dir: str):
    """The qsl seed of each scenario's first performance run under a benchmark folder (None
    where its log is missing or names none), lazily."""
    for scenario in subdirs(bench_dir):
        yield seed_of_log(os.path.join(bench_dir, scenario, "performance", "run_1",
                                       "mlperf_log_detail.txt"))


def detect_round(root: str, suite: str = "inference") -> str | None:
    """The round most of the tree's performance logs were made for, among the rounds that have
    a pack; where packs share those seeds (demo and v6.1), the one knowing more of the tree's
    benchmark folders, a real round before the demo one."""
    return _detect(census(root, suite=suite), suite)


def recognise_round(root: str, suite: str = "inference") -> Recognition:
    """detect_round, with what it was told from (or why it could not tell) in words."""
    seen = census(root, suite=suite)
    found = _detect(seen, suite)
    logs = sum(seen.counts.values())
    if found is None:
        of_logs = f"the seeds of its {logs} performance log{'s' * (logs != 1)}"
        other = _other_suites_round(root, suite) if logs else None
        why = ("no performance log names its seeds" if not logs else
               f"{of_logs} are no known round's" if other is None else
               f"{of_logs} are {other}'s, no {suite} round's: check it with --suite "
               f"{other.split()[0]} (or --suite auto)")
        return Recognition(None, f"not recognised from the logs' seeds: {why}")
    n = seen.counts.get(seen.rounds[0], 0)
    # The count per round only where the logs name more than one (or seeds of no round).
    census_text = "" if n == logs else f" ({seen.describe()})"
    return Recognition(found, f"the LoadGen seeds of {n} of {logs} performance log"
                              f"{'s' * (logs != 1)}{census_text}"
                              f"{_layout_note(root, load_rules(found, suite))}")


def _layout_note(root: str, rules) -> str:
    """"; yet ..." when the tree keeps its audit tests inside its result folders and the
    recognised round does not (a harness of the last round, whose seeds it kept, writing the
    next round's layout): every result would then miss its files, and the round to give is a
    later one."""
    if (rules.layout or {}).get("compliance") == "inside":
        return ""
    for bench_dir, _ in benchmark_dirs(root):
        for scenario in subdirs(bench_dir):
            if any(d.upper().startswith("TEST0") for d in subdirs(os.path.join(bench_dir, scenario))):
                return (f"; yet its results hold their audit tests (TEST0x/) as later rounds' do, "
                        f"not as {rules.round}'s: for a later round, give --version")
    return ""


def _other_suites_round(root: str, suite: str) -> str | None:
    """The round of another suite whose seeds the tree's logs carry ("automotive v0.5": a tree
    checked with the wrong --suite), else None."""
    for other in seeded_suites():
        if other != suite and (rounds := census(root, suite=other).rounds):
            return f"{other} {rounds[0]}"
    return None


def _detect(seen: RoundCensus, suite: str = "inference") -> str | None:
    if not seen.rounds:
        return None
    top = seen.rounds[0]
    candidates = []
    for name in pack_store(suite).rounds():
        try:
            rules = load_rules(name, suite)
        except RulePackError:
            continue
        seeds = rules.loadgen["seeds"]
        if known_seed_sets(suite).get((seeds["qsl_rng_seed"], seeds["sample_index_rng_seed"],
                                  seeds["schedule_rng_seed"])) == top:
            candidates.append(rules)
    if not candidates:
        return None
    best = max(candidates, key=lambda r: (sum(r.mlperf_model(b) is not None for b in seen.benchmarks),
                                          r.round != "demo"))
    return best.round


def several_rounds(root: str, checked_as: str, submitter: str | None, profile: str,
                   suite: str = "inference"):
    """LG017 when the logs name more than one known round (smoke: a warning, as it tolerates
    another known round's seeds on each result)."""
    found = census(root, submitter, suite)
    if len(found.rounds) < 2:
        return []
    severity = Severity.WARNING if profile == "smoke" else None
    return [LogsOfSeveralRounds.at(None, found=found.describe(), round=checked_as,
                                   severity=severity)]
