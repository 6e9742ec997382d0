"""The Mobile checks, one module per topic, and the order they run in.

Device checks run once per device (their findings lead every result of the device); the export
and system checks fill the device's export and description, which later checks read. On each
result the logs check runs first: it loads the logs the performance and accuracy checks compare.
"""

from __future__ import annotations

from infercheck.checker.core.findings import rules_in
from infercheck.checker.core.registry import CheckSet
from infercheck.checker.mobile.checks import (
    accuracy,
    device,
    export,
    logs,
    measurements,
    performance,
    system,
)

__all__ = ["DEVICE_CHECKS", "MODULES", "RESULT_CHECKS", "RULES"]

MODULES = (export, device, system, logs, performance, accuracy, measurements)

DEVICE_CHECKS = CheckSet.of(
    device.check_submitter_files,
    export.check_export,
    system.check_system_description,
    device.check_device_folder,
    device.check_required_results,
)

RESULT_CHECKS = CheckSet.of(
    export.check_scenario_allowed,
    logs.check_logs,
    export.check_exported,
    performance.check_performance,
    accuracy.check_accuracy,
    measurements.check_measurements,
)

RULES = rules_in(*MODULES)
