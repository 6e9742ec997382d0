"""The newcomer's path: text a person can act on (each finding with its file and line, warnings
shown, -v and what was not shown), every typed name checked with suggestions, a folder that is
not a tree said to be so, `--json -`, and a short `diff` summary. Each test drives the command
as a user would and asserts the exact line a user sees and the exit code."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from infercheck.cli import main

from .conftest import PROJECT, corpus

SAMPLES = PROJECT / "sample_submissions"
RESULTS = "closed/Demo/results/x86_64-scikit-learn/digits"
SYSTEM_JSON = "closed/Demo/systems/x86_64-scikit-learn.json"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def last_line(result) -> str:
    return result.output.splitlines()[-1]


# The demo tree's system description as the runner writes it holds placeholders (a warning
# each); filled in, the tree has no finding but the round's recognition.
_FILLED = {"cooling": "air", "host_memory_configuration": "1x 24 GB DDR4",
           "host_storage_type": "SSD"}


@pytest.fixture
def demo(tmp_path):
    """A copy of the valid demo tree, its system description filled in."""
    tree = tmp_path / "demo"
    shutil.copytree(SAMPLES / "demo-valid", tree)
    path = tree / SYSTEM_JSON
    fields = json.loads(path.read_text("utf-8"))
    fields.update(_FILLED)
    path.write_text(json.dumps(fields, indent=2, sort_keys=True) + "\n", "utf-8")
    return tree


def _break_system(tree) -> None:
    """Four required fields gone and a key named twice (line 12): six findings per result
    with the benchmark's STR011."""
    path = tree / SYSTEM_JSON
    text = path.read_text("utf-8").replace('  "cooling": "air",\n',
                                           '  "cooling": "air",\n  "cooling": "liquid",\n')
    gone = ('"framework"', '"operating_system"', '"host_processor_model_name"', '"status"')
    path.write_text("\n".join(x for x in text.split("\n") if not x.strip().startswith(gone)),
                    "utf-8")


# 2. Text output a person can act on --------------------------------------------------------

def test_each_finding_is_printed_with_its_path_and_warnings_are_shown(demo):
    (demo / RESULTS / "MultiStream" / "performance" / "run_1" / "mlperf_log_detail.txt").unlink()
    out = run("check", demo)
    assert out.exit_code == 1
    lines = out.output.splitlines()
    at = lines.index(f"INVALID  {RESULTS}/MultiStream")
    assert lines[at + 1] == (f"        ERROR   STR001 missing-file: {RESULTS}/MultiStream/"
                             f"performance/run_1/mlperf_log_detail.txt: required file or folder "
                             f"is missing")
    assert lines[at + 2] == (f"        WARNING STR011 missing-scenario: {RESULTS}: benchmark "
                             f"lacks required scenarios ['MultiStream']")
    # one error and one warning: counted as people write them
    assert lines[-1] == ("INVALID: 3 results, 2 valid, 1 invalid, 0 with power; 1 error, "
                         "1 warning (round demo, profile strict)")


def test_a_bounded_number_per_result_then_what_was_not_shown_and_v_shows_all(demo):
    _break_system(demo)
    out = run("check", demo)
    assert out.exit_code == 1
    lines = out.output.splitlines()
    under = lines[lines.index(f"INVALID  {RESULTS}/Offline  25953.5 Samples/s") + 1:][:4]
    assert [x.split(":")[0] for x in under] == ["        ERROR   SYS001 missing-field"] * 3 + [
        f"INVALID  {RESULTS}/SingleStream  0.506586 Latency (ms)".split(":")[0]]
    # 3 results of 6 findings each (4 errors, 2 warnings), 3 shown under each
    assert lines[-2] == "… 9 more findings not shown: -v shows all"
    verbose = run("check", demo, "-v")
    assert verbose.exit_code == 1 and "not shown" not in verbose.output
    # the line of the file where it is known
    assert (f"        WARNING STR018 duplicate-json-key: {SYSTEM_JSON}:12: JSON names a key "
            f"twice: duplicate key 'cooling' (values \"air\" and \"liquid\"); the last is used"
            ) in verbose.output.splitlines()
    assert verbose.output.count("\n        ") == 18
    # -q: only the invalid results (bounded) and the summary, saying what it left out
    quiet = run("check", demo, "-q")
    assert quiet.exit_code == 1 and f"VALID    {RESULTS}/Offline" not in quiet.output


def test_quiet_and_verbose_together_is_a_usage_error():
    out = run("check", SAMPLES / "demo-valid", "-q", "-v")
    assert out.exit_code == 2
    assert last_line(out) == "Error: --quiet and --verbose contradict each other: give one of them"


# 3. Every name a user types is checked -----------------------------------------------------

