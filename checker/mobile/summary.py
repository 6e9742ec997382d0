"""The Mobile summary CSV: valid results, in the columns of the round's published table."""

from __future__ import annotations

from collections.abc import Callable

from infercheck.checker.core import outputs
from infercheck.checker.core.outputs import text_value
from infercheck.checker.core.report import Report, ResultEntry

__all__ = ["MOBILE_CSV_COLUMNS", "TIDY_COLUMNS", "summary_rows", "summary_table"]

MOBILE_CSV_COLUMNS = ["Organization", "Availability", "Division", "Device", "SystemName", "SoC",
                      "Accelerator", "Framework", "Model", "Benchmark", "Scenario", "Result",
                      "Units", "Accuracy", "AccuracyMetric", "Location", "version"]


# Where each column comes from in the tidy table (results_table); the report builder reads
# these CSV files back through it.
TIDY_COLUMNS = {
    "Organization": "submitter", "Availability": "availability", "Division": "division",
    "Device": "system", "SystemName": "system_name", "SoC": "soc", "Accelerator": "accelerator",
    "Framework": "framework", "Benchmark": "benchmark", "Scenario": "scenario", "Result": "value",
    "Units": "units", "Accuracy": "accuracy_display", "Location": "result", "version": "round",
}


def summary_table(round: str) -> tuple[list[str], Callable[[ResultEntry], list[dict[str, str]]]]:
    """Mobile has no official summary.csv; these columns follow the round's published table,
    a row per valid result."""

    def rows_of(entry: ResultEntry) -> list[dict[str, str]]:
        m, info = entry.metrics, entry.system_info
        if not entry.valid or m.get("value") is None:
            return []
        return [{
            "Organization": entry.submitter, "Availability": entry.availability or "",
            "Division": entry.division, "Device": entry.system,
            "SystemName": text_value(info.get("system_name")), "SoC": text_value(m.get("soc")),
            "Accelerator": text_value(m.get("accelerator")), "Framework": text_value(m.get("framework")),
            "Model": text_value(m.get("benchmark_title")), "Benchmark": entry.benchmark,
            "Scenario": entry.scenario, "Result": text_value(m["value"]), "Units": text_value(m.get("units")),
            "Accuracy": text_value(m.get("accuracy_display")),
            "AccuracyMetric": text_value(m.get("accuracy_metric")),
            "Location": entry.result, "version": round,
        }]

    return MOBILE_CSV_COLUMNS, rows_of


def summary_rows(report: Report) -> tuple[list[str], list[dict[str, str]]]:
    return outputs.summary_rows(summary_table, report)
