"""The reference runner: real LoadGen runs, trees the checker accepts, and broken copies of them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from infercheck.checker import check_tree
from infercheck.checker.inference.rules import load_rules
from infercheck.cli import main
from infercheck.runner.pipeline import RunError, RunOptions, _with_stand_in

from .conftest import PROJECT
from .conftest import make_samples as _make_samples

SAMPLES = PROJECT / "sample_submissions"


def infercheck(*args, cwd=None):
    """The installed command, as a user runs it."""
    exe = shutil.which("infercheck")
    cmd = [exe] if exe else [sys.executable, "-m", "infercheck.cli"]
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


def test_the_sample_tree_is_valid():
    report = check_tree(str(SAMPLES / "demo-valid"))
    assert report.round == "demo"
    assert report.valid, [f.to_dict() for f in report.all_findings() if f.is_error]
    assert {e.scenario for e in report.results} == {"SingleStream", "MultiStream", "Offline"}
    assert all(e.metrics["accuracy"] == "97.579" for e in report.results)


@pytest.mark.parametrize("variant", list(_make_samples().VARIANTS))
def test_committed_invalid_variants(variant):
    _, code = _make_samples().VARIANTS[variant]
    result = CliRunner().invoke(main, ["check", str(SAMPLES / variant)])
    assert result.exit_code == 1, result.output
    report = check_tree(str(SAMPLES / variant))
    assert code in {f.code for f in report.all_findings() if f.is_error}


def test_variants_are_what_the_script_derives(tmp_path):
    """The committed variants are exactly demo-valid plus the script's one edit."""
    samples = _make_samples()
    shutil.copytree(SAMPLES / "demo-valid", tmp_path / "demo-valid")
    samples.derive(str(tmp_path))
    for variant in samples.VARIANTS:
        for dirpath, _, files in os.walk(tmp_path / variant):
            for name in files:
                mine = os.path.join(dirpath, name)
                rel = os.path.relpath(mine, tmp_path / variant)
                committed = SAMPLES / variant / rel
                assert committed.exists(), (variant, rel)
                assert open(mine, "rb").read() == committed.read_bytes(), (variant, rel)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """`infercheck run --out sub` with no other argument: the README's main job."""
    base = tmp_path_factory.mktemp("run")
    result = infercheck("run", "--out", "sub", cwd=base)
    return base, result


def test_run_with_no_arguments_makes_a_tree_the_checker_accepts(demo_run):
    base, result = demo_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert "`infercheck check sub --version demo` accepts it: 3 of 3 results valid" in result.stdout
    for scenario in ("SingleStream", "MultiStream", "Offline"):
        assert f"{scenario} performance" in result.stderr and f"{scenario} TEST04" in result.stderr
    assert "LoadGen 6." in result.stderr and "serves round" in result.stderr
    check = infercheck("check", "sub", cwd=base)
    assert check.returncode == 0, check.stdout[-3000:]
    assert "(round demo, profile strict)" in check.stdout


def test_runner_tree_holds_what_a_submission_holds(demo_run):
    base, _ = demo_run
    sub = base / "sub" / "closed" / "Demo"
    (system,) = os.listdir(sub / "results")
    desc = json.loads((sub / "systems" / f"{system}.json").read_text())
    assert desc["framework"].startswith("scikit-learn") and desc["host_processor_model_name"]
    result = sub / "results" / system / "digits" / "Offline"
    for rel in ("performance/run_1/mlperf_log_detail.txt", "accuracy/accuracy.txt",
                "accuracy/mlperf_log_accuracy.json", "TEST01/verify_accuracy.txt",
                "TEST01/verify_performance.txt", "TEST04/verify_performance.txt",
                "measurements.json", "user.conf", "README.md"):
        assert (result / rel).is_file(), rel
    accuracy = (result / "accuracy" / "accuracy.txt").read_text().splitlines()
    assert accuracy[0].startswith("accuracy=97.") and accuracy[-1].startswith("hash=")
    assert os.path.getsize(result / "accuracy" / "mlperf_log_accuracy.json") <= 10 * 1024
    backup = base / "sub.accuracy-backup" / os.path.relpath(result, base / "sub") / "accuracy"
    assert os.path.getsize(backup / "mlperf_log_accuracy.json") > 10 * 1024
    assert (sub / "src" / "digits" / "README.md").is_file()


