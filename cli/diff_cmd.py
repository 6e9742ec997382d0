"""`diff`: what changed between two checks of a submission."""

from __future__ import annotations

import json
import os
import sys

import click

from infercheck.checker.core.archive import is_archive
from infercheck.checker.core.engine import usable_cores
from infercheck.checker.core.report import Report
from infercheck.checker.core.report_diff import diff_reports, load_report
from infercheck.checker.core.user_files import UserFileError
from infercheck.checker.suites import check_tree, not_a_tree
from infercheck.cli.suggest import Choice, check_round
from infercheck.cli.verdicts import count, number, printable

__all__ = ["diff"]


def _report(path: str, round_name: str | None, profile: str, jobs: int) -> Report:
    if os.path.isdir(path) and (what := not_a_tree(path)) is not None:
        raise click.UsageError(what)
    if os.path.isdir(path) or is_archive(path):  # an archive: checked as its tree
        return check_tree(path, round=round_name, suite="auto", profile=profile, jobs=jobs)
    try:
        return load_report(path)
    except UserFileError as exc:
        raise click.UsageError(f"{path} is neither a submission tree nor a report written by "
                               f"`check --json`: {exc.reason}") from None


def _pct(change: float | None) -> str:
    return "" if change is None else f" ({change:+.2f} %)"


def _some(names: list[str], n: int = 3) -> str:
    """At most `n` names, then how many more: the lines above list them all."""
    return ", ".join(names[:n]) + (f" and {len(names) - n:,} more" if len(names) > n else "")


def _summary(d) -> str:
    """One short last line: counts, and a few of the results no longer valid (a round's diff
    would otherwise end in a line of every one of them)."""
    counts = (f"{len(d.added):,} added, {len(d.removed):,} removed, "
              f"{count(len(d.verdicts), 'verdict')} and {count(len(d.values), 'value')} changed, "
              f"{count(len(d.appeared), 'finding')} appeared, {len(d.disappeared):,} disappeared")
    if d.regressed:
        return (f"NO LONGER VALID: {count(len(d.regressed), 'result')} "
                f"({printable(_some(d.regressed))}); {counts}")
    return ("NO CHANGE: " if d.empty else "CHANGED: ") + counts


@click.command()
@click.argument("old", type=click.Path(exists=True))
@click.argument("new", type=click.Path(exists=True))
@click.option("--version", "round_name", metavar="ROUND", help="The round, for trees (default: "
              "recognised from each).")
@click.option("--profile", default="strict", show_default=True,
              type=Choice(["strict", "smoke", "published"]), help="For trees.")
@click.option("--format", "fmt", type=Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help=f"Check trees in this many processes. Default: {usable_cores()} here.")
def diff(old, new, round_name, profile, fmt, jobs):
    """What changed from OLD to NEW: two reports written by `check --json`, or two trees
    (checked on the fly), e.g. two uploads of one submitter.

    Lists the results added and removed, those whose verdict or value changed (with the %
    change), and the findings that appeared and disappeared. Exit 1 when a result that was
    valid in OLD is invalid or gone in NEW, else 0; 2 on a usage error.
    """
    check_round(None, round_name)
    cores = jobs or usable_cores()
    d = diff_reports(_report(old, round_name, profile, cores), _report(new, round_name, profile, cores))
    if fmt == "json":
        json.dump(d.to_dict(), sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        verdict = {True: "valid", False: "INVALID"}
        for r in d.added:
            click.echo(printable(f"+ added      {r['result']} ({verdict[r['valid']]})"))
        for r in d.removed:
            click.echo(printable(f"- removed    {r['result']} (was {verdict[r['valid']]})"))
        for v in d.verdicts:
            click.echo(printable(f"~ verdict    {v['result']}: {verdict[v['before']]} -> "
                                 f"{verdict[v['after']]}" + (f" ({', '.join(v['errors'])})"
                                                             if v["errors"] else "")))
        for v in d.values:
            click.echo(printable(f"~ value      {v['result']}: {number(v['before'])} -> "
                                 f"{number(v['after'])} "
                                 f"{v['units'] or ''}".rstrip() + _pct(v["change_pct"])))
        for f in d.appeared:
            click.echo(printable(f"+ finding    {f['code']} {f['path'] or ''}: {f['message']}"))
        for f in d.disappeared:
            click.echo(printable(f"- finding    {f['code']} {f['path'] or ''}: {f['message']}"))
        click.echo(_summary(d))
    sys.exit(1 if d.regressed else 0)

