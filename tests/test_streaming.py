"""Outputs written as the results come (the CLI holds none of them): the same files as a report
written whole, results in the order of their paths, nothing left by an interrupted check."""

from __future__ import annotations

import json
import os
import shutil

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from infercheck.checker import check_tree
from infercheck.checker.core.outputs import results_table, write_csv
from infercheck.checker.inference.summary import summary_rows, summary_table
from infercheck.cli import check_cmd, main
from infercheck.cli.verdicts import summary_line

from .conftest import corpus


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


class Collect:
    def __init__(self):
        self.begun, self.entries = None, []

    def begin(self, report):
        self.begun = report.round

    def add(self, entry):
        self.entries.append(entry)


@pytest.fixture
def tree(broken_tree):
    """The edge slice with a second system whose name sorts before the first's in a path
    ("h13_u1_preview-b/" < "h13_u1_preview/") though after it as a name, and a broken link in
    one of its results (a finding that goes with that result)."""
    t = broken_tree("edge")
    for part in ("results", "measurements", "compliance"):
        shutil.copytree(t.sub / part / t.system, t.sub / part / f"{t.system}-b", symlinks=True)
    shutil.copy(t.sub / "systems" / f"{t.system}.json", t.sub / "systems" / f"{t.system}-b.json")
    os.symlink("nowhere", t.result("offline") / "dangling")
    return t


@pytest.mark.parametrize("jobs", [1, 2])
def test_streamed_results_come_in_path_order_with_their_link_findings(tree, jobs):
    sink = Collect()
    report = check_tree(str(tree.root), round="v4.1", jobs=jobs, sink=sink)
    paths = [e.result for e in sink.entries]
    assert sink.begun == "v4.1" and report.results == []
    assert paths == sorted(paths) and len(paths) == 6
    assert paths[0].startswith(f"closed/UntetherAI/results/{tree.system}-b/")
    dangling = [e for e in sink.entries if any(f.path and f.path.endswith("/dangling")
                                                for f in e.findings)]
    assert [e.result for e in dangling] == [tree.rel(tree.result("offline"))]
    assert report.stats()["results"] == 6 and report.result_count == 6
    assert report.valid is False  # the broken link is an error of that result


def test_every_output_written_as_it_comes_equals_the_whole_report(tree, tmp_path):
    whole = check_tree(str(tree.root), round="v4.1")
    result = run("check", tree.root, "--version", "v4.1", "--format", "json", "--jobs", "2",
                 "--json", tmp_path / "r.json", "--csv", tmp_path / "s.csv",
                 "--parquet", tmp_path / "t.parquet")
    assert result.exit_code == 1, result.output
    text = json.dumps(whole.to_dict(), indent=2, default=str) + "\n"
    assert result.output == text
    assert (tmp_path / "r.json").read_text("utf-8") == text
    write_csv(summary_rows(whole), str(tmp_path / "whole.csv"))
    assert (tmp_path / "s.csv").read_text("utf-8") == (tmp_path / "whole.csv").read_text("utf-8")
    table = pq.read_table(tmp_path / "t.parquet")
    assert table.equals(results_table(whole, summary_table))
    assert table.schema.metadata == results_table(whole).schema.metadata
    # each valid result carries its rows of the official summary.csv
    assert [json.loads(r) for r in table.column("summary_rows").to_pylist() if r != "[]"] == [
        [row] for row in summary_rows(whole)[1]]


def test_text_output_lists_the_results_as_the_whole_report_does(tree):
    whole = check_tree(str(tree.root), round="v4.1")
    result = run("check", tree.root, "--version", "v4.1", "--jobs", "2")
    lines = result.output.splitlines()
    verdicts = [x.split()[1] for x in lines if x.startswith(("VALID  ", "INVALID "))]
    assert verdicts == [e.result for e in whole.results]
    assert lines[-1] == summary_line(whole) and lines[-1].startswith("INVALID: 6 results")


def test_mobile_results_are_streamed_sorted():
    sink = Collect()
    root = corpus("mobile-v4.1")
    report = check_tree(str(root), suite="mobile", profile="published", sink=sink)
    paths = [e.result for e in sink.entries]
    assert paths and paths == sorted(paths) and report.results == []
    assert paths == [e.result for e in check_tree(str(root), suite="mobile",
                                                  profile="published").results]


def test_an_interrupted_check_leaves_no_output_and_keeps_the_earlier_one(tree, tmp_path,
                                                                         monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    earlier = out / "s.csv"
    earlier.write_text("the earlier summary\n", "utf-8")
    real = check_cmd.check_tree

    def interrupted(*args, sink, **kwargs):
        class Stop:
            def begin(self, report):
                sink.begin(report)

            def add(self, entry):
                sink.add(entry)
                raise KeyboardInterrupt

        return real(*args, sink=Stop(), **kwargs)

    monkeypatch.setattr(check_cmd, "check_tree", interrupted)
    result = run("check", tree.root, "--version", "v4.1", "--jobs", "1", "--csv", earlier,
                 "--json", out / "r.json", "--parquet", out / "t.parquet")
    assert result.exit_code != 0
    assert sorted(p.name for p in out.iterdir()) == ["s.csv"]
    assert earlier.read_text("utf-8") == "the earlier summary\n"
