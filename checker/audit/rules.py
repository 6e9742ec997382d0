"""The audit's codes (AUD): what the round's rules cannot see but a reviewer must. Each is a
warning: a reason to look, with the evidence, never a verdict on its own."""

from __future__ import annotations

from infercheck.checker.core.findings import Rule, Severity

__all__ = ["AUDIT_RULES"]


class IdenticalRun(Rule):
    """Two results report the very same LoadGen run.

    What it checks:
        The LoadGen results of each result's performance run (every latency statistic to the
        nanosecond, throughputs, query counts, early-stopping lines: `run_digest` in the results
        table) are shared by no other result of another system, submitter, scenario or
        benchmark. One system's run submitted for both accuracy targets of a model (bert-99 and
        bert-99.9) is one result, not two.

    Why it matters:
        Two runs never agree to the nanosecond on every percentile. Identical figures mean one
        log was copied to stand for another system's result, even where its settings and seeds
        make every rule hold.

    Example:
        found: the run of closed/Acme/results/sys-b/resnet50/Offline, expected: a run of its own

    How to fix:
        Run the benchmark on the system the result is for.

    Rounds:
        All (rounds whose logs carry latency statistics).

    Source:
        infercheck audit; review committee practice.
    """

    code = "AUD001"
    name = "identical-run"
    severity = Severity.WARNING
    tags = ("audit", "evidence")
    message = "its LoadGen results are identical to those of {found}"


class IdenticalAccuracyLog(Rule):
    """Results on different makers' hardware have the same accuracy log.

    What it checks:
        The accuracy logs (`mlperf_log_accuracy.json`: its size and its first and last 16 KiB,
        the responses in the order they completed) of different submitters' results whose
        accelerators (or, without one, processors) come from different makers are not the same.
        Of the makers sharing one, those other than the one holding most of its copies are
        flagged (each on a tie).

    Why it matters:
        On one maker's hardware identical logs are expected, across submitters too: partners run
        the maker's deterministic software, which gives the same responses in the same order
        (the published logs keep only their first and last entries; in the v2.1 round NVIDIA's
        partners share hundreds), and one submitter's library gives them on every board of an
        instruction set (Krai's Arm boards). Another submitter's result on another maker's
        hardware giving the very same bytes is a sign the log was copied.

    Example:
        found: closed/Acme/results/npu-1/resnet50/Offline (NVIDIA A100), expected: a log of its
        own (the result runs on a QUALCOMM Cloud AI 100)

    How to fix:
        Run the accuracy mode on the system the result is for.

    Rounds:
        All.

    Source:
        infercheck audit.
    """

    code = "AUD002"
    name = "identical-accuracy-log"
    severity = Severity.WARNING
    tags = ("audit", "evidence")
    message = "its accuracy log is the same as that of {found}, on another maker's hardware"


class OutlierAmongPeers(Rule):
    """A result is far from those of the same accelerator in the same round.

    What it checks:
        Per round, benchmark, scenario and accelerator model: the result per accelerator
        (throughput divided by the system's accelerator count; latency as measured, among
        systems with as many accelerators) against its peers', by a robust score (the distance
        from the peers' median in median absolute deviations of the logarithm). A score above the
        threshold (`outlier_score`, 3.5) among at least `min_peers` results is flagged when the
        result is also at least `min_factor` (2) times, or half of, the median.

    Why it matters:
        A result ten times its peers' is either a breakthrough worth a reviewer's look or a
        wrong accelerator count, unit or log.

    Example:
        found: 98000 samples/s per accelerator, expected: about 9100 (the median of 7 peers)

    How to fix:
        Check the system description's accelerator count and the log; explain the result in the
        submission's notes if it is right.

    Rounds:
        All.

    Source:
        infercheck audit; the thresholds in checker/audit/settings.yaml.
    """

    code = "AUD003"
    name = "outlier-among-peers"
    severity = Severity.WARNING
    tags = ("audit", "plausibility")
    message = ("{what} {found} is {direction} its {count} peers' median {expected} "
               "(score {score})")


