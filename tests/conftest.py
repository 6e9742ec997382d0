"""Shared fixtures: the real corpus beside the project, and small broken copies of it."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("INFERCHECK_CORPUS", PROJECT.parent / "shared" / "corpus"))

# Small real slices: (corpus folder, round, division, submitter, system, benchmark).
SLICES = {
    # An edge system: SingleStream, MultiStream and Offline, TEST01/TEST04/TEST05.
    "edge": ("inference-v4.1", "v4.1", "closed", "UntetherAI", "h13_u1_preview", "resnet50"),
    # A datacenter system with power on Offline and Server.
    "power": ("inference-v4.1", "v4.1", "closed", "UntetherAI", "r760_u6_slim", "resnet50"),
    # An LLM (equal issue, token latencies, TEST06) on a datacenter system: Offline and Server.
    "llm": ("inference-v4.1", "v4.1", "closed", "RedHat", "L40S-RedHat-OpenShift", "llama2-70b-99.9"),
    # A v5.1 datacenter LLM: Offline and one of Interactive or Server (here Server), TEST06.
    "llm51": ("inference-v5.1", "v5.1", "closed", "RedHat", "XE8640_4xH100_vLLM", "llama3.1-8b"),
    # Stable Diffusion XL in the open division (no compliance folder), published without its
    # accuracy/images/ (ACC008, a warning in open).
    "sdxl": ("inference-v4.1", "v4.1", "open", "CTuning",
             "cm-demo-gfursin-scaleway-L4-1-24G-reference-gpu-pytorch-v2.3.1-default_config",
             "stable-diffusion-xl"),
    # Round v3.0: an edge system with power (SingleStream, MultiStream, Offline), whose
    # compliance folder holds the published stray `MultiStreeam` (ignored, as officially).
    "v3.0-edge": ("inference-v3.0", "v3.0", "closed", "SiMa", "davinci_dualm2", "resnet50"),
    # Round v0.7 (LoadGen's text logs) on a datacenter system: Server (five runs) and Offline.
    "server-v0.7": ("inference-v0.7", "v0.7", "closed", "Cisco", "T4x6_TRT", "resnet50"),
    # Round v1.0 on an edge system: SingleStream and Offline, TEST01, TEST04-A/B, TEST05.
    "edge-v1.0": ("inference-v1.0", "v1.0", "closed", "Mobilint", "mobilint_edge", "resnet"),
    # Round v1.1 with power (local times in spl.txt and LoadGen's log): SingleStream, Offline.
    "power-v1.1": ("inference-v1.1", "v1.1", "closed", "Krai",
                   "xavier-power.0-fan.cool-tflite-v2.5.0-ruy", "resnet50"),
    # Round v2.0 on an edge system: SingleStream, MultiStream, Offline (early stopping),
    # TEST01, TEST04-A/B, TEST05.
    "edge-v2.0": ("inference-v2.0", "v2.0", "closed", "Alibaba", "haishen-qaic-v1.6.80-aic100",
                  "resnet50"),
}


SARIF_SCHEMA = Path(os.environ.get("INFERCHECK_SARIF_SCHEMA",
                                   PROJECT / ".ci" / "cache" / "sarif-2.1.0-rtm.5.json"))


@pytest.fixture(scope="session")
def sarif_schema() -> dict:
    """The official SARIF 2.1.0 schema (.ci/fetch-sarif-schema fetches it from npm); CI must
    have it, elsewhere its tests are skipped with the command that brings it."""
    if not SARIF_SCHEMA.is_file():
        needs("the official SARIF schema: bash .ci/fetch-sarif-schema (npm)")
    return json.loads(SARIF_SCHEMA.read_text("utf-8"))


def round_of_copies(src: Path, dest: Path, copies: int) -> Path:
    """A tree as large as a round: `copies` renamed copies of every submitter of the slice at
    `src` (files hard-linked, never written), each copy's system descriptions naming their new
    submitter, so that its results stay valid."""
    for division in os.listdir(src):
        if not (src / division).is_dir():
            continue
        for sub in os.listdir(src / division):
            for i in range(copies):
                copy = dest / division / f"{sub}{i:02d}"
                shutil.copytree(src / division / sub, copy, copy_function=os.link)
                for system in (copy / "systems").glob("*.json"):
                    try:
                        data = json.loads(system.read_text("utf-8"))
                    except ValueError:
                        continue  # as published: the check says what is wrong with it
                    if isinstance(data, dict):
                        system.unlink()  # a hard link to the corpus's file: never written to
                        system.write_text(json.dumps({**data, "submitter": copy.name}), "utf-8")
    return dest


def make_samples():
    """sample_submissions/make_samples.py, whose log-editing helper the tests share."""
    spec = importlib.util.spec_from_file_location("make_samples",
                                                  PROJECT / "sample_submissions" / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def needs(what: str) -> None:
    """Skip a test that needs `what` where it is absent, with one line saying how to get it;
    in CI (CI set) that is a failure: CI has everything."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI")
    pytest.skip(f"needs {what}")


def corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.is_dir():
        if not CORPUS.is_dir():
            needs("the corpus of published submissions: ../shared/corpus beside the project, "
                  "or INFERCHECK_CORPUS")
        pytest.fail(f"corpus folder {path} is missing (set INFERCHECK_CORPUS)")
    return path


