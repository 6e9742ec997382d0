"""A summary log whose text values hold control bytes LoadGen printed (v1.0 and v1.1 builds wrote
"SUT name : SUT" and a NUL) agrees with the detail log; a real difference still does not."""

from __future__ import annotations

from infercheck.checker import check_tree

from .test_broken_trees import error_codes


def _summary(tree):
    return tree.result("singlestream") / "performance" / "run_1" / "mlperf_log_summary.txt"


def test_a_nul_after_the_sut_name_is_no_disagreement(broken_tree):
    tree = broken_tree("edge-v1.0")
    path = _summary(tree)
    text = path.read_text("utf-8")
    assert "SUT name : MOBILINT\n" in text
    path.write_text(text.replace("SUT name : MOBILINT\n", "SUT name : MOBILINT\x00\n"), "utf-8")
    report = check_tree(str(tree.root), round=tree.round)
    assert error_codes(report) == set() and report.valid


def test_another_sut_name_still_disagrees(broken_tree):
    tree = broken_tree("edge-v1.0")
    path = _summary(tree)
    path.write_text(path.read_text("utf-8").replace("SUT name : MOBILINT\n",
                                                    "SUT name : MOBILINT2\x00\n"), "utf-8")
    report = check_tree(str(tree.root), round=tree.round)
    assert error_codes(report) == {"LG019"}
