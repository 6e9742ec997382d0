"""Every name a user types, checked before any work: codes, families and tags (--select,
--ignore, explain), benchmarks, scenarios and rounds. An unknown name is a usage error naming
the closest valid ones, so that a typo never turns a CI job green."""

from __future__ import annotations

import re
from collections.abc import Iterable

import click

from infercheck.checker.core.closest import closest, either, hint
from infercheck.checker.core.findings import CodeIndex
from infercheck.checker.core.focus import Focus
from infercheck.checker.inference.rounds import census, detect_round
from infercheck.checker.inference.rules import known_seed_sets, load_rules
from infercheck.checker.mobile.rules import SCENARIOS as MOBILE_SCENARIOS
from infercheck.checker.suites import SUITES, suite_named

__all__ = ["Choice", "benchmark_aliases", "check_codes", "check_round", "check_scenarios", "closest",
           "did_you_mean", "either", "focus_of", "known_benchmarks", "known_scenarios",
           "seeds_contradict"]


def did_you_mean(word: str, names: Iterable[str], listed: int = 12) -> str:
    """" (did you mean A, B?)", or, with nothing close, the valid names (the first `listed`)."""
    names = list(names)
    if near := hint(word, names):
        return near
    shown = ", ".join(names[:listed]) + (f" and {len(names) - listed:,} more" if len(names) > listed else "")
    return f"; known: {shown}"


def _unknown(option: str, what: str, word: str, names: Iterable[str]) -> click.BadParameter:
    return click.BadParameter(f"unknown {what} {word!r}{did_you_mean(word, names)}",
                              param_hint=option)


