"""The keys the checks need from a detail log, and the finding for each one it lacks."""

from __future__ import annotations

import math

from infercheck.checker.core.coerce import as_float, as_int
from infercheck.checker.core.findings import Rule, Severity
from infercheck.checker.core.loadgen_log import DetailLog


class MissingLogKey(Rule):
    """A key the checks need is absent from the detail log.

    What it checks:
        The detail log has the keys this result needs (scenario, seeds, settings, the metric).

    Why it matters:
        The log was cut short, or made by a LoadGen too old or too new for the round.

    Example:
        expected: early_stopping_latency_ss, found: (absent)

    How to fix:
        Use the complete log of the run, made with the round's LoadGen.

    Rounds:
        All.

    Source:
        Official checker (crashes with KeyError or TypeError).
    """

    code = "LG013"
    name = "missing-log-key"
    severity = Severity.ERROR
    tags = ("loadgen",)
    message = "detail log has no {expected!r}"


class LogValueNotANumber(Rule):
    """A value the checks compare as a number is not one in the detail log.

    What it checks:
        The settings and results the checks compare (durations, counts, seeds, latencies) are
        numbers, as LoadGen writes them.

    Why it matters:
        A value that is no number cannot be held to the round's rules: the rule it feeds would
        pass without a word. The log was edited, or damaged.

    Example:
        expected: a whole number, found: "x" (effective_min_duration_ms)

    How to fix:
        Use the log as LoadGen wrote it.

    Rounds:
        All.

    Source:
        infercheck (the official checker crashes with ValueError or TypeError).
    """

    code = "LG023"
    name = "log-value-not-a-number"
    severity = Severity.ERROR
    tags = ("loadgen", "integrity")
    message = "detail log's {locator} is {found!r}, not {expected}"


class NeededKeys:
    """Values of one detail log, read by key; the keys the log lacks are remembered so that they
    are reported after the findings on the values it has."""

    def __init__(self, log: DetailLog) -> None:
        self._values = log.values
        self.missing: list[str] = []
        self.not_numbers: list[tuple[str, object, str]] = []  # (key, value, what it should be)

    def need(self, key: str):
        """The value of `key`, or None when the log lacks it."""
        if key not in self._values:
            self.missing.append(key)
            return None
        return self._values[key]

    def number(self, key: str, whole: bool = False) -> float | int | None:
        """The value of `key` as a number (`whole`: an int), or None when the log lacks it or
        it is none (then said once, with the missing keys)."""
        if key not in self._values:
            self.missing.append(key)
            return None
        value = self._values[key]  # a null is no number either
        if isinstance(value, int) and not isinstance(value, bool):
            return value  # exact: a 64-bit seed is past what a float holds
        if isinstance(value, str) and (exact := as_int(value.strip())) is not None:
            return exact
        number = None if isinstance(value, bool) else as_float(value)
        if number is None or not math.isfinite(number) or (whole and not number.is_integer()):
            self.not_numbers.append((key, value, "a whole number" if whole else "a number"))
            return None
        return int(number) if whole else number

    def missing_findings(self, rel: str):
        for key in self.missing:
            yield MissingLogKey.at(rel, expected=key, locator=key)
        for key, value, kind in self.not_numbers:
            yield LogValueNotANumber.at(rel, expected=kind, found=value, locator=key)
