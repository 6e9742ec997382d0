"""What the runner is told before it runs: scenarios the system type allows, and the system
description fields the machine cannot tell; a placeholder left in a description is SYS010."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from infercheck.checker import check_tree
from infercheck.checker.inference.checks.system import load_system, placeholder_settings
from infercheck.checker.inference.rules import load_rules
from infercheck.cli import main
from infercheck.runner.sysinfo import UNKNOWN

from .conftest import PROJECT

SAMPLES = PROJECT / "sample_submissions"
SYSTEM_JSON = "closed/Demo/systems/x86_64-scikit-learn.json"
EXE = shutil.which("infercheck")
CMD = [EXE] if EXE else [sys.executable, "-m", "infercheck.cli"]


def infercheck(*args, cwd):
    return subprocess.run([*CMD, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


# --scenario ---------------------------------------------------------------------------------

def test_a_scenario_the_system_type_does_not_allow_is_refused_before_running(tmp_path):
    result = infercheck("run", "--out", "X", "--scenario", "Server", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: round demo allows digits on an edge system only in SingleStream, MultiStream, "
        "Offline: not Server (--system-type datacenter allows Server, Offline)")
    assert os.listdir(tmp_path) == []  # nothing ran, nothing was made


def test_the_refusal_names_the_round_s_scenarios_for_the_system_type():
    result = CliRunner().invoke(main, ["run", "--out", "X", "--version", "v6.1", "--division",
                                       "open", "--system-type", "datacenter", "--scenario",
                                       "SingleStream"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: round v6.1 allows rgat on a datacenter system only in Offline: not SingleStream")


# --system-field, --system-json ----------------------------------------------------------------

@pytest.mark.parametrize("args,line", [
    (["--system-field", "cooling"],
     "Error: Invalid value for '--system-field': 'cooling' is not KEY=VALUE"),
    (["--system-field", "colling=air"],
     "Error: 'colling' is not a system description field of round demo; did you mean "
     "cooling?"),
    (["--system-field", "submitter=Acme"],
     "Error: system field 'submitter' comes from --submitter (Demo)"),
    (["--system-json", "list.json"],
     "Error: Invalid value for --system-json: list.json holds a JSON list, not an object"),
    (["--system-json", "nested.json"],
     'Error: system field \'cooling\': a text or a number, not {"kind": "air"}'),
])
def test_system_fields_are_checked_before_running(tmp_path, monkeypatch, args, line):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "list.json").write_text('["cooling"]')
    (tmp_path / "nested.json").write_text('{"cooling": {"kind": "air"}}')
    result = CliRunner().invoke(main, ["run", "--out", "X", *args])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == line
    assert not (tmp_path / "X").exists()


def test_system_fields_given_fill_the_description(tmp_path):
    (tmp_path / "system.json").write_text(json.dumps({
        "host_memory_configuration": "2x 8 GB DDR4", "cooling": "liquid", "submitter": "Demo",
        "host_processor_frequency": "2000 MHz", "host_processor_caches": "L2 1 MiB"}))
    result = infercheck("run", "--out", "X", "--division", "open", "--scenario", "SingleStream",
                        "--system-json", "system.json", "--system-field", "cooling=air",
                        "--system-field", "host_storage_type=NVMe SSD", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "could not tell" not in result.stderr
    (name,) = os.listdir(tmp_path / "X" / "open" / "Demo" / "systems")
    desc = json.loads((tmp_path / "X" / "open" / "Demo" / "systems" / name).read_text())
    assert (desc["cooling"], desc["host_storage_type"], desc["host_memory_configuration"]) == (
        "air", "NVMe SSD", "2x 8 GB DDR4")  # --system-field wins over --system-json
    assert UNKNOWN not in json.dumps(desc)
    assert list(desc) == sorted(desc)
    assert "SYS010" not in {f.code for f in check_tree(str(tmp_path / "X")).all_findings()}


def test_the_run_lists_the_fields_it_could_not_tell_and_how_to_give_them(tmp_path):
    result = infercheck("run", "--out", "X", "--division", "open", "--scenario", "SingleStream",
                        "--system-field", "cooling=air", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    (name,) = os.listdir(tmp_path / "X" / "open" / "Demo" / "systems")
    desc = json.loads((tmp_path / "X" / "open" / "Demo" / "systems" / name).read_text())
    unknown = sorted(k for k, v in desc.items() if v == UNKNOWN)
    assert "host_storage_type" in unknown and "cooling" not in unknown
    assert (f"The machine could not tell these system fields, left as placeholders that `check` "
            f"reports (SYS010): {', '.join(unknown)}. Give them with "
            + " ".join(f"--system-field {k}=..." for k in unknown)
            + f" (or --system-json FILE), or fill them in systems/{name}.") in result.stderr.splitlines()
    # the demo round: a warning, so the README's `run` then `check` exits 0
    check = infercheck("check", "X", cwd=tmp_path)
    assert check.returncode == 0, check.stdout[-2000:]
    assert "SYS010" in check.stdout


# SYS010 -------------------------------------------------------------------------------------------

def test_a_placeholder_warns_in_demo_and_fails_a_real_round(tmp_path):
    """SYS010: the runner's 'please fill in', left in a description; the demo round's pack makes
    it a warning, every real round has it an error."""
    tree = tmp_path / "tree"
    shutil.copytree(SAMPLES / "demo-valid", tree)
    desc = json.loads((tree / SYSTEM_JSON).read_text())
    placeholders = sorted(k for k, v in desc.items() if v == UNKNOWN)
    assert placeholders == ["cooling", "host_memory_configuration", "host_storage_type"]
    for round_name, severity in [("demo", "warning"), ("v6.1", "error"), ("v5.0", "error"),
                                 ("v3.1", "error")]:
        rules = load_rules(round_name)
        info = load_system(str(tree), "closed", "Demo", "x86_64-scikit-learn", rules)
        found = [f for f in info.findings if f.code == "SYS010"]
        assert [(f.locator, f.severity, f.found) for f in found] == [
            (f"$.{k}", severity, UNKNOWN) for k in placeholders], round_name
        assert found[0].message == (
            "field $.cooling still holds the placeholder 'unknown (not detected; please fill in)'")
    report = check_tree(str(tree))
    assert report.valid and "SYS010" in {f.code for f in report.all_findings()}
    # text around the placeholder, in another case, is the placeholder still
    desc["cooling"] = "Air; Unknown (not detected; please fill in)"
    for key in placeholders[1:]:
        desc[key] = "filled"
    (tree / SYSTEM_JSON).write_text(json.dumps(desc))
    info = load_system(str(tree), "closed", "Demo", "x86_64-scikit-learn", load_rules("v6.1"))
    assert [f.locator for f in info.findings if f.code == "SYS010"] == ["$.cooling"]


def test_the_placeholder_the_runner_writes_is_the_packs():
    for round_name in ("demo", "v6.1", "v4.1"):
        texts, _ = placeholder_settings(load_rules(round_name))
        assert texts[0] == UNKNOWN
