"""`report`: the results site from checked trees or results tables."""

from __future__ import annotations

import os

import click

from infercheck.checker.core.engine import usable_cores
from infercheck.checker.core.profiles import PROFILES

__all__ = ["report"]


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Folder for the site (index.html, assets/, downloads/).")
@click.option("--ids", "ids_path", type=click.Path(dir_okay=False),
              help="File of public system IDs, kept across rebuilds "
                   "(default: results_ids.json beside the first input).")
@click.option("--link-base", multiple=True, metavar="ROUND=URL",
              help="Where result links point for a round, e.g. "
                   "v4.1=https://github.com/mlcommons/inference_results_v4.1/tree/main/ "
                   "(a Mobile round: 'mobile v4.1=URL'; default: the tree's folder, relative "
                   "to the site).")
@click.option("--title", default="MLPerf Inference results", show_default=True)
@click.option("--profile", type=click.Choice(list(PROFILES)), default="strict", show_default=True,
              help="How submission trees among INPUTS are checked, as `check --profile` does "
                   "(published: the verdicts each round's official checker gave).")
@click.option("--published", "mobile_published", is_flag=True, hidden=True,
              help="The earlier spelling of --profile published.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help=f"Check trees among INPUTS in this many processes. Default: the number of "
                   f"usable cores, {usable_cores()} here.")
def report(inputs, out, ids_path, link_base, title, profile, mobile_published, jobs):
    """Build the static results site from INPUTS: submission trees (checked on the fly) or
    tables written by `infercheck check --parquet` / `--csv`.

    Only valid results are published. MLPerf Mobile trees get their own tabs ("mobile closed").
    The site works from file:// with no network.
    """
    # pandas, plotly and openpyxl: only `report` pays for them.
    from infercheck.reports import InputError, build_site, load_results

    try:
        table, trees = load_results(list(inputs), jobs=jobs or usable_cores(),
                                    profile="published" if mobile_published else profile)
    except InputError as exc:
        raise click.UsageError(str(exc)) from None
    if table.empty:
        raise click.UsageError("the inputs hold no valid result")
    bases = {}
    for item in link_base:
        name, _, url = item.partition("=")
        bases[name] = url
    for name, tree in trees.items():  # results of a checked tree link to its files by default
        if name not in bases:
            bases[name] = os.path.relpath(tree, os.path.abspath(out)).replace(os.sep, "/") + "/"
    ids_path = ids_path or os.path.join(os.path.dirname(os.path.abspath(inputs[0])), "results_ids.json")
    done = build_site(table, out, ids_path=ids_path, link_base=bases, title=title)
    click.echo(f"Wrote {os.path.join(out, 'index.html')}: {done['results']} results of "
               f"{done['systems']} systems, rounds {', '.join(done['rounds'])}; "
               f"downloads in {os.path.join(out, 'downloads')}; IDs in {ids_path}")
