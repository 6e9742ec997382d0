"""Work bounded by what is read: a sparse archive member, a detail log of many error lines and a
system name of 200 kB cost time in their bytes, not in their holes or quadratically; and a zip
whose members carry no file type is read as the files it holds.

Each case drives `infercheck` as a user would and asserts the exact outcome; the unit tests
assert what bounds the work (holes never read, each newline counted once, the same matches as
the former pattern). How the time grows is measured by benchmarks/bench_hostile.py."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import tarfile
import zipfile

import pandas as pd
import pytest
from click.testing import CliRunner

from infercheck.checker.audit.audit import _named_counts, _words_before_counts
from infercheck.checker.core import archive
from infercheck.checker.core.loadgen_log import parse_detail_log
from infercheck.checker.suites import check_tree
from infercheck.cli import main

from .conftest import Tree

TIB = 1 << 40


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _report(report) -> dict:
    d = report.to_dict()
    d.pop("root")
    return d


def _sparse_file(path, size: int, data: dict[int, bytes]) -> None:
    """A file of `size` bytes that holds `data` at its offsets and holes elsewhere (no disk)."""
    with open(path, "wb") as f:
        f.truncate(size)
        for offset, chunk in data.items():
            f.seek(offset)
            f.write(chunk)


def _gnu_tar(archive_path, root, *names) -> None:
    """An archive as GNU tar --sparse writes it: a sparse file's holes are not stored."""
    subprocess.run(["tar", "--sparse", "--format=gnu", "-cf", str(archive_path), "-C", str(root),
                    *names], check=True)


# --- sparse tar members -----------------------------------------------------------------------


def test_a_1_tib_sparse_member_is_refused_by_its_stated_size_and_the_rest_is_checked(broken_tree,
                                                                                    tmp_path):
    tree = broken_tree("edge")
    _sparse_file(tree.root / "big.bin", TIB, {1 << 30: b"data"})
    archive_path = tmp_path / "upload.tar"
    _gnu_tar(archive_path, tree.root, "closed", "big.bin")
    assert archive_path.stat().st_size < 4 << 20  # the slice's 2 MB: the holes are not stored
    with tarfile.open(archive_path) as tar:
        member = tar.getmember("big.bin")
        assert member.issparse() and member.size == TIB
    out = _invoke("check", archive_path)
    assert out.exit_code == 1, out.output
    (line,) = [x for x in out.output.splitlines() if "STR025" in x]
    assert line == ("ERROR   STR025 archive-unreadable: upload.tar: archive cannot be read whole: "
                    f"more than {32 << 30} bytes in all (with 'big.bin', of {TIB} bytes)")
    # Unpacked before it, the slice's results are all checked.
    (tree.root / "big.bin").unlink()
    assert len(check_tree(str(archive_path)).results) == len(check_tree(str(tree.root)).results)


class _CountingNul(bytes):
    """tarfile's NUL, counting the bytes of holes it is multiplied into (tarfile reads a hole
    as NUL * length)."""

    made = 0

    def __mul__(self, n):
        type(self).made += n
        return bytes(self) * n


def test_a_sparse_member_under_the_bound_is_unpacked_without_reading_its_holes(tmp_path,
                                                                               monkeypatch):
    size = 1 << 30
    data = {0: b"first", 100 << 10: b"second", size - 5: b"last!"}
    src = tmp_path / "src"
    src.mkdir()
    _sparse_file(src / "log.txt", size, data)
    _gnu_tar(tmp_path / "a.tar", src, "log.txt")
    monkeypatch.setattr(tarfile, "NUL", _CountingNul(b"\0"))
    _CountingNul.made = 0
    out = tmp_path / "out"
    out.mkdir()
    assert archive.extract(str(tmp_path / "a.tar"), str(out)) == []
    # At most a buffer's read-ahead past a data span: not the 1 GiB of holes.
    assert _CountingNul.made < 64 << 10
    unpacked = out / "log.txt"
    assert unpacked.stat().st_size == size and unpacked.stat().st_blocks * 512 < 1 << 20
    with open(unpacked, "rb") as f:
        for offset, chunk in data.items():
            f.seek(offset)
            assert f.read(len(chunk)) == chunk


def test_a_sparse_member_whose_map_overlaps_is_refused_alone():
    info = tarfile.TarInfo("x")
    info.size, info.sparse = 100, [(0, 10), (5, 10)]
    assert archive._sparse_data(info) is None
    info.sparse = [(0, 10), (90, 20)]  # past its size
    assert archive._sparse_data(info) is None
    info.sparse = [(0, 0), (10, 5), (100, 0)]  # GNU tar's padding and end marker
    assert archive._sparse_data(info) == [(10, 5)]