@pytest.mark.parametrize("args,line", [
    (("--select", "LG03"), "Error: Invalid value for --select: unknown code, family or tag "
                           "'LG03'; did you mean LG003, LG023 or LG013?"),
    (("--ignore", "PWRR"), "Error: Invalid value for --ignore: unknown code, family or tag "
                           "'PWRR'; did you mean PWR, power or PWR027?"),
    (("--select", "LG,ACC,nosuch"), "Error: Invalid value for --select: unknown code, family "
                                    "or tag 'nosuch'; families: ACC, CMP, INT, LG, MEA, PWR, "
                                    "RUL, STR, SYS; tags: accuracy, archive, audit, compliance, "
                                    "endpoints, integrity, internal, llm, loadgen, measurements, "
                                    "network, power, provenance, repository, robustness, round, "
                                    "run-length, safety, structure, system, usage, waivers; "
                                    "codes: `infercheck explain --list`"),
    (("--benchmark", "resnet51"), "Error: Invalid value for --benchmark: unknown benchmark "
                                  "'resnet51'; did you mean resnet50, resnet or ssd-resnet34?"),
    (("--scenario", "Ofline"), "Error: Invalid value for --scenario: unknown scenario 'Ofline'; "
                               "did you mean Offline?"),
    (("--version", "4.1"), "Error: Invalid value for --version: '4.1' is not a round of "
                           "inference (known: v0.5, v0.7, v1.0, v1.1, v2.0, v2.1, v3.0, v3.1, "
                           "v4.0, v4.1, v5.0, v5.1, v6.0, v6.1, demo); did you mean v4.1?"),
    # A choice of click's, named with its closest choices too.
    (("--suite", "automotve"), "Error: Invalid value for '--suite': 'automotve' is not one of "
                               "'auto', 'automotive', 'inference', 'mobile'; did you mean "
                               "automotive or auto?"),
    (("--profile", "strikt"), "Error: Invalid value for '--profile': 'strikt' is not one of "
                              "'strict', 'smoke', 'published'; did you mean strict?"),
])
def test_an_unknown_name_is_a_usage_error_with_the_closest_names(args, line):
    out = run("check", SAMPLES / "demo-valid", *args)
    assert out.exit_code == 2, out.output
    assert last_line(out) == line


def test_every_command_taking_a_round_suggests_it(tmp_path):
    suffix = "did you mean v4.1?"
    for args in (("rules", "--version", "4.1"), ("rules", "--diff", "v4.0", "4.1"),
                 ("preprocess", SAMPLES / "demo-valid", "--dry-run", "--version", "4.1"),
                 ("diff", SAMPLES / "demo-valid", SAMPLES / "demo-valid", "--version", "4.1")):
        out = run(*args)
        assert out.exit_code == 2 and last_line(out).endswith(suffix), (args, out.output)


def test_explain_suggests_the_code_meant():
    out = run("explain", "LG03")
    assert out.exit_code == 2
    assert last_line(out) == ("Error: Invalid value for CODE: no rule has code 'LG03'; did you "
                              "mean LG003, LG023 or LG013?")


def test_benchmark_takes_the_model_name_rules_prints():
    tree = corpus("inference-v2.1")
    by_model = run("check", tree, "--benchmark", "resnet", "--scenario", "offline", "-q", "-j", 2)
    by_folder = run("check", tree, "--benchmark", "resnet50", "--scenario", "Offline", "-q",
                    "-j", 2)
    assert by_model.exit_code == by_folder.exit_code == 0
    assert last_line(by_model) == ("VALID: 13 results, 13 valid, 0 invalid, 7 with power; "
                                   "0 errors, 0 warnings (round v2.1, profile strict; FOCUSED, "
                                   "not a full check: --benchmark resnet --scenario offline)")
    assert last_line(by_folder).startswith("VALID: 13 results, 13 valid")


def test_a_folder_that_is_not_a_tree_says_what_it_is_and_where_the_tree_is(tmp_path, demo):
    (tmp_path / "empty").mkdir()
    out = run("check", tmp_path / "empty")
    assert out.exit_code == 2
    assert last_line(out) == (f"Error: Invalid value for PATH: {tmp_path / 'empty'} is empty: "
                              f"a submission tree holds closed/, open/ or network/")
    out = run("check", demo / "closed")
    assert out.exit_code == 2
    assert last_line(out) == (f"Error: Invalid value for PATH: {demo / 'closed'} holds no "
                              f"closed/, open/ or network/; it looks like a division folder: "
                              f"check its parent {demo}")
    out = run("check", demo / "closed" / "Demo")
    assert last_line(out).endswith(f"it looks like a submitter's folder: check {demo}, "
                                   f"2 folders up")
    shutil.copytree(demo, tmp_path / "second")
    out = run("check", tmp_path, "--version", "v2.1")
    assert out.exit_code == 2
    assert last_line(out) == (f"Error: Invalid value for PATH: {tmp_path} holds no closed/, "
                              f"open/ or network/; it holds 2 trees (demo, second): check each "
                              f"of them")


