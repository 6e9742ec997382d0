"""The results site and downloads built from checked submissions or results tables."""

from __future__ import annotations

from .inputs import InputError, load_results
from .site import build_site

__all__ = ["InputError", "build_site", "load_results"]
