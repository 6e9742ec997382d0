"""`report`: the results site from checked trees or results tables."""

from __future__ import annotations

import os

import click

from infercheck.checker.core.closest import hint
from infercheck.checker.core.engine import usable_cores
from infercheck.checker.core.profiles import PROFILES
from infercheck.checker.core.user_files import UserFileError
from infercheck.cli.check_cmd import load_waivers
from infercheck.cli.paths import guard_outputs, missing_folder, output_file
from infercheck.cli.progress import ProgressLine
from infercheck.cli.suggest import Choice

__all__ = ["report"]


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", required=True, type=click.Path(),
              help="Folder for the site (index.html, assets/, downloads/); with --format "
                   "summary-results, the JSON file to write.")
@click.option("--format", "fmt", type=Choice(["site", "summary-results"]), default="site",
              show_default=True,
              help="site: the results site, whose downloads hold the CSV, Parquet and XLSX "
                   "tables and what MLCommons published of each inference round (summary.xlsx "
                   "from v3.0, summary_results.json from v5.0) and Automotive round (from "
                   "v0.5); summary-results: only summary_results.json of one such round, as "
                   "MLCommons publishes it (generate_final_report.py), from trees, summary "
                   "CSVs or check --parquet tables.")
@click.option("--official-ids", "official_ids", type=click.Path(dir_okay=False),
              callback=output_file,
              help="With --format summary-results: the ids.json of generate_final_report.py "
                   "(unique ID: number), read for the IDs it gives and updated with the new "
                   "ones. Without it, IDs are numbered from 1. (The site keeps its own ids.json "
                   "in downloads/.)")
@click.option("--ids", "ids_path", type=click.Path(dir_okay=False), callback=output_file,
              help="File of public system IDs, kept across rebuilds "
                   "(default: OUT/downloads/results_ids.json, inside the site).")
@click.option("--link-base", multiple=True, metavar="ROUND=URL",
              help="Where result links point for a round, e.g. "
                   "v4.1=https://github.com/mlcommons/inference_results_v4.1/tree/main/ "
                   "(a Mobile or Automotive round with its suite: 'automotive v0.5=URL'; "
                   "default: the tree's folder, relative to the site). A round the inputs do "
                   "not hold is refused.")
@click.option("--title", default=None,
              help="The page's title (default: after the suites of the inputs, \"MLPerf "
                   "Inference results\", \"MLPerf Mobile results\", ...).")
@click.option("--profile", type=Choice(list(PROFILES)), default="strict", show_default=True,
              help="How submission trees among INPUTS are checked, as `check --profile` does "
                   "(published: the verdicts each round's official checker gave).")
@click.option("--published", "mobile_published", is_flag=True, hidden=True,
              help="The earlier spelling of --profile published.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help=f"Check trees among INPUTS in this many processes. Default: the number of "
                   f"usable cores, {usable_cores()} here.")
@click.option("--waivers", "waivers_path", type=click.Path(exists=True, dir_okay=False),
              metavar="FILE",
              help="Findings the working group allowed in the trees among INPUTS (as for "
                   "`check --waivers`): a result they alone made invalid is published.")
def report(inputs, out, fmt, official_ids, ids_path, link_base, title, profile, mobile_published,
           jobs, waivers_path):
    """Build the static results site from INPUTS: submission trees (checked on the fly) or
    tables written by `infercheck check --parquet` / `--csv`.

    Only valid results are published. MLPerf Mobile and Automotive trees get tabs of their own
    ("mobile closed", "automotive open").
    The site works from file:// with no network.
    """
    # pandas, plotly and openpyxl: only `report` pays for them.
    from infercheck.reports import InputError, build_site, load_results

    guard_outputs([*inputs, waivers_path, official_ids], [("--out", out), ("--ids", ids_path)])
    if fmt == "site" and os.path.isfile(out):
        raise click.BadParameter(f"{out} is a file; the site needs a folder", param_hint="--out")
    if fmt == "summary-results" and os.path.isdir(out):
        raise click.BadParameter(f"{out} is a folder; give the JSON file to write",
                                 param_hint="--out")
    if fmt == "summary-results" and (folder := missing_folder(out)):
        raise click.BadParameter(f"the folder {folder} does not exist", param_hint="--out")
    bases = _parse_link_bases(link_base)
    official_rows: dict[str, list[dict[str, str]]] = {}
    left_out: dict = {}
    profile = "published" if mobile_published else profile
    progress = ProgressLine()  # on a terminal, once a tree's check takes a second
    try:
        table, trees = load_results(list(inputs), jobs=jobs or usable_cores(),
                                    profile=profile, official_rows=official_rows,
                                    waivers=load_waivers(waivers_path), left_out=left_out,
                                    progress=progress)
    except InputError as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        progress.close()
    if fmt == "summary-results":
        _summary_results(official_rows, out, official_ids)
        return
    note = _left_out_note(left_out, profile)
    if table.empty:
        raise click.UsageError("the inputs hold no valid result" + (f": {note}" if note else ""))
    _check_link_bases(bases, table)
    for name, tree in trees.items():  # results of a checked tree link to its files by default
        if name not in bases:
            bases[name] = os.path.relpath(tree, os.path.abspath(out)).replace(os.sep, "/") + "/"
    # Inside the site by default: a report writes nowhere but where it was told (a tree may be
    # read-only or shared).
    if ids_path is None:
        ids_path = os.path.join(out, "downloads", "results_ids.json")
        os.makedirs(os.path.dirname(ids_path), exist_ok=True)

    from infercheck.reports.summary_results import IdsFileError  # with pandas, above

    try:
        done = build_site(table, out, ids_path=ids_path, link_base=bases, title=title,
                          official_rows=official_rows)
    except (IdsFileError, UserFileError) as exc:
        raise click.UsageError(str(exc)) from None
    own = done["results"] - done["official_ids"]
    where = ("IDs as MLCommons numbers them (downloads/ids*.json)" if not own
             else f"IDs in {ids_path}" if not done["official_ids"]
             else f"IDs as MLCommons numbers them (downloads/ids*.json) where the round "
                  f"publishes, else in {ids_path}")
    click.echo(f"Wrote {os.path.join(out, 'index.html')} ({done['title']}): {done['results']} "
               f"results of {done['systems']} systems, rounds {', '.join(done['rounds'])}; "
               f"downloads in {os.path.join(out, 'downloads')}; {where}")
    if done["published"]:
        click.echo(f"As MLCommons publishes it: {', '.join(done['published'])}")
    if note:
        click.echo(note[0].upper() + note[1:], err=True)


