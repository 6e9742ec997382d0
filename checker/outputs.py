"""Writers of a Report: JSON, the official summary.csv of the round, and the tidy results table."""

from __future__ import annotations

import csv
import json
from typing import Any

from .report import Report, ResultEntry
from .round_rules import load_rules

__all__ = ["results_table", "summary_rows", "write_csv", "write_json", "write_parquet"]


def _notes(info: dict) -> str:
    notes = info.get("hw_notes") or ""
    if info.get("sw_notes"):
        notes = (notes + ". " if notes else "") + str(info["sw_notes"])
    return str(notes)


def _text(value: Any) -> str:
    # The official writer formats every value with str(); keep that so files diff cleanly.
    return "" if value is None else str(value)


MOBILE_CSV_COLUMNS = ["Organization", "Availability", "Division", "Device", "SystemName", "SoC",
                      "Accelerator", "Framework", "Model", "Benchmark", "Scenario", "Result",
                      "Units", "Accuracy", "AccuracyMetric", "Location", "version"]


def _mobile_rows(report: Report) -> tuple[list[str], list[dict[str, str]]]:
    # Mobile has no official summary.csv; these columns follow the round's published table.
    rows = []
    for entry in report.results:
        m, info = entry.metrics, entry.system_info
        if not entry.valid or m.get("value") is None:
            continue
        rows.append({
            "Organization": entry.submitter, "Availability": entry.availability or "",
            "Division": entry.division, "Device": entry.system,
            "SystemName": _text(info.get("system_name")), "SoC": _text(m.get("soc")),
            "Accelerator": _text(m.get("accelerator")), "Framework": _text(m.get("framework")),
            "Model": _text(m.get("benchmark_title")), "Benchmark": entry.benchmark,
            "Scenario": entry.scenario, "Result": _text(m["value"]), "Units": _text(m.get("units")),
            "Accuracy": _text(m.get("accuracy_display")), "AccuracyMetric": _text(m.get("accuracy_metric")),
            "Location": entry.result, "version": report.round,
        })
    return MOBILE_CSV_COLUMNS, rows


def summary_rows(report: Report) -> tuple[list[str], list[dict[str, str]]]:
    """Rows of the official summary.csv: valid results only, a second row for power."""
    if report.suite == "mobile":
        return _mobile_rows(report)
    rules = load_rules(report.suite, report.round)
    columns = rules.csv_columns
    rows = []
    for entry in report.results:
        m, info = entry.metrics, entry.system_info
        if not entry.valid or m.get("value") is None:
            continue
        has_power = bool(m.get("power_value"))
        base = {
            "Organization": entry.submitter,
            "Availability": entry.availability or "",
            "Division": entry.division,
            "SystemType": _text(entry.system_type),
            "SystemName": _text(info.get("system_name")),
            "Platform": entry.system,
            "Model": entry.benchmark,
            "MlperfModel": entry.model,
            "Scenario": entry.scenario,
            "Result": _text(m["value"]),
            "Accuracy": _text(m.get("accuracy")),
            "number_of_nodes": _text(info.get("number_of_nodes")),
            "host_processor_model_name": _text(info.get("host_processor_model_name")),
            "host_processors_per_node": _text(info.get("host_processors_per_node")),
            "host_processor_core_count": _text(info.get("host_processor_core_count")),
            "accelerator_model_name": _text(info.get("accelerator_model_name")),
            "accelerators_per_node": _text(info.get("accelerators_per_node")),
            "Location": entry.result,
            "framework": _text(info.get("framework")),
            "operating_system": _text(info.get("operating_system")),
            "notes": _notes(info),
            "compilance": "1",
            "compliance": "1",
            "errors": "0",
            "version": report.round,
            "inferred": "1" if m.get("inferred") else "0",
            "has_power": str(has_power),
            "Units": _text(m.get("units")),
            "weight_data_types": _text(m.get("weight_data_types")),
        }
        rows.append({c: base.get(c, "") for c in columns})
        if has_power:
            power = dict(base, Result=_text(m["power_value"]), Units=_text(m.get("power_units")))
            rows.append({c: power.get(c, "") for c in columns})
    return columns, rows


