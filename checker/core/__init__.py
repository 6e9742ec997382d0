"""The suite-independent checker: findings and codes, profiles, check sets, careful file reading,
LoadGen log parsing, rule packs, the report and its writers, and the engine that runs a suite.
Nothing here imports a suite; suites import this."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("infercheck")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
