"""`infercheck truncate` killed at any moment (kill -9): no result is ever half-done, no byte of
an original is lost, the backup is complete and verified before the tree is touched, and running
it again finishes. Part of the adversarial suite (test_hostile.py holds the checker's cases)."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from infercheck.cli import main
from infercheck.runner import truncate as trunc

from .conftest import corpus

RESULTS = "closed/X/results/sys"
# Each result's accuracy folder, and the size of its full log (0: already truncated).
FOLDERS = {
    f"{RESULTS}/resnet/Offline/accuracy": 300_000,
    f"{RESULTS}/resnet/Offline/TEST01/accuracy": 120_000,
    f"{RESULTS}/resnet/SingleStream/accuracy": 2_000,  # small: gains its hash, stays whole
    f"{RESULTS}/bert/Offline/accuracy": 0,
}
REPORT_TEXT = b"accuracy=76.100%, good=761, total=1000\n"


@functools.cache
def _log(size: int, seed: int) -> bytes:
    line = b'{ "seq_id" : %d, "qsl_idx" : %d, "data" : "%08X" },\n'
    body = b"".join(line % (i, i, (i * 2654435761 + seed) & 0xFFFFFFFF) for i in range(size // 40))
    return b"[\n" + body[: size - 4] + b"\n]\n"


def _make_tree(root, folders=FOLDERS) -> dict[str, dict[str, bytes]]:
    """The tree, and what each of its accuracy folders holds before."""
    before = {}
    for n, (folder, size) in enumerate(folders.items()):
        path = root / folder
        path.mkdir(parents=True)
        files = {"mlperf_log_detail.txt": b':::MLLOG {"key": "result_validity"}\n' * (n + 1)}
        if size:
            files["mlperf_log_accuracy.json"] = _log(size, n)
            files["accuracy.txt"] = REPORT_TEXT
        else:
            small = _log(4000, n)
            files["mlperf_log_accuracy.json"] = small
            files["accuracy.txt"] = REPORT_TEXT + b"\nhash=%s\n" % _sha(small).encode()
        for name, data in files.items():
            (path / name).write_bytes(data)
        before[folder] = files
    return before


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _truncated(files: dict[str, bytes]) -> dict[str, bytes]:
    """What a folder holds once truncated."""
    log, report = files["mlperf_log_accuracy.json"], files["accuracy.txt"]
    if b"hash=" in report:
        return files
    done = dict(files, **{"accuracy.txt": report + b"\nhash=%s\n" % _sha(log).encode()})
    if len(log) > trunc.LIMIT:
        done["mlperf_log_accuracy.json"] = log[:4096] + b"\n\n...\n\n" + log[-4096:]
    return done


def _state(root) -> dict[str, dict[str, bytes]]:
    """Every file of the tree, grouped by folder (a stray file shows up as an unknown folder)."""
    out: dict[str, dict[str, bytes]] = {}
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
            out.setdefault(rel, {})[name] = (root / rel / name).read_bytes()
    return out


def _assert_each_result_whole(root, backup, before, half_done_allowed=False):
    """Each folder as it was or truncated; every truncated log's original in the backup."""
    state = _state(root)
    assert set(state) == set(before), f"stray folders in the tree: {set(state) - set(before)}"
    truncated = 0
    for folder, files in before.items():
        now = state[folder]
        if now == _truncated(files) and now != files:
            truncated += 1
            kept = backup / folder / "mlperf_log_accuracy.json"
            assert kept.read_bytes() == files["mlperf_log_accuracy.json"], f"{folder}: backup"
        elif half_done_allowed and now == dict(files, **{"accuracy.txt": _truncated(files)[
                "accuracy.txt"]}):
            pass
        else:
            assert now == files, f"{folder} is neither as it was nor truncated"
    return truncated


KILLER = """
import os, signal, sys
from infercheck.runner import truncate as t
if sys.argv[4] == "no-exchange":
    t._exchange = lambda a, b: False
left = int(sys.argv[3])
def step(name):
    global left
    left -= 1
    if left < 0:
        os.kill(os.getpid(), signal.SIGKILL)
t.truncate_tree(sys.argv[1], sys.argv[2], step=step)
"""


def _steps(tmp_path, mode: str) -> list[str]:
    root = tmp_path / "dry"
    _make_tree(root)
    seen: list[str] = []
    if mode == "no-exchange":
        real = trunc._exchange
        trunc._exchange = lambda a, b: False
    try:
        trunc.truncate_tree(str(root), str(tmp_path / "dry.backup"), step=seen.append)
    finally:
        if mode == "no-exchange":
            trunc._exchange = real
    return seen


