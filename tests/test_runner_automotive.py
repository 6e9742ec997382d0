"""`infercheck run --suite automotive`: an MLPerf Automotive tree from the real LoadGen, which
the check recognises (suite and round) and accepts."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from infercheck.checker import check_tree
from infercheck.cli import main

from .test_runner import infercheck


@pytest.fixture(scope="module")
def automotive_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("automotive")
    result = infercheck("run", "--suite", "automotive", "--out", "sub", cwd=base)
    return base, result


def test_the_runner_writes_an_automotive_tree_the_check_accepts(automotive_run):
    base, result = automotive_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert ("`infercheck check sub --version demo --suite automotive` accepts it: 1 of 1 results "
            "valid") in result.stdout
    assert "serves inference round" in result.stderr and "automotive demo" in result.stderr
    # Neither suite nor round given: both are told from the tree.
    report = check_tree(str(base / "sub"), suite="auto")
    assert (report.suite, report.round, report.valid) == ("automotive", "demo", True)
    (entry,) = report.results
    assert (entry.scenario, entry.system_type, entry.availability) == (
        "SingleStream", "adas", "development")
    # The v1.0 layout: measurements and compliance tests in the scenario folder, code in src/.
    result_dir = base / "sub" / entry.result
    assert {"TEST01", "TEST04", "user.conf", "measurements.json"} <= set(os.listdir(result_dir))
    assert (base / "sub" / "closed" / "Demo" / "src").is_dir()


def test_the_run_holds_the_percentile_automotive_requires(automotive_run):
    base, _ = automotive_run
    (log,) = (base / "sub").glob("closed/Demo/results/*/digits/SingleStream/performance/run_1/"
                                 "mlperf_log_detail.txt")
    assert '"effective_target_latency_percentile", "value": 0.999,' in log.read_text("utf-8")


@pytest.mark.parametrize("args,line", [
    (["--scenario", "ConstantStream"],
     "Error: the runner cannot run ConstantStream: the LoadGen on PyPI (mlcommons-loadgen) runs "
     "SingleStream, MultiStream, Offline, Server only; MLPerf Automotive's ConstantStream needs "
     "that suite's own LoadGen"),
    (["--system-type", "edge"],
     "Error: Invalid value for --system-type: automotive systems are adas, not edge"),
    (["--version", "v0.6"],
     "Error: Invalid value for --version: 'v0.6' is not a round of automotive (known: v0.5, "
     "v1.0, demo); did you mean v0.5?"),
])
def test_what_the_runner_cannot_make_is_refused_before_running(tmp_path, args, line):
    result = CliRunner().invoke(main, ["run", "--suite", "automotive", "--out",
                                       str(tmp_path / "X"), *args])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == line
    assert not (tmp_path / "X").exists()
