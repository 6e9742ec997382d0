"""`pack`: check a tree, then write it as a .tar.gz with its manifest and receipt."""

from __future__ import annotations

import json
import sys

import click

from infercheck.checker.core.engine import usable_cores
from infercheck.checker.core.outputs import atomic_path
from infercheck.checker.core.pack import DEFAULT_LEVEL, MANIFEST, RECEIPT, pack_tree
from infercheck.checker.core.profiles import PROFILES
from infercheck.checker.core.result_sinks import Sinks
from infercheck.checker.core.tree_rules import LinkedFolder
from infercheck.checker.suites import SUITES, ProfileNotForSuite, check_tree, not_a_tree
from infercheck.cli.check_cmd import PROFILE_HELP, VerdictLines, load_waivers
from infercheck.cli.paths import guard_outputs, output_file
from infercheck.cli.progress import ProgressLine
from infercheck.cli.suggest import Choice, check_round
from infercheck.cli.verdicts import exit_status

__all__ = ["pack"]


class _LinkedFolders:
    """A sink keeping the linked folders (STR026) the check finds, as the results pass."""

    def __init__(self) -> None:
        self.paths: set[str] = set()

    def begin(self, report) -> None:
        pass

    def add(self, entry) -> None:
        self.paths.update(f.path for f in entry.findings if f.code == LinkedFolder.code)

    def end(self, report) -> None:
        pass


def _archive_name(ctx, param, value):
    value = output_file(ctx, param, value)
    if value is not None and not value.lower().endswith((".tar.gz", ".tgz")):
        raise click.BadParameter(f"{value}: the archive is a .tar.gz (or .tgz)")
    return value


@click.command(epilog="Exit status: 0 when the tree is valid and packed, 1 when it is invalid "
                      "(packed only with --force), 2 on a usage error or an internal fault.")
@click.argument("tree", type=click.Path(exists=True, file_okay=False, readable=True))
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True),
              callback=_archive_name, help="The archive to write (.tar.gz).")
@click.option("--receipt", "receipt_path", type=click.Path(dir_okay=False, writable=True),
              callback=output_file,
              help="Also write the receipt, with the archive's SHA-256, to this file (the "
                   "copy inside the archive cannot hold its own sum).")
@click.option("--force", is_flag=True, help="Pack an invalid tree too (the receipt says so).")
@click.option("--version", "round_name", metavar="ROUND",
              help="The round whose rules apply (default: recognised from the logs).")
@click.option("--suite", default="auto", show_default=True,
              type=Choice(["auto", *sorted(SUITES)]))
@click.option("--profile", type=Choice(list(PROFILES)), default="strict", show_default=True,
              help=PROFILE_HELP)
@click.option("--waivers", "waivers_path", type=click.Path(exists=True, dir_okay=False),
              metavar="FILE", help="Findings the working group allowed (as for `check`).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Check systems in this many processes (default: the usable cores).")
@click.option("--level", type=click.IntRange(1, 9), default=DEFAULT_LEVEL, show_default=True,
              help="gzip compression level: 1 packs LoadGen logs about 6 times as fast as 6 "
                   "(tar's default) for an archive about 10 % larger.")
def pack(tree, out, receipt_path, force, round_name, suite, profile, waivers_path, jobs, level):
    """Check the tree at TREE, then pack its division folders (closed/, open/, network/) into
    a .tar.gz for upload.

    \b
    Inside the archive, beside the division folders:
      MANIFEST.sha256          the SHA-256 of every file (`sha256sum -c MANIFEST.sha256`)
      infercheck-receipt.json  tool, round, profile, verdict and counts, files, tree digest
    An invalid tree is not packed unless --force. `infercheck check FILE.tar.gz` checks the
    archive as the tree it holds.
    """
    guard_outputs([tree, waivers_path], [("--out", out), ("--receipt", receipt_path)])
    if (why := not_a_tree(tree)) is not None:
        raise click.UsageError(f"nothing to pack: {why}")
    check_round(None if suite == "auto" else suite, round_name)
    # What `check -q` prints, as the results come: the invalid ones, the tree's findings, the
    # summary.
    progress = ProgressLine(enabled=None)
    lines = VerdictLines(profile, True, progress)
    links = _LinkedFolders()
    try:
        report = check_tree(tree, round=round_name, suite=suite, profile=profile,
                            jobs=jobs or usable_cores(), waivers=load_waivers(waivers_path),
                            progress=progress, sink=Sinks(lines, links))
    except ProfileNotForSuite as exc:
        raise click.BadParameter(str(exc), param_hint="--profile") from None
    finally:
        progress.close()
    lines.end(report)
    status = exit_status(report)
    if status == 2:
        click.echo("not packed: the check could not be made", err=True)
        sys.exit(2)
    linked = sorted(links.paths | {f.path for f in report.findings if f.code == LinkedFolder.code})
    if linked:
        # Even with --force: the archive would hold the links, not the results the check
        # counted under them, and its receipt would count what it does not hold.
        click.echo(f"not packed: {len(linked)} folder(s) of the tree are links (STR026: "
                   f"{', '.join(linked[:3])}{' ...' if len(linked) > 3 else ''}); an archive "
                   f"holds a link, not the results under it: replace each by its folder",
                   err=True)
        sys.exit(1)
    if status and not force:
        click.echo("not packed: the tree is invalid (--force packs it anyway, and the receipt "
                   "says so)", err=True)
        sys.exit(status)
    try:
        packed, receipt = pack_tree(tree, out, report, forced=bool(status), level=level)
    except OSError as exc:  # a file gone or unreadable since the check, a full disk
        click.echo(f"infercheck: not packed: {exc}; {out} was not written", err=True)
        sys.exit(2)
    for rel in packed.skipped:
        click.echo(f"left out (neither file, folder nor link): {rel}", err=True)
    if receipt_path:
        with atomic_path(receipt_path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(receipt, indent=2) + "\n")
    click.echo(f"packed {packed.files} files ({packed.bytes} bytes), {packed.links} links into "
               f"{out} with {MANIFEST} and {RECEIPT}\n"
               f"tree digest {receipt['tree_digest']}\n"
               f"archive sha256 {receipt['archive_sha256']} ({receipt['archive_bytes']} bytes)")
    sys.exit(status)