@pytest.mark.parametrize("mode", ["exchange", "no-exchange"])
def test_a_kill_9_after_any_step_leaves_every_result_whole_and_a_rerun_finishes(tmp_path, mode):
    steps = _steps(tmp_path, mode)
    # 3 backups, 3 staged folders, then 3 exchanges (or 5 renames: 3 hashes, 2 cut logs)
    assert len(steps) == (9 if mode == "exchange" else 11), steps
    for n in range(len(steps)):
        root, backup = tmp_path / f"t{n}", tmp_path / f"t{n}.backup"
        before = _make_tree(root)
        killed = subprocess.run([sys.executable, "-c", KILLER, str(root), str(backup), str(n),
                                 mode], capture_output=True, text=True)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        done = _assert_each_result_whole(root, backup, before,
                                         half_done_allowed=mode == "no-exchange")
        commits = sum(1 for s in steps[: n + 1] if s.startswith("exchange"))
        if mode == "exchange":
            assert done == commits, f"after {steps[n]!r}"
        result = CliRunner().invoke(main, ["truncate", str(root), "--backup", str(backup)])
        assert result.exit_code == 0, result.output
        assert _state(root) == {f: _truncated(files) for f, files in before.items()}
        assert not (backup / trunc.STAGING).exists()
        assert _assert_each_result_whole(root, backup, before) == 3


