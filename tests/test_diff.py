"""`infercheck diff` between a slice's copy and the same copy with one thing changed: exactly
that result is named, and the exit status says whether a valid result was lost."""

from __future__ import annotations

import json

from click.testing import CliRunner

from infercheck.cli import main

from .conftest import make_samples


def _diff(*args):
    return CliRunner().invoke(main, ["diff", *map(str, args), "--version", "v4.1"])


def test_a_result_made_invalid_is_the_one_named_and_fails_the_diff(broken_tree, tmp_path):
    new = broken_tree("edge", lambda t: make_samples().set_log_key(
        str(t.perf_log()), "result_validity", "INVALID"))
    new_root = new.root.rename(tmp_path / "new")
    old = broken_tree("edge")
    result = old.rel(old.perf_log()).rsplit("/performance/", 1)[0]
    out = _diff(old.root, new_root)
    assert out.exit_code == 1, out.output
    lines = out.output.splitlines()
    assert f"~ verdict    {result}: valid -> INVALID (LG002)" in lines
    assert [x for x in lines if x.startswith(("~ ", "+ added", "- removed"))] == [
        f"~ verdict    {result}: valid -> INVALID (LG002)"]
    # the summary names a few results and counts (a round's diff once ended in a 163 KB line)
    assert lines[-1].startswith(f"NO LONGER VALID: 1 result ({result}); 0 added, 0 removed, "
                                f"1 verdict and 0 values changed")
    # The same from two JSON reports, as JSON.
    for root, name in ((old.root, "old.json"), (new_root, "new.json")):
        CliRunner().invoke(main, ["check", str(root), "--version", "v4.1", "-q",
                                  "--json", str(tmp_path / name)])
    out = CliRunner().invoke(main, ["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"),
                                    "--format", "json"])
    assert out.exit_code == 1
    data = json.loads(out.output)
    assert data["regressed"] == [result] and [v["result"] for v in data["verdicts"]] == [result]
    # LG002, and the warning that the benchmark now lacks that required scenario
    assert {f["code"] for f in data["appeared"]} == {"LG002", "STR011"} and not data["disappeared"]


def test_a_changed_value_is_named_with_its_change(broken_tree, tmp_path):
    def faster(t):
        log = t.perf_log()
        before = json.loads(next(line for line in log.read_text("utf-8").splitlines()
                                 if '"key": "result_samples_per_second"' in line)[9:])["value"]
        make_samples().set_log_key(str(log), "result_samples_per_second", before * 1.5)

    new = broken_tree("edge", faster)
    new_root = new.root.rename(tmp_path / "new")
    old = broken_tree("edge")
    out = _diff(old.root, new_root)
    assert out.exit_code == 0, out.output
    result = old.rel(old.perf_log()).rsplit("/performance/", 1)[0]
    changed = [x for x in out.output.splitlines() if x.startswith("~ value")]
    assert len(changed) == 1 and changed[0].startswith(f"~ value      {result}: ")
    assert changed[0].endswith("(+50.00 %)")


def test_the_same_tree_twice_is_no_change(broken_tree):
    tree = broken_tree("edge")
    out = _diff(tree.root, tree.root)
    assert out.exit_code == 0 and out.output.startswith("NO CHANGE: 0 added")


def test_an_input_that_is_neither_is_a_usage_error(tmp_path):
    (tmp_path / "x.json").write_text("[1, 2]")
    out = CliRunner().invoke(main, ["diff", str(tmp_path / "x.json"), str(tmp_path / "x.json")])
    assert out.exit_code == 2 and "neither a submission tree nor a report" in out.output
