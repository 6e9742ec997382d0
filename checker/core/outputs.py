"""Writers of a whole Report: JSON and a suite's summary CSV; the rows and schema of the tidy results
table (result_sinks writes all three result by result, as the CLI does)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from infercheck.checker.core.coerce import as_float, as_int
from infercheck.checker.core.names import readable_all
from infercheck.checker.core.report import Report, ResultEntry
from infercheck.checker.core.safe_csv import DictCsvWriter
from infercheck.checker.core.stop_hold import held

__all__ = ["LATENCY_SCENARIOS", "TABLE_TYPES", "AtomicFile", "atomic_path", "notes_text",
           "results_table", "summary_rows", "table_row", "table_schema", "text_value", "write_csv",
           "write_json"]

# The scenarios whose result is a latency (lower is better): LoadGen's, and Automotive's
# ConstantStream (its 99.9th percentile latency).
LATENCY_SCENARIOS = ("SingleStream", "MultiStream", "ConstantStream")


def notes_text(info: dict, always_joined: bool = False) -> str:
    """hw_notes and sw_notes as the official CSV joins them (before v2.1 `always_joined`: the
    ". " even after an empty hw_notes)."""
    notes = text_value(info.get("hw_notes") or "")  # a number or a list as text: still joined
    if info.get("sw_notes"):
        notes = (notes + ". " if notes or always_joined else "") + str(info["sw_notes"])
    return str(notes)


def text_value(value: Any) -> str:
    # The official writer formats every value with str(); keep that so files diff cleanly.
    return "" if value is None else str(value)


class AtomicFile:
    """A temporary name beside `path` to write to, renamed to `path` by commit() once the writing
    has finished, so an interrupted run never leaves a half-written file that looks complete
    (and an earlier complete one stays as it was); discard() removes it.

    Nothing exists until create(), which the caller calls inside the `try` whose handler
    discards: a stop signal then either comes before the file exists or finds its name known."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.tmp: str | None = None

    def create(self) -> str:
        folder = os.path.dirname(os.path.abspath(self.path))
        # The extension is kept: writers such as pandas' Excel one choose the format by it.
        stem, ext = os.path.splitext(os.path.basename(self.path))
        # A stop waits while the file is made and its name kept (between the two no handler
        # would know to remove it), and stops once the name is kept.
        with held():
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{stem}.part-", suffix=ext, dir=folder)
            except OSError as exc:  # named as the user named it, not by the temporary name
                raise OSError(exc.errno, exc.strerror, self.path) from None
            os.close(fd)
            self.tmp = tmp
        return tmp

    def commit(self) -> None:
        os.chmod(self.tmp, 0o666 & ~_umask())
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        if self.tmp is not None:
            with suppress(OSError):
                os.unlink(self.tmp)


@contextmanager
def atomic_path(path: str) -> Iterator[str]:
    """AtomicFile as a context: committed when the block ends, discarded when it raises."""
    target = AtomicFile(path)
    try:
        yield target.create()
        target.commit()
    except BaseException:
        target.discard()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_csv(summary: tuple[list[str], list[dict[str, str]]], path: str) -> None:
    """A suite's summary table (its `summary_rows` of a report) as CSV, as the official tool's
    csv.DictWriter writes it but with every line break inside a field quoted (safe_csv)."""
    columns, rows = summary
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = DictCsvWriter(f, columns)
        writer.writeheader()
        writer.writerows(readable_all(rows))


def summary_rows(summary_table, report: Report) -> tuple[list[str], list[dict[str, str]]]:
    """A suite's summary CSV (its `summary_table`) of the results a report holds."""
    columns, rows_of = summary_table(report.round)
    return columns, [row for entry in report.results for row in rows_of(entry)]


def write_json(report: Report, path: str) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        json.dump(readable_all(report.to_dict()), f, indent=2, default=str)
        f.write("\n")


def _int64(value: Any) -> int | None:
    """A count for the table's int64 columns; None for one no int64 holds (a description's
    "number_of_nodes": 1e308 is the check's business, not a reason for the table to fail)."""
    number = as_int(value)
    return number if number is not None and -(2**63) <= number < 2**63 else None


