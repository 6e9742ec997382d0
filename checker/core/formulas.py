"""Text that a spreadsheet would read as a formula ("CSV injection", OWASP).

Excel, LibreOffice and Google Sheets take a cell that starts with `=`, `+`, `-` or `@` (and,
in some versions, a tab or a carriage return) as a formula: a system name such as
`=cmd|" /C calc"!A0` runs on the machine of whoever opens the published results. The checks
warn about such text; the reports write it so that it stays text.
"""

from __future__ import annotations

__all__ = ["FORMULA_START", "as_text_cell", "formula_like"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read `text` as a formula: it starts with one of
    FORMULA_START and is not a number, nor a lone "-" (published as "none" in many files)."""
    if not text.startswith(FORMULA_START) or text.strip() == "-":
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


def as_text_cell(text: str) -> str:
    """`text` for a CSV meant for spreadsheets: a formula-like one behind a `'`, the usual
    mark of a text cell, which the spreadsheet does not show."""
    return "'" + text if formula_like(text) else text
