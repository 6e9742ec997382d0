"""The Power WG's checks of a power result, as the official power_checker.py runs them (by default
from v3.1), by topic: the session descriptors (sessions), PTDaemon's commands and configuration
(ptd), the ranging and testing phases against LoadGen (phases), the checksums of the result files
(checksums) and PTDaemon's log (ptd_log). The numbers and messages they compare with are the
round's, in the `power.wg` section of its rule pack; `power.wg_checks` turns them on.
"""
