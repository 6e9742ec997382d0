"""Whole published rounds against the official checker's verdicts in corpus/expected/."""

from __future__ import annotations

import json
import math
import shutil

import pytest

from infercheck.checker import check_tree
from infercheck.checker.inference.summary import read_summary_csv, summary_rows

from .conftest import corpus

# Published slices with the official checker's summary.csv in corpus/expected/: (folder, round).
PUBLISHED_SLICES = [
    ("inference-v0.7", "v0.7"),
    ("inference-v1.0", "v1.0"),
    ("inference-v1.1", "v1.1"),
    ("inference-v2.0", "v2.0"),
    ("inference-v2.1", "v2.1"),
    ("inference-v3.0", "v3.0"),
    ("inference-v4.1", "v4.1"),
    # The v5.1.1 checker accepts all 19 results; so do the v5.1 rules.
    ("inference-v5.1", "v5.1"),
    # The round's checker (b66003e1, as upstream's snapshot test runs it) accepts all 30 results;
    # so does the v6.0 pack under --profile published (PROFILES); strict rejects four
    # (test_v6_0_strict_rejects_what_its_checker_never_judged).
    ("inference-v6.0", "v6.0"),
    # MLPerf Automotive v0.5, the whole published round: its checker (79b9c535) accepts all 9.
    ("automotive-v0.5", "v0.5"),
]

# The profile whose verdicts are compared with the official ones, where it is not strict: the v6
# package ignores LoadGen errors, never opens a summary log and lost the repository checks
# (the v6.0 pack's published_tolerates), and the published v6.0 round relies on all three.
PROFILES = {"v6.0": "published"}

# Rounds whose slice holds no power result although the round measured power.
NO_POWER_IN_SLICE = {"v6.0"}

# The units of energy (latency scenarios) and power (throughput scenarios) each round reports;
# v0.7 measured no power.
POWER_UNITS = {"v0.7": set(), "v1.0": {"Joules", "Watts"}, "v1.1": {"Joules", "Watts"},
               "v2.0": {"Joules", "Watts"}, "v2.1": {"Joules", "Watts"}, "v3.0": {"millijoules", "Watts"},
               "v4.1": {"millijoules", "Watts"}, "v5.1": {"millijoules", "Watts"},
               "v6.0": {"millijoules", "Watts"}, "v0.5": set()}

# Results the round's rules accept and its official checker rejects through a bug of its own
# (stated with the official source in the test of each round below).
OFFICIAL_BUG_REJECTS = {
    "v0.7": {
        "closed/CentaurTechnology/results/0/resnet/SingleStream",
        "closed/CentaurTechnology/results/0/ssd-small/SingleStream",
        "closed/Mobilint/results/mobilint_edge/resnet/SingleStream",
        "closed/Mobilint/results/mobilint_edge/ssd-small/SingleStream",
    },
}


@pytest.fixture(scope="module", params=PUBLISHED_SLICES, ids=[r for _, r in PUBLISHED_SLICES])
def round_run(request):
    folder, round_name = request.param
    # Neither the suite nor the round is given: both must be recognised from the tree.
    report = check_tree(str(corpus(folder)), jobs=2, suite="auto",
                        profile=PROFILES.get(round_name, "strict"))
    assert (report.suite, report.round) == (folder.split("-")[0], round_name)
    expected = read_summary_csv(corpus("expected") / f"{folder}.summary.csv")
    return report, expected


def _key(row):
    # Rounds before v1.1 have no Units column (and one row per result).
    return row["Location"], row.get("Units")


def _result(location: str) -> str:
    """The result folder of a Location (from v6.0 its performance/run_1 folder)."""
    return location.removesuffix("/performance/run_1")


def test_exactly_the_published_results_are_accepted(round_run):
    report, expected = round_run
    _, rows = summary_rows(report)
    bug_rejects = OFFICIAL_BUG_REJECTS.get(report.round, set())
    ours = sorted(map(_key, (r for r in rows if r["Location"] not in bug_rejects)))
    assert ours == sorted(map(_key, expected))
    accepted = {e.result for e in report.results if e.valid}
    assert accepted == {_result(row["Location"]) for row in expected} | bug_rejects
    assert report.valid


def test_values_units_and_accuracy_match_the_official_csv(round_run):
    report, expected = round_run
    columns, rows = summary_rows(report)
    ours = {_key(r): r for r in rows}
    assert columns == list(expected[0].keys())
    for row in expected:
        mine = ours[_key(row)]
        assert math.isclose(float(mine["Result"]), float(row["Result"]), rel_tol=1e-12), _key(row)
        for column in columns:
            if column != "Result":
                assert mine[column] == row[column], (_key(row), column)


