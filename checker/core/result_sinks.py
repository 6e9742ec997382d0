"""Writers that take a check's results one at a time, as the walk completes them (a ResultSink
each), so that no output needs the whole round in memory: the JSON report, the summary CSV and
the tidy Parquet table. Each file is written beside its target and renamed only when finished.

A writer is begun once the round is known (`begin`), gets every result (`add`), and is ended
with the report (`end`: its tree findings and counts are complete then); `abandon` drops what
an interrupted check had written.
"""

from __future__ import annotations

import json
from contextlib import suppress
from typing import TextIO

from infercheck.checker.core.names import readable_all
from infercheck.checker.core.outputs import AtomicFile, table_row, table_schema
from infercheck.checker.core.report import Report, ResultEntry
from infercheck.checker.core.safe_csv import DictCsvWriter

__all__ = ["CsvWriter", "JsonWriter", "ParquetWriter", "Sinks"]


def _indented(value, prefix: str) -> str:
    """`value` as json.dumps(indent=2) writes it nested under `prefix`."""
    return json.dumps(readable_all(value), indent=2, default=str).replace("\n", "\n" + prefix)


class JsonWriter:
    """The JSON report, the same text as json.dumps(report.to_dict(), indent=2): its header,
    then each result as it comes, then the tree's findings, the counts and the verdict."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0
        self.begun = False

    def begin(self, report: Report) -> None:
        self.begun = True
        self.out.write("{\n" + "".join(f"  {json.dumps(k)}: {_indented(v, '  ')},\n"
                                        for k, v in report.header().items()) + '  "results": [')

    def add(self, entry: ResultEntry) -> None:
        self.out.write(("," if self.count else "") + "\n    " + _indented(entry.to_dict(), "    "))
        self.count += 1

    def end(self, report: Report) -> None:
        if not self.begun:  # no round, so no results: the report is all there is
            self.out.write(json.dumps(readable_all(report.to_dict()), indent=2, default=str) + "\n")
            return
        self.out.write(("\n  ]" if self.count else "]") + "".join(
            f",\n  {json.dumps(k)}: {_indented(v, '  ')}" for k, v in report.totals().items())
            + "\n}\n")


class _FileWriter:
    """A writer into a file beside `path` that becomes `path` when ended; none without a round
    (as before: an output is written only for a check that knew its round)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.file: AtomicFile | None = None

    def begin(self, report: Report) -> None:
        self.file = AtomicFile(self.path)
        self.open(report, self.file.create())

    def open(self, report: Report, tmp: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def finish(self, report: Report) -> None:
        """Write what comes after the results."""

    def end(self, report: Report) -> None:
        if self.file is None and report.round:
            self.begin(report)  # a round whose rules did not load: the file says so
        if self.file is not None:
            self.finish(report)
            self.close()
            self.file.commit()

    def abandon(self) -> None:
        if self.file is not None:
            try:
                with suppress(Exception):  # stopped before open() finished: nothing to close
                    self.close()
            finally:
                self.file.discard()


class JsonFileWriter(_FileWriter):
    def open(self, report: Report, tmp: str) -> None:
        self.f = open(tmp, "w", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self.json = JsonWriter(self.f)
        self.json.begin(report)

    def add(self, entry: ResultEntry) -> None:
        self.json.add(entry)

    def finish(self, report: Report) -> None:
        self.json.end(report)

    def close(self) -> None:
        self.f.close()


class CsvWriter(_FileWriter):
    """A suite's summary CSV (its `summary_table` of the round), as outputs.write_csv writes it."""

    def __init__(self, path: str, summary_table) -> None:
        super().__init__(path)
        self.summary_table = summary_table

    def open(self, report: Report, tmp: str) -> None:
        columns, self.rows_of = self.summary_table(report.round)
        self.f = open(tmp, "w", newline="", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self.writer = DictCsvWriter(self.f, columns)
        self.writer.writeheader()

    def add(self, entry: ResultEntry) -> None:
        self.writer.writerows(readable_all(self.rows_of(entry)))

    def close(self) -> None:
        self.f.close()


class ParquetWriter(_FileWriter):
    """The tidy results table (outputs.results_table), written in row groups of `batch` rows."""

    def __init__(self, path: str, summary_table=None, batch: int = 4096) -> None:
        super().__init__(path)
        self.batch = batch
        self.summary_table = summary_table  # the suite's, for each row's summary_rows
        self.rows: list[dict] = []

    def open(self, report: Report, tmp: str) -> None:
        import pyarrow.parquet as pq  # heavy: loaded only when a table is asked for

        self.rows_of = (self.summary_table(report.round)[1]
                        if self.summary_table and report.round else None)
        self.report = report
        self.schema = table_schema()
        self.writer = pq.ParquetWriter(tmp, self.schema)

    def add(self, entry: ResultEntry) -> None:
        self.rows.append(readable_all(table_row(self.report, entry, self.rows_of)))
        if len(self.rows) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa  # heavy: loaded only when a table is asked for

        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        try:
            self._flush()
        finally:
            self.writer.close()


class Sinks:
    """Several writers as one sink, in the order given."""

    def __init__(self, *writers) -> None:
        self.writers = writers

    def begin(self, report: Report) -> None:
        for w in self.writers:
            w.begin(report)

    def add(self, entry: ResultEntry) -> None:
        for w in self.writers:
            w.add(entry)

    def end(self, report: Report) -> None:
        for w in self.writers:
            w.end(report)

    def abandon(self) -> None:
        for w in self.writers:
            if hasattr(w, "abandon"):
                w.abandon()