class ChangeSincePrevious(Rule):
    """A result changed much since the previous round's result of the same system or accelerator.

    What it checks:
        With `--previous`, each result against the previous round's result of the same system
        name, else of the same accelerator model and count, on the same benchmark and scenario:
        the ratio of the two (above 1 when the new result is better) stays within
        `previous_ratio` (3) either way.

    Why it matters:
        Software improves results, but rarely threefold in one round on the same hardware;
        a drop that large suggests a broken run or a unit slip.

    Example:
        found: 3.8x better than v4.0's closed/Acme/results/sys/resnet50/Offline

    How to fix:
        Confirm the run, and say what changed in the submission's notes.

    Rounds:
        All, given the previous round's trees or tables.

    Source:
        infercheck audit.
    """

    code = "AUD004"
    name = "change-since-previous"
    severity = Severity.WARNING
    tags = ("audit", "plausibility")
    message = "{found} than {expected}"


class EnergyOutlier(Rule):
    """A power result's energy per sample is far from that of the same accelerator's.

    What it checks:
        Energy per sample (average power over throughput for Offline and Server; the energy per
        query LoadGen's power runs report for SingleStream and MultiStream), per round,
        benchmark, scenario and accelerator model, by the robust score of AUD003.

    Why it matters:
        The power analyser's range, a wrong channel or a log of another run shows as energy far
        from that of the same hardware.

    Example:
        found: 0.021 J/sample, expected: about 0.19 (the median of 6 peers)

    How to fix:
        Check the analyser's setup and the power logs of the run.

    Rounds:
        Rounds with power results.

    Source:
        infercheck audit.
    """

    code = "AUD005"
    name = "energy-outlier"
    severity = Severity.WARNING
    tags = ("audit", "power")
    message = ("energy {found} per sample is {direction} its {count} peers' median {expected} "
               "(score {score})")


class PowerOutOfRange(Rule):
    """The measured power is implausible for the system's accelerator and node counts.

    What it checks:
        Average power in watts divided by the system's accelerator count (nodes times
        accelerators per node) lies within `power_w_per_accelerator` (0.5 W to 3,000 W).

    Why it matters:
        A figure outside it is a unit slip (mW or kW read as W), an analyser measuring the
        wrong outlet, or counts in the system description that are wrong.

    Example:
        found: 12.5 kW per accelerator (1 accelerator), expected: 0.5-3000 W

    How to fix:
        Check the analyser's units and wiring, and the system description's counts.

    Rounds:
        Rounds with power results.

    Source:
        infercheck audit.
    """

    code = "AUD006"
    name = "power-out-of-range"
    severity = Severity.WARNING
    tags = ("audit", "power")
    message = "{found} W per accelerator ({count} accelerators) is outside {expected} W"


class AcceleratorSpellings(Rule):
    """One accelerator is spelled several ways in one round.

    What it checks:
        Accelerator model names that are the same letters and digits (case, spaces and
        punctuation aside) are written the same way across the round's system descriptions.

    Why it matters:
        The results table groups and filters by the name: "NVIDIA H100-SXM-80GB" and "NVIDIA
        H100 SXM 80GB" make two accelerators, and peers are not compared.

    Example:
        found: NVIDIA H100 SXM 80GB, expected: NVIDIA H100-SXM-80GB (9 systems)

    How to fix:
        Write the name as most of the round does.

    Rounds:
        All.

    Source:
        infercheck audit.
    """

    code = "AUD007"
    name = "accelerator-spellings"
    severity = Severity.WARNING
    tags = ("audit", "description")
    message = "accelerator written {found!r}; the round also writes it {expected!r}"


class CountDisagreesWithName(Rule):
    """A system's name states an accelerator count its description does not have.

    What it checks:
        A count written in the system's name or folder next to the accelerator ("8xH100",
        "A100x4", "(4x L4)") equals accelerators per node, or nodes times accelerators per node.

    Why it matters:
        Per-accelerator results and the peers' comparison divide by the description's count; a
        name that says otherwise means one of them is wrong.

    Example:
        found: 4 (nodes 1 x accelerators per node 4), expected: 8 (the name: 8xH100-SXM)

    How to fix:
        Correct `accelerators_per_node` / `number_of_nodes`, or the name.

    Rounds:
        All.

    Source:
        infercheck audit.
    """

    code = "AUD008"
    name = "count-disagrees-with-name"
    severity = Severity.WARNING
    tags = ("audit", "description")
    message = "the name says {expected} accelerators, the description {found}"


AUDIT_RULES = (IdenticalRun, IdenticalAccuracyLog, OutlierAmongPeers, ChangeSincePrevious,
               EnergyOutlier, PowerOutOfRange, AcceleratorSpellings, CountDisagreesWithName)
