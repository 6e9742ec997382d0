"""summary.xlsx, the published spreadsheet of an inference round, laid out as MLCommons'
generate_final_report.py lays it out: one sheet per category and suite and its power sheet
(summary_results.sheets), systems as rows (ID, the hidden unique ID and colour key, submitter,
availability, system, nodes, processor, p#, accelerator, a#, software, notes; in the open
division also the model used and its accuracy; links to the details and the code), and under
Result the columns benchmark / scenario / units in the round's order (the pack's
`publication.models` and `publication.units`). What differs from round to round is the pack's
`publication` table: the system columns, the links (v3.0: details only), the sheet names (v3.0:
"closed,datacenter"; summary_results.sheets), the number format.

Differences, on purpose: the links are hyperlinks of the cell, not `=HYPERLINK()` formulas built
from folder names (a name with a quote would break out of the formula), and no cell is a
formula at all; the banding of systems is left out.
"""

from __future__ import annotations

import pandas as pd

from infercheck.checker.core.outputs import atomic_path

from .summary_results import Sheet, link_columns
from .xlsx import formulas_as_text, xml_safe_frame

__all__ = ["INDICES", "indices", "write_official_xlsx"]

SCENARIO_ORDER = ["SingleStream", "MultiStream", "Server", "Offline", "Interactive"]
_SYSTEM = ["ID", "Unique ID (e.g. for Audit)", "ColorKey", "Submitter", "Availability", "System",
           "Nodes", "Processor", "p#", "Accelerator", "a#", "Software", "Notes"]


def indices(system: list[str] | None = None,
            links: list[str] | None = None) -> dict[str, list[str]]:
    """Each category's row columns: the system's (the pack's `publication.system_columns`, by
    default the script's of v5.1), then the open division's model and accuracy, then the links
    (`publication.link_columns`, by default details and code)."""
    system = list(system or _SYSTEM)
    links = list(links) if links is not None else ["Details", "Code"]
    return {"closed": [*system, *links], "network": [*system, *links],
            "open": [*system, "UsedModel", "Accuracy", *links]}


INDICES = indices()
_LINKS = {"Details": "details", "Code": "code"}
_HIDDEN = ("Unique ID (e.g. for Audit)", "ColorKey")


def _table(sheet: Sheet, models: list[str], units: list[str], index: list[str],
           scenarios: list[str]) -> pd.DataFrame:
    frame = xml_safe_frame(pd.DataFrame(sheet.rows))
    frame["Result"] = pd.to_numeric(frame["Result"], errors="coerce")
    table = frame.pivot_table(index=index, columns=["Model", "Scenario", "Units"],
                              values=["Result"], aggfunc="first")
    for level, order in enumerate((["Result"], models, scenarios, units)):
        table = table.reindex(columns=order, level=level)
    return table


def write_official_xlsx(tables: list[Sheet], publication: dict, path: str) -> list[str]:
    """Write the workbook at `path` (under a temporary name, renamed once complete); returns its
    sheet names. When no table has a value to show, nothing is written (a workbook holds at
    least one sheet) and the list is empty."""
    models, units = publication.get("models", []), publication.get("units", [])
    layout = indices(publication.get("system_columns"), link_columns(publication))
    number = publication.get("number_format") or "#,##0.00"
    scenarios = publication.get("scenario_order") or SCENARIO_ORDER
    shown = []
    for sheet in tables:
        index = layout[sheet.category]
        table = _table(sheet, models, units, index, scenarios)
        if not (table.empty or table.shape[1] == 0):
            shown.append((sheet, index, table))
    if not shown:
        return []
    written = []
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for sheet, index, table in shown:
            table.to_excel(writer, sheet_name=sheet.name)
            ws = writer.sheets[sheet.name]
            header_rows = table.columns.nlevels + 1  # the column levels and the index names
            for col, name in enumerate(index, start=1):
                letter = ws.cell(row=1, column=col).column_letter
                if name in _HIDDEN:
                    ws.column_dimensions[letter].hidden = True
                if name in _LINKS:
                    for row in range(header_rows + 1, ws.max_row + 1):
                        cell = ws.cell(row=row, column=col)
                        if isinstance(cell.value, str) and cell.value.startswith("https://"):
                            cell.hyperlink, cell.value = cell.value, _LINKS[name]
            for row in ws.iter_rows(min_row=header_rows + 1, min_col=len(index) + 1):
                for cell in row:
                    cell.number_format = number
            written.append(sheet.name)
        formulas_as_text(writer.book)
    return written

