"""Small v6.1 trees, valid and broken, of both kinds of result the v6.1 checker reads: LoadGen's
logs (from the runner-made corpus tree, a 600 s Offline run) and endpoints ("Loadgen++") files
(tests/test_endpoints.py's builder). No v6.1 round has been published; the official checker at
mlcommons/inference b66003e1 judged each of these trees, and tests/oracle/v6.1.json keeps its
verdicts (benchmarks/oracle_v61.py made it). Each builder writes one tree under `base` and
returns its root."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from . import test_endpoints as endpoints
from .conftest import corpus, make_samples

__all__ = ["TREES", "build"]

_LG_SYSTEM = "open/MyOrg/results/cpu2-onnxruntime/ocrcls-mobilenetv3/Offline"


def _loadgen(base: Path) -> Path:
    """The runner-made 600 s Offline tree, its accuracy run said to cover the whole dataset
    (the runner's ran 1024 of ImageNet's 50000 images: the only change that makes it valid)."""
    root = base / "tree"
    shutil.copytree(corpus("runner-made-v6.1-open-offline-600s"), root)
    for path in [root, *root.rglob("*")]:  # the corpus is read-only; the copy must be writable
        path.chmod(0o755 if path.is_dir() else 0o644)
    log = root / _LG_SYSTEM / "accuracy" / "mlperf_log_detail.txt"
    for key in ("qsl_reported_total_count", "effective_accuracy_sample_count"):
        make_samples().set_log_key(str(log), key, 50000)
    return root


def _lg_perf(root: Path) -> str:
    return str(root / _LG_SYSTEM / "performance" / "run_1" / "mlperf_log_detail.txt")


def _lg(change: Callable[[Path], None] | None = None) -> Callable[[Path], Path]:
    def build(base: Path) -> Path:
        root = _loadgen(base)
        if change is not None:
            change(root)
        return root
    return build


def _system(root: Path, **fields) -> None:
    path = root / "open" / "MyOrg" / "systems" / "cpu2-onnxruntime.json"
    path.write_text(json.dumps({**json.loads(path.read_text("utf-8")), **fields}, indent=2), "utf-8")


def _set(key, value):
    return lambda root: make_samples().set_log_key(_lg_perf(root), key, value)


def _ep(case: str | None = None, division: str = "open", online: str = "Online",
        audit: bool = False) -> Callable[[Path], Path]:
    def build(base: Path) -> Path:
        root, folders = endpoints.build(base, division=division, online=online)
        if audit:  # TEST06's audit, which a closed llama3.1-8b needs
            (folders["Offline"] / "audit").mkdir()
            (folders["Offline"] / "audit" / "audit_consistency_output_test.json").write_text(
                json.dumps({"test": "consistency_output_test", "passed": True}), "utf-8")
        if case is not None:
            scenario, mutate, _ = endpoints.BROKEN[case]
            mutate(folders[scenario])
        return root
    return build


TREES: dict[str, Callable[[Path], Path]] = {
    "loadgen-valid": _lg(),
    "loadgen-seed-changed": _lg(_set("effective_sample_index_rng_seed", 1234)),
    "loadgen-result-invalid": _lg(_set("result_validity", "INVALID")),
    "loadgen-short-run": _lg(_set("effective_min_duration_ms", 60000)),
    "loadgen-accuracy-subset": _lg(lambda root: make_samples().set_log_key(
        str(root / _LG_SYSTEM / "accuracy" / "mlperf_log_detail.txt"),
        "effective_accuracy_sample_count", 1024)),
    "loadgen-datacenter-system": _lg(lambda root: _system(root, system_type="datacenter")),
    "endpoints-valid": _ep(),
    "endpoints-closed-no-audit": _ep(division="closed"),
    "endpoints-closed-online-folder": _ep(division="closed", audit=True),
    "endpoints-closed-server-folder": _ep(division="closed", online="Server", audit=True),
    "endpoints-closed-server-no-audit": _ep(division="closed", online="Server"),
    **{f"endpoints-{case}": _ep(case) for case in sorted(endpoints.BROKEN)},
}


def build(name: str, base: Path) -> Path:
    base.mkdir(parents=True, exist_ok=True)
    return TREES[name](base)