def test_a_round_the_seeds_contradict_is_one_line_and_preprocess_refuses_it():
    line = ("Error: Invalid value for --version: v4.1: the performance logs carry the LoadGen "
            "seeds of v6.1 (3 results), none v4.1's; did you mean --version demo? (without "
            "--version the round is recognised from the seeds)")
    out = run("check", SAMPLES / "demo-valid", "--version", "v4.1")
    assert out.exit_code == 2 and last_line(out) == line
    out = run("preprocess", SAMPLES / "demo-valid", "--dry-run", "--version", "v4.1")
    assert out.exit_code == 2 and last_line(out) == line
    # smoke accepts another known round's seeds (CI runs use the LoadGen installed)
    smoke = run("check", SAMPLES / "demo-valid", "--version", "v4.1", "--profile", "smoke")
    assert "none v4.1's" not in smoke.output and "STR009 unknown-benchmark" in smoke.output


# 4. preprocess of a folder that is not a tree; --json - ----------------------------------

def test_preprocess_of_a_folder_that_is_not_a_tree_is_a_usage_error(tmp_path, demo):
    (tmp_path / "empty").mkdir()
    out = run("preprocess", tmp_path / "empty", "--dry-run")
    assert out.exit_code == 2 and last_line(out) == (
        f"Error: Invalid value for TREE: {tmp_path / 'empty'} is empty: a submission tree holds "
        f"closed/, open/ or network/")
    out = run("preprocess", demo / "closed", "--dry-run")
    assert out.exit_code == 2 and last_line(out) == (
        f"Error: Invalid value for TREE: {demo / 'closed'} holds no closed/, open/ or network/; "
        f"it looks like a division folder: check its parent {demo}")


