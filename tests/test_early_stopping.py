"""LG007 says in plain words why early stopping failed and what to do, from LoadGen's own
early_stopping_result in real published logs (user ask: "a plain explanation of early-stopping
validity", inference#2322, #1095)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from infercheck.checker.core.loadgen_log import read_detail_log
from infercheck.checker.inference.checks.loadgen.run_length import plain_early_stopping
from infercheck.checker.suites import check_tree
from infercheck.cli import main

from .conftest import corpus

# Two published logs whose early stopping was not met: a MultiStream compliance run short of
# queries, and a Server ranging run with too many queries over the latency.
TOO_FEW = ("inference-v2.0", "closed/Alibaba/compliance/haishen-qaic-v1.6.80-aic100/resnet50/"
           "multistream/TEST04-A/performance/run_1/mlperf_log_detail.txt")
OVER_LATENCY = ("inference-v2.0", "closed/Fujitsu/results/GX2570M6_A100-SXM4-40GBx8_TRT_MaxQ/rnnt/"
                "Server/performance/ranging/mlperf_log_detail.txt")


def _result_of(where) -> str:
    folder, rel = where
    return read_detail_log(str(corpus(folder) / rel)).get("early_stopping_result")


@pytest.mark.parametrize("where,plain", [
    (TOO_FEW, "the run processed 128 queries and needs at least 662: run at least 534 more"),
    (OVER_LATENCY, "too many of the run's 49196137 queries were over the target latency: it "
                   "would need at least 35019258 more, each under the latency; lower the target "
                   "QPS"),
])
def test_loadgens_reason_is_said_plainly(where, plain):
    assert plain_early_stopping(_result_of(where)) == plain


def test_a_reason_loadgen_did_not_give_is_said_as_missing_or_quoted():
    assert plain_early_stopping(None) == "early_stopping_met is false"
    assert plain_early_stopping(" * Something new.") == \
        "LoadGen's early_stopping_result: * Something new."


def test_a_run_short_of_queries_is_lg007_with_the_count_to_reach(broken_tree):
    tree = broken_tree("edge")
    log = tree.perf_log("singlestream")
    tree.set_log_key(log, "early_stopping_met", False)
    tree.set_log_key(log, "early_stopping_result", _result_of(TOO_FEW))
    report = check_tree(str(tree.root), round=tree.round)
    [lg007] = [f for e in report.results for f in e.findings if f.code == "LG007"]
    assert lg007.message == ("early stopping condition not met: the run processed 128 queries "
                             "and needs at least 662: run at least 534 more")
    assert lg007.found == _result_of(TOO_FEW) and lg007.expected is True
    out = CliRunner().invoke(main, ["check", str(tree.root), "--version", tree.round])
    assert out.exit_code == 1
    line = (f"ERROR   LG007 early-stopping-not-met: {log.relative_to(tree.root)}: early stopping "
            f"condition not met: the run processed 128 queries and needs at least 662: run at "
            f"least 534 more")
    assert line in [x.strip() for x in out.output.splitlines()]
