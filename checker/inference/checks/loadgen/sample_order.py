"""Which samples the run drew and in what order: the round's seeds and equal-issue mode."""

from __future__ import annotations

from infercheck.checker.core.coerce import is_true
from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.inference.checks.loadgen.conf_files import conf_setting
from infercheck.checker.inference.rules import known_seed_sets

SEED_KEYS = ("qsl_rng_seed", "sample_index_rng_seed", "schedule_rng_seed")


class SeedMismatch(Rule):
    """A random seed differs from the seeds of the round.

    What it checks:
        `effective_qsl_rng_seed`, `effective_sample_index_rng_seed` and
        `effective_schedule_rng_seed` equal the round's seeds (TEST05 runs: its own seeds).

    Why it matters:
        The seeds are published only at submission time so that no system can be tuned to the
        sample order. Seeds of another round mean an old mlperf.conf or LoadGen build.

    Example:
        locator: effective_qsl_rng_seed, expected: 14284205019438841327, found: 1234

    How to fix:
        Use the mlperf.conf of the round (or the LoadGen release of the round) and run again.
        Under `--profile smoke`, seeds of another known round are accepted with a warning,
        because CI smoke runs use whatever LoadGen is installed; unknown seeds never are.

    Rounds:
        All; `loadgen.seeds` in the rule pack.

    Source:
        Official checker: "qsl_rng_seed is wrong".
    """

    code = "LG003"
    name = "seed-mismatch"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "{key} is {found}, round {round} requires {expected}{other}"


class EqualIssueModeOff(Rule):
    """A benchmark that needs equal-issue mode ran without it (closed, network).

    What it checks:
        `effective_sample_concatenate_permutation` is true for 3d-unet, GPT-J, Llama 2,
        Mixtral, Llama 3.1 and R-GAT from v4.1, and for DeepSeek-R1 and Whisper from v5.1.

    Why it matters:
        These benchmarks have samples of very different cost; without equal issue the run can
        be skewed by which samples it drew.

    Example:
        expected: true, found: false

    How to fix:
        Use the round's mlperf.conf, which sets `sample_concatenate_permutation = 1`.

    Rounds:
        v4.1 onwards (`benchmarks.<name>.equal_issue`).

    Source:
        Official checker `requires_equal_issue` (dead or inverted at several commits; infercheck
        applies the rule as written).
    """

    code = "LG010"
    name = "equal-issue-mode-off"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "equal-issue mode is {found}; {model} requires it"


def seed_findings(ctx, rel: str, keys, *, test: str | None, unlogged: tuple[str, ...] = ()):
    """`unlogged`: seeds the run cannot log (an endpoints run has no QSL seed), taken as right."""
    rules = ctx.rules
    seeds = rules.loadgen.get("test05_seeds") if test == "TEST05" else rules.loadgen["seeds"]
    found_seeds = tuple(seeds[k] if k in unlogged and seeds
                        else keys.number(f"effective_{k}", whole=True) for k in SEED_KEYS)
    if seeds and None not in found_seeds and found_seeds != tuple(seeds[k] for k in SEED_KEYS):
        other = known_seed_sets(rules.suite).get(found_seeds)
        tolerated = ctx.profile == "smoke" and other is not None
        for key, got in zip(SEED_KEYS, found_seeds, strict=True):
            if got != seeds[key]:
                yield SeedMismatch.at(
                    rel, expected=seeds[key], found=got, locator=f"effective_{key}", key=key,
                    round=rules.round, other=f" (the seeds of round {other})" if other else "",
                    severity=Severity.WARNING if tolerated else None)


def equal_issue_mode(ctx, rel: str, log, bench: dict):
    if bench.get("equal_issue") and ctx.is_closed_like:
        key = "effective_sample_concatenate_permutation"
        value = log.get(key)
        # Some LoadGen builds do not log the key; the official tool then reads the conf files.
        if value is None:
            value = conf_setting(ctx, "sample_concatenate_permutation")
        if not is_true(value):
            yield EqualIssueModeOff.at(rel, expected=True, found=value, model=ctx.model, locator=key)