def test_stated_sizes_count_against_the_archive_bound_before_any_byte_is_read(tmp_path,
                                                                              monkeypatch):
    """Two members of 20 GiB: the second passes the 32 GiB bound, unread."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a.bin", "b.bin"):
        _sparse_file(src / name, 20 << 30, {})
    _gnu_tar(tmp_path / "two.tar", src, "a.bin", "b.bin")
    out = tmp_path / "out"
    out.mkdir()
    [found] = archive.extract(str(tmp_path / "two.tar"), str(out))
    assert found.code == "STR025" and found.path == "two.tar"
    assert f"with 'b.bin', of {20 << 30} bytes" in found.message
    assert os.listdir(out) == ["a.bin"] and (out / "a.bin").stat().st_size == 20 << 30


# --- zip members without a file type ---------------------------------------------------------


def _zip_with_writestr(tree, archive_path, *extra) -> None:
    """The tree zipped as zipfile's writestr(name, data) stores it: permission bits only."""
    with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for folder, _, files in sorted(os.walk(tree)):
            for name in sorted(files):
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    zf.writestr(os.path.relpath(path, tree), f.read())
        for info, data in extra:
            zf.writestr(info, data)


def test_a_zip_written_with_writestr_checks_as_the_folder(pristine, tmp_path):
    tree = pristine["edge"]
    archive_path = tmp_path / "sub.zip"
    _zip_with_writestr(tree, archive_path)
    with zipfile.ZipFile(archive_path) as zf:
        assert {info.external_attr >> 16 for info in zf.infolist()} == {0o600}
    from_zip, from_tree = _invoke("check", archive_path), _invoke("check", tree)
    assert from_zip.exit_code == from_tree.exit_code == 0, from_zip.output
    assert from_zip.output == from_tree.output
    assert _report(check_tree(str(archive_path))) == _report(check_tree(str(tree)))


def test_a_zip_member_of_no_mode_at_all_is_a_file_and_a_fifo_still_refused(pristine, tmp_path):
    plain = zipfile.ZipInfo("closed/UntetherAI/code/notes.txt")
    plain.external_attr = 0  # as a Windows tool stores it
    fifo = zipfile.ZipInfo("closed/UntetherAI/code/pipe")
    fifo.external_attr = (0o010644 << 16)
    archive_path = tmp_path / "odd.zip"
    _zip_with_writestr(pristine["edge"], archive_path, (plain, b"notes"), (fifo, b""))
    report = check_tree(str(archive_path))
    refused = [(f.path, f.message) for f in report.findings if f.code == "STR024"]
    assert refused == [("closed/UntetherAI/code/pipe", "archive member not unpacked: a special member")]
    assert len(report.results) == len(check_tree(str(pristine["edge"])).results)


# --- line numbers of a detail log's errors ---------------------------------------------------

_ERROR = (':::MLLOG {{"key": "error_runtime", "value": "error {n}", "time_ms": 1.0, "namespace": '
          '"mlperf::logging", "event_type": "POINT_IN_TIME", "metadata": {{"is_error": true, '
          '"is_warning": false, "file": "loadgen.cc", "line_no": 419, "pid": 1, "tid": 1}}}}\n')


def _with_errors(text: str, count: int, seed: int = 0) -> tuple[str, list[int]]:
    """The log with `count` error lines put between its own lines at random places (not after
    its last), and the line number of each."""
    lines = text.splitlines(keepends=True)
    rng = random.Random(seed)
    out, numbers, at = [], [], 0
    for n, after in enumerate(sorted(rng.randrange(len(lines) - 1) for _ in range(count))):
        out.extend(lines[at:after + 1])
        at = after + 1
        out.append(_ERROR.format(n=n))
        numbers.append(len(out))
    out.extend(lines[at:])
    return "".join(out), numbers


def test_100000_error_lines_of_23_mb_keep_their_exact_line_numbers(pristine):
    log = Tree(pristine["edge"], "edge").perf_log("Offline")
    text, numbers = _with_errors(log.read_text("utf-8"), 100_000)
    assert len(text) > 23_000_000
    parsed = parse_detail_log(text, "log")
    assert [(m.value, m.line) for m in parsed.errors] == [(f"error {n}", line)
                                                         for n, line in enumerate(numbers)]


class _CountingText(str):
    """A log text that adds up the characters its count() looks through."""

    def count(self, sub, start=0, end=None):
        end = len(self) if end is None else end
        self.scanned += max(0, end - start)
        return super().count(sub, start, end)


def test_each_newline_is_counted_once_however_many_errors(pristine):
    log = Tree(pristine["edge"], "edge").perf_log("Offline")
    text, numbers = _with_errors(log.read_text("utf-8"), 2_000)
    counted = _CountingText(text)
    counted.scanned = 0
    parsed = parse_detail_log(counted, "log")
    assert [m.line for m in parsed.errors] == numbers
    assert counted.scanned <= len(text)  # counting from the start for each: 2,000 times that


