"""Checks of the paths the commands are told to write, made before any long work."""

from __future__ import annotations

import os

import click

__all__ = ["missing_folder", "output_file"]


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
