"""Truncation of accuracy logs, the mandatory last step before submitting.

For each accuracy folder: the SHA-256 of the full mlperf_log_accuracy.json is appended to
accuracy.txt as `hash=<hex>`, the full log is copied to a backup folder outside the tree, and
the log is cut to its first and last 4096 characters joined by "\\n\\n...\\n\\n".
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass

__all__ = ["TruncateError", "TruncatedLog", "truncate_tree"]

KEEP = 4096
LIMIT = 10 * 1024
LOG = "mlperf_log_accuracy.json"


@dataclass(frozen=True)
class TruncatedLog:
    path: str  # relative to the tree
    sha256: str
    original_bytes: int


class TruncateError(ValueError):
    """A request to truncate that would put the originals at risk."""


def _has_hash(report: str) -> bool:
    if not os.path.exists(report):
        return False
    with open(report, encoding="utf-8", errors="replace") as f:
        return any(line.startswith("hash=") for line in f)


def truncate_tree(root: str, backup: str) -> list[TruncatedLog]:
    """Truncate every accuracy log under `root`; originals go to `backup` (same relative paths)."""
    root, backup = os.path.abspath(root), os.path.abspath(backup)
    if backup == root or backup.startswith(root + os.sep):
        raise TruncateError("the backup folder must be outside the submission tree")
    done = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if os.path.basename(dirpath) != "accuracy" or LOG not in filenames:
            continue
        log = os.path.join(dirpath, LOG)
        report = os.path.join(dirpath, "accuracy.txt")
        size = os.path.getsize(log)
        if size <= LIMIT and _has_hash(report):
            continue  # already truncated
        with open(log, "rb") as f:
            data = f.read()
        digest = hashlib.sha256(data).hexdigest()
        rel = os.path.relpath(log, root)
        target = os.path.join(backup, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(log, target)
        with open(report, "a", encoding="utf-8") as f:
            f.write(f"\nhash={digest}\n")
        if size > LIMIT:
            text = data.decode("utf-8")
            with open(log, "w", encoding="utf-8") as f:
                f.write(text[:KEEP] + "\n\n...\n\n" + text[-KEEP:])
        done.append(TruncatedLog(rel.replace(os.sep, "/"), digest, size))
    return done