class Choice(click.Choice):
    """click.Choice that names the closest choices of a typo ("'automotve' is not one of ...;
    did you mean automotive?")."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            if near := hint(str(value), [str(c) for c in self.choices]):
                exc.message = exc.message.rstrip(".") + near
            raise


def check_round(suite: str | None, value: str | None, option: str = "--version") -> str | None:
    """`value` when it is a round of `suite` (None: of any suite); else a usage error naming
    the closest rounds ("4.1" -> v4.1)."""
    if suite is None:
        rounds = list(dict.fromkeys(r for s in SUITES.values() for r in s.packs.rounds()))
        suite = " or ".join(SUITES)
    else:
        rounds = suite_named(suite).packs.rounds()
    if value is None or value in rounds:
        return value
    spelled = [r for r in rounds if r.lower() in (value.lower(), f"v{value.lower()}")]
    raise click.BadParameter(f"{value!r} is not a round of {suite} (known: {', '.join(rounds)})"
                             f"{hint(value, rounds, first=spelled)}", param_hint=option)


def _vocabulary(codes: CodeIndex) -> list[str]:
    """What --select and --ignore accept: codes, families, tags and rule names."""
    families = sorted({re.match(r"[A-Z]+", c).group(0) for c in codes})
    tags = sorted({t for rule in codes.values() for t in rule.tags})
    return [*codes, *families, *tags, *sorted(rule.name for rule in codes.values())]


def _known_token(token: str, codes: CodeIndex, families: set[str], tags: set[str],
                 names: set[str]) -> bool:
    # As core/focus.py matches: a code, a letters-only prefix of a family (ruff's "E"), a tag
    # (any case) or a rule name.
    upper = token.upper()
    return (upper in codes or (token.isalpha() and any(f.startswith(upper) for f in families))
            or token.lower() in tags or token in names)


def check_codes(option: str, tokens: Iterable[str], codes: CodeIndex) -> None:
    """A usage error for the first token of --select/--ignore that names nothing `codes` has."""
    families = {re.match(r"[A-Z]+", c).group(0) for c in codes}
    tags = {t for rule in codes.values() for t in rule.tags}
    names = {rule.name for rule in codes.values()}
    for token in tokens:
        if _known_token(token, codes, families, tags, names):
            continue
        if closest(token, _vocabulary(codes)):
            raise _unknown(option, "code, family or tag", token, _vocabulary(codes))
        # Nothing close: the short lists, and where the codes are (a few hundred of them).
        raise click.BadParameter(
            f"unknown code, family or tag {token!r}; families: {', '.join(sorted(families))}; "
            f"tags: {', '.join(sorted(tags))}; codes: `infercheck explain --list`",
            param_hint=option)


def known_benchmarks(suite: str) -> dict[str, str]:
    """Every benchmark name of every round of `suite`, and every folder alias the packs map,
    lower-cased -> the model it names (a model is its own name)."""
    s = suite_named(suite)
    names: dict[str, str] = {}
    for round_name in s.packs.rounds():
        rules = s.load_rules(round_name)
        for model in rules.benchmarks:
            names.setdefault(model.lower(), model)
        for folder, model in (getattr(rules, "model_mapping", None) or {}).items():
            if model:
                names.setdefault(folder.lower(), model)
    return names


def benchmark_aliases(suite: str, wanted: Iterable[str]) -> tuple[str, ...]:
    """The benchmark folder names the user's names stand for: a model (as `rules` prints it)
    with every folder name the packs map to it (`resnet` -> resnet, resnet50), a folder name as
    itself; a usage error for a name no round knows."""
    known = known_benchmarks(suite)
    out: list[str] = []
    for name in wanted:
        model = known.get(name.lower())
        if model is None:
            models = sorted({m for m in known.values()})
            folders = sorted(k for k, m in known.items() if k != m.lower())
            raise _unknown("--benchmark", "benchmark", name, [*models, *folders])
        out.append(name)
        if name.lower() == model.lower():  # a model: every folder name meaning it; a folder
            out += [k for k, m in known.items() if m.lower() == model.lower()]  # name: itself
    return tuple(dict.fromkeys(n.lower() for n in out))


def known_scenarios(suite: str) -> tuple[str, ...]:
    """The scenario names of `suite`: its rounds' (LoadGen's; Automotive's ConstantStream), and
    those of endpoints results (Online)."""
    if suite == "mobile":
        return tuple(MOBILE_SCENARIOS)
    s = suite_named(suite)
    names: list[str] = []
    endpoints: set[str] = set()
    for rules in map(s.load_rules, s.packs.rounds()):
        names += rules.scenario_names
        endpoints |= set(((rules.endpoints or {}).get("scenario_folders") or {}).values())
    return tuple(dict.fromkeys([*names, *sorted(endpoints)]))


def check_scenarios(suite: str, wanted: Iterable[str]) -> None:
    names = known_scenarios(suite)
    for name in wanted:
        if name.lower() not in {n.lower() for n in names}:
            raise _unknown("--scenario", "scenario", name, names)


def focus_of(suite: str, select, ignore, benchmarks, scenarios) -> Focus:
    """The Focus of the command's options, every name in them checked against `suite`."""
    focus = Focus.of(select, ignore, benchmarks, scenarios)
    codes = suite_named(suite).codes
    check_codes("--select", focus.select, codes)
    check_codes("--ignore", focus.ignore, codes)
    check_scenarios(suite, focus.scenarios)
    if not focus.benchmarks:
        return focus
    return Focus.of(select, ignore, benchmarks, scenarios,
                    benchmark_aliases(suite, focus.benchmarks))


def seeds_contradict(tree: str, suite: str, round_name: str | None,
                     submitter: str | None = None) -> str | None:
    """When `round_name` was given and no performance log carries its LoadGen seeds while some
    carry another known round's: that, in one line naming the round they belong to (else every
    result would be one more LG003 error saying the same). Not for Mobile: its results carry
    no seeds."""
    if round_name is None or suite == "mobile":
        return None
    seeds = load_rules(round_name, suite).loadgen["seeds"]
    own = known_seed_sets(suite).get((seeds["qsl_rng_seed"], seeds["sample_index_rng_seed"],
                                      seeds["schedule_rng_seed"]))
    seen = census(tree, submitter, suite)
    if own is None or not seen.rounds or seen.counts.get(own):
        return None
    theirs = detect_round(tree, suite) or seen.rounds[0]
    return (f"{round_name}: the performance logs carry the LoadGen seeds of "
            f"{seen.describe()}, none {round_name}'s; did you mean --version {theirs}? "
            f"(without --version the round is recognised from the seeds)")
