"""A run that Ctrl-C can stop: LoadGen in a child process, OUT written under a temporary name.

LoadGen cannot be stopped from inside: its issue loop runs on the thread that called StartTest
and calls back into Python, so a KeyboardInterrupt raised there unwinds through C++ with
LoadGen's threads still running ("terminate called without an active exception", exit 134, or a
segfault), and no `finally` runs. So the whole run happens in a child process that ignores
Ctrl-C, SIGTERM and SIGHUP and dies with its parent; the parent waits for it, and on Ctrl-C or
a stop signal kills it (SIGKILL: nothing of the child is kept) and removes everything the run
made. The tree and its accuracy-log backup are written under temporary names beside OUT and
renamed onto OUT and OUT.accuracy-backup only when complete, with the stop signals held for
those two renames: OUT is either absent (or as empty as it was) or complete.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import signal
import struct
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import replace

from infercheck.checker.core.stop_hold import held
from infercheck.checker.core.textfile import missing_folders

from .pipeline import RunError, RunOptions, RunSummary, default_backup, prepare, run_submission

__all__ = ["RunFault", "run_supervised"]

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
PARTIAL = ".infercheck-partial-"  # in the temporary names beside OUT


class RunFault(Exception):
    """The run's process failed (a fault of ours or of LoadGen's, not the user's)."""


def _send(fd: int, message: tuple) -> None:
    data = pickle.dumps(message)
    os.write(fd, struct.pack("!I", len(data)))
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _receive(fd: int) -> tuple | None:
    head = _read_exact(fd, 4)
    if head is None:
        return None
    data = _read_exact(fd, struct.unpack("!I", head)[0])
    return None if data is None else pickle.loads(data)


def _die_with_parent() -> None:
    """Linux: the kernel kills this process when its parent dies (even by SIGKILL)."""
    try:
        import ctypes  # a C call on Linux only, in the child

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _child(opts: RunOptions, fd: int, parent: int) -> None:
    """The child's whole life: run, send the outcome, exit without unwinding the parent's stack."""
    status = 0
    try:
        _die_with_parent()
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)
        summary = run_submission(opts, echo=lambda msg: _send(fd, ("echo", msg)))
        _send(fd, ("done", summary))
    except RunError as exc:
        _send(fd, ("usage", str(exc)))
    except OSError as exc:  # a file that cannot be written: the user's to mend, as in the parent
        _send(fd, ("oserror", (exc.errno, exc.strerror or str(exc), exc.filename)))
    except BaseException as exc:  # noqa: BLE001 - everything goes to the parent, as text
        status = 1
        with contextlib.suppress(BaseException):
            _send(fd, ("fault", f"{type(exc).__name__}: {exc}\n"
                                f"{''.join(traceback.format_exception(exc)[-3:])}"))
    finally:
        with contextlib.suppress(BaseException):
            os.close(fd)
        os._exit(status)


def _temporary_beside(path: str) -> str:
    path = os.path.abspath(path).rstrip(os.sep)
    return tempfile.mkdtemp(prefix=f".{os.path.basename(path)}{PARTIAL}",
                            dir=os.path.dirname(path))


def _move_into_place(staged: str, final: str) -> None:
    """Rename a finished folder onto its name (an empty folder there is replaced)."""
    if os.path.isdir(final) and not os.path.islink(final) and not os.listdir(final):
        os.rmdir(final)
    os.rename(staged, final)


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _exit_text(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.WEXITSTATUS(status)}"


def run_supervised(opts: RunOptions, echo: Callable[[str], None]) -> RunSummary:
    """run_submission in a child process, OUT written under a temporary name (module docstring).
    Raises RunError for a usage problem, RunFault when the child fails, and KeyboardInterrupt
    (or the CLI's Stopped) unchanged, after removing everything the run made."""
    prepare(opts)  # usage errors before anything is made
    out = os.path.abspath(opts.out).rstrip(os.sep)
    made: list[str] = []  # removed at the end, whatever happens
    on_failure: list[str] = []  # removed unless the run succeeds
    pid = read_fd = write_fd = None
    try:
        if parents := missing_folders(os.path.dirname(out)):
            os.makedirs(os.path.dirname(out))
            on_failure.append(parents[-1])  # the topmost made here, removed on failure
        # A stop waits until each folder's name is kept, for the cleaning below.
        with held():
            tree = _temporary_beside(out)
            made.append(tree)
            backup = _temporary_beside(default_backup(out))
            made.append(backup)
            scratch = tempfile.mkdtemp(prefix="infercheck-run-")
            made.append(scratch)
        staged = replace(opts, tree=tree, backup=backup, scratch=scratch)
        read_fd, write_fd = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        # The child must never run the parent's handlers: signals wait until it ignores them.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            parent = os.getpid()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child, which never returns
                try:
                    for sig in _STOP_SIGNALS:
                        signal.signal(sig, signal.SIG_IGN)
                    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                    os.close(read_fd)
                    _child(staged, write_fd, parent)
                finally:
                    os._exit(1)  # never the parent's code, whatever happened
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.close(write_fd)
        write_fd = None
        outcome = None
        while (message := _receive(read_fd)) is not None:
            if message[0] == "echo":
                echo(message[1])
            else:
                outcome = message
        _, status = os.waitpid(pid, 0)
        pid = None
        if outcome is None:
            raise RunFault(f"the run's process ended unexpectedly ({_exit_text(status)})")
        kind, value = outcome
        if kind == "usage":
            raise RunError(value)
        if kind == "oserror":
            raise OSError(*value)
        if kind == "fault":
            raise RunFault(value)
        # Both renames or neither: a stop signal here waits until they are made.
        # (Blocking the signals alone would not do: a thread of a library may take them.)
        with held():
            _move_into_place(backup, default_backup(out))
            _move_into_place(tree, out)
            on_failure.clear()
        return value
    except BaseException:
        if pid is not None:
            _stop(pid)
        made += on_failure
        raise
    finally:
        # A second Ctrl-C must not leave the cleaning half done: it waits until the end.
        with held():
            for fd in (read_fd, write_fd):
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            for path in made:
                if os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