def test_power_rows_are_present(round_run):
    report, expected = round_run
    if "power" in expected[0]:  # v1.0: the metric is a column of the result's row, 0 without
        power = [r for r in expected if float(r["power"]) > 0]
    else:
        power = [r for r in expected if r.get("Units") in ("Watts", "Joules", "millijoules")]
    # Every round with power measurement has power results in its slice (v6.0's slice has
    # none); v0.7 has none.
    assert bool(power) == (bool(POWER_UNITS[report.round]) and report.round not in NO_POWER_IN_SLICE)
    assert report.stats()["power_results"] == len(power)


def test_power_is_in_the_units_of_its_round(round_run):
    report, _ = round_run
    units = {e.metrics.get("power_units") for e in report.results if e.metrics.get("power_value")}
    assert units <= POWER_UNITS[report.round]


def test_v6_0_strict_rejects_what_its_checker_never_judged():
    """Strict keeps as errors what the b66003e1 checker never judges: LoadGen errors (the TEST01
    logs of Lenovo's 3d-unet Offline flag every line is_error; they are resnet50's TEST01 run),
    a summary log that disagrees with its detail log (the Jetson Thor summaries state
    min_duration 0), and hidden names the results repository refuses (.clangd, .dockerignore in
    closed/Nebius, the tree's finding)."""
    report = check_tree(str(corpus("inference-v6.0")), jobs=2)
    assert report.round == "v6.0" and len(report.results) == 30
    rejected = {e.result: {f.code for f in e.errors()} for e in report.results if not e.valid}
    lenovo = "closed/Lenovo/results/SE455I_V3_TRT"
    jetson = "open/NVIDIA/results/Jetson-Thor/llama3.1-8b-edge"
    assert rejected == {f"{lenovo}/3d-unet-99/Offline": {"LG001"},
                        f"{lenovo}/3d-unet-99.9/Offline": {"LG001"},
                        f"{jetson}/Offline": {"LG019"}, f"{jetson}/SingleStream": {"LG019"}}
    assert {(f.code, f.path) for f in report.findings if f.is_error} == {
        ("STR020", "closed/Nebius/.clangd"), ("STR020", "closed/Nebius/.dockerignore")}


def test_v6_0_code_folder_and_private_id(tmp_path):
    """v6.0 asks for the submitter's src/ only (SRC_PATH), not a folder per benchmark; the
    PrivateID column comes from results/<system>/privateid.json where there is one."""
    root = tmp_path / "tree"
    shutil.copytree(corpus("inference-v6.0") / "closed" / "Dell", root / "closed" / "Dell")
    for path in [root, *root.rglob("*")]:  # the corpus is read-only
        path.chmod(0o755 if path.is_dir() else 0o644)
    system = root / "closed" / "Dell" / "results" / "XE7745_L4x16"
    (system / "privateid.json").write_text(json.dumps({"XE7745_L4x16": "brave-otter-1a2b"}), "utf-8")
    report = check_tree(str(root))
    assert report.round == "v6.0" and len(report.results) == 3 and report.valid
    _, rows = summary_rows(report)
    assert {r["PrivateID"] for r in rows} == {"brave-otter-1a2b"}
    shutil.rmtree(root / "closed" / "Dell" / "src")
    report = check_tree(str(root))
    for entry in report.results:
        assert [(f.code, f.path) for f in entry.errors()] == [("STR001", "closed/Dell/src")]


@pytest.fixture(scope="module")
def automation():
    return corpus("inference-v5.0-automation")


def test_v5_automation_strict_rejects_every_result(automation):
    report = check_tree(str(automation), round="v5.0")
    assert len(report.results) == 39
    for entry in report.results:
        codes = {f.code for f in entry.errors()}
        assert not entry.valid
        # v5.0's checker has no dataset-size rule (it came with v5.1): the 600 s minimum rejects
        assert "LG004" in codes and "ACC007" not in codes, entry.result


def test_v5_automation_smoke_accepts_every_result(automation):
    report = check_tree(str(automation), round="v5.0", profile="smoke")
    assert report.valid and len(report.results) == 39
    relaxed = {f.code for f in report.all_findings() if f.severity == "warning"}
    assert "LG004" in relaxed
    # Logs made by newer LoadGen builds carry the seeds of v5.1/v6.0: tolerated, but named.
    seeds = [f for f in report.all_findings() if f.code == "LG003"]
    assert seeds and all("round v5.1" in f.message or "round v6.0" in f.message for f in seeds)


def test_round_is_recognised_from_the_seeds():
    from infercheck.checker.inference.rounds import detect_round

    for folder, round_name in PUBLISHED_SLICES:
        assert detect_round(str(corpus(folder)), suite=folder.split("-")[0]) == round_name


