"""The inference checks, one module per topic; importing this package fills `CHECKS`.

The modules are imported in the order their checks run (performance first: other checks read
what it records), which is also the order findings are listed in.
"""

from __future__ import annotations

# isort: off
from infercheck.checker.inference.checks import loadgen, structure, accuracy, compliance
from infercheck.checker.inference.checks import measurements, power, system
# isort: on
from infercheck.checker.core.findings import rules_in
from infercheck.checker.inference.checks.registry import CHECKS

__all__ = ["CHECKS", "RULES"]

RULES = rules_in(loadgen, structure, accuracy, compliance, measurements, power, system)
