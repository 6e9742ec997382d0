"""The repository's pre-commit hook, run for real by the `pre-commit` package on a scratch git
repository holding a copy of a corpus slice: it passes, and fails once the copy is broken."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from .conftest import PROJECT, corpus


def _git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


def _hook(repo, home):
    # try-repo runs the hook as .pre-commit-hooks.yaml defines it, from this checkout.
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(PROJECT),
                           "infercheck-check", "--all-files"], cwd=repo, capture_output=True,
                          text=True, env={**os.environ, "PRE_COMMIT_HOME": str(home)})


def test_the_hook_passes_a_valid_tree_and_fails_a_broken_one(tmp_path):
    repo = tmp_path / "submission"
    shutil.copytree(corpus("inference-v4.1") / "closed" / "UntetherAI", repo / "closed" / "UntetherAI")
    for path in [repo, *repo.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "submission")
    passed = _hook(repo, tmp_path / "pre-commit-home")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "infercheck check" in passed.stdout and "Passed" in passed.stdout
    log = next(repo.rglob("results/*/resnet50/offline/performance/run_1/mlperf_log_detail.txt"))
    log.unlink()
    _git(repo, "add", "-A")
    failed = _hook(repo, tmp_path / "pre-commit-home")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout and "STR001" in failed.stdout
