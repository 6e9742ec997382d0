"""Faults of the checker itself, reported as findings instead of tracebacks."""

from __future__ import annotations

from infercheck.checker.core.findings import Rule, Severity


class CheckCrashed(Rule):
    """A check raised an exception on this result.

    What it checks:
        Nothing about the submission: the checker itself failed while checking this result.

    Why it matters:
        The result could not be fully checked, so it cannot be called valid. Other results are
        still checked, and the run exits with status 2 (internal fault) rather than 1.

    Example:
        INT001 check-crashed: check_power raised ZeroDivisionError: float division by zero

    How to fix:
        Report it to the infercheck maintainers with the JSON report (`--json`), which holds the
        traceback in the finding's `detail`.

    Rounds:
        All.

    Source:
        The official checker swallows such exceptions as "Execution occurred in running check";
        we name the check and the exception.
    """

    code = "INT001"
    name = "check-crashed"
    severity = Severity.ERROR
    tags = ("internal",)
    message = "{check} raised {found}"


class RulePackBroken(Rule):
    """A rule pack of infercheck is missing or fails its schema.

    What it checks:
        That the round's rule data (checker/rules/<suite>/<round>.yaml and the packs it extends)
        loads and validates against schemas/rules.schema.json.

    Why it matters:
        Without valid rules nothing can be checked.

    Example:
        RUL001 rule-pack-invalid: inference/v9.9.yaml: no rule pack

    How to fix:
        Pick a round that `infercheck rules --list` shows, or fix the rule file.

    Rounds:
        All.

    Source:
        infercheck's own rule data.
    """

    code = "RUL001"
    name = "rule-pack-invalid"
    severity = Severity.ERROR
    tags = ("internal",)
    message = "{found}"


class RoundRecognised(Rule):
    """The round was not given: infercheck tells it from the tree, and says from what.

    What it checks:
        Nothing: it records which round's rules the tree was checked by, and the evidence
        (inference: the LoadGen seeds of the performance logs; Mobile: the app build's
        submission branch, else the benchmarks the tree holds and the dates of its runs).

    Why it matters:
        Every verdict depends on the round. A reader of the report sees which round was
        assumed, and on what grounds, without re-running with `--version`.

    Example:
        round v2.0 recognised from runs dated 2022-02-25 to 2022-03-04, between v1.1's results
        (2021-10-27) and v2.0's (2022-04-26); the benchmarks fit v2.0, v2.1

    How to fix:
        Nothing to fix. To check by another round's rules, pass `--version`.

    Rounds:
        All.

    Source:
        infercheck.
    """

    code = "RUL002"
    name = "round-recognised"
    severity = Severity.INFO
    tags = ("internal",)
    message = "round {round} recognised from {found}"
