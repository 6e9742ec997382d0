"""CSV rows that every reader splits into the same records.

Python's csv module quotes a field only for the delimiter, the quote and the characters of its
line terminator: with pandas' "\\n", a bare "\\r" goes out unquoted, and readers that end a
record at "\\r" (pandas' own, Excel) read one row as two, the second starting with whatever the
submitter put after the break. Other readers split lines at \\v, \\f, \\x1c-\\x1e, \\x85, U+2028 or
U+2029 (str.splitlines does). So a field holding any line break is quoted here; everything else
is written as csv.writer's excel dialect writes it (QUOTE_MINIMAL), so that files without such
breaks stay byte for byte what they were (the official summary.csv is compared so).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

__all__ = ["LINE_BREAKS", "DictCsvWriter", "csv_field", "csv_line"]

# Exactly the characters str.splitlines breaks at ("\r\n" is "\r" then "\n").
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_QUOTED = re.compile('[",' + re.escape(LINE_BREAKS) + "]")


def csv_field(value: Any) -> str:
    """One field: None empty, a float as repr() writes it (as csv.writer does), other values
    as str(); quoted when it holds a comma, a quote or a line break."""
    if value is None:
        return ""
    # float(): a numpy float's repr() is "np.float64(1.5)", its value's is "1.5".
    text = repr(float(value)) if isinstance(value, float) else str(value)
    if _QUOTED.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values: Iterable[Any], terminator: str = "\r\n") -> str:
    """A record; a record of one empty field is `""`, as csv.writer writes it, so that it is not
    read as a blank line."""
    fields = [csv_field(v) for v in values]
    if fields == [""]:
        fields = ['""']
    return ",".join(fields) + terminator


class DictCsvWriter:
    """csv.DictWriter's interface and output (excel dialect), with line breaks quoted."""

    def __init__(self, f: TextIO, fieldnames: list[str], terminator: str = "\r\n") -> None:
        self.f, self.fieldnames, self.terminator = f, list(fieldnames), terminator

    def writeheader(self) -> None:
        self.f.write(csv_line(self.fieldnames, self.terminator))

    def writerow(self, row: Mapping[str, Any]) -> None:
        extra = set(row) - set(self.fieldnames)
        if extra:  # as csv.DictWriter does: a field with no column is a mistake
            raise ValueError(f"dict contains fields not in fieldnames: {sorted(extra)!r}")
        self.f.write(csv_line((row.get(k, "") for k in self.fieldnames), self.terminator))

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)
