"""The keys the checks need from a detail log, and the finding for each one it lacks."""

from __future__ import annotations

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


class NeededKeys:
    """Values of one detail log, read by key; the keys the log lacks are remembered so that they
    are reported after the findings on the values it has."""

    def __init__(self, log: DetailLog) -> None:
        self._values = log.values
        self.missing: list[str] = []

    def need(self, key: str):
        """The value of `key`, or None when the log lacks it."""
        if key not in self._values:
            self.missing.append(key)
            return None
        return self._values[key]

    def missing_findings(self, rel: str):
        for key in self.missing:
            yield MissingLogKey.at(rel, expected=key, locator=key)
