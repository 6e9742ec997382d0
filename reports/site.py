"""The static results site: one HTML page, its data and assets, and the downloads beside them.

Everything ships in the package and works from file:// with no network: plotly.js comes from the
plotly package, the table is our own script. Submission strings reach the page only as JSON data
that the script inserts with textContent, so a system name holding markup renders as text.
"""

from __future__ import annotations

import json
import os
import shutil
from importlib import resources

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from infercheck.checker import __version__
from infercheck.checker.core.formulas import as_text_cell
from infercheck.checker.core.outputs import atomic_path
from infercheck.checker.core.safe_csv import csv_line

from .ids import assign_ids
from .links import relative_link
from .official_xlsx import write_official_xlsx
from .summary_results import (
    publication,
    published_files,
    published_key,
    published_table,
    read_ids,
    save_summary_results,
    split_key,
    write_ids,
    writes_summary_results,
)
from .xlsx import write_xlsx

__all__ = ["build_site"]

SYSTEM_FIELDS = ["system_name", "system_type", "availability", "number_of_nodes",
                 "host_processor_model_name", "host_processors_per_node",
                 "host_processor_core_count", "accelerator_model_name", "accelerators_per_node",
                 "total_accelerators", "framework", "operating_system", "notes"]
RESULT_FIELDS = ["benchmark", "model", "scenario", "value", "units", "lower_is_better",
                 "inferred", "accuracy", "power_value", "power_units", "result", "weight_data_types",
                 "accuracy_display", "accuracy_unit", "soc", "accelerator"]


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def site_data(table: pd.DataFrame, link_base: dict[str, str]) -> dict:
    """Systems (one per round, division, submitter and system) with their results.

    A result is a list in the order of `result_keys`, and its link the base of its tree
    (`link_base[system["tree"]]`) followed by its path: at 25,000 results, key names and tree
    paths repeated per result would be most of the page's data. A path no link may be made of
    (links.relative_link: `javascript:...`, `/etc`, `../..`, from a results table anyone can
    write) is null: the result is shown, without a link.
    """
    systems: dict[str, dict] = {}
    bases: dict[str, str] = {}
    wanted = ["id", "round", "division", "submitter", "system", "suite", "result",
              *SYSTEM_FIELDS, *RESULT_FIELDS]
    # Only the columns the page shows are converted: a 25,000-result table has many more.
    present = list(dict.fromkeys(c for c in wanted if c in table.columns))
    for row in table[present].to_dict("records"):
        row = {k: _plain(v) for k, v in row.items()}
        # Mobile and Automotive rounds share their names with inference rounds ("v4.1"): their
        # trees are keyed by suite too ("mobile v4.1"), so that none links into another's.
        tree = published_key(row["suite"], row["round"])
        if tree not in link_base:
            tree = ""
        bases.setdefault(tree, link_base.get(tree, ""))
        sid = row["id"]
        system = systems.setdefault(sid, {
            "id": sid, "round": row["round"], "division": row["division"],
            "submitter": row["submitter"], "system": row["system"], "tree": tree,
            "suite": row.get("suite"),
            **{k: row.get(k) for k in SYSTEM_FIELDS}, "results": [],
        })
        row["result"] = relative_link(row.get("result"))
        system["results"].append([row.get(k) for k in RESULT_FIELDS])
    rounds = sorted({s["round"] for s in systems.values()})
    return {"tool_version": __version__, "rounds": rounds, "result_keys": RESULT_FIELDS,
            "link_base": bases, "systems": list(systems.values())}