def write_csv(report: Report, path: str) -> None:
    columns, rows = summary_rows(report)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def write_json(report: Report, path: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(report.to_dict(), f, indent=2, default=str)
        f.write("\n")


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _row(report: Report, e: ResultEntry) -> dict[str, Any]:
    m, info = e.metrics, e.system_info
    nodes = _as_int(info.get("number_of_nodes"))
    per_node = _as_int(info.get("accelerators_per_node"))
    return {
        "round": report.round,
        "suite": report.suite,
        "profile": report.profile,
        "result": e.result,
        "valid": e.valid,
        "division": e.division,
        "submitter": e.submitter,
        "availability": e.availability,
        "system": e.system,
        "system_name": _text(info.get("system_name")) or None,
        "system_type": e.system_type,
        "benchmark": e.benchmark,
        "model": e.model,
        "scenario": e.scenario,
        "value": _as_float(m.get("value")),
        "units": m.get("units"),
        "lower_is_better": e.scenario in ("SingleStream", "MultiStream"),
        "inferred": bool(m.get("inferred")),
        "loadgen_scenario": m.get("loadgen_scenario"),
        "accuracy": _as_float(m.get("accuracy")),
        "accuracy_metrics": json.dumps(m.get("accuracy_metrics") or {}, sort_keys=True),
        "has_power": bool(m.get("has_power")),
        "power_value": _as_float(m.get("power_value")),
        "power_units": m.get("power_units"),
        "number_of_nodes": nodes,
        "host_processor_model_name": _text(info.get("host_processor_model_name")) or None,
        "host_processors_per_node": _as_int(info.get("host_processors_per_node")),
        "host_processor_core_count": _as_int(info.get("host_processor_core_count")),
        "accelerator_model_name": _text(info.get("accelerator_model_name")) or None,
        "accelerators_per_node": per_node,
        "total_accelerators": nodes * per_node if nodes is not None and per_node is not None else None,
        "framework": _text(info.get("framework")) or None,
        "operating_system": _text(info.get("operating_system")) or None,
        "notes": _notes(info) or None,
        "weight_data_types": _text(m.get("weight_data_types")) or None,
        "errors": sum(f.severity == "error" for f in e.findings),
        "warnings": sum(f.severity == "warning" for f in e.findings),
        "codes": ",".join(sorted({f.code for f in e.findings})),
        "device": m.get("device"),
        "soc": _text(m.get("soc")) or None,
        "accelerator": _text(m.get("accelerator")) or None,
        "latency_ms": _as_float(m.get("latency_ms")),
        "throughput": _as_float(m.get("throughput")),
        "accuracy_unit": m.get("accuracy_unit"),
        "accuracy_display": m.get("accuracy_display"),
    }


TABLE_TYPES = {
    "round": "string", "suite": "string", "profile": "string", "result": "string", "valid": "bool",
    "division": "string", "submitter": "string", "availability": "string", "system": "string",
    "system_name": "string", "system_type": "string", "benchmark": "string", "model": "string",
    "scenario": "string", "value": "float64", "units": "string", "lower_is_better": "bool",
    "inferred": "bool", "loadgen_scenario": "string", "accuracy": "float64",
    "accuracy_metrics": "string", "has_power": "bool", "power_value": "float64",
    "power_units": "string", "number_of_nodes": "int64", "host_processor_model_name": "string",
    "host_processors_per_node": "int64", "host_processor_core_count": "int64",
    "accelerator_model_name": "string", "accelerators_per_node": "int64",
    "total_accelerators": "int64", "framework": "string", "operating_system": "string",
    "notes": "string", "weight_data_types": "string", "errors": "int64", "warnings": "int64",
    "codes": "string",
    # MLPerf Mobile: the device's row of the published table
    "device": "string", "soc": "string", "accelerator": "string", "latency_ms": "float64",
    "throughput": "float64", "accuracy_unit": "string", "accuracy_display": "string",
}


def results_table(report: Report):
    """One row per result (valid or not), typed columns; what the report builder reads."""
    import pyarrow as pa

    rows = [_row(report, e) for e in report.results]
    fields = [pa.field(name, getattr(pa, kind)() if kind != "bool" else pa.bool_())
              for name, kind in TABLE_TYPES.items()]
    schema = pa.schema(fields, metadata={"infercheck.table": "results", "infercheck.version": "1"})
    return pa.Table.from_pylist(rows, schema=schema)


def write_parquet(report: Report, path: str) -> None:
    import pyarrow.parquet as pq

    pq.write_table(results_table(report), path)
