"""SIGTERM and SIGHUP end a command as Ctrl-C does: the same exception unwinds every `with` and
`finally`, so temporary folders (an unpacked archive) and half-written outputs are removed. All
three wait while a temporary file is made and its name kept (stop_hold)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

from infercheck.checker.core.stop_hold import deferring

__all__ = ["Stopped", "stop_on_signals"]

_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """The command was told to stop by a signal other than Ctrl-C's."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_status(self) -> int:
        return 128 + self.signum  # as a shell reports a process a signal ended


def _raise(signum, frame) -> None:
    raise Stopped(signum)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise Stopped, and Ctrl-C KeyboardInterrupt as ever,
    each after a held stretch (stop_hold); a signal the caller ignores (`nohup`) stays ignored.
    The handlers before are put back after (a program that calls the command group, as tests
    do, keeps its own)."""
    before = {}
    try:
        for sig in _SIGNALS:
            if signal.getsignal(sig) is not signal.SIG_IGN:
                before[sig] = signal.signal(sig, deferring(_raise))
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            before[signal.SIGINT] = signal.signal(signal.SIGINT,
                                                  deferring(signal.default_int_handler))
    except ValueError:  # not the main thread: signals go to the main thread's handlers anyway
        pass
    try:
        yield
    finally:
        for sig, handler in before.items():
            # None: a handler not set from Python, which here can only be the default.
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