def test_a_check_names_the_lines_of_the_errors_a_detail_log_holds(broken_tree):
    tree = broken_tree("edge")
    log = tree.perf_log("Offline")
    text, numbers = _with_errors(log.read_text("utf-8"), 3)
    log.write_text(text, "utf-8")
    report = check_tree(str(tree.root), round=tree.round)
    found = [f for f in report.all_findings() if f.code == "LG001"]
    assert [(f.path, f.locator, f.found) for f in found] == [
        (tree.rel(log), f"line {line}", f"error {n}")
        for n, line in enumerate(numbers)]
    out = _invoke("check", tree.root, "--format", "github")
    assert out.exit_code == 1, out.output
    assert [re.search(r"file=(.*),line=(\d+),title=LG001 loadgen-error::(.*)", x).groups()
            for x in out.output.splitlines() if "title=LG001" in x] == [
        (str(log), str(line), f"LoadGen logged an error: error {n}")
        for n, line in enumerate(numbers)]


# --- counts in system names ------------------------------------------------------------------

_FORMER = re.compile(r"([A-Za-z][\w-]*?)[-_ ]?[x×](\d{1,4})(?![\w.])")


@pytest.mark.parametrize("name", [
    "8x H100-SXM5-80GB", "H100x8", "Acme 4 x A100", "XE9680_H100_SXM_80GBx8", "MI300X_x8",
    "dgx h100 x8", "A100-PCIe-80GBx8_TRT", "Lenovo SR670v2 (8x A100-PCIe-80GB, TensorRT)",
    "2 Nodes: NVIDIA A100-SXM-80GBx8, x86", "L4×2", "box-x16-x4", "abc x12345", "H100x8.5",
])
def test_names_give_the_matches_the_former_pattern_gave(name):
    assert _words_before_counts(name) == _FORMER.findall(name)


def test_random_names_give_the_matches_the_former_pattern_gave():
    rng = random.Random(2024)
    for alphabet in ("aHx×X18 -_.é(0", "ax×1 -_.Z9", "Hx×8_- "):
        for _ in range(20_000):
            name = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
            assert _words_before_counts(name) == _FORMER.findall(name), repr(name)


@pytest.mark.parametrize(("name", "accelerator", "counts"), [
    ("8x H100-SXM5-80GB", "NVIDIA H100-SXM5-80GB", {8}),
    ("H100x8", "NVIDIA H100", {8}),
    ("Acme 4 x A100", "NVIDIA A100-PCIe-80GB", {4}),
    ("Lenovo SR670v2 (8x A100-PCIe-80GB, TensorRT)", "NVIDIA A100-PCIe-80GB", {8}),
    ("Supermicro SuperServer H13 (2x speedAI240 Preview)", "UntetherAI speedAI240 Preview", {2}),
    ("DGX box", "NVIDIA H100", set()),
    ("a" * 200_000 + " (8x speedAI240)", "UntetherAI speedAI240", {8}),
])
def test_the_counts_a_name_states(name, accelerator, counts):
    assert _named_counts(name, accelerator) == counts


@pytest.fixture
def edge_table(pristine, tmp_path):
    path = tmp_path / "edge.parquet"
    out = _invoke("check", pristine["edge"], "-q", "--parquet", path)
    assert out.exit_code == 0, out.output
    return path


def test_audit_of_a_200_kb_system_name_still_names_the_count_it_contradicts(edge_table, tmp_path):
    table = pd.read_parquet(edge_table)
    assert set(table["accelerators_per_node"]) == {1}
    table["system_name"] = "Supermicro " + "a" * 200_000 + "b (8x speedAI240 Preview)"
    table.to_parquet(edge_table)
    out = _invoke("audit", edge_table, "--json", tmp_path / "audit.json")
    assert out.exit_code == 0, out.output
    flags = json.loads((tmp_path / "audit.json").read_text("utf-8"))["flags"]
    assert [(f["code"], f["expected"], f["found"]) for f in flags] == [
        ("AUD008", 8, "1 node(s) x 1")]
    assert out.output.splitlines()[-1].startswith(f"AUDIT: {len(table)} results of v4.1; 1 flag")


def test_audit_of_a_200_kb_name_that_states_no_count_flags_nothing(edge_table):
    table = pd.read_parquet(edge_table)
    table["system_name"] = "a" * 200_000
    table["accelerator_model_name"] = "Acme " + "x" * 200_000
    table.to_parquet(edge_table)
    out = _invoke("audit", edge_table)
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[-1] == f"AUDIT: {len(table)} results of v4.1; 0 flags (none)"