def read_site_data(site: Path) -> dict:
    """A site's data as its page sees it: the JSON.parse literal of data.js read, each result's
    list made an object again with its link (as app.js does)."""
    text = (site / "assets" / "data.js").read_text("utf-8").strip()
    prefix, suffix = "window.INFERCHECK_DATA = JSON.parse(", ");"
    assert text.startswith(prefix) and text.endswith(suffix), text[:80]
    data = json.loads(json.loads(text[len(prefix):-len(suffix)]))
    for system in data["systems"]:
        base = data["link_base"][system["tree"]]
        system["results"] = [dict(zip(data["result_keys"], values, strict=True))
                             for values in system["results"]]
        for result in system["results"]:
            # A path the site refused as a link (reports/links.py) is null: shown, not linked.
            result["link"] = None if base is None or result["result"] is None \
                else base + result["result"]
    return data


def copy_slice(dest: Path, key: str) -> Path:
    folder, _round, division, submitter, system, bench = SLICES[key]
    src = corpus(folder) / division / submitter
    out = dest / division / submitter
    (out / "systems").mkdir(parents=True)
    shutil.copy2(src / "systems" / f"{system}.json", out / "systems")
    for part in ("results", "measurements", "compliance"):
        if part == "compliance" and division == "open" and not (src / part / system).is_dir():
            continue  # the open division needs no audit tests (CTuning published none)
        shutil.copytree(src / part / system / bench, out / part / system / bench)
    shutil.copytree(src / "code" / bench, out / "code" / bench)
    for path in [out, *out.rglob("*")]:  # the corpus is read-only; copies must be writable
        path.chmod(0o755 if path.is_dir() else 0o644)
    return dest


@pytest.fixture(scope="session")
def pristine(tmp_path_factory):
    """One untouched copy of each slice per test session."""
    base = tmp_path_factory.mktemp("pristine")
    return {key: copy_slice(base / key, key) for key in SLICES}


class Tree:
    """A writable copy of a slice, with helpers that each break one thing."""

    def __init__(self, root: Path, key: str):
        self.root = root
        _, self.round, self.division, self.submitter, self.system, self.bench = SLICES[key]

    @property
    def sub(self) -> Path:
        return self.root / self.division / self.submitter

    def result(self, scenario: str) -> Path:
        """The scenario folder, whatever its case in the slice ("offline", "Offline")."""
        bench = self.sub / "results" / self.system / self.bench
        for folder in bench.iterdir():
            if folder.name.lower() == scenario.lower():
                return folder
        return bench / scenario

    def compliance(self, scenario: str, test: str) -> Path:
        return self.sub / "compliance" / self.system / self.bench / self.result(scenario).name / test

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def perf_log(self, scenario: str = "offline") -> Path:
        return self.result(scenario) / "performance" / "run_1" / "mlperf_log_detail.txt"

    def set_log_key(self, path: Path, key: str, value) -> None:
        make_samples().set_log_key(str(path), key, value)

    def drop_log_key(self, path: Path, key: str) -> None:
        lines = path.read_text("utf-8").splitlines(keepends=True)
        path.write_text("".join(x for x in lines if f'"key": "{key}"' not in x), "utf-8")

    def edit_json(self, path: Path, **changes) -> None:
        data = json.loads(path.read_text("utf-8"))
        for k, v in changes.items():
            if v is None:
                data.pop(k, None)
            else:
                data[k] = v
        path.write_text(json.dumps(data, indent=2), "utf-8")

    def power(self, name: str, scenario: str = "offline") -> Path:
        """A file of the result's power session folder (performance/power/)."""
        return self.result(scenario) / "performance" / "power" / name

    def edit_power_json(self, name: str, edit, scenario: str = "offline") -> None:
        """Change client.json or server.json in place: `edit(data)` mutates the parsed object."""
        path = self.power(name, scenario)
        data = json.loads(path.read_text("utf-8"))
        edit(data)
        path.write_text(json.dumps(data, indent=4), "utf-8")

    def record_power_checksums(self, scenario: str = "offline") -> None:
        """Record the SHA-1 of the result files in client.json and server.json again, as a session
        that wrote the changed files would have: the mutation then breaks one thing only."""
        perf = self.result(scenario) / "performance"

        def record(data):
            for rel in data["results"]:
                if (perf / rel).is_file():
                    data["results"][rel] = hashlib.sha1((perf / rel).read_bytes()).hexdigest()

        for name in ("client.json", "server.json"):
            self.edit_power_json(name, record, scenario)

    @property
    def system_json(self) -> Path:
        return self.sub / "systems" / f"{self.system}.json"


@pytest.fixture
def broken_tree(pristine, tmp_path):
    """broken_tree(slice_key, mutate) -> Tree: a fresh copy of a slice with one mutation."""

    def make(key: str, mutate=None) -> Tree:
        root = tmp_path / f"tree-{key}"
        shutil.copytree(pristine[key], root, symlinks=True)
        tree = Tree(root, key)
        if mutate is not None:
            mutate(tree)
        return tree

    return make