def test_json_dash_writes_the_report_to_standard_output(tmp_path, demo):
    done = subprocess.run([sys.executable, "-m", "infercheck", "check", str(demo), "--json", "-"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["valid"] is True
    assert done.stderr.splitlines()[-1] == ("VALID: 3 results, 3 valid, 0 invalid, 0 with power; "
                                            "0 errors, 0 warnings (round demo, profile strict)")
    assert not (tmp_path / "-").exists()
    csv = subprocess.run([sys.executable, "-m", "infercheck", "check",
                          str(SAMPLES / "demo-valid"), "--csv", "-", "-q"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert csv.returncode == 0 and csv.stdout.startswith("Organization,Availability,Division,")
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("args,line", [
    (("--json", "-", "--csv", "-"), "Error: --json and --csv both name standard output (-): give "
                                     "all but one of them a file"),
    (("--json", "-", "--format", "json"), "Error: --json - and --format json both write to "
                                          "standard output: give --json a file, or leave "
                                          "--format out"),
    (("--parquet", "-"), "Error: Invalid value for --parquet: Parquet is written to a file, not "
                         "to standard output"),
])
def test_one_thing_on_standard_output(args, line):
    out = run("check", SAMPLES / "demo-valid", *args)
    assert out.exit_code == 2 and last_line(out) == line


# 6. diff ends in a short summary; numbers as people write them -------------------------------

def _reports(tmp_path):
    """Two reports of a tree of 8 results: in the new one, 7 are gone and one value changed."""
    done = run("check", SAMPLES / "demo-valid", "--json", tmp_path / "demo.json")
    assert done.exit_code == 0, done.output
    old = json.loads((tmp_path / "demo.json").read_text("utf-8"))
    first = old["results"][0]
    first["metrics"]["value"] = 96.60419999999999
    old["results"] = []
    for i in range(8):
        r = copy.deepcopy(first)
        r["system"] = f"sys{i}"
        r["result"] = f"closed/Demo/results/sys{i}/digits/MultiStream"
        old["results"].append(r)
    old["stats"].update(results=8, valid_results=8)
    new = copy.deepcopy(old)
    new["results"] = new["results"][:1]
    new["results"][0]["metrics"]["value"] = 173400.0
    new["stats"].update(results=1, valid_results=1)
    for name, data in (("old.json", old), ("new.json", new)):
        (tmp_path / name).write_text(json.dumps(data), "utf-8")
    return tmp_path / "old.json", tmp_path / "new.json"


def test_diff_ends_with_a_short_summary_and_readable_numbers(tmp_path):
    old, new = _reports(tmp_path)
    out = run("diff", old, new)
    assert out.exit_code == 1, out.output
    lines = out.output.splitlines()
    assert ("~ value      closed/Demo/results/sys0/digits/MultiStream: 96.6042 -> 173400 "
            "Latency (ms) (+179395.30 %)") in lines
    assert lines[-1] == ("NO LONGER VALID: 7 results (closed/Demo/results/sys1/digits/MultiStream, "
                         "closed/Demo/results/sys2/digits/MultiStream, "
                         "closed/Demo/results/sys3/digits/MultiStream and 4 more); 0 added, "
                         "7 removed, 0 verdicts and 1 value changed, 0 findings appeared, "
                         "0 disappeared")


def test_pack_says_what_a_folder_that_is_not_a_tree_is_and_checks_the_round(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = CliRunner().invoke(main, ["pack", str(empty), "--out", str(tmp_path / "a.tgz")])
    assert out.exit_code == 2
    assert f"nothing to pack: {empty} is empty: a submission tree holds closed/, open/ or network/" \
        in out.output
    out = CliRunner().invoke(main, ["pack", str(corpus("inference-v2.1")), "--out",
                                    str(tmp_path / "a.tgz"), "--version", "2.1"])
    assert out.exit_code == 2 and "did you mean v2.1?" in out.output
    assert not (tmp_path / "a.tgz").exists()


def test_audit_of_a_mobile_tree_is_a_usage_error_saying_why():
    out = CliRunner().invoke(main, ["audit", str(corpus("mobile-v4.1"))])
    assert out.exit_code == 2
    assert (f"the audit compares MLPerf Inference and Automotive results; "
            f"{corpus('mobile-v4.1')} holds mobile results only") in out.output


@pytest.mark.parametrize("where", ["empty", "division"])
def test_truncate_of_a_folder_that_is_not_a_tree_makes_nothing(tmp_path, where):
    if where == "empty":
        folder = tmp_path / "empty"
        folder.mkdir()
    else:
        shutil.copytree(corpus("inference-v2.1") / "closed", tmp_path / "tree" / "closed")
        folder = tmp_path / "tree" / "closed"
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    out = CliRunner().invoke(main, ["truncate", str(folder)])
    assert out.exit_code == 2 and "nothing to truncate: " in out.output
    assert ("is empty" if where == "empty" else "it looks like a division folder") in out.output
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_numbers_in_messages_are_written_as_people_write_them(broken_tree):
    """A target of 99 % of 76.46 is 75.6954 in a message, not 75.69539999999999 (the finding's
    expected value stays the float itself)."""
    from infercheck.checker import check_tree

    from .test_broken_trees import accuracy_below_target

    tree = broken_tree("edge", accuracy_below_target)
    report = check_tree(str(tree.root), round=tree.round)
    [below] = [f for e in report.results for f in e.findings if f.code == "ACC001"]
    assert below.message == "acc is 70, below the target 75.6954"
    assert abs(below.expected - 75.6954) < 1e-9


def test_run_checks_its_round_before_running(tmp_path):
    out = CliRunner().invoke(main, ["run", "--out", str(tmp_path / "x"), "--version", "4.1"])
    assert out.exit_code == 2 and "did you mean v4.1?" in out.output
    assert not (tmp_path / "x").exists()


def test_preprocess_shows_each_check_s_progress(broken_tree, monkeypatch):
    """Each check of the new tree runs with a progress line of its own (shown on a terminal)."""
    from infercheck.cli import preprocess_cmd

    labels = []
    real = preprocess_cmd.check_tree

    def seen(*args, progress=None, **kwargs):
        labels.append(progress.label)
        return real(*args, progress=progress, **kwargs)

    monkeypatch.setattr(preprocess_cmd, "check_tree", seen)
    tree = broken_tree("edge")
    out = CliRunner().invoke(main, ["preprocess", str(tree.root), "--dry-run"])
    assert out.exit_code == 0, out.output
    assert labels[:2] == ["check 1 of the new tree", "check 2 of the new tree"]


def test_audit_json_to_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = subprocess.run([sys.executable, "-m", "infercheck.cli", "audit",
                          str(corpus("inference-v2.1")), "--json", "-"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["results"] == 100
    assert out.stderr.strip().splitlines()[-1].startswith("AUDIT: 100 results of v2.1")
    assert not (tmp_path / "-").exists()


def test_rules_shows_a_word_error_rate_target_as_its_ceiling():
    """rnnt's accuracy is 100 - WER: its target reads as the error rate it must stay under."""
    out = CliRunner().invoke(main, ["rules", "--version", "v1.0"])
    [rnnt] = [x for x in out.output.splitlines() if x.startswith("rnnt ")]
    assert rnnt.endswith("WER <= 8.37748 %")
