"""The repository's pre-commit hook, run for real by the `pre-commit` package on a scratch git
repository holding a copy of a corpus slice: it passes, and fails once the copy is broken."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

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


def _readme_block(after: str) -> str:
    """The indented block that follows the README paragraph beginning with `after`."""
    text = (PROJECT / "README.md").read_text("utf-8")
    rest = text[text.index("\n\n", text.index(after)) + 2:]
    lines = []
    for line in rest.splitlines():
        if line.strip() and not line.startswith("    "):
            break
        lines.append(line[4:])
    return "\n".join(lines).strip() + "\n"


@pytest.mark.parametrize(("paragraph", "schema"), [
    ("A GitHub Actions workflow", "vendor.github-workflows"),
    ("A GitLab CI job", "vendor.gitlab-ci"),
])
def test_the_readmes_ci_snippets_follow_their_systems_schemas(tmp_path, paragraph, schema):
    """What a submitter copies from the README is valid for GitHub Actions and GitLab CI, by
    check-jsonschema and the SchemaStore schemas it carries (read offline)."""
    snippet = tmp_path / "snippet.yml"
    snippet.write_text(_readme_block(paragraph), "utf-8")
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema,
                           str(snippet)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
