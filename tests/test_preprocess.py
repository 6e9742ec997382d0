"""`infercheck preprocess` on copies of real slices: a closed result below its accuracy target
moves to open with its benchmark and the new tree passes; a missing edge Offline is inferred;
a run invalid in open too is removed; TREE is never written and --dry-run writes nothing."""

from __future__ import annotations

import json
import os
import re
import shutil

from click.testing import CliRunner

from infercheck.checker.suites import check_tree
from infercheck.cli import main

from .conftest import corpus
from .test_broken_trees import accuracy_below_target, result_invalid
from .test_hostile import _fingerprint


def _run(tree, *args):
    return CliRunner().invoke(main, ["preprocess", str(tree), *args])


def _steps(out: str) -> list[dict]:
    return json.loads(out)["steps"]


def test_a_closed_result_below_its_target_moves_to_open_and_the_new_tree_passes(broken_tree,
                                                                                tmp_path):
    tree = broken_tree("edge", accuracy_below_target)
    before = _fingerprint(tree.root)
    new = tmp_path / "new"
    out = _run(tree.root, "--out", str(new), "--format", "json")
    assert out.exit_code == 0, out.output
    assert _fingerprint(tree.root) == before
    bench = f"{tree.division}/{tree.submitter}/results/{tree.system}/{tree.bench}"
    moves = [s for s in _steps(out.output) if s["action"] == "move-to-open"]
    assert [(s["path"], s["target"]) for s in moves] == [
        (bench, bench.replace("closed/", "open/", 1))]
    assert "ACC001" in moves[0]["reason"]
    report = check_tree(str(new))
    assert report.valid and {e.division for e in report.results} == {"open"}
    assert {e.scenario_folder for e in report.results} == {
        p.name for p in (tree.sub / "results" / tree.system / tree.bench).iterdir()}
    system = json.loads((new / "open" / tree.submitter / "systems" /
                         f"{tree.system}.json").read_text("utf-8"))
    assert system["division"] == "open"
    assert (new / "open" / tree.submitter / "compliance" / tree.system / tree.bench).is_dir()
    assert not (new / "closed").exists()  # nothing was left there


def test_dry_run_lists_the_same_steps_and_writes_nothing(broken_tree, tmp_path):
    tree = broken_tree("edge", accuracy_below_target)
    before, listing = _fingerprint(tree.root), sorted(os.listdir(tmp_path))
    dry = _run(tree.root, "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.output
    assert _fingerprint(tree.root) == before and sorted(os.listdir(tmp_path)) == listing
    real = _run(tree.root, "--out", str(tmp_path / "new"), "--format", "json")
    assert _steps(dry.output) == _steps(real.output)
    text = _run(tree.root, "--dry-run")
    assert text.output.splitlines()[0] == (
        "round v4.1 recognised from the LoadGen seeds of 3 of 3 performance logs")
    assert text.output.splitlines()[1].startswith("move    closed/")
    assert text.output.splitlines()[-1].startswith("would give: VALID: 3 results, 3 valid")


def test_a_missing_edge_offline_is_inferred_from_multistream(broken_tree, tmp_path):
    tree = broken_tree("edge")
    offline = tree.result("Offline")
    for part in ("results", "measurements", "compliance"):
        shutil.rmtree(str(offline).replace("/results/", f"/{part}/"))
    assert not check_tree(str(tree.root)).valid  # STR011: Offline is required
    new = tmp_path / "new"
    out = _run(tree.root, "--out", str(new), "--format", "json")
    assert out.exit_code == 0, out.output
    [step] = _steps(out.output)
    assert step["action"] == "infer" and step["path"].endswith("/multistream")
    entry = next(e for e in check_tree(str(new)).results if e.scenario == "Offline")
    assert entry.valid and entry.division == "closed"
    assert entry.metrics["inferred"] and entry.metrics["loadgen_scenario"] == "MultiStream"


def test_a_run_invalid_in_open_too_is_removed_and_its_siblings_move(broken_tree, tmp_path):
    tree = broken_tree("edge", result_invalid)  # the Offline run is INVALID by LoadGen
    new = tmp_path / "new"
    out = _run(tree.root, "--out", str(new), "--format", "json")
    assert out.exit_code == 0, out.output
    actions = [(s["action"], s["path"].split("/", 1)[0]) for s in _steps(out.output)]
    assert actions[:2] == [("move-to-open", "closed"), ("remove", "open")]
    report = check_tree(str(new))
    assert all(e.valid for e in report.results)  # (empty folders go after, as in preprocess)
    assert {(e.division, e.scenario) for e in report.results} == {
        ("open", "SingleStream"), ("open", "MultiStream")}


def test_preprocess_refuses_an_existing_or_inner_output(broken_tree, tmp_path):
    tree = broken_tree("edge")
    (tmp_path / "taken").mkdir()
    assert _run(tree.root, "--out", str(tmp_path / "taken")).exit_code == 2
    assert _run(tree.root, "--out", str(tree.root / "new")).exit_code == 2
    assert _run(tree.root).exit_code == 2  # neither --out nor --dry-run


def test_a_result_preprocess_made_that_fails_is_taken_back_not_moved(broken_tree, tmp_path):
    """An inferred result found invalid is removed, never moved with the measured ones."""
    from infercheck.checker.inference.preprocess import _Work, copy_divisions
    from infercheck.checker.inference.rules import load_rules

    tree = broken_tree("edge")
    offline = tree.result("Offline")
    for part in ("results", "measurements", "compliance"):
        shutil.rmtree(str(offline).replace("/results/", f"/{part}/"))
    new = tmp_path / "new"
    copy_divisions(str(tree.root), str(new), None, link=False)
    work = _Work(str(new), load_rules(tree.round),
                 lambda root: check_tree(root, round=tree.round), move_to_open=True)
    work.infer(check_tree(str(new), round=tree.round))
    [inferred] = [s.target for s in work.steps if s.action == "infer"]
    accuracy = new / inferred / "accuracy" / "accuracy.txt"
    accuracy.write_text(re.sub(r"accuracy=[\d.]+%", "accuracy=10.000%",
                               accuracy.read_text("utf-8")), "utf-8")  # below the target
    report = work.clean()
    group = inferred.rsplit("/", 1)[0]
    # Taken back first; then closed lacks Offline as the tree did, and the measured
    # scenarios go to open, without the inferred one.
    assert [(s.action, s.path) for s in work.steps[1:]] == [("remove", inferred),
                                                            ("move-to-open", group)]
    assert "made by preprocess and invalid" in work.steps[1].reason
    assert all(e.valid for e in report.results)  # (empty folders go after, as in preprocess)
    assert {(e.division, e.scenario) for e in report.results} == {
        ("open", "SingleStream"), ("open", "MultiStream")}


def test_a_tree_whose_seeds_and_layout_disagree_is_told_so_first(tmp_path):
    # The official v6 sample carries the v5.1 seeds: recognised as v5.1, every result misses its
    # v5.1 files and goes. The first line says which round decided that and what to give; the
    # empty tree it would leave is invalid (exit 1), not a usage error.
    out = CliRunner().invoke(main, ["preprocess", str(corpus("inference-v6.0-sample")),
                                    "--dry-run", "--jobs", "1"])
    assert out.exit_code == 1, out.output
    lines = out.output.splitlines()
    assert lines[0] == (
        "round v5.1 recognised from the LoadGen seeds of 22 of 22 performance logs; yet its "
        "results hold their audit tests (TEST0x/) as later rounds' do, not as v5.1's: for a "
        "later round, give --version")
    assert lines[-1].startswith("would give: INVALID: 0 results")
