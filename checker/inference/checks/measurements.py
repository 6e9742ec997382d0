"""The measurements folder: implementation JSON, user.conf, README, and the code folder."""

from __future__ import annotations

from infercheck.checker.core.measurements import (
    ImplementationFieldEmpty,
    ImplementationFieldMissing,
    implementation_findings,
)
from infercheck.checker.core.registry import check
from infercheck.checker.core.tree_rules import EmptyFile, MissingFile


def _implementation_json(ctx, names: list[str]) -> str | None:
    if ctx.rules.layout.get("measurements") == "inside":
        return "measurements.json" if "measurements.json" in names else None
    # Official order: a name ending in _<scenario>.json first, then any <system>*.json.
    for name in names:
        if name.startswith(ctx.system) and name.endswith(f"_{ctx.scenario_folder}.json"):
            return name
    for name in names:
        if name.startswith(ctx.system) and name.endswith(".json"):
            return name
    return None


@check(emits=(MissingFile, EmptyFile, ImplementationFieldMissing, ImplementationFieldEmpty))
def check_measurements(ctx):
    folder = ctx.measurements_dir
    if not ctx.isdir(folder):
        yield MissingFile.at(folder, expected="measurements folder")
        return
    names = ctx.listdir(folder)
    # An endpoints run has no LoadGen configuration (measurements_checks.py 109).
    skipped = (ctx.rules.endpoints.get("measurements_files_skipped") or []) if ctx.is_endpoints else []
    for name in ctx.rules.layout.get("measurements_files", []):
        if name in skipped:
            continue
        if name not in names:
            yield MissingFile.at(f"{folder}/{name}", expected=name)
        elif ctx.rules.layout.get("measurements_files_nonempty", True):
            ctx.text(f"{folder}/{name}")  # empty or unreadable becomes a finding
    impl = _implementation_json(ctx, names)
    if impl is None:
        yield MissingFile.at(f"{folder}/{ctx.system}*.json", expected=f"{ctx.system}*.json")
    else:
        data = ctx.json(f"{folder}/{impl}")
        if isinstance(data, dict):
            nonempty = bool(ctx.rules.system.get("nonempty_fields"))
            yield from implementation_findings(data, f"{folder}/{impl}", nonempty=nonempty)
            ctx.metrics["weight_data_types"] = data.get("weight_data_types")
    code_root = f"{ctx.submitter_dir}/{ctx.rules.layout.get('code_dir', 'code')}"
    if ctx.rules.layout.get("code_per_benchmark") is False:
        # The round asks only for the submitter's code folder (v6.0: src/).
        if not ctx.isdir(code_root):
            yield MissingFile.at(code_root, expected="code folder of the submitter")
    elif not ctx.isdir(f"{code_root}/{ctx.benchmark}") and not ctx.exists(f"{code_root}/{ctx.model}"):
        yield MissingFile.at(f"{code_root}/{ctx.benchmark}", expected="code folder of the benchmark")