def test_a_kill_9_at_random_moments_of_the_real_command(tmp_path):
    """The command as a user runs it, killed by the clock rather than at a step boundary."""
    big = dict(FOLDERS, **{f"{RESULTS}/ssd/Offline/accuracy": 8_000_000,
                           f"{RESULTS}/ssd/Server/accuracy": 8_000_000})
    cmd = [sys.executable, "-m", "infercheck.cli", "truncate"]
    start = time.monotonic()
    subprocess.run(cmd + ["--help"], check=True, capture_output=True)
    ready = time.monotonic() - start  # the interpreter's start and imports: nothing to kill yet
    probe = tmp_path / "probe"
    _make_tree(probe, big)
    start = time.monotonic()
    subprocess.run(cmd + [str(probe)], check=True, capture_output=True)
    work = max(time.monotonic() - start - ready, 0.05)
    for n, fraction in enumerate((0.1, 0.3, 0.5, 0.7, 0.85, 1.0)):
        root = tmp_path / f"r{n}"
        before = _make_tree(root, big)
        proc = subprocess.Popen(cmd + [str(root)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(ready + work * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        backup = tmp_path / f"r{n}.accuracy-backup"
        _assert_each_result_whole(root, backup, before)
        assert CliRunner().invoke(main, ["truncate", str(root)]).exit_code == 0
        assert _assert_each_result_whole(root, backup, before) == 5


def test_running_it_twice_is_harmless(tmp_path):
    root = tmp_path / "tree"
    before = _make_tree(root)
    first = CliRunner().invoke(main, ["truncate", str(root)])
    assert first.exit_code == 0 and "3 accuracy logs truncated" in first.output
    after = _state(root)
    backup = _state(tmp_path / "tree.accuracy-backup")
    second = CliRunner().invoke(main, ["truncate", str(root)])
    assert second.exit_code == 0
    assert second.output.splitlines()[-1] == (
        f"0 accuracy logs truncated; 4 already were (their accuracy.txt holds the log's hash), "
        f"left as they are; originals in {tmp_path / 'tree.accuracy-backup'}")
    assert _state(root) == after == {f: _truncated(files) for f, files in before.items()}
    assert _state(tmp_path / "tree.accuracy-backup") == backup


def test_the_other_files_of_a_folder_are_the_same_files_after(tmp_path):
    """The folder is rebuilt, its other files hard-linked: not copied, not rewritten."""
    root = tmp_path / "tree"
    _make_tree(root)
    detail = root / f"{RESULTS}/resnet/Offline/accuracy/mlperf_log_detail.txt"
    inode = detail.stat().st_ino
    assert CliRunner().invoke(main, ["truncate", str(root)]).exit_code == 0
    assert detail.stat().st_ino == inode


def test_a_link_in_place_of_a_log_stops_it_before_anything_is_written(tmp_path):
    root = tmp_path / "tree"
    before = _make_tree(root)
    outside = tmp_path / "outside.json"
    outside.write_bytes(_log(50_000, 9))
    log = root / f"{RESULTS}/resnet/Offline/TEST01/accuracy/mlperf_log_accuracy.json"
    log.unlink()
    log.symlink_to(outside)
    result = CliRunner().invoke(main, ["truncate", str(root)])
    assert result.exit_code == 1
    assert "TEST01/accuracy/mlperf_log_accuracy.json: a symbolic link" in result.output
    assert "Nothing was changed." in result.output
    assert outside.read_bytes() == _log(50_000, 9)
    state = _state(root)
    for folder, files in before.items():
        if "TEST01" not in folder:
            assert state[folder] == files


def test_a_hash_that_is_not_the_logs_stops_it(tmp_path):
    root = tmp_path / "tree"
    before = _make_tree(root)
    report = root / f"{RESULTS}/resnet/Offline/accuracy/accuracy.txt"
    report.write_bytes(REPORT_TEXT + b"\nhash=" + b"0" * 64 + b"\n")
    result = CliRunner().invoke(main, ["truncate", str(root)])
    assert result.exit_code == 1 and "the log changed after its hash was written" in result.output
    assert _state(root)[f"{RESULTS}/resnet/SingleStream/accuracy"] == \
        before[f"{RESULTS}/resnet/SingleStream/accuracy"]


def test_a_backup_holding_another_file_is_never_overwritten(tmp_path):
    root, backup = tmp_path / "tree", tmp_path / "b"
    _make_tree(root)
    kept = backup / f"{RESULTS}/resnet/Offline/accuracy/mlperf_log_accuracy.json"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"an earlier, different log")
    result = CliRunner().invoke(main, ["truncate", str(root), "--backup", str(backup)])
    assert result.exit_code == 1 and "already holds a different file" in result.output
    assert kept.read_bytes() == b"an earlier, different log"


def test_a_half_done_folder_of_another_tool_is_finished_not_hashed_twice(tmp_path):
    """A tool that replaces files one by one, killed between them: hash written, log whole."""
    root = tmp_path / "tree"
    before = _make_tree(root)
    folder = f"{RESULTS}/resnet/Offline/accuracy"
    (root / folder / "accuracy.txt").write_bytes(_truncated(before[folder])["accuracy.txt"])
    result = CliRunner().invoke(main, ["truncate", str(root)])
    assert result.exit_code == 0 and f"finished truncating {folder}/" in result.output
    assert _state(root)[folder] == _truncated(before[folder])


def test_two_truncations_of_one_tree_at_once_the_second_is_refused(tmp_path):
    root, backup = tmp_path / "tree", tmp_path / "b"
    before = _make_tree(root)
    backup.mkdir()
    fd = os.open(backup, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = CliRunner().invoke(main, ["truncate", str(root), "--backup", str(backup)])
    finally:
        os.close(fd)
    assert result.exit_code == 2 and "another `infercheck truncate` is using" in result.output
    assert _state(root) == before


def test_a_backup_on_another_filesystem_stages_beside_the_folder_and_leaves_nothing(tmp_path):
    shm = "/dev/shm"
    if not os.path.isdir(shm) or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second filesystem here")
    root = tmp_path / "tree"
    before = _make_tree(root)
    backup = os.path.join(shm, f"infercheck-test-{os.getpid()}")
    try:
        result = CliRunner().invoke(main, ["truncate", str(root), "--backup", backup])
        assert result.exit_code == 0, result.output
        assert _state(root) == {f: _truncated(files) for f, files in before.items()}
        assert open(os.path.join(backup, f"{RESULTS}/resnet/Offline/accuracy",
                                 "mlperf_log_accuracy.json"), "rb").read() == \
            before[f"{RESULTS}/resnet/Offline/accuracy"]["mlperf_log_accuracy.json"]
    finally:
        shutil.rmtree(backup, ignore_errors=True)


def test_a_published_tree_is_left_as_it_is_with_no_backup_folder_made(tmp_path):
    # Published trees were truncated by their submitters: nothing to keep, so no empty backup
    # folder (nor its missing parents) is left behind, and the line says why nothing was done.
    root = tmp_path / "tree"
    shutil.copytree(corpus("automotive-v0.5"), root)
    backup = tmp_path / "kept" / "originals"
    out = CliRunner().invoke(main, ["truncate", str(root), "--backup", str(backup)])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines() == [
        "0 accuracy logs truncated; 11 already were (their accuracy.txt holds the log's hash), "
        "left as they are; nothing was written"]
    assert sorted(os.listdir(tmp_path)) == ["tree"]
