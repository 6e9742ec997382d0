"""What identifies a run, cheaply, so that copied evidence can be found at round scale by
grouping on it (the audit) rather than by comparing every pair of results.

A run's fingerprint is its LoadGen results: the latency statistics to the nanosecond, the
throughputs, the query counts and the early-stopping lines. Two honest runs never share all of
them; a copied log (or a copied and renamed one) does. An accuracy log's fingerprint is its size
and its first and last bytes: the responses in completion order, which two runs do not share.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

__all__ = ["file_fingerprint", "run_fingerprint"]

_EDGE_BYTES = 16384


def run_fingerprint(values: dict[str, Any]) -> str | None:
    """A digest of the run's result_* and early_stopping_* values; None when it logged none."""
    picked = {k: v for k, v in values.items()
              if (k.startswith("result_") or k.startswith("early_stopping_")) and v is not None}
    if not any(k.endswith("_ns") for k in picked):
        return None  # no latency figure: too little to tell runs apart
    text = json.dumps(picked, sort_keys=True, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def file_fingerprint(path: str, size: int | None = None) -> str | None:
    """The file's size and a digest of its first and last 16 KiB; None for an empty or
    unreadable file."""
    try:
        size = os.path.getsize(path) if size is None else size
        if not size:
            return None
        with open(path, "rb") as f:
            head = f.read(_EDGE_BYTES)
            if size > 2 * _EDGE_BYTES:
                f.seek(size - _EDGE_BYTES)
            tail = f.read(_EDGE_BYTES)
    except OSError:
        return None
    digest = hashlib.sha1(head + b"\0" + tail).hexdigest()[:20]
    return f"{size}:{digest}"
