"""MLPerf Mobile: rule packs, the app's result files, the published layouts, and their checks."""

from __future__ import annotations

from .engine import check_mobile_tree, detect_mobile_round

__all__ = ["check_mobile_tree", "detect_mobile_round"]
