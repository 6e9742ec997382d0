"""`preprocess`: the official preprocess_submission.py's work, on a copy, by infercheck's rules."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile

import click

from infercheck.checker.core.confined import LinkOnTheWay
from infercheck.checker.core.engine import usable_cores
from infercheck.checker.core.packs import RulePackError
from infercheck.checker.core.stop_hold import held
from infercheck.checker.core.tree_rules import EmptyTree
from infercheck.checker.inference.preprocess import LinkedStructure
from infercheck.checker.inference.preprocess import preprocess as run_preprocess
from infercheck.checker.suites import check_tree, detect_suite, not_a_tree
from infercheck.cli.paths import guard_outputs, missing_folder
from infercheck.cli.progress import ProgressLine
from infercheck.cli.suggest import Choice, check_round, seeds_contradict
from infercheck.cli.verdicts import USAGE_CODES, exit_status, printable, summary_line

__all__ = ["preprocess"]

_SHOWN = {"remove-empty": "remove", "move-to-open": "move", "infer": "infer", "copy": "copy",
          "remove": "remove"}


@click.command(epilog="Exit status: 0 when the new tree checks valid, 1 when it does not, 2 on "
                      "a usage error or an internal fault.")
@click.argument("tree", type=click.Path(exists=True, file_okay=False, readable=True))
@click.option("--out", type=click.Path(file_okay=False),
              help="The new tree to write (must not exist; never inside TREE).")
@click.option("--dry-run", is_flag=True,
              help="List what would be done, writing nothing (the work is done in a temporary "
                   "folder of hard links, removed at the end).")
@click.option("--version", "round_name", metavar="ROUND",
              help="The round whose rules apply (default: recognised from the logs).")
@click.option("--submitter", metavar="NAME", help="Take only this submitter's folders.")
@click.option("--no-infer", is_flag=True,
              help="Infer no scenario (Offline, MultiStream of an edge system) and copy no "
                   "-99.9 result to -99.")
@click.option("--no-move-to-open", is_flag=True,
              help="Remove an invalid closed or network benchmark rather than move it to open.")
@click.option("--format", "fmt", type=Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Check systems in this many processes (default: the usable cores).")
def preprocess(tree, out, dry_run, round_name, submitter, no_infer, no_move_to_open, fmt, jobs):
    """Make a new tree from TREE as the round's official preprocess_submission.py would, by
    infercheck's checks: TREE is never modified. For MLPerf Inference and Automotive trees.

    \b
    - empty folders are removed;
    - an edge system's missing Offline and MultiStream results are inferred from its
      MultiStream or SingleStream run where the round allows it, and -99.9 results stand
      for -99 ones where there are none (the check marks each inferred);
    - a closed or network benchmark with an invalid result moves to open (every scenario,
      with its measurements, compliance, code and system description, division "open");
      a result invalid in open too, or in the open division, is removed;
    - folders left empty are removed.
    Each step is listed with its reason; then the verdict of the new tree.
    """
    if (what := not_a_tree(tree)) is not None:
        raise click.BadParameter(what, param_hint="TREE")
    suite = detect_suite(tree)
    if suite not in ("inference", "automotive"):
        raise click.UsageError("preprocess is for MLPerf Inference and Automotive trees")
    check_round(suite, round_name)
    if other := seeds_contradict(tree, suite, round_name, submitter):
        # Every result would be invalid by the seeds alone and moved to open or removed.
        raise click.BadParameter(other, param_hint="--version")
    if not dry_run and not out:
        raise click.UsageError("--out NEW is required (or --dry-run)")
    if out:
        if os.path.lexists(out):
            raise click.BadParameter(f"{out} exists; preprocess writes a new tree",
                                     param_hint="--out")
        guard_outputs([tree], [("--out", out)])
        if folder := missing_folder(out):
            raise click.BadParameter(f"the folder {folder} does not exist", param_hint="--out")
    jobs = jobs or usable_cores()

    passes = [0]

    def check(root, round=None):
        # Each pass of the preprocessing checks the new tree again: on a terminal, each shows
        # its progress (a round takes tens of seconds), then clears it.
        passes[0] += 1
        progress = ProgressLine(label=f"check {passes[0]} of the new tree")
        try:
            return check_tree(root, round=round or round_name, suite=suite,
                              submitter=submitter, jobs=jobs, progress=progress)
        finally:
            progress.close()

    scratch = None
    target = out
    try:
        if dry_run:
            with held():  # a stop waits until the folder's name is kept, for `finally`
                scratch = tempfile.mkdtemp(prefix="infercheck-preprocess-")
            target = os.path.join(scratch, "tree")
        done = run_preprocess(tree, target, check, round=round_name, submitter=submitter,
                              infer=not no_infer, move_to_open=not no_move_to_open,
                              scratch=dry_run)
    except BaseException as exc:
        if not dry_run and os.path.isdir(target):
            shutil.rmtree(target)  # a half-made tree is no tree (rmtree follows no link)
        if isinstance(exc, LinkedStructure):
            shown = "; ".join(f"{rel} -> {to}" for rel, to in exc.links[:5])
            more = f" (and {len(exc.links) - 5} more)" if len(exc.links) > 5 else ""
            raise click.UsageError(
                f"{len(exc.links)} folder(s) of {tree} are links (STR026): {shown}{more}. "
                f"preprocess moves and removes result folders, and never through a link: "
                f"replace each by the folder it points to") from None
        if isinstance(exc, LinkOnTheWay):
            raise click.UsageError(f"preprocess stopped, nothing written: {exc}") from None
        if isinstance(exc, RulePackError):  # no round given nor recognised: the user's to say
            raise click.UsageError(f"preprocess stopped, nothing written: {exc}") from None
        raise
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    if fmt == "json":
        click.echo(json.dumps({"tree": tree, "out": None if dry_run else out,
                               "dry_run": dry_run, "round": done.after.round,
                               "steps": [s.to_dict() for s in done.steps],
                               "valid": done.after.valid, "stats": done.after.stats()},
                              indent=2))
    else:
        # The round the steps were decided by, when the seeds told it (a wrong one moves all).
        for f in done.before.findings if done.before else ():
            if f.code == "RUL002":
                click.echo(printable(f.message))
        for s in done.steps:
            line = f"{_SHOWN[s.action]:<7} {s.path}"
            if s.target:
                line += f" -> {s.target}"
            click.echo(printable(line + (f"  ({s.reason})" if s.reason else "")))
        click.echo(("would give: " if dry_run else f"{out}: ") + summary_line(done.after))
    status = exit_status(done.after)
    if status == 2 and done.steps and not done.after.crashed and \
            {f.code for f in done.after.findings} & USAGE_CODES == {EmptyTree.code}:
        status = 1  # the steps removed every result: the new tree is invalid, not a usage error
    sys.exit(status)
