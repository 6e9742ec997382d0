"""Hostile and broken trees: what a careless or hostile submitter can put in a tree never hangs
the checker, never costs it unbounded memory, never loses a result, and never changes the tree.

Each case breaks one thing in a copy of a real slice and asserts the exact finding, that every
result is still listed, and that the tree is byte for byte what it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time

import pytest

from infercheck.checker import check_tree
from infercheck.checker.core.textfile import SIZE_LIMITS, ParseError, read_bytes, size_limit

from .conftest import corpus, read_site_data, round_of_copies
from .test_broken_trees import error_codes


def _fingerprint(root) -> dict[str, str]:
    """Every entry of the tree: a regular file's SHA-256, else what kind of entry it is."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode):
                digest = hashlib.sha256()
                with open(path, "rb") as f:  # in chunks: a sparse 2 GB file is not read whole
                    while chunk := f.read(1 << 20):
                        digest.update(chunk)
                out[path] = digest.hexdigest()
            else:
                out[path] = f"mode {stat.S_IFMT(st.st_mode):o} size {st.st_size}"
    return out


def _check_unchanged(tree, **kwargs):
    before = _fingerprint(tree.root)
    report = check_tree(str(tree.root), round=tree.round, **kwargs)
    assert _fingerprint(tree.root) == before, "the check changed the tree"
    return report


def _finding(report, code):
    found = [f for f in report.all_findings() if f.code == code]
    assert found, f"no {code} among {sorted({f.code for f in report.all_findings()})}"
    return found[0]


@pytest.fixture
def edge(broken_tree):
    """The v4.1 edge slice (SingleStream, MultiStream, Offline with their audits)."""
    return broken_tree("edge")


def _results(tree) -> int:
    return len(check_tree(str(tree.root), round=tree.round).results)


def test_a_named_pipe_in_place_of_a_detail_log_is_a_finding_not_a_hang(edge):
    count = _results(edge)
    log = edge.perf_log("Offline")
    log.unlink()
    os.mkfifo(log)
    report = _check_unchanged(edge)
    found = _finding(report, "STR016")
    assert found.path == edge.rel(log) and found.found == "named pipe"
    assert len(report.results) == count
    assert error_codes(report, edge.rel(edge.result("Offline"))) >= {"STR016"}


def test_a_named_pipe_with_parallel_jobs_and_round_detection(edge):
    """The round census opens every performance log too: it must not wait on a pipe either."""
    log = edge.perf_log("SingleStream")
    log.unlink()
    os.mkfifo(log)
    before = _fingerprint(edge.root)
    report = check_tree(str(edge.root), jobs=2)
    assert report.round == "v4.1" and "STR016" in error_codes(report)
    assert _fingerprint(edge.root) == before


def test_a_folder_in_place_of_a_summary_is_not_a_regular_file(edge):
    summary = edge.result("Offline") / "performance" / "run_1" / "mlperf_log_summary.txt"
    summary.unlink()
    summary.mkdir()
    report = _check_unchanged(edge)
    found = _finding(report, "STR016")
    assert found.path == edge.rel(summary) and found.found == "folder"
    assert error_codes(report) == {"STR016", "STR023"}  # the folder is empty too


def test_a_2_gb_sparse_detail_log_is_refused_unread(edge):
    log = edge.perf_log("Offline")
    with open(log, "r+b") as f:
        f.truncate(2 << 30)  # sparse: no disk used
    report = _check_unchanged(edge)
    found = _finding(report, "STR017")
    assert found.path == edge.rel(log)
    assert found.found == 2 << 30 and found.expected == f"<= {size_limit(str(log))} bytes"
    assert not report.valid


def test_an_oversized_system_json_is_refused_and_its_results_still_listed(edge):
    count = _results(edge)
    with open(edge.system_json, "r+b") as f:
        f.truncate(SIZE_LIMITS[".json"] + 1)
    report = _check_unchanged(edge)
    assert len(report.results) == count
    assert all("STR017" in {f.code for f in e.findings} or not e.valid for e in report.results)
    assert not any(e.valid for e in report.results)


def test_a_socket_is_not_a_regular_file(tmp_path):
    import socket

    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        with pytest.raises(ParseError) as err:
            read_bytes(str(path))
    assert err.value.kind == "not-a-file" and err.value.reason == "socket"


def test_a_character_device_is_not_read():
    with pytest.raises(ParseError) as err:
        read_bytes("/dev/zero")
    assert err.value.kind == "not-a-file" and err.value.reason == "character device"


