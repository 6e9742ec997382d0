"""The runner stopped on the way: Ctrl-C or SIGTERM while LoadGen runs ends with one line and
exit 130 or 143, and leaves nothing: no OUT, no backup, no temporary folder (runner/supervise.py).
Each test starts the installed command as a user does and signals it once LoadGen runs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

EXE = shutil.which("infercheck")
CMD = [EXE] if EXE else [sys.executable, "-m", "infercheck.cli"]


def _default_sigint() -> None:
    # A shell's background job, and some CI runners, start a program with SIGINT ignored: a
    # user's Ctrl-C reaches it, so the test resets it as a terminal would have it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(tmp_path, *args, group=False):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    proc = subprocess.Popen([*CMD, "run", "--out", "X", *args], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint, start_new_session=group)
    return proc, tmpdir


def _wait_for_loadgen(tmp_path, tmpdir, timeout=120.0) -> None:
    """Until a LoadGen run has written its first log in the run's scratch folder."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for dirpath, _, files in os.walk(tmpdir):
            if "mlperf_log_detail.txt" in files and "SingleStream" in dirpath:
                return
        time.sleep(0.1)
    raise AssertionError("LoadGen did not start")


def _left_over(tmp_path, tmpdir) -> list[str]:
    return sorted([*os.listdir(tmp_path), *(f"tmp/{n}" for n in os.listdir(tmpdir))])


@pytest.mark.parametrize("sig,group,status,line", [
    (signal.SIGINT, False, 130, "infercheck: interrupted; no output was left half-written"),
    # Ctrl-C in a terminal signals the whole process group, the run's own process too
    (signal.SIGINT, True, 130, "infercheck: interrupted; no output was left half-written"),
    (signal.SIGTERM, False, 143, "infercheck: stopped by SIGTERM; no output was left half-written"),
])
def test_a_stopped_run_ends_with_one_line_and_leaves_nothing(tmp_path, sig, group, status, line):
    proc, tmpdir = _start(tmp_path, group=group)
    try:
        _wait_for_loadgen(tmp_path, tmpdir)
        time.sleep(0.5)  # inside a LoadGen run
        assert any(n.startswith(".X.infercheck-partial-") for n in os.listdir(tmp_path))
        if group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == status, err[-2000:]
    assert err.splitlines()[-1] == line
    assert "terminate called" not in err and "Traceback" not in err
    assert not (tmp_path / "X").exists()
    # no OUT, no OUT.accuracy-backup, no staged tree beside it, no infercheck-run-* in TMPDIR
    assert _left_over(tmp_path, tmpdir) == ["tmp"]


def test_the_next_run_into_the_same_out_is_not_refused(tmp_path):
    """What an interrupted run used to leave made the next one fail: 'exists and is not empty'."""
    proc, tmpdir = _start(tmp_path)
    try:
        _wait_for_loadgen(tmp_path, tmpdir)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    (tmp_path / "X").mkdir()  # an empty OUT is taken, and replaced by the finished tree
    again = subprocess.run([*CMD, "run", "--out", "X", "--division", "open", "--scenario",
                            "SingleStream"], cwd=tmp_path, capture_output=True, text=True,
                           env={**os.environ, "TMPDIR": str(tmpdir)}, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "exists and is not empty" not in again.stderr
    assert (tmp_path / "X" / "open" / "Demo").is_dir()
    assert sorted(os.listdir(tmp_path)) == ["X", "X.accuracy-backup", "tmp"]
    assert os.listdir(tmpdir) == []