def _left_out_note(left_out: dict, profile: str) -> str:
    """What the site leaves out and why, or "" when it publishes every result of the inputs."""
    parts = []
    invalid, no_value = left_out.get("invalid", 0), left_out.get("no_value", 0)
    if invalid:
        parts.append(f"{invalid} result{'s' if invalid != 1 else ''} left out as invalid under "
                     f"the {profile} profile")
    if no_value:
        parts.append(f"{no_value} valid result{'s' if no_value != 1 else ''} left out for "
                     "having no value")
    if not parts:
        return ""
    if invalid and profile != "published":
        parts.append("`--profile published` publishes what the round published")
    elif invalid:
        parts.append("`infercheck check` says why")
    return "; ".join(parts)


def _summary_results(official_rows: dict, out: str, ids_path: str | None) -> None:
    from infercheck.reports.ids import read_official_ids  # with pandas, above
    from infercheck.reports.summary_results import (  # with pandas, above
        IdsFileError,
        publication,  # (as above)
        write_summary_results,
    )

    if len(official_rows) != 1:
        found = ", ".join(sorted(official_rows)) or "none"
        raise click.UsageError("summary_results.json is one round's: give the trees or summary "
                               f"CSVs of one inference or Automotive round (found: {found})")
    ((round_name, rows),) = official_rows.items()
    try:
        read_official_ids(ids_path)  # bounded and typed here, before the round is written
        done = write_summary_results(rows, round_name, out, ids_path)
    except (IdsFileError, UserFileError) as exc:
        raise click.UsageError(str(exc)) from None
    if done is None:
        pub = publication(round_name)
        raise click.UsageError(
            f"MLCommons published no summary_results.json of {round_name} (its script wrote it "
            f"from v5.0); `infercheck report --out SITE` writes the round's summary.xlsx"
            if pub.get("scenarios") else
            f"the {round_name} pack does not say what MLCommons publishes of that round (its "
            f"`publication` table, from v3.0)")
    click.echo(f"Wrote {out}: {len(done.entries)} entries of {round_name}"
               + (f"; IDs in {ids_path}" if ids_path else ""))
    if done.unlisted:
        click.echo(f"{len(done.unlisted)} results no table of {round_name} shows (a scenario or "
                   f"model its suite does not publish): {', '.join(done.unlisted[:5])}"
                   + (" ..." if len(done.unlisted) > 5 else ""), err=True)


def _parse_link_bases(given: tuple[str, ...]) -> dict[str, str]:
    """--link-base ROUND=URL as {round: URL}; its form is checked before any tree is."""
    bases = {}
    for item in given:
        name, eq, url = item.partition("=")
        name = name.strip()
        if not eq or not name or not url:
            raise click.BadParameter(f"{item!r} is not ROUND=URL (e.g. v4.1=https://...)",
                                     param_hint="--link-base")
        bases[name] = url
    return bases


def _check_link_bases(bases: dict[str, str], table) -> None:
    """Each ROUND a round of the inputs as the site names it ("v4.1", "mobile v4.1"): one the
    inputs do not hold would be ignored without a word."""
    from infercheck.reports.summary_results import published_key  # with pandas: report only

    rounds = sorted({published_key(s, r)
                     for s, r in zip(table["suite"], table["round"], strict=True)})
    for name in bases:
        if name not in rounds:
            # "v0.5" for "automotive v0.5" first: the suite is what a user leaves out.
            suite_left_out = [r for r in rounds if r.rpartition(" ")[2] == name]
            raise click.BadParameter(
                f"no input holds round {name!r} (the inputs' rounds: {', '.join(rounds)})"
                f"{hint(name, rounds, first=suite_left_out)}", param_hint="--link-base")
