"""MLPerf Automotive: the published v0.5 round, as the CLI shows it with neither suite nor round
given, and broken copies of its closed result, each giving its own finding."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from infercheck.checker import check_tree
from infercheck.cli.app import main

from .conftest import corpus

SYSTEM = "closed/NVIDIA/results/Thor-X_TRT/bevformer"


def test_the_published_round_is_recognised_and_accepted(tmp_path):
    out = tmp_path / "summary.csv"
    run = CliRunner().invoke(main, ["check", str(corpus("automotive-v0.5")), "--csv", str(out)])
    assert run.exit_code == 0, run.output
    assert "round v0.5 recognised from the LoadGen seeds of 9 of 9 performance logs" in run.output
    assert run.output.rstrip().splitlines()[-1] == (
        "VALID: 9 results, 9 valid, 0 invalid, 0 with power; 0 errors, 0 warnings "
        "(round v0.5, profile strict)")
    assert out.read_text("utf-8").splitlines()[0].startswith("Organization,Availability,Division")


@pytest.mark.parametrize("folder,told,found,right", [
    ("automotive-v0.5", "inference", "the seeds of its 9 performance logs are automotive v0.5's, "
                                     "no inference round's", "automotive"),
    ("inference-v2.1", "automotive", "the seeds of its 100 performance logs are inference v2.1's, "
                                     "no automotive round's", "inference"),
])
def test_a_tree_checked_as_the_wrong_suite_is_told_the_right_one(folder, told, found, right):
    report = check_tree(str(corpus(folder)), suite=told)
    [rul001] = [f for f in report.findings if f.code == "RUL001"]
    assert (f"not recognised from the logs' seeds: {found}: check it with --suite {right} "
            f"(or --suite auto)") in rul001.message
    assert report.results == []


@pytest.fixture
def nvidia(tmp_path) -> Path:
    """A writable copy of the round's closed submission (bevformer SingleStream and
    ConstantStream on Thor-X, with TEST01 and TEST04)."""
    root = tmp_path / "tree"
    shutil.copytree(corpus("automotive-v0.5") / "closed" / "NVIDIA", root / "closed" / "NVIDIA")
    for path in [root, *root.rglob("*")]:  # the corpus may be read-only
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


def _set_run_setting(run: Path, key: str, value: str) -> None:
    """A run made with another setting: its detail log's effective_<key>, and the summary's
    line where it prints the setting."""
    detail, summary = run / "mlperf_log_detail.txt", run / "mlperf_log_summary.txt"
    text, n = re.subn(rf'("key": "effective_{key}", "value": )[^,]+', rf"\g<1>{value}",
                      detail.read_text("utf-8"))
    assert n, key
    detail.write_text(text, "utf-8")
    text = re.sub(rf"(?m)^{key} : .*$", f"{key} : {value}", summary.read_text("utf-8"))
    summary.write_text(text, "utf-8")


def _checked(root: Path, scenario: str, profile: str = "strict"):
    """The report of the tree (suite and round told from it) and the bevformer result of
    `scenario`."""
    report = check_tree(str(root), suite="auto", profile=profile)
    assert report.suite == "automotive"
    (entry,) = [e for e in report.results if e.result == f"{SYSTEM}/{scenario}"]
    return report, entry


def _codes(root: Path, scenario: str, profile: str = "strict") -> tuple[str, set[str]]:
    report, entry = _checked(root, scenario, profile)
    return report.round, {f.code for f in entry.errors()}


def test_the_copy_is_valid_as_published(nvidia):
    assert _codes(nvidia, "SingleStream") == ("v0.5", set())
    assert _codes(nvidia, "ConstantStream") == ("v0.5", set())


def test_a_wrong_seed_is_lg003(nvidia):
    _set_run_setting(nvidia / SYSTEM / "SingleStream/performance/run_1", "schedule_rng_seed",
                     "12345")
    _, entry = _checked(nvidia, "SingleStream")
    (finding,) = entry.errors()
    assert (finding.code, finding.expected, finding.found) == ("LG003", 3495234579, 12345)


def test_a_constantstream_run_short_of_its_queries_is_lg005(nvidia):
    _set_run_setting(nvidia / SYSTEM / "ConstantStream/performance/run_1", "min_query_count",
                     "6636")
    assert _codes(nvidia, "ConstantStream") == ("v0.5", {"LG005"})
    # The round's checker never compares the count (early stopping stands in for it).
    assert _codes(nvidia, "ConstantStream", "published") == ("v0.5", set())


def test_constant_generation_off_is_lg022(nvidia):
    _set_run_setting(nvidia / SYSTEM / "ConstantStream/performance/run_1", "server_constant_gen",
                     "false")
    _, entry = _checked(nvidia, "ConstantStream")
    (finding,) = entry.errors()
    assert finding.code == "LG022"
    assert finding.message == "effective_server_constant_gen is false; round v0.5 requires true"
    assert (finding.expected, finding.found) == (True, False)


def test_an_accuracy_below_target_is_acc001(nvidia):
    path = nvidia / SYSTEM / "SingleStream/accuracy/accuracy.txt"
    path.write_text(path.read_text("utf-8").replace("mAP_3D:0.2672970244966856", "mAP_3D:0.25"),
                    "utf-8")
    _, entry = _checked(nvidia, "SingleStream")
    (finding,) = entry.errors()
    assert finding.code == "ACC001"
    assert finding.found == 0.25


def test_a_missing_test04_is_cmp001(nvidia):
    shutil.rmtree(nvidia / "closed/NVIDIA/compliance/Thor-X_TRT/bevformer/SingleStream/TEST04")
    assert _codes(nvidia, "SingleStream") == ("v0.5", {"CMP001"})
    # The v0.5 checker checks no compliance test: the published profile lets it pass.
    assert _codes(nvidia, "SingleStream", "published") == ("v0.5", set())


@pytest.mark.parametrize("source", ["tree", "csv", "parquet"])
def test_summary_results_equal_the_published_file_byte_for_byte(tmp_path, source):
    """summary_results.json of the round, as generate_final_report.py at 79b9c535 wrote it for
    the results page: from the tree, from `check --csv` and from `check --parquet`."""
    tree = corpus("automotive-v0.5")
    inputs = {"tree": str(tree), "csv": str(tmp_path / "summary.csv"),
              "parquet": str(tmp_path / "results.parquet")}
    if source != "tree":
        run = CliRunner().invoke(main, ["check", str(tree), "-q", "--csv", inputs["csv"],
                                        "--parquet", inputs["parquet"]])
        assert run.exit_code == 0, run.output
    out = tmp_path / "summary_results.json"
    run = CliRunner().invoke(main, ["report", inputs[source], "--format", "summary-results",
                                    "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert f"Wrote {out}: 9 entries of automotive v0.5" in run.output
    assert out.read_bytes() == (tree / "summary_results.json").read_bytes()


def test_preprocess_moves_a_closed_benchmark_with_an_invalid_result_to_open(nvidia, tmp_path):
    shutil.rmtree(nvidia / "closed/NVIDIA/compliance/Thor-X_TRT/bevformer/SingleStream/TEST04")
    out = tmp_path / "new"
    run = CliRunner().invoke(main, ["preprocess", str(nvidia), "--out", str(out)])
    assert run.exit_code == 0, run.output
    report = check_tree(str(out), suite="auto")
    assert (report.suite, report.round, report.valid) == ("automotive", "v0.5", True)
    assert {e.result for e in report.results} == {
        "open/NVIDIA/results/Thor-X_TRT/bevformer/SingleStream",
        "open/NVIDIA/results/Thor-X_TRT/bevformer/ConstantStream"}
    assert (nvidia / "closed/NVIDIA/results/Thor-X_TRT/bevformer/SingleStream").is_dir()


def test_the_audit_reads_every_result_of_the_round():
    # Its values come from the summary logs, whose SingleStream result Automotive's LoadGen
    # states as the early-stopping 99.9th percentile estimate.
    run = CliRunner().invoke(main, ["audit", str(corpus("automotive-v0.5"))])
    assert run.exit_code == 0, run.output
    assert "AUDIT: 9 results of automotive v0.5; 0 flags (none)" in run.output


def test_a_summary_that_states_another_singlestream_estimate_is_lg019(nvidia):
    summary = nvidia / SYSTEM / "SingleStream/performance/run_1/mlperf_log_summary.txt"
    summary.write_text(summary.read_text("utf-8").replace(
        "Early stopping 99.9th percentile estimate: 5209854",
        "Early stopping 99.9th percentile estimate: 4209854"), "utf-8")
    assert _codes(nvidia, "SingleStream") == ("v0.5", {"LG019"})


def test_a_waiver_allows_the_missing_test04(nvidia, tmp_path):
    shutil.rmtree(nvidia / "closed/NVIDIA/compliance/Thor-X_TRT/bevformer/SingleStream/TEST04")
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - result: closed/NVIDIA/results/Thor-X_TRT/bevformer/SingleStream\n"
        "    code: CMP001\n"
        "    reason: TEST04 rerun attached to the review ticket\n"
        "    granted_by: Automotive WG\n"
        "    expires: v1.0\n", "utf-8")
    run = CliRunner().invoke(main, ["check", str(nvidia), "--waivers", str(waivers), "-v"])
    assert run.exit_code == 0, run.output
    assert "[waived: CMP001]" in run.output
