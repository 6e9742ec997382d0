"""The command line: verdicts, exit codes, outputs, explain and rules pages."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from infercheck.checker import check_tree
from infercheck.checker.core.engine import usable_cores
from infercheck.checker.core.registry import CheckSet, check
from infercheck.checker.core.report import Report
from infercheck.checker.core.tree_rules import EmptyTree
from infercheck.checker.inference import SUITE as INFERENCE
from infercheck.cli import main
from infercheck.cli.progress import ProgressLine
from infercheck.cli.run_cmd import _run_profile
from infercheck.cli.verdicts import exit_status
from infercheck.schemas import load_schema

from .conftest import PROJECT, corpus


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def codes(report, severity=None):
    return {f.code for f in report.all_findings() if severity is None or f.severity == severity}


def test_explain_prints_the_rule_page():
    result = run("explain", "lg003")
    assert result.exit_code == 0
    assert result.output.startswith("LG003 seed-mismatch (error)")
    for section in ("What it checks:", "Why it matters:", "How to fix:", "Source:"):
        assert section in result.output
    page = json.loads(run("explain", "ACC007", "--format", "json").output)
    assert page["run_length"] is True and page["name"] == "dataset-not-covered"


def test_explain_unknown_code_is_a_usage_error():
    result = run("explain", "XYZ999")
    assert result.exit_code == 2 and "no rule has code" in result.output


def test_rules_lists_benchmarks_scenarios_and_targets():
    result = run("rules", "--version", "v2.1")
    assert result.exit_code == 0
    assert "14284205019438841327" in result.output
    line = next(x for x in result.output.splitlines() if x.startswith("resnet "))
    assert "SingleStream, MultiStream, Offline" in line and "acc >= 75.6954" in line
    assert "v2.1" in run("rules", "--list").output


@pytest.mark.parametrize("round_name,parent,seed,model,row", [
    ("v3.0", "v2.1", "10003631887983097364", "dlrm-99", "AUC >= 79.4475"),
    ("v3.1", "v3.0", "148687905518835231", "gptj-99", "ROUGE1 >= 42.5566"),
    ("v4.0", "v3.1", "13281865557512327830", "stable-diffusion-xl", "CLIP_SCORE <= 31.8133"),
])
def test_rules_prints_the_middle_rounds(round_name, parent, seed, model, row):
    result = run("rules", "--version", round_name)
    assert result.exit_code == 0
    assert result.output.startswith(f"inference {round_name} (extends {parent})")
    assert seed in result.output
    line = next(x for x in result.output.splitlines() if x.startswith(f"{model} "))
    assert row in line
    assert round_name in run("rules", "--list").output


@pytest.mark.parametrize("round_name", ["v5.1", "v6.0", "v6.1"])
def test_rules_of_the_newest_rounds_list_every_benchmark(round_name):
    result = run("rules", "--version", round_name)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    table = lines[lines.index(next(x for x in lines if x.startswith("---"))) + 1:]
    rows = {line.split()[0]: line for line in table if line.strip() and not line.startswith("?")}
    assert set(rows) == set(INFERENCE.load_rules(round_name).benchmarks)
    assert "Offline, one of Interactive/Server" in rows["llama3.1-8b"]
    if round_name == "v6.1":
        assert "Interactive: F1_HIERARCHICAL >= 0.779922" in rows["qwen3-vl-235b-a22b"]


@pytest.mark.parametrize("round_name,seed,resnet", [
    ("v0.7", "12786827339337101903", "SingleStream, Offline, MultiStream?"),
    ("v1.0", "7322528924094909334", "Offline, Server?"),
    ("v1.1", "1624344308455410291", "SingleStream, Offline  "),
    ("v2.0", "6655344265603136530", "SingleStream, MultiStream, Offline"),
])
def test_rules_of_the_old_rounds(round_name, seed, resnet):
    result = run("rules", "--version", round_name)
    assert result.exit_code == 0 and seed in result.output
    line = next(x for x in result.output.splitlines() if x.startswith("resnet "))
    assert resnet in line and "acc >= 75.6954" in line
    assert ("? optional scenario" in result.output) == (round_name in ("v0.7", "v1.0", "v1.1"))
    assert round_name in run("rules", "--list").output


def test_empty_tree_and_unmatched_submitter_are_usage_errors(tmp_path):
    # An empty folder is said to be one before any check (it was an STR013 finding).
    result = run("check", tmp_path, "--version", "v2.1")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (f"Error: Invalid value for PATH: {tmp_path} is "
                                              f"empty: a submission tree holds closed/, open/ "
                                              f"or network/")
    result = run("check", corpus("inference-v4.1"), "--version", "v4.1", "--submitter", "Nobody")
    assert result.exit_code == 2 and "no results found for submitter 'Nobody'" in result.output


def test_unknown_round_is_a_usage_error(broken_tree):
    tree = broken_tree("edge")
    result = run("check", tree.root, "--version", "v9.9")
    assert result.exit_code == 2 and "not a round" in result.output


def test_valid_tree_exits_0_and_writes_every_output(broken_tree, tmp_path):
    tree = broken_tree("power")
    out = tmp_path / "out"
    out.mkdir()
    result = run("check", tree.root, "--version", "v4.1", "--json", out / "r.json",
                 "--csv", out / "s.csv", "--parquet", out / "t.parquet", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert result.output.count("VALID  ") == 2 and "power" in result.output
    data = json.loads((out / "r.json").read_text())
    errors = list(Draft202012Validator(load_schema("report")).iter_errors(data))
    assert not errors, errors[0].message
    assert Report.from_dict(data).to_dict() == data
    header = (out / "s.csv").read_text().splitlines()[0]
    assert header.endswith("compliance,errors,version,inferred,has_power,Units")
    assert len((out / "s.csv").read_text().splitlines()) == 1 + 4  # two results, two power rows
    table = pq.read_table(out / "t.parquet")
    assert table.num_rows == 2
    assert str(table.schema.field("value").type) == "double"
    assert str(table.schema.field("valid").type) == "bool"
    row = table.to_pylist()[0]
    assert row["power_units"] == "Watts" and row["power_value"] > 0


def test_outputs_inside_the_tree_are_refused(broken_tree):
    tree = broken_tree("edge")
    result = run("check", tree.root, "--version", "v4.1", "--csv", tree.root / "summary.csv")
    assert result.exit_code == 2 and not (tree.root / "summary.csv").exists()


def test_smoke_profile_says_so_on_every_verdict_line():
    result = run("check", corpus("inference-v5.0-automation"), "--version", "v5.0",
                 "--profile", "smoke")
    assert result.exit_code == 0
    verdicts = [x for x in result.output.splitlines() if x.startswith(("VALID ", "INVALID "))]
    assert len(verdicts) == 39 and all("[smoke" in x for x in verdicts)
    strict = run("check", corpus("inference-v5.0-automation"), "--version", "v5.0")
    assert strict.exit_code == 1 and "LG004" in strict.output and "ACC007" not in strict.output


def _exploding_checks() -> CheckSet:
    @check(emits=())
    def check_explodes(ctx):
        raise ZeroDivisionError("boom")
        yield

    return INFERENCE.checks + CheckSet.of(check_explodes)


def test_a_crashing_check_is_an_internal_fault(broken_tree):
    tree = broken_tree("edge")
    report = check_tree(str(tree.root), round="v4.1", checks=_exploding_checks())
    crashed = [f for f in report.all_findings() if f.code == "INT001"]
    assert len(crashed) == 3 and "ZeroDivisionError: boom" in crashed[0].message
    assert "Traceback" in crashed[0].detail
    assert not report.valid and report.crashed
    assert exit_status(report) == 2
    # the suite's own checks are untouched
    assert "check_explodes" not in {c.name for c in INFERENCE.checks}


def test_a_check_yielding_an_undeclared_code_is_an_internal_fault(broken_tree):
    @check(emits=())
    def check_says_too_much(ctx):
        yield EmptyTree.at(None, found=0, where="")

    tree = broken_tree("edge")
    report = check_tree(str(tree.root), round="v4.1",
                        checks=INFERENCE.checks + CheckSet.of(check_says_too_much))
    crashed = [f for f in report.all_findings() if f.code == "INT001"]
    assert len(crashed) == 3 and "undeclared codes STR013" in crashed[0].message


def test_tree_level_findings(broken_tree):
    def mutate(t):
        (t.root / "Closed").mkdir()
        (t.sub / "results" / t.system / "resnet101").mkdir()
        # a system field that must not be empty from v3.1
        t.edit_json(t.system_json, cooling="", is_network="true")
        folder = t.sub / "measurements" / t.system / t.bench / "offline"
        impl = next(p for p in folder.iterdir() if p.suffix == ".json")
        t.edit_json(impl, retraining="")
        (t.result("offline") / "accuracy" / "accuracy.txt").write_text("hash=00\n")

    report = check_tree(str(broken_tree("edge", mutate).root), round="v4.1")
    assert {"STR008"} <= codes(report, "warning")
    assert {"STR009", "SYS004", "SYS007", "MEA002", "ACC003"} <= codes(report, "error")


def test_open_model_mapping_must_be_an_object(broken_tree):
    def mutate(t):
        os.rename(t.root / "closed", t.root / "open")
        t.division = "open"
        t.edit_json(t.system_json, division="open")
        (t.root / "open" / t.submitter / "model_mapping.json").write_text("[1]")

    report = check_tree(str(broken_tree("edge", mutate).root), round="v4.1")
    assert "STR014" in codes(report, "error")


def test_inferred_result_is_flagged():
    report = check_tree(str(corpus("inference-v4.1")), round="v4.1", submitter="Krai")
    assert not any(e.metrics.get("inferred") for e in report.results)


def test_open_sdxl_without_images_is_a_warning():
    report = check_tree(str(corpus("inference-v4.1")), round="v4.1", submitter="CTuning")
    images = [f for f in report.all_findings() if f.code == "ACC008"]
    assert len(images) == 1 and images[0].severity == "warning" and report.valid


def test_extra_power_file_is_a_warning(broken_tree):
    def mutate(t):
        (t.result("offline") / "performance" / "power" / "ptd_out.txt").write_text("x")

    report = check_tree(str(broken_tree("power", mutate).root), round="v4.1")
    assert "PWR002" in codes(report, "warning") and report.valid


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_help_and_format(fmt, broken_tree):
    assert "Exit status" in run("check", "--help").output
    result = run("check", broken_tree("edge").root, "--version", "v4.1", "--format", fmt)
    assert result.exit_code == 0
    if fmt == "json":
        assert json.loads(result.output)["valid"] is True


def test_one_profile_vocabulary_across_commands():
    for command in ("check", "report"):
        page = run(command, "--help").output
        assert all(name in page for name in ("strict", "smoke", "published")), command
    assert "[smoke|strict]" in run("run", "--help").output
    # the runner's earlier spellings still work; anything else is a usage error before any run
    assert _run_profile(None, None, "demo") == "smoke" and _run_profile(None, None, "full") == "strict"
    bad = run("run", "--out", "never-made", "--profile", "long")
    assert bad.exit_code == 2 and "'long' is not one of 'smoke', 'strict'" in bad.output
    assert not os.path.exists("never-made")


def test_the_exit_status_is_in_the_help_epilog():
    page = run("check", "--help").output
    assert page.rstrip().endswith("(an INT001 finding).")
    assert "spelled --version" in page


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_long_check_on_a_terminal_shows_its_progress_and_clears_it():
    seen = []
    line = ProgressLine(_Terminal(), after_s=0.0, every_s=0.0)
    report = check_tree(str(corpus("inference-v2.1")), round="v2.1", jobs=2,
                        progress=lambda *a: (seen.append(a), line(*a)))
    systems = len({(e.division, e.submitter, e.system) for e in report.results})
    assert [done for done, _, _ in seen] == list(range(1, systems + 1))
    assert {total for _, total, _ in seen} == {systems} and seen[-1][2] == len(report.results)
    text = line.stream.getvalue()
    assert f"{systems}/{systems} systems, {len(report.results):,} results" in text
    line.close()
    assert line.stream.getvalue().endswith("\r\x1b[K")


def test_no_progress_line_when_piped_or_short():
    piped = ProgressLine(io.StringIO(), after_s=0.0)
    piped(1, 2, 10)
    short = ProgressLine(_Terminal(), after_s=60.0)
    short(1, 2, 10)
    short.close()
    assert piped.stream.getvalue() == "" and short.stream.getvalue() == ""


def test_check_runs_on_every_usable_core_unless_told(broken_tree, monkeypatch):
    calls = []
    real = check_tree

    def spy(*args, **kwargs):
        calls.append(kwargs["jobs"])
        return real(*args, **kwargs)

    monkeypatch.setattr("infercheck.cli.check_cmd.check_tree", spy)
    tree = broken_tree("edge")
    assert run("check", tree.root, "-q").exit_code == 0
    assert run("check", tree.root, "-q", "--jobs", "1").exit_code == 0
    assert calls == [usable_cores(), 1]
    assert usable_cores() == len(os.sched_getaffinity(0))


def test_python_dash_m_infercheck_is_the_command_line(tmp_path):
    out = subprocess.run([sys.executable, "-m", "infercheck", "explain", "LG019"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("LG019 summary-disagrees (error)")


def test_rules_diff_names_what_changed_between_two_rounds():
    out = CliRunner().invoke(main, ["rules", "--diff", "v4.1", "v5.1"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].startswith("inference rules, v4.1 -> v5.1: ")
    assert "+ benchmarks.deepseek-r1: {13 keys}" in lines  # new in v5.1
    assert "- benchmarks.gptj-99: {10 keys}" in lines      # retired after v4.1
    assert '~ benchmarks.bert-99.compliance: ["TEST01", "TEST05"] -> ["TEST01"]' in lines
    assert int(lines[0].rsplit(": ", 1)[1].split()[0]) == len(lines) - 1
    same = CliRunner().invoke(main, ["rules", "--diff", "v5.1", "v5.1"])
    assert same.output.strip() == "inference rules, v5.1 -> v5.1: 0 changes"
    bad = CliRunner().invoke(main, ["rules", "--diff", "v4.1", "v9.9"])
    assert bad.exit_code == 2 and "'v9.9' is not a round of inference" in bad.output
    mobile = CliRunner().invoke(main, ["rules", "--suite", "mobile", "--diff", "v4.0", "v4.1"])
    assert "+ benchmarks.stable_diffusion: {11 keys}" in mobile.output.splitlines()


def test_the_readme_python_api_script_runs(tmp_path):
    readme = (PROJECT / "README.md").read_text("utf-8")
    script = readme.split("<!-- python-api -->\n```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "api.py").write_text(script, "utf-8")
    out = subprocess.run([sys.executable, str(tmp_path / "api.py"),
                          str(PROJECT / "sample_submissions" / "invalid-seed-changed")],
                         capture_output=True, text=True)
    assert out.returncode == 1, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("inference ") and lines[1].endswith("LG003")
