"""LoadGen settings a round requires by name: a value in the pack, not a check per setting."""

from __future__ import annotations

from infercheck.checker.core.findings import Rule, Severity


class RequiredSettingWrong(Rule):
    """The run was made with a LoadGen setting other than the one the round requires.

    What it checks:
        Each setting of the round's `required_settings` (and of the benchmark's) has the
        required value in the detail log, in the scenarios it binds. MLPerf Automotive requires
        `effective_target_latency_percentile` 0.999 in every run,
        `effective_server_constant_gen` true in ConstantStream runs and, for BEVFormer,
        `effective_use_grouped_qsl` true.

    Why it matters:
        These settings decide what the run measures: the percentile its latency is reported at,
        whether queries arrive at a constant rate, whether a scene's frames are drawn together.
        A run made with others measured something else than the benchmark.

    Example:
        key: effective_server_constant_gen, expected: true, found: false

    How to fix:
        Run with the round's mlperf.conf and do not override the setting in user.conf.

    Rounds:
        Where the pack has `loadgen.required_settings` or `benchmarks.<name>.required_settings`
        (Automotive v0.5 onwards).

    Source:
        Official Automotive checker, check_performance_dir: "constant_gen is set to false",
        "grouped_qsl is required but not used", "target_latency_percentile is required to be
        0.999".
    """

    code = "LG022"
    name = "required-setting-wrong"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "{key} is {logged}; round {round} requires {wanted}"


def _as_logged(value) -> str:
    """A value as LoadGen's log spells it (true, not True)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _same(found, expected) -> bool:
    if isinstance(expected, bool):
        return found is expected or str(found).lower() == str(expected).lower()
    if isinstance(expected, (int, float)):
        try:
            return float(found) == float(expected)
        except (TypeError, ValueError):
            return False
    return str(found) == expected


def required_settings(rules, rel: str, keys, model: str, scenario: str | None):
    """LG022 for each required setting the run has otherwise; a setting the log lacks is LG013
    (through `keys`)."""
    for setting in rules.required_settings(model):
        bound = setting.get("scenarios")
        if bound is not None and scenario not in bound:
            continue
        key, expected = setting["key"], setting["value"]
        found = keys.need(key)
        if found is not None and not _same(found, expected):
            yield RequiredSettingWrong.at(rel, key=key, expected=expected, found=found,
                                          logged=_as_logged(found), wanted=_as_logged(expected),
                                          round=rules.round, locator=key)
