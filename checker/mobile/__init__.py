"""MLPerf Mobile: rule packs, the app's result files, the published layouts, and their checks."""

from __future__ import annotations

from .engine import MOBILE_PROFILES, check_mobile_tree, detect_mobile_round

__all__ = ["MOBILE_PROFILES", "check_mobile_tree", "detect_mobile_round"]