def _for_spreadsheets(table: pd.DataFrame) -> pd.DataFrame:
    """The table for a CSV that people open in a spreadsheet: text that would be a formula is
    marked as text (a leading '); numbers are left alone."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: as_text_cell(v) if isinstance(v, str) else v)
    return out


def _write_csv(table: pd.DataFrame, path: str) -> None:
    """The table as pandas' to_csv writes it (its columns, "" for a missing value, "\\n" ending
    each row), but through safe_csv, which quotes a field holding any line break: to_csv leaves
    a bare "\\r" unquoted, and a reader that ends the row there starts a new one with the rest."""
    columns = [[_plain(v) for v in table[c].tolist()] for c in table.columns]
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write(csv_line(table.columns, "\n"))
        for row in zip(*columns, strict=True):
            f.write(csv_line(row, "\n"))


def _json_for_script(data: dict) -> str:
    """The data as a JSON.parse call on one string literal, which browsers read several times
    faster than the same data as a script's object literal. "<" is escaped, so that no string
    can close a script element."""
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return "JSON.parse(" + json.dumps(text).replace("<", "\\u003c") + ")"


SUITE_NAMES = {"inference": "Inference", "mobile": "Mobile", "automotive": "Automotive"}


def default_title(table: pd.DataFrame) -> str:
    """"MLPerf Inference results", "MLPerf Mobile results", or both suites named."""
    suites = [s for s in SUITE_NAMES if "suite" in table and (table["suite"] == s).any()]
    suites += sorted(set(table["suite"].dropna()) - set(SUITE_NAMES)) if "suite" in table else []
    names = [SUITE_NAMES.get(s, str(s)) for s in suites] or ["Inference"]
    return f"MLPerf {' and '.join(names)} results"


def _publishes(round_name: str) -> bool:
    """Whether the round's pack says what MLCommons publishes of it; a round no pack knows (a
    results table may name any) publishes nothing."""
    return bool(publication(round_name).get("scenarios"))


def _ids_files(official_rows: dict | None) -> dict[str, str]:
    """Per inference round that publishes (its pack's `publication` table), the name of its
    official ids file in downloads/: one round, ids.json; several, each round's own."""
    rows = official_rows or {}
    return {r: ("ids.json" if len(rows) == 1 else f"ids_{r.replace(' ', '_')}.json")
            for r in sorted(rows) if _publishes(r)}


def official_unique_id(row) -> str:
    """A result's "Unique ID (e.g. for Audit)" as generate_final_report.py makes it: suite,
    division, submitter and system, and in the open division the model the submitter ran."""
    key = [row["system_type"], row["division"], row["submitter"], row["system"]]
    if row["division"] == "open":
        key.append(row["benchmark"])
    return "/".join(str(k) for k in key)


def _official_ids(table: pd.DataFrame, official_rows: dict, files: dict[str, str],
                  downloads: str) -> pd.Series:
    """The published ID ("5.1-0003") of each row of a round that publishes, as its
    summary_results.json numbers them (from its ids file, kept across rebuilds); None where
    the round has none (the site numbers those itself)."""
    ids = pd.Series([None] * len(table), index=table.index, dtype=object)
    for round_name, name in files.items():
        suite, bare = split_key(round_name)
        rows = table[(table["round"] == bare) & (table["suite"] == suite)]
        if rows.empty:
            continue
        numbered, _ = published_table(official_rows[round_name], round_name,
                                      read_ids(os.path.join(downloads, name)))
        by_unique = {r["Unique ID (e.g. for Audit)"]: r["ID"] for r in numbered}
        ids[rows.index] = [by_unique.get(official_unique_id(r)) for r in rows.to_dict("records")]
    return ids


def build_site(table: pd.DataFrame, out: str, *, ids_path: str,
               link_base: dict[str, str] | None = None, title: str | None = None,
               official_rows: dict[str, list[dict[str, str]]] | None = None) -> dict:
    """Write the site into `out`; returns what was written (for the CLI's summary).

    `official_rows`: per inference round, its official summary.csv rows, from which the
    round's summary_results.json is written into downloads/ (as MLCommons publishes it), with
    the ids file that keeps its IDs across rebuilds beside it. The results of a round that
    publishes carry those IDs ("5.1-0003") on the page and in every download; the others the
    site's own, kept in `ids_path` ("v4.1-0003", "mobile-v4.1-0001").
    `title`: by default after the suites of the table ("MLPerf Mobile results").
    """
    os.makedirs(out, exist_ok=True)
    title = title or default_title(table)
    downloads = os.path.join(out, "downloads")
    os.makedirs(downloads, exist_ok=True)
    table = table.copy()
    files = _ids_files(official_rows)
    official = (_official_ids(table, official_rows or {}, files, downloads) if len(table)
                else pd.Series(dtype=object))
    table["id"] = official
    own = table["id"].isna()
    # the site's own file is written even when every ID is official (kept for later rounds)
    table.loc[own, "id"] = assign_ids(table[own], ids_path).to_numpy()
    table["id"] = table["id"].astype("string")
    data = site_data(table, link_base or {})
    # Every file is written under a temporary name and renamed when complete, index.html last:
    # an interrupted build never leaves a page that looks complete over partial data.
    assets = os.path.join(out, "assets")
    os.makedirs(assets, exist_ok=True)
    with atomic_path(os.path.join(assets, "data.js")) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write("window.INFERCHECK_DATA = " + _json_for_script(data) + ";\n")
    plotly_js = resources.files("plotly").joinpath("package_data", "plotly.min.js")
    copies = [(resources.files("infercheck.reports").joinpath("assets", name), name)
              for name in ("app.js", "style.css")] + [(plotly_js, "plotly.min.js")]
    for source, name in copies:
        with source.open("rb") as src, atomic_path(os.path.join(assets, name)) as tmp, \
                open(tmp, "wb") as dest:
            shutil.copyfileobj(src, dest)

    flat = table.drop(columns=["id"]).assign(id=table["id"])
    with atomic_path(os.path.join(downloads, "results.csv")) as tmp:
        _write_csv(_for_spreadsheets(flat), tmp)
    with atomic_path(os.path.join(downloads, "results.parquet")) as tmp:
        flat.to_parquet(tmp, index=False)
    sheets = []
    if len(table):
        with atomic_path(os.path.join(downloads, "results.xlsx")) as tmp:
            sheets = write_xlsx(table, tmp)
    published = []
    for round_name, rows in sorted((official_rows or {}).items()):
        if round_name not in files:
            continue
        # one round: the published names; several: each round's own
        suffix = "" if len(official_rows) == 1 else f"_{round_name.replace(' ', '_')}"
        ids = os.path.join(downloads, f"ids{suffix}.json")
        pub = publication(round_name)
        done = published_files(rows, round_name, ids, pub)
        if done is None:
            continue
        if writes_summary_results(pub):
            save_summary_results(done, os.path.join(downloads, f"summary_results{suffix}.json"),
                                 ids)
            published.append(f"summary_results{suffix}.json")
        else:
            # The round's script wrote the spreadsheet only; its IDs are kept all the same, so
            # that a rebuild numbers each system as before.
            write_ids(done, ids)
        if write_official_xlsx(done.sheets, pub, os.path.join(downloads, f"summary{suffix}.xlsx")):
            published.append(f"summary{suffix}.xlsx")

    env = Environment(loader=PackageLoader("infercheck.reports", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    html = env.get_template("index.html.j2").render(
        title=title, version=__version__, rounds=data["rounds"], count=len(table),
        published=published,
        has_power="power_value" in table and bool(table["power_value"].notna().any()))
    with atomic_path(os.path.join(out, "index.html")) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write(html)
    return {"systems": len(data["systems"]), "results": len(table), "sheets": sheets,
            "rounds": data["rounds"], "published": published,
            "title": title, "official_ids": int((~own).sum()) if len(table) else 0}