def test_the_size_bounds_follow_the_kind_of_file():
    assert size_limit("a/mlperf_log_summary.txt") == 1 << 20
    assert size_limit("a/systems/x.json") == 16 << 20
    assert size_limit("a/mlperf_log_accuracy.json") == 64 << 20
    assert size_limit("a/mlperf_log_detail.txt") == 64 << 20


def test_a_system_json_nested_200000_deep_is_invalid_json_and_loses_no_result(edge):
    count = _results(edge)
    edge.system_json.write_text("[" * 200_000 + "]" * 200_000, "utf-8")
    report = _check_unchanged(edge)
    assert len(report.results) == count and not report.crashed
    found = _finding(report, "STR005")
    assert found.path == edge.rel(edge.system_json) and "nested too deeply" in found.message
    assert not any(e.valid for e in report.results)


def test_nan_in_a_detail_log_is_malformed_not_a_silent_pass(edge):
    """A NaN latency would compare false with every bound."""
    log = edge.perf_log("SingleStream")
    key = '"key": "result_90.00_percentile_latency_ns", "value": '
    text = log.read_text("utf-8")
    start = text.index(key) + len(key)
    end = text.index(",", start)
    log.write_text(text[:start] + "NaN" + text[end:], "utf-8")
    report = _check_unchanged(edge)
    found = _finding(report, "STR004")
    assert found.path == edge.rel(log) and "NaN is not a JSON number" in found.message
    assert not report.valid and not report.crashed


def test_a_fault_of_the_checker_on_a_system_still_lists_its_results(edge, monkeypatch):
    from infercheck.checker.inference import engine

    count = _results(edge)

    def fault(task):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(engine, "_check_system_unguarded", fault)
    report = _check_unchanged(edge)
    assert len(report.results) == count and report.crashed
    assert all(not e.valid and [f.code for f in e.findings] == ["INT001"] for e in report.results)


def test_a_detail_log_that_is_a_link_loop_is_unreadable_and_a_broken_link(edge):
    log = edge.perf_log("Offline")
    log.unlink()
    os.symlink(log.name, log)  # points at itself
    report = _check_unchanged(edge)
    unreadable = _finding(report, "STR012")
    assert unreadable.path == edge.rel(log) and "symbolic links" in unreadable.message
    assert _finding(report, "STR007").path == edge.rel(log)
    assert len(report.results) == _results(edge)


