"""What the results repository refuses (STR019-STR023, from v3.0) on copies of real slices: a
file over 50 MiB, a hidden file and folder, a space in a name, __pycache__, an empty folder;
each lands on the result whose folder holds it, or on the tree; rounds before v3.0 have none."""

from __future__ import annotations

import os

from infercheck.checker.suites import check_tree


def _by_code(report) -> dict[str, list[tuple[str | None, str]]]:
    """code -> [(the result it landed on, or None for the tree, its path)]."""
    out: dict[str, list] = {}
    for e in report.results:
        for f in e.findings:
            out.setdefault(f.code, []).append((e.result, f.path))
    for f in report.findings:
        out.setdefault(f.code, []).append((None, f.path))
    return out


def test_each_thing_the_repository_refuses_is_named_where_it_is(broken_tree):
    tree = broken_tree("edge")
    offline = tree.result("Offline")
    single = tree.result("SingleStream")
    result = tree.rel(offline)
    big = offline / "accuracy" / "mlperf_log_accuracy.json"
    with big.open("r+b") as fh:  # sparse: 51 MiB on the listing, no disk
        fh.truncate(51 * 1024 * 1024)
    (single / "performance" / ".mlperf_log_summary.txt.swp").write_text("x", "utf-8")
    (tree.sub / "code" / tree.bench / ".ipynb_checkpoints").mkdir()
    (tree.sub / "code" / tree.bench / ".ipynb_checkpoints" / "a.py").write_text("1", "utf-8")
    (tree.sub / "code" / tree.bench / "run me.sh").write_text("true\n", "utf-8")
    (tree.sub / "code" / tree.bench / "__pycache__").mkdir()
    (tree.sub / "code" / tree.bench / "__pycache__" / "a.pyc").write_bytes(b"\0")
    (tree.sub / "compliance" / tree.system / tree.bench / offline.name / "TEST99").mkdir()
    os.symlink("/etc/hostname", single / "hostname")
    codes = _by_code(check_tree(str(tree.root)))
    assert codes["STR019"] == [(result, tree.rel(big))]
    code_dir = f"{tree.division}/{tree.submitter}/code/{tree.bench}"
    assert sorted(codes["STR020"], key=str) == sorted([
        (tree.rel(single), tree.rel(single / "performance" / ".mlperf_log_summary.txt.swp")),
        (None, f"{code_dir}/.ipynb_checkpoints")], key=str)  # the folder once, not its file
    assert codes["STR021"] == [(None, f"{code_dir}/run me.sh")]
    assert codes["STR022"] == [(None, f"{code_dir}/__pycache__")]
    assert codes["STR023"] == [(tree.rel(offline), tree.rel(offline).replace(
        "/results/", "/compliance/") + "/TEST99")]
    assert codes["STR006"] == [(tree.rel(single), tree.rel(single / "hostname"))]


def test_the_pristine_slices_of_rounds_with_limits_have_none(pristine):
    for key in ("edge", "power", "llm51", "v3.0-edge"):
        report = check_tree(str(pristine[key]))
        assert not {c for c in _by_code(report) if c in {f"STR0{n}" for n in range(19, 24)}}, key


def test_a_round_before_v3_0_has_no_repository_limits(broken_tree):
    tree = broken_tree("edge-v1.0")
    (tree.result("Offline") / ".DS_Store").write_bytes(b"\0")
    (tree.sub / "code" / "empty folder").mkdir()
    codes = _by_code(check_tree(str(tree.root)))
    assert not {c for c in codes if c in {f"STR0{n}" for n in range(19, 24)}}


def test_a_refused_character_and_a_control_character_are_named(broken_tree):
    tree = broken_tree("edge")
    (tree.sub / "code" / tree.bench / 'a:b"c').write_text("1", "utf-8")
    (tree.sub / "code" / tree.bench / "tab\there").write_text("1", "utf-8")
    report = check_tree(str(tree.root))
    found = sorted(f.found for f in report.findings if f.code == "STR021")
    assert found == ['""", ":"', "a tab"]
