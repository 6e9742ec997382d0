"""The installed package: one `infercheck` namespace, nothing generic on sys.path."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _python(code: str, cwd) -> subprocess.CompletedProcess:
    # Run outside the source checkout, where the folders `checker/`, `reports/`... are not
    # on sys.path: what a user of the installed package sees.
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("name", ["checker", "reports", "runner", "schemas", "cli"])
def test_no_generic_top_level_package(name, tmp_path):
    done = _python(f"import {name}", tmp_path)
    assert done.returncode != 0
    assert "ModuleNotFoundError" in done.stderr


def test_every_part_lives_under_infercheck(tmp_path):
    done = _python("import infercheck.checker, infercheck.cli, infercheck.reports, "
                   "infercheck.runner, infercheck.schemas; print(infercheck.cli.main.name)", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "main"
