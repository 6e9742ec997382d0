"""The round's benchmark table, as the MLPerf Mobile results page prints it."""

from __future__ import annotations

from infercheck.checker.core.packs import round_key
from infercheck.checker.mobile.rules import available_rounds, load_rules

__all__ = ["benchmark_rows", "benchmark_table", "limits_table"]

HEADER = ("Area", "Task", "Model", "Dataset", "Mode", "Quality", "Latest Available Version")


def benchmark_rows(round_name: str) -> list[tuple[str, ...]]:
    """The round's benchmarks, then the retired ones with the last round that had them."""
    rules = load_rules(round_name)
    last: dict[str, tuple[str, object]] = {}
    for name in available_rounds():
        if round_key(name) > round_key(round_name):
            break
        pack = load_rules(name)
        for bench in pack.benchmarks:
            last[bench] = (name, pack)
    current = [b for b in rules.table_order if b in rules.benchmarks]
    current += [b for b in rules.benchmarks if b not in current]
    retired = sorted((b for b in last if b not in rules.benchmarks),
                     key=lambda b: round_key(last[b][0]), reverse=True)
    rows = []
    for bench in current + retired:
        latest, pack = last[bench]
        spec = pack.benchmarks[bench]
        rows.append((spec["area"], spec["task"], spec["model"], spec["dataset"], pack.mode(bench),
                     spec["quality"], latest))
    return rows


def _pipe(cells) -> str:
    return " | ".join(cells) + " |"


def benchmark_table(round_name: str) -> list[str]:
    return [_pipe(HEADER), "---|" * len(HEADER), *(_pipe(r) for r in benchmark_rows(round_name))]


def limits_table(round_name: str) -> list[str]:
    """What infercheck enforces per benchmark: the numbers behind the table's words."""
    rules = load_rules(round_name)
    lines = [f"{'benchmark':<18} {'scenarios':<26} {'target (app scale)':<40} {'acc. samples':<13} run"]
    lines.append("-" * len(lines[0]))
    order = [b for b in rules.table_order if b in rules.benchmarks]
    for bench in order + [b for b in rules.benchmarks if b not in order]:
        target = rules.target(bench)
        scen = ", ".join(rules.scenarios(bench) + [f"{s}?" for s in rules.optional_scenarios(bench)])
        if not rules.benchmarks[bench]["required"]:
            scen = f"({scen})"
        runs = []
        for s in rules.allowed_scenarios(bench):
            r = rules.run_rule(bench, s)
            if s == "Offline":
                runs.append(f"Offline >= {r.min_samples} samples")
                continue
            text = f"SS >= {r.min_queries} queries" + (" (waived)" if r.waive_min_queries else "")
            text += f", >= {r.min_duration_s:g} s"
            if r.max_duration_s:
                text += f", <= {r.max_duration_s:g} s"
            runs.append(text)
        goal = f"{target.metric} >= {target.threshold:.6g} ({target.shown(target.threshold)})"
        if target.tentative:
            goal += " tentative"
        lines.append(f"{bench:<18} {scen:<26} {goal:<40} {target.samples:<13} {'; '.join(runs)}")
    return lines
