"""Checks of the paths the commands are told to write, made before any long work."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import click

from infercheck.checker.core.archive import is_archive, unpacked_or_not
from infercheck.checker.core.stop_hold import held

__all__ = ["STDOUT", "guard_outputs", "inside", "missing_folder", "output_file", "stdout_spool",
           "tree_at"]

# An output named "-" is standard output, as for most Unix tools.
STDOUT = "-"


def inside(path: str, tree: str) -> bool:
    """Whether `path` is `tree` or lies within it, links resolved: where no output may go."""
    real, top = os.path.realpath(path), os.path.realpath(tree)
    return real == top or real.startswith(top + os.sep)


def guard_outputs(inputs, outputs) -> None:
    """Refuse, before any work, an output (option, path) that is an input (a tree, an archive, a
    table, a waivers file), lies inside one, or holds one; and two outputs on one path. Paths
    are compared with their links resolved, so no link in or around a tree can lead a write
    into what is read."""
    # (standard output, "-", is no path: a tree checked from inside it may write there)
    named = [(opt, path) for opt, path in outputs if path and path != STDOUT]
    for opt, path in named:
        for source in (i for i in inputs if i):
            if inside(path, source):
                what = "is" if _same(path, source) else "lies inside"
                raise click.BadParameter(f"{path} {what} the input {source}: infercheck never "
                                         f"writes into what it reads", param_hint=opt)
            if inside(source, path):
                raise click.BadParameter(f"{path} holds the input {source}: infercheck never "
                                         f"writes around what it reads", param_hint=opt)
    for i, (opt, path) in enumerate(named):
        for other, again in named[i + 1:]:
            if _same(path, again):
                raise click.BadParameter(f"{path} is also the output of {other}",
                                         param_hint=opt)


def _same(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def missing_folder(path: str) -> str | None:
    """The folder that would hold `path`, when it does not exist."""
    folder = os.path.dirname(os.path.abspath(path))
    return None if os.path.isdir(folder) else folder


def output_file(ctx, param, value):
    """Click callback: an output's folder must exist before a long check or report, not be
    found missing at its end."""
    if value is not None and (folder := missing_folder(value)):
        raise click.BadParameter(f"the folder {folder} does not exist")
    return value


@contextmanager
def tree_at(path: str) -> Iterator[tuple[str, str | None, tuple]]:
    """(the tree to check, what reports call it, findings of reading it): a folder as it is; an
    archive unpacked into a temporary folder (removed when the block ends), named by its path."""
    with unpacked_or_not(path) as (tree, refused):
        yield tree, (os.path.abspath(path) if is_archive(path) else None), tuple(refused)


@contextmanager
def stdout_spool(outputs: dict[str, str | None]) -> Iterator[dict[str, str | None]]:
    """`outputs` (option -> path) with an output named "-" given a temporary file instead, whose
    bytes go to standard output once the block ends without an error. The writers keep writing
    whole files (under a temporary name, renamed when complete), so a check that fails half-way
    never leaves half a report on a pipe either."""
    dash = [opt for opt, path in outputs.items() if path == STDOUT]
    if not dash:
        yield dict(outputs)
        return
    folder = None
    try:
        with held():  # a stop waits until the folder's name is kept, for `finally`
            folder = tempfile.mkdtemp(prefix="infercheck-stdout-")
        spooled = {opt: (os.path.join(folder, "out") if opt in dash else path)
                   for opt, path in outputs.items()}
        yield spooled
        spool = os.path.join(folder, "out")
        if os.path.exists(spool):  # none without a round, as for a file
            sys.stdout.flush()
            binary = click.get_binary_stream("stdout")
            with open(spool, "rb") as fh:
                shutil.copyfileobj(fh, binary)
            binary.flush()
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
