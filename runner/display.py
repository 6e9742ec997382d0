"""The runner's progress lines on stderr."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

from .harness import Progress

__all__ = ["Display"]


class Display:
    """Progress on stderr: on a terminal one line per phase, rewritten as queries complete;
    otherwise one line when a phase starts and one with its counts when it ends."""

    def __init__(self, echo: Callable[[str], None] | None) -> None:
        self.echo = echo or (lambda _msg: None)
        self.start = time.perf_counter()
        self.tty = sys.stderr.isatty()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._current: tuple[str, Progress, float] | None = None

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def _line(self, label: str, progress: Progress, since: float) -> str:
        return (f"[{self.elapsed():6.1f} s] {label}: {progress.queries} queries, "
                f"{progress.samples} samples, {time.perf_counter() - since:.1f} s")

    def phase(self, label: str, progress: Progress | None = None) -> None:
        self.end_phase()
        if progress is None:
            self.echo(f"[{self.elapsed():6.1f} s] {label}")
            return
        since = time.perf_counter()
        self._current = (label, progress, since)
        if not self.tty:
            self.echo(f"[{self.elapsed():6.1f} s] {label} ...")
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._tick, args=(label, progress, since), daemon=True)
        self._thread.start()

    def _tick(self, label: str, progress: Progress, since: float) -> None:
        while not self._stop.wait(0.25):
            sys.stderr.write("\r" + self._line(label, progress, since) + "   ")
            sys.stderr.flush()

    def end_phase(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
            sys.stderr.write("\r")
        if self._current is not None:
            self.echo(self._line(*self._current))
            self._current = None
