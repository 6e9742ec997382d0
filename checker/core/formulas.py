"""Text that a spreadsheet would read as a formula ("CSV injection", OWASP).

Excel, LibreOffice and Google Sheets take a cell that starts with `=`, `+`, `-` or `@` (and,
in some versions, a tab or a carriage return) as a formula: a system name such as
`=cmd|" /C calc"!A0` runs on the machine of whoever opens the published results. The checks
warn about such text; the reports write it so that it stays text.

A line break inside a cell makes every line a start too: a reader that splits the file at the
break (a spreadsheet import that ignores the quotes, a tool that splits lines before parsing CSV,
or one that splits at the breaks Python's str.splitlines knows: \\v, \\f, \\x1c-\\x1e, \\x85,
U+2028, U+2029) sees `=cmd...` of "Liquid cooled\\r=cmd..." open a cell of its own. So what
starts a line counts as what starts the cell.
"""

from __future__ import annotations

__all__ = ["FORMULA_START", "as_text_cell", "formula_like"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _starts_formula(text: str) -> bool:
    """Whether `text` starts with one of FORMULA_START and is not a number, nor a lone "-"
    (published as "none" in many files)."""
    if not text.startswith(FORMULA_START) or text.strip() == "-":
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


def _lines(text: str) -> list[tuple[str, str]]:
    """Each line of `text`: what it says (judged without its break: a line that is only a "\\r"
    starts nothing) and what it is with its break (joined, they give `text` back)."""
    return list(zip(text.splitlines(), text.splitlines(keepends=True), strict=True))


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read `text`, or any of its lines after the first, as a
    formula."""
    if _starts_formula(text):
        return True
    return any(_starts_formula(says) for says, _ in _lines(text)[1:])


def as_text_cell(text: str) -> str:
    """`text` for a CSV meant for spreadsheets: a formula-like one behind a `'`, the usual
    mark of a text cell, which the spreadsheet does not show.

    Each formula-like line after a line break gets its `'` too. Inside a cell that stays whole,
    that `'` shows, one visible character; but where a reader splits the cell at the break, the
    line is a cell of its own that starts with `'`, text again. Dropping or replacing the break
    instead would change what the submitter wrote; the mark only adds to it.
    """
    if not formula_like(text):
        return text
    out = "".join("'" + line if i and _starts_formula(says) else line
                  for i, (says, line) in enumerate(_lines(text)))
    return "'" + out if _starts_formula(text) else out
