"""The official summary.csv of an inference round, as its checker writes it."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import partial

from infercheck.checker.core import outputs
from infercheck.checker.core.coerce import as_int
from infercheck.checker.core.outputs import notes_text, text_value
from infercheck.checker.core.report import Report, ResultEntry
from infercheck.checker.inference.rules import load_rules

__all__ = ["TIDY_COLUMNS", "accuracy_text", "summary_rows", "summary_table"]

# Where each summary.csv column comes from in the tidy table (results_table); the report
# builder reads summary.csv files back through it. Both the v2.1 and the later spellings.
TIDY_COLUMNS = {
    "Organization": "submitter", "Availability": "availability", "Division": "division",
    "SystemType": "system_type", "SystemName": "system_name", "Platform": "system",
    "Model": "benchmark", "MlperfModel": "model", "Scenario": "scenario", "Result": "value",
    "Accuracy": "accuracy", "number_of_nodes": "number_of_nodes",
    "host_processor_model_name": "host_processor_model_name",
    "host_processors_per_node": "host_processors_per_node",
    "host_processor_core_count": "host_processor_core_count",
    "accelerator_model_name": "accelerator_model_name",
    "accelerators_per_node": "accelerators_per_node", "Location": "result",
    "framework": "framework", "operating_system": "operating_system", "notes": "notes",
    "version": "round", "inferred": "inferred", "infered": "inferred", "Units": "units",
    "weight_data_types": "weight_data_types",
}


def accuracy_text(metrics: dict, accuracy_format: str) -> str:
    """The Accuracy cell: the first metric's value (to v4.1), or from v5.0 every metric of the
    targets as the official table writes them, "ROUGE1: 38.86  ROUGE2: 15.76"."""
    if accuracy_format == "all":
        reported = metrics.get("accuracy_reported") or {}
        return "  ".join(f"{name}: {value}" for name, value in reported.items())
    # An open result whose accuracy.txt lacks the metric is listed all the same; the official
    # tools format the value they did not find as Python's None.
    value = metrics.get("accuracy")
    return "None" if value is None else text_value(value)


def _total_accelerators(info: dict) -> str:
    nodes, per_node = as_int(info.get("number_of_nodes")), as_int(info.get("accelerators_per_node"))
    return "" if nodes is None or per_node is None else str(nodes * per_node)


def _inferred_as_written(entry: ResultEntry, scenario: str, spec: dict) -> bool:
    """The official table's inferred flag when it compares names (v6.0 onwards, results.py
    118-119): the Scenario it writes (the folder's name) against LoadGen's effective_scenario,
    as both are spelt, but for the listed (LoadGen scenario, Scenario) pairs as written."""
    logged = entry.metrics.get("loadgen_scenario")
    exempt = [list(p) for p in spec.get("except_pairs") or []]
    return scenario != logged and [logged, scenario] not in exempt


def summary_table(round: str, suite: str = "inference"
                  ) -> tuple[list[str], Callable[[ResultEntry], list[dict[str, str]]]]:
    """The columns of the official summary.csv of `round` of `suite`, and the rows of one
    result: none for an invalid one. The power metric goes where the round's columns put it: a
    `power` column of the result's row (v1.0), or a second row (`has_power`, v1.1 onwards)."""
    rules = load_rules(round, suite)
    columns = rules.csv_columns
    power_row = "has_power" in columns
    csv_rules = rules.data["csv"]
    joined = bool(csv_rules.get("notes_always_joined"))
    # Location: the result folder, or (v6.0) its performance/run_1 folder.
    run_suffix = "/performance/run_1" if csv_rules.get("location") == "performance_run" else ""
    division_compliance = csv_rules.get("compliance_column") == "division"
    inferred_spec = csv_rules.get("inferred_column") or {}
    folder_scenario = csv_rules.get("scenario_column") == "folder"
    # Folder names the official table writes otherwise, by lower-case name (v6.1: Online).
    renamed = {k.lower(): v for k, v in (csv_rules.get("scenario_names") or {}).items()}

    def rows_of(entry: ResultEntry) -> list[dict[str, str]]:
        m, info = entry.metrics, entry.system_info
        if not entry.valid or m.get("value") is None:
            return []
        has_power = bool(m.get("power_value"))
        compliance = "1" if m.get("compliance_complete", True) else "0"
        scenario = (renamed.get(entry.scenario_folder.lower(), entry.scenario_folder)
                    if folder_scenario else entry.scenario)
        inferred = (_inferred_as_written(entry, scenario, inferred_spec)
                    if inferred_spec.get("by_folder_name") else bool(m.get("inferred")))
        base = {
            "Organization": entry.submitter,
            "Availability": entry.availability or "",
            "Division": entry.division,
            "SystemType": text_value(entry.system_type),
            "SystemName": text_value(info.get("system_name")),
            "Platform": entry.system,
            "Model": entry.benchmark,
            "MlperfModel": entry.model,
            "Scenario": scenario,
            "Result": text_value(m["value"]),
            "Accuracy": accuracy_text(m, rules.csv_accuracy_format),
            "number_of_nodes": text_value(info.get("number_of_nodes")),
            "host_processor_model_name": text_value(info.get("host_processor_model_name")),
            "host_processors_per_node": text_value(info.get("host_processors_per_node")),
            "host_processor_core_count": text_value(info.get("host_processor_core_count")),
            "accelerator_model_name": text_value(info.get("accelerator_model_name")),
            "accelerators_per_node": text_value(info.get("accelerators_per_node")),
            "total_accelerators": _total_accelerators(info),
            "Location": entry.result + run_suffix,
            "framework": text_value(info.get("framework")),
            "operating_system": text_value(info.get("operating_system")),
            "notes": notes_text(info, always_joined=joined),
            # Under --profile published a result may be listed with compliance evidence missing.
            "compilance": compliance,
            # The v6 tool writes the division there ("TODO", results.py 115).
            "compliance": entry.division if division_compliance else compliance,
            # The official counter adds, to a result's own problems, those of the sibling scenario
            # folders it visited before (os.listdir order), which no sorted walk reproduces; on the
            # published rounds only files absent from the public snapshot made it nonzero
            # (docs/fidelity/v3.0.md, v5.1.md).
            "errors": "0",
            "version": round,
            "inferred": "1" if inferred else "0",
            "infered": "1" if inferred else "0",
            "power": text_value(m["power_value"]) if has_power else "0",
            "has_power": str(has_power),
            "Units": text_value(m.get("units")),
            "weight_data_types": text_value(m.get("weight_data_types")),
            "PrivateID": text_value(m.get("private_id")) if m.get("private_id") else "",
            # From v6.1 (the pack's nameplate_power) the official table formats a design power
            # it does not know as "None" (results.py 129-130, f-strings of None).
            "design_power_watts": (str(m["design_power_watts"]) if "design_power_watts" in m
                                   else ""),
        }
        rows = [{c: base.get(c, "") for c in columns}]
        if has_power and power_row:
            power = dict(base, Result=text_value(m["power_value"]), Units=text_value(m.get("power_units")))
            rows.append({c: power.get(c, "") for c in columns})
        return rows

    return columns, rows_of


def summary_rows(report: Report) -> tuple[list[str], list[dict[str, str]]]:
    """The official summary.csv of a report's results (of an inference-way suite)."""
    return outputs.summary_rows(partial(summary_table, suite=report.suite or "inference"), report)


def read_summary_csv(path: str) -> list[dict[str, str]]:
    """The rows of a round's summary.csv as its official checker wrote it. The v0.7.1 tool joins
    its values with commas unquoted (submission-checker.py:504, 651), so a status with commas
    ("Research, Development, or Internal") spreads over several fields: they are joined back into
    Availability, the only free-text column of that CSV."""
    with open(path, newline="", encoding="utf-8") as f:
        header, *lines = list(csv.reader(f))
    rows = []
    for fields in lines:
        extra = len(fields) - len(header)
        if extra > 0:
            at = header.index("Availability")
            fields = [*fields[:at], ",".join(fields[at:at + extra + 1]), *fields[at + extra + 1:]]
        rows.append(dict(zip(header, fields, strict=True)))
    return rows
