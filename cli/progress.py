"""The progress line of a long check: on a terminal's stderr only, and only once it has taken a
second, so that short checks, pipes and JSON output stay as they were."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["ProgressLine"]


class ProgressLine:
    """Called as a check's `progress` (systems done, systems in all, results so far)."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None,
                 after_s: float = 1.0, every_s: float = 0.2, label: str = "checking") -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty()) if enabled is None else enabled
        self.after_s, self.every_s = after_s, every_s
        self.label = label
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int, results: int) -> None:
        now = time.monotonic()
        elapsed = now - self.start
        if not self.enabled or elapsed < self.after_s or (now - self.last < self.every_s
                                                          and done < total):
            return
        self.last = now
        rate = results / elapsed if elapsed > 0 else 0.0
        left = elapsed / done * (total - done) if done else 0.0
        self.stream.write(f"\r\x1b[K{self.label}: {done}/{total} systems, {results:,} results, "
                          f"{rate:,.0f} results/s, about {left:.0f} s left")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """Clear the line, so that what follows starts on a clean one."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