@pytest.mark.parametrize("mutate,code", [
    ("seed", "LG003"), ("accuracy", "ACC001"), ("compliance", "CMP002"), ("missing", "STR001"),
])
def test_editing_a_runner_tree_is_caught(demo_run, tmp_path, mutate, code):
    base, _ = demo_run
    tree = tmp_path / "sub"
    shutil.copytree(base / "sub", tree)
    result = next((tree / "closed" / "Demo" / "results").iterdir()) / "digits" / "Offline"
    if mutate == "seed":
        log = result / "performance" / "run_1" / "mlperf_log_detail.txt"
        log.write_text(log.read_text().replace('"effective_sample_index_rng_seed", "value": ',
                                               '"effective_sample_index_rng_seed", "value": 9'))
    elif mutate == "accuracy":
        acc = result / "accuracy" / "accuracy.txt"
        acc.write_text(acc.read_text().replace("accuracy=97.", "accuracy=91."))
    elif mutate == "compliance":
        verdict = result / "TEST01" / "verify_performance.txt"
        verdict.write_text(verdict.read_text().replace("TEST PASS", "TEST FAIL"))
    else:
        (result / "accuracy" / "mlperf_log_detail.txt").unlink()
    check = infercheck("check", tree)
    assert check.returncode == 1 and code in check.stdout, check.stdout[-2000:]
    assert "Traceback" not in check.stdout + check.stderr


def _tiny_onnx(path):
    """A 3-class 'classifier' that answers the dominant colour channel of an image."""
    import onnx
    from onnx import TensorProto, helper

    weights = helper.make_tensor("w", TensorProto.FLOAT, [3, 3], np.eye(3, dtype=np.float32).ravel())
    graph = helper.make_graph(
        [helper.make_node("GlobalAveragePool", ["image"], ["pooled"]),
         helper.make_node("Flatten", ["pooled"], ["flat"]),
         helper.make_node("MatMul", ["flat", "w"], ["logits"])],
        "tiny", [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 16, 16])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 3])], [weights])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, path)


def _tiny_images(folder, count=48):
    from PIL import Image

    rng = np.random.default_rng(7)
    folder.mkdir()
    lines = []
    for i in range(count):
        label = i % 3
        pixels = rng.integers(0, 60, (20, 20, 3), dtype=np.uint8)
        pixels[..., label] = rng.integers(180, 256, (20, 20), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"img{i:03d}.png")
        lines.append(f"img{i:03d}.png {label}")
    (folder / "val_map.txt").write_text("\n".join(lines) + "\n")


# The fields a machine may not tell: left as placeholders, a real round rejects the tree (SYS010).
_FILLED = [arg for key, value in [
    ("cooling", "air"), ("host_memory_configuration", "2x 8 GB"), ("host_storage_type", "SSD"),
    ("host_processor_frequency", "2000 MHz"), ("host_processor_caches", "L2 1 MiB"),
] for arg in ("--system-field", f"{key}={value}")]