def table_row(report: Report, e: ResultEntry, summary_rows=None) -> dict[str, Any]:
    """One result's row; `summary_rows`, the suite's rows of its official summary CSV (a
    callable of the entry: SuiteSpec.summary_table's), kept as JSON for what is made of it."""
    m, info = e.metrics, e.system_info
    nodes = _int64(info.get("number_of_nodes"))
    per_node = _int64(info.get("accelerators_per_node"))
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
        "system_name": text_value(info.get("system_name")) or None,
        "system_type": e.system_type,
        "benchmark": e.benchmark,
        "model": e.model,
        "scenario": e.scenario,
        "value": as_float(m.get("value")),
        "units": m.get("units"),
        "lower_is_better": e.scenario in LATENCY_SCENARIOS,
        "inferred": bool(m.get("inferred")),
        "loadgen_scenario": m.get("loadgen_scenario"),
        "accuracy": as_float(m.get("accuracy")),
        "accuracy_metrics": json.dumps(m.get("accuracy_metrics") or {}, sort_keys=True),
        "has_power": bool(m.get("has_power")),
        "power_value": as_float(m.get("power_value")),
        "power_units": m.get("power_units"),
        "number_of_nodes": nodes,
        "host_processor_model_name": text_value(info.get("host_processor_model_name")) or None,
        "host_processors_per_node": _int64(info.get("host_processors_per_node")),
        "host_processor_core_count": _int64(info.get("host_processor_core_count")),
        "accelerator_model_name": text_value(info.get("accelerator_model_name")) or None,
        "accelerators_per_node": per_node,
        "total_accelerators": _int64(nodes * per_node) if nodes is not None and per_node is not None
        else None,
        "framework": text_value(info.get("framework")) or None,
        "operating_system": text_value(info.get("operating_system")) or None,
        "notes": notes_text(info) or None,
        "weight_data_types": text_value(m.get("weight_data_types")) or None,
        "errors": sum(f.severity == "error" for f in e.findings),
        "warnings": sum(f.severity == "warning" for f in e.findings),
        "codes": ",".join(sorted({f.code for f in e.findings})),
        "run_digest": m.get("run_digest"),
        "accuracy_digest": m.get("accuracy_digest"),
        "device": m.get("device"),
        "soc": text_value(m.get("soc")) or None,
        "accelerator": text_value(m.get("accelerator")) or None,
        "latency_ms": as_float(m.get("latency_ms")),
        "throughput": as_float(m.get("throughput")),
        "accuracy_unit": m.get("accuracy_unit"),
        "accuracy_display": m.get("accuracy_display"),
        # (as summary.csv writes them: a name that is not UTF-8 with its bytes escaped)
        "summary_rows": (json.dumps(readable_all(summary_rows(e))) if summary_rows is not None
                         else None),
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
    # What identifies the run and the accuracy log (core/fingerprints.py), for the audit.
    "run_digest": "string", "accuracy_digest": "string",
    # MLPerf Mobile: the device's row of the published table
    "device": "string", "soc": "string", "accelerator": "string", "latency_ms": "float64",
    "throughput": "float64", "accuracy_unit": "string", "accuracy_display": "string",
    # The result's rows of the round's official summary CSV, as JSON (a list of objects in the
    # CSV's column order; none for an invalid result): summary_results.json is made of them, so
    # a table makes it as the tree does.
    "summary_rows": "string",
}


def results_table(report: Report, summary_table=None):
    """One row per result (valid or not), typed columns; what the report builder reads.
    `summary_table`: the suite's (SuiteSpec.summary_table), for each row's summary_rows."""
    import pyarrow as pa  # heavy: loaded only when a table is asked for

    rows_of = summary_table(report.round)[1] if summary_table and report.round else None
    return pa.Table.from_pylist([readable_all(table_row(report, e, rows_of))
                                 for e in report.results], schema=table_schema())


def table_schema():
    import pyarrow as pa  # heavy: loaded only when a table is asked for

    fields = [pa.field(name, getattr(pa, kind)() if kind != "bool" else pa.bool_())
              for name, kind in TABLE_TYPES.items()]
    return pa.schema(fields, metadata={"infercheck.table": "results", "infercheck.version": "1"})