def test_ctrl_c_ends_a_check_with_one_line_exit_130_and_no_half_written_output(tmp_path):
    tree = round_of_copies(corpus("inference-v2.1"), tmp_path / "tree", 12)
    out = tmp_path / "report.json"
    out.write_text("an earlier report\n", "utf-8")
    # SIGINT as a terminal leaves it: a shell's background job (a test run with "&") has it
    # ignored, and the check would inherit that.
    proc = subprocess.Popen([sys.executable, "-m", "infercheck.cli", "check", str(tree), "-q",
                             "--jobs", "2", "--json", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # Interrupted once its two worker processes run (a signal that lands in a fork's own
    # handlers is lost, as Python ignores exceptions there); its output cannot tell when
    # that is, block-buffered into the pipe. The check goes on for seconds more.
    children = f"/proc/{proc.pid}/task/{proc.pid}/children"
    deadline = time.monotonic() + 60
    while proc.poll() is None and len(open(children).read().split()) < 2:
        assert time.monotonic() < deadline, "the check never started its workers"
        time.sleep(0.01)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, (stdout[-500:], stderr[-2000:])
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines() == ["infercheck: interrupted; no output was left half-written"]
    assert out.read_text("utf-8") == "an earlier report\n"
    assert [p.name for p in tmp_path.iterdir() if ".part-" in p.name] == []


def test_outputs_are_renamed_into_place_only_when_complete(tmp_path, monkeypatch):
    from infercheck.checker.core import outputs

    report = check_tree(str(corpus("inference-v2.1")), round="v2.1")
    target = tmp_path / "summary.json"
    target.write_text("complete earlier file\n", "utf-8")

    def dump_then_fail(obj, f, **kw):
        f.write('{"half": ')
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs.json, "dump", dump_then_fail)
    with pytest.raises(KeyboardInterrupt):
        outputs.write_json(report, str(target))
    assert target.read_text("utf-8") == "complete earlier file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


def test_two_checks_of_one_tree_at_once_agree_and_leave_it_unchanged(edge, tmp_path):
    before = _fingerprint(edge.root)
    cmd = [sys.executable, "-m", "infercheck.cli", "check", str(edge.root), "-q", "--json"]
    procs = [subprocess.Popen([*cmd, str(tmp_path / f"r{i}.json")], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for i in range(2)]
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0, 0], [p.stderr.read() for p in procs]
    first, second = ((tmp_path / f"r{i}.json").read_text("utf-8") for i in range(2))
    assert first == second
    assert _fingerprint(edge.root) == before


def test_a_result_folder_named_with_a_newline_or_a_leading_dash_is_judged_not_lost(edge):
    count = _results(edge)
    offline, multistream = edge.result("Offline"), edge.result("MultiStream")
    offline.rename(offline.with_name("Off\nline"))
    multistream.rename(multistream.with_name("-MultiStream"))
    report = _check_unchanged(edge)
    # Neither is a scenario name: each is a finding about the tree, and the rest still checked.
    odd = {f.found for f in report.findings if f.code == "STR010"}
    assert odd == {"Off\nline", "-MultiStream"}
    assert len(report.results) == count - 2
    assert "STR011" in error_codes(report)  # the benchmark now lacks required scenarios


def test_a_newline_in_a_folder_name_is_escaped_in_the_printed_lines(edge):
    from click.testing import CliRunner

    from infercheck.cli import main

    offline = edge.result("Offline")
    offline.rename(offline.with_name("Off\nline"))
    out = CliRunner().invoke(main, ["check", str(edge.root), "-q"]).output
    (line,) = [x for x in out.splitlines() if "STR010" in x]
    assert line.startswith("ERROR   STR010") and "/Off\\nline" in line


# --- filesystem -------------------------------------------------------------------------------


def test_a_link_to_a_file_outside_the_tree_is_refused_and_the_file_untouched(edge, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    log = edge.perf_log("Offline")
    shutil.copy(log, outside)
    kept = outside.read_bytes()
    log.unlink()
    log.symlink_to(outside)
    report = _check_unchanged(edge)
    found = _finding(report, "STR006")
    assert found.path == edge.rel(log) and found.found == str(outside)
    assert error_codes(report, edge.rel(edge.result("Offline"))) >= {"STR006"}
    assert outside.read_bytes() == kept


def test_a_result_folder_linked_out_of_the_tree_is_refused_not_walked(edge, tmp_path):
    offline = edge.result("Offline")
    away = tmp_path / "away"
    shutil.move(offline, away)
    offline.symlink_to(away, target_is_directory=True)
    report = _check_unchanged(edge)
    assert _finding(report, "STR006").path == edge.rel(offline)
    assert not report.valid


def _check_as_nobody(tree) -> dict:
    """The check of `tree` by an unprivileged user, where the tests run as root (root reads
    every file whatever its mode): in a forked child that drops to `nobody` before checking."""
    import json

    def check() -> dict:
        report = check_tree(str(tree.root), round=tree.round, jobs=1)
        return {"crashed": report.crashed, "results": [
            {"path": e.result, "valid": e.valid, "codes": sorted({(f.code, f.path or "")
                                                                for f in e.findings})}
            for e in report.results]}

    if os.geteuid() != 0:
        return check()
    import pwd

    nobody = pwd.getpwnam("nobody")
    for path in [tree.root, *tree.root.parents]:
        if str(path) in ("/", "/tmp"):
            break
        path.chmod(path.stat().st_mode | 0o005)  # the folders leading to the tree: traversable
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            with os.fdopen(write, "w") as out:
                try:
                    result = check()
                except BaseException:
                    import traceback

                    result = {"fault": traceback.format_exc()}
                json.dump(result, out)
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as f:
        text = f.read()
    os.waitpid(pid, 0)
    assert text, "the unprivileged check wrote nothing"
    result = json.loads(text)
    assert "fault" not in result, result.get("fault")
    return result


def test_an_unreadable_detail_log_is_a_finding(edge):
    count = _results(edge)
    log = edge.perf_log("Offline")
    log.chmod(0)
    before = _fingerprint(edge.root)
    report = _check_as_nobody(edge)
    assert not report["crashed"] and len(report["results"]) == count
    by_path = {r["path"]: r for r in report["results"]}
    offline = by_path[edge.rel(edge.result("Offline"))]
    assert ["STR012", edge.rel(log)] in offline["codes"] and not offline["valid"]
    assert _fingerprint(edge.root) == before


def test_an_unreadable_result_folder_is_a_finding_and_its_siblings_are_checked(edge):
    offline = edge.result("Offline")
    offline.chmod(0)
    report = _check_as_nobody(edge)
    offline.chmod(0o755)
    assert not report["crashed"]
    by_path = {r["path"]: r for r in report["results"]}
    assert not by_path[edge.rel(offline)]["valid"], by_path[edge.rel(offline)]
    print(by_path[edge.rel(offline)])
    assert by_path[edge.rel(edge.result("SingleStream"))]["valid"]


def test_non_utf8_bytes_in_a_folder_name_reach_every_output_escaped(edge, tmp_path):
    """A name Linux allows and UTF-8 cannot spell (the system's folders and description): the
    text, JSON, CSV and Parquet outputs all carry it, the byte written \\xff, and the site is
    built from them."""
    odd = os.fsdecode(os.fsencode(edge.system) + b"\xff")
    for part in ("results", "measurements", "compliance"):
        os.rename(edge.sub / part / edge.system, edge.sub / part / odd)
    os.rename(edge.system_json, edge.sub / "systems" / f"{odd}.json")
    for path in (edge.sub / "measurements" / odd).rglob(f"{edge.system}*.json"):
        path.rename(path.with_name(odd + path.name[len(edge.system):]))
    out = tmp_path / "out"
    out.mkdir()
    cmd = [sys.executable, "-m", "infercheck.cli", "check", str(edge.root), "--json",
           str(out / "r.json"), "--csv", str(out / "s.csv"), "--parquet", str(out / "t.parquet")]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    shown = edge.system + "\\xff"
    assert f"/{shown}/" in done.stdout
    import json

    import pandas as pd

    report = json.loads((out / "r.json").read_text("utf-8"))
    assert all(f"/{shown}/" in r["result"] for r in report["results"])
    assert f",{shown}," in (out / "s.csv").read_text("utf-8")
    assert (pd.read_parquet(out / "t.parquet")["system"] == shown).all()
    site = subprocess.run([sys.executable, "-m", "infercheck.cli", "report", str(out / "t.parquet"),
                           "--out", str(tmp_path / "site")], capture_output=True, text=True)
    assert site.returncode == 0, site.stderr[-2000:]
    systems = read_site_data(tmp_path / "site")["systems"]
    assert {s["system"] for s in systems} == {shown}


# --- content ----------------------------------------------------------------------------------


def test_a_key_named_twice_in_a_system_json_is_a_warning_the_last_counts(edge):
    """Published so (v5.1 measurements JSON): Python's json, and so the official checker, take
    the last value; so does infercheck, and it says so where the key stands."""
    text = edge.system_json.read_text("utf-8")
    assert text.count('"division"') == 1
    edge.system_json.write_text(text.replace('"division"', '"division": "open",\n  "division"', 1),
                                "utf-8")
    report = _check_unchanged(edge)
    found = _finding(report, "STR018")
    assert found.severity == "warning" and found.path == edge.rel(edge.system_json)
    assert "duplicate key 'division' (values \"open\" and \"closed\")" in found.message
    assert found.locator == f"line {text[: text.index(chr(34) + 'division')].count(chr(10)) + 2}"
    assert report.valid  # "closed", the last, is the folder's division


def test_a_key_named_twice_in_a_detail_log_value_is_malformed(edge):
    log = edge.perf_log("Offline")
    text = log.read_text("utf-8")
    key = '"key": "result_samples_per_second", "value": '
    start = text.index(key) + len(key)
    end = text.index(",", start)
    log.write_text(text[:start] + '{"a": 1, "a": 2}' + text[end:], "utf-8")
    report = _check_unchanged(edge)
    assert "duplicate key 'a'" in _finding(report, "STR004").message


def test_a_number_beyond_float_range_in_a_detail_log_is_malformed(edge):
    """1e999 decodes to infinity in Python: an infinite throughput would pass every bound."""
    log = edge.perf_log("Offline")
    key = '"key": "result_samples_per_second", "value": '
    text = log.read_text("utf-8")
    start = text.index(key) + len(key)
    log.write_text(text[:start] + "1e999" + text[text.index(",", start):], "utf-8")
    report = _check_unchanged(edge)
    found = _finding(report, "STR004")
    assert found.path == edge.rel(log) and "beyond the range of a number" in found.message
    assert not report.crashed


def test_a_number_of_a_million_digits_is_refused_not_a_fault(edge):
    """Python's int() refuses more than 4,300 digits with a ValueError from inside the decoder."""
    text = edge.system_json.read_text("utf-8")
    edge.system_json.write_text(text.replace("{", '{"x": ' + "7" * 1_000_000 + ",", 1), "utf-8")
    report = _check_unchanged(edge)
    assert "a number of 1000000 digits" in _finding(report, "STR005").message
    assert not report.crashed


def test_a_system_json_that_is_a_list_is_a_finding_not_a_fault(edge):
    count = _results(edge)
    edge.system_json.write_text('["system_name", "division"]', "utf-8")
    report = _check_unchanged(edge)
    assert not report.crashed and len(report.results) == count
    assert not any(e.valid for e in report.results)


def test_wrong_types_in_a_system_json_are_findings_not_faults(edge):
    edge.edit_json(edge.system_json, number_of_nodes={"two": 2}, system_name=["a", "b"],
                   accelerators_per_node=[1], division=7)
    report = _check_unchanged(edge)
    assert not report.crashed
    assert not any(e.valid for e in report.results)


def test_a_utf16_system_json_is_not_utf8_with_the_line(edge):
    text = edge.system_json.read_text("utf-8")
    edge.system_json.write_bytes(text.encode("utf-16"))
    report = _check_unchanged(edge)
    found = _finding(report, "STR003")
    assert found.path == edge.rel(edge.system_json) and found.locator == "line 1"


def test_invalid_utf8_deep_in_a_detail_log_is_found_at_its_line(edge):
    log = edge.perf_log("SingleStream")
    data = log.read_bytes()
    lines = data.split(b"\n")
    lines[40] = lines[40][:10] + b"\xc3\x28" + lines[40][10:]
    log.write_bytes(b"\n".join(lines))
    report = _check_unchanged(edge)
    found = _finding(report, "STR003")
    assert found.path == edge.rel(log) and found.locator == "line 41"


def test_a_detail_log_of_one_60_mb_line_is_a_finding_in_bounded_memory(edge):
    log = edge.perf_log("Offline")
    log.write_bytes(b'x' * (60 << 20))
    # VmHWM, not ru_maxrss: Linux counts in a child's ru_maxrss the memory of the process it
    # was forked from (pytest's) up to its exec.
    code = ("import re, sys\nfrom infercheck.checker import check_tree\n"
            "r = check_tree(sys.argv[1], round='v4.1')\n"
            "print(sorted({f.code for f in r.all_findings()}), len(r.results))\n"
            "status = open('/proc/self/status').read()\n"
            "print(int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)) // 1024)\n")
    done = subprocess.run([sys.executable, "-c", code, str(edge.root)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    codes, peak = done.stdout.splitlines()
    assert "STR004" in codes
    # the 60 MB are read once; no copy of them per line, per key or per decoding
    assert int(peak) < 60 + 200, f"{peak} MB"


def test_a_measurements_json_past_its_bound_is_refused_unread(edge):
    found_one = sorted((edge.sub / "measurements").rglob("*.json"))
    assert found_one
    path = found_one[0]
    with open(path, "r+b") as f:
        f.truncate(SIZE_LIMITS[".json"] + 1)
    report = _check_unchanged(edge)
    found = _finding(report, "STR017")
    assert found.path == edge.rel(path) and found.found == SIZE_LIMITS[".json"] + 1
    assert not report.valid


def test_nul_bytes_in_an_accuracy_report_are_a_finding(edge):
    report_file = edge.result("Offline") / "accuracy" / "accuracy.txt"
    report_file.write_bytes(b"\x00" * 4096)
    report = _check_unchanged(edge)
    assert not report.crashed
    assert error_codes(report, edge.rel(edge.result("Offline")))


# --- outputs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--json", "--csv", "--parquet"])
def test_an_output_into_a_missing_folder_or_onto_a_folder_is_a_usage_error(edge, tmp_path,
                                                                           option):
    from click.testing import CliRunner

    from infercheck.cli import main

    for target in (tmp_path / "no" / "such" / "out", tmp_path):
        done = CliRunner().invoke(main, ["check", str(edge.root), "-q", option, str(target)])
        assert done.exit_code == 2, (option, target, done.output)
        assert "Traceback" not in done.output
    assert not (tmp_path / "no").exists()
