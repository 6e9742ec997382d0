"""The inference checks, one module per topic, and the order they run in on each result.

Performance runs first: later checks read what it records (the result's value, its scenario).
The order is also the order findings are listed in. The performance check (loadgen/) is composed
of the topics of a LoadGen log: validity, sample_order, run_length, latency and metric (log_keys
reports the keys the log lacks). The Power WG's checks (power_wg/) follow the power check, which
reports the power files that are missing.
"""

from __future__ import annotations

from infercheck.checker.core.findings import rules_in
from infercheck.checker.core.registry import CheckSet
from infercheck.checker.inference.checks import (
    accuracy,
    compliance,
    endpoints,
    measurements,
    nameplate,
    power,
    structure,
    system,
)
from infercheck.checker.inference.checks.loadgen import (
    latency,
    log_keys,
    metric,
    performance,
    run_length,
    sample_order,
    settings,
    summary,
    validity,
)
from infercheck.checker.inference.checks.power_wg import checksums, phases, ptd, ptd_log, sessions

__all__ = ["CHECKS", "MODULES", "RULES"]

MODULES = (validity, sample_order, run_length, latency, metric, settings, log_keys, summary,
           endpoints, performance, structure, accuracy, compliance, measurements, power, nameplate,
           sessions, ptd, phases, checksums, ptd_log, system)

CHECKS = CheckSet.of(
    performance.check_performance,
    summary.check_summaries,
    structure.check_result_files,
    accuracy.check_accuracy,
    compliance.check_compliance,
    measurements.check_measurements,
    nameplate.check_nameplate_power,
    power.check_power,
    sessions.check_power_sessions,
    ptd.check_ptd_session,
    phases.check_power_phases,
    checksums.check_power_checksums,
    ptd_log.check_ptd_log,
    system.check_system_description,
)

RULES = rules_in(*MODULES)