def test_onnx_model_open_division_end_to_end(tmp_path):
    _tiny_onnx(tmp_path / "colours.onnx")
    _tiny_images(tmp_path / "images")
    result = infercheck("run", "--benchmark", "resnet", "--model", "colours.onnx", "--dataset",
                        "images", "--version", "v4.1", "--division", "open", "--scenario",
                        "Offline", "--out", "sub", *_FILLED, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "round v4.1 has other seeds, so they are set explicitly" in result.stderr
    sub = tmp_path / "sub" / "open" / "Demo"
    assert json.loads((sub / "model_mapping.json").read_text()) == {"colours": "resnet"}
    # v4.1 layout: measurements/ and compliance/ beside results/, code/ for the code
    assert (sub / "measurements").is_dir() and (sub / "code" / "colours").is_dir()
    report = check_tree(str(tmp_path / "sub"), round="v4.1", profile="smoke")
    assert report.valid, [f.to_dict() for f in report.all_findings() if f.is_error]
    (entry,) = report.results
    assert entry.model == "resnet" and entry.metrics["accuracy"] == "100.000"
    # Strict: only the run-length rules of real resnet runs fail (48 images, 2 s); v4.1 has no
    # dataset-size rule (ACC007 came with v5.1).
    strict = check_tree(str(tmp_path / "sub"), round="v4.1")
    assert {f.code for f in strict.all_findings() if f.is_error} == {"LG004", "LG006"}


def test_run_usage_errors(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    result = infercheck("run", "--out", tmp_path / "full")
    assert result.returncode == 2 and "not empty" in result.stderr
    result = infercheck("run", "--out", tmp_path / "a", "--benchmark", "resnet")
    assert result.returncode == 2 and "needs --model and --dataset" in result.stderr
    result = infercheck("run", "--out", tmp_path / "b", "--benchmark", "nope")
    assert result.returncode == 2 and "has no benchmark 'nope'" in result.stderr
    assert "Traceback" not in result.stderr


def test_truncate_command(tmp_path):
    tree = tmp_path / "tree"
    acc = tree / "closed" / "X" / "results" / "s" / "m" / "Offline" / "accuracy"
    acc.mkdir(parents=True)
    log = "[\n" + ",\n".join(f'{{ "seq_id" : {i}, "qsl_idx" : {i}, "data" : "0{i % 10}" }}'
                             for i in range(2000)) + "\n]\n"
    (acc / "mlperf_log_accuracy.json").write_text(log)
    (acc / "accuracy.txt").write_text("accuracy=99.000%, good=1980, total=2000\n")
    result = CliRunner().invoke(main, ["truncate", str(tree)])
    assert result.exit_code == 0, result.output
    import hashlib

    assert (acc / "accuracy.txt").read_text().splitlines()[-1] == (
        "hash=" + hashlib.sha256(log.encode()).hexdigest())
    truncated = (acc / "mlperf_log_accuracy.json").read_text()
    assert len(truncated) == 4096 * 2 + len("\n\n...\n\n") and truncated.startswith(log[:4096])
    backup = tmp_path / "tree.accuracy-backup" / os.path.relpath(acc, tree) / "mlperf_log_accuracy.json"
    assert backup.read_text() == log
    # idempotent, and the checker then finds nothing to say about the accuracy log
    assert "0 accuracy logs truncated" in CliRunner().invoke(main, ["truncate", str(tree)]).output
    inside = CliRunner().invoke(main, ["truncate", str(tree), "--backup", str(tree / "b")])
    assert inside.exit_code == 2


def test_the_embedded_model_stands_in_where_a_round_has_no_digits():
    """v6.1 has no digits benchmark: the embedded classifier runs in the open division as the
    round's accuracy-scored benchmark of the system type (a full run takes two minutes here;
    this checks the choice and the refusals)."""
    rules = load_rules("v6.1")
    opts, note = _with_stand_in(RunOptions(out="x", round="v6.1", system_type="datacenter"), rules)
    assert (opts.benchmark, opts.division, opts.model_stands_in) == ("rgat", "open", True)
    assert "open division as rgat" in note
    opts, _ = _with_stand_in(RunOptions(out="x", round="v6.1", system_type="edge"), rules)
    assert opts.benchmark == "resnet"
    with pytest.raises(RunError, match="--division open"):
        _with_stand_in(RunOptions(out="x", round="v6.1", division="closed"), rules)
    demo, note = _with_stand_in(RunOptions(out="x"), load_rules("demo"))
    assert (demo.benchmark, demo.division, note) == ("digits", "closed", None)