def test_v6_layout_runner_made_trees():
    """Trees made with the real LoadGen 6.0.17 (v6.1 seeds), in the v6 layout."""
    full = check_tree(str(corpus("runner-made-v6.1-open-offline-600s")))
    assert full.round == "v6.1"
    (entry,) = full.results
    # Like the official HEAD checker: only the dataset size (1024 of resnet's 50000) fails.
    assert {f.code for f in entry.errors()} == {"ACC007"}
    assert entry.metrics["value"] == pytest.approx(1914.98) and entry.metrics["accuracy"] == "97.168"
    assert check_tree(str(corpus("runner-made-v6.1-open-offline-600s")), profile="smoke").valid

    short = check_tree(str(corpus("runner-made-v6.1-open-short")), round="v6.1")
    assert len(short.results) == 4
    for e in short.results:
        assert {"LG004", "LG006", "ACC007"} <= {f.code for f in e.errors()}
    assert check_tree(str(corpus("runner-made-v6.1-open-short")), round="v6.1", profile="smoke").valid


def _mapped_short_tree(tmp_path, benchmark: str):
    """The runner-made short tree with its open model mapped to another v6.1 benchmark."""
    root = tmp_path / benchmark
    shutil.copytree(corpus("runner-made-v6.1-open-short"), root)
    for path in [root, *root.rglob("*")]:  # the corpus is read-only
        path.chmod(0o755 if path.is_dir() else 0o644)
    (root / "open" / "MyOrg" / "model_mapping.json").write_text(
        json.dumps({"ocrcls-mobilenetv3": benchmark}), "utf-8")
    return check_tree(str(root), round="v6.1")


def test_v6_1_units_and_run_length_follow_the_benchmark(tmp_path):
    """wan-2.2 reports SingleStream latency in seconds; e2e-rag-qna runs one fixed pass over its
    dataset, so the 600 s minimum duration (LG004) does not apply to it; gpt-oss-120b's accuracy
    run covers a set subset of its dataset."""
    resnet = {e.scenario: e for e in _mapped_short_tree(tmp_path, "resnet").results}
    wan = {e.scenario: e for e in _mapped_short_tree(tmp_path, "wan-2.2-t2v-a14b").results}
    rag = {e.scenario: e for e in _mapped_short_tree(tmp_path, "e2e-rag-qna").results}
    assert wan["SingleStream"].metrics["units"] == "Latency (s)"
    assert wan["SingleStream"].metrics["value"] == pytest.approx(
        resnet["SingleStream"].metrics["value"] / 1000)
    assert rag["Offline"].metrics["units"] == "Tasks/s"
    assert "LG004" in {f.code for f in resnet["Offline"].errors()}
    assert "LG004" not in {f.code for e in rag.values() for f in e.errors()}
    # gpt-oss-120b's accuracy run covers 4395 of its 6396 samples.
    gpt = _mapped_short_tree(tmp_path, "gpt-oss-120b").results
    assert {f.expected for e in gpt for f in e.errors() if f.code == "ACC007"} == {4395}


# What v6.1 no longer has of the sample: llama2-70b-99 (#2651), mixtral-8x7b, llama3.1-405b, and
# Stable Diffusion XL on datacenter systems.
V61_DROPPED = {"llama2-70b-99", "mixtral-8x7b", "llama3.1-405b", "stable-diffusion-xl"}


@pytest.mark.parametrize("round_name,results", [("v6.0", 22), ("v6.1", 8)])
def test_v6_sample_is_read_in_its_layout(round_name, results):
    report = check_tree(str(corpus("inference-v6.0-sample")), round=round_name)
    interactive = [e for e in report.results if e.scenario == "Interactive"]
    assert interactive and all(not e.metrics.get("inferred") for e in interactive)
    assert all(e.metrics.get("units") == "Tokens/s" for e in interactive)
    # The sample's logs carry the v5.1 seeds (a known problem of the official sample).
    assert all("LG003" in {f.code for f in e.errors()} for e in report.results)
    assert len(report.results) == results
    # Nothing else is wrong with it: v6.0 knows all its benchmarks (measurements and audit tests
    # inside the result folders, src/); v6.1 names the ones it dropped. (The v6.0.0pre checker
    # itself rejects every result: its measurements check looks for "<system>*.json".)
    assert {f.code for e in report.results for f in e.errors()} == {"LG003"}
    dropped = {f.found for f in report.findings if f.code == "STR009"}
    assert dropped == (V61_DROPPED if round_name == "v6.1" else set())
    assert all(f.code == "STR009" for f in report.findings if f.is_error)
