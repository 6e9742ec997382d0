"""A short stretch in which a stop (Ctrl-C, SIGTERM, SIGHUP) waits: the making of a temporary
file and the keeping of its name, so that whoever removes it when stopped knows it.

Blocking the signals themselves is not enough: pyarrow's and zlib's threads, which do not block
them, would take a signal meant for the process. So the Python handlers (which always run in
the main thread) are made to wait instead: `deferring(handler)` wraps one, and within `held()` it
notes the signal; the stretch's end then calls the handler, which stops as it would have."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["deferring", "held"]

_depth = 0
_waiting: list[tuple[Callable, int]] = []


def deferring(handler: Callable) -> Callable:
    """`handler`, waiting while a stretch is held."""

    def handle(signum, frame) -> None:
        if _depth:
            _waiting.append((handler, signum))
        else:
            handler(signum, frame)

    return handle


@contextmanager
def held() -> Iterator[None]:
    """Within the block, a stop caught by a `deferring` handler waits; it is raised at the end
    (the first of several). Outside the main thread no handler runs, so nothing is held."""
    global _depth
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _waiting:
            handler, signum = _waiting[0]
            _waiting.clear()
            handler(signum, None)
