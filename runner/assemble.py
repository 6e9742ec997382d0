"""Writes the submission tree in the layout of the target round."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
from importlib.metadata import PackageNotFoundError, version

from infercheck.checker.inference.checks.system import placeholder_settings
from infercheck.checker.inference.layout import ResultPaths

from . import harness
from .sysinfo import describe_system

__all__ = ["TreeWriter"]

LOG_FILES = ("mlperf_log_summary.txt", "mlperf_log_detail.txt")


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _copy(src: str, dest: str) -> None:
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    shutil.copy2(src, dest)


def _runner_status(rules) -> str:
    """The availability a reference run is of: available, or where the round's vocabulary has
    no such word (Automotive) development."""
    statuses = rules.system.get("statuses") or []
    return next((s for s in ("available", "development") if s in statuses),
                statuses[0] if statuses else "available")


class TreeWriter:
    """One system, one benchmark: results, measurements, compliance, systems, code."""

    def __init__(self, opts, rules, backend, folder: str, root: str | None = None) -> None:
        self.opts, self.rules, self.backend, self.folder = opts, rules, backend, folder
        self.root = os.path.abspath(root or opts.out)
        self.sub = os.path.join(self.root, opts.division, opts.submitter)
        self.system = opts.system_name or f"{platform.machine()}-{backend.framework.split()[0]}"
        self.scenarios: list[str] = []

    # paths of the round's layout: the checker's, so that what is written is where it looks ------
    def paths(self, scenario: str) -> ResultPaths:
        return ResultPaths(self.rules.layout, self.opts.division, self.opts.submitter, self.system,
                           self.folder, scenario)

    def _abs(self, rel: str) -> str:
        return os.path.join(self.root, *rel.split("/"))

    def result_dir(self, scenario: str) -> str:
        return self._abs(self.paths(scenario).result_dir)

    def measurements_dir(self, scenario: str) -> str:
        return self._abs(self.paths(scenario).measurements_dir)

    def compliance_dir(self, scenario: str) -> str:
        return self._abs(self.paths(scenario).compliance_dir)

    # writing -----------------------------------------------------------------------------------
    def add_result(self, scenario: str, scratch: str, tests: list[str], user_conf: str) -> None:
        """Copy one scenario's runs from the scratch folder into the tree."""
        result = self.result_dir(scenario)
        for name in LOG_FILES:
            _copy(os.path.join(scratch, "performance", name),
                  os.path.join(result, "performance", "run_1", name))
        for name in (*LOG_FILES, "mlperf_log_accuracy.json", "accuracy.txt"):
            _copy(os.path.join(scratch, "accuracy", name), os.path.join(result, "accuracy", name))
        for test in tests:
            src = os.path.join(scratch, test)
            dest = os.path.join(self.compliance_dir(scenario), test)
            for name in LOG_FILES:
                _copy(os.path.join(src, "performance", "run_1", name),
                      os.path.join(dest, "performance", "run_1", name))
            for name in ("verify_performance.txt", "verify_accuracy.txt"):
                if os.path.exists(os.path.join(src, name)):
                    _copy(os.path.join(src, name), os.path.join(dest, name))
            if os.path.isdir(os.path.join(src, "accuracy")):
                for name in ("mlperf_log_accuracy.json", "accuracy.txt"):
                    _copy(os.path.join(src, "accuracy", name), os.path.join(dest, "accuracy", name))
        self._measurements(scenario, user_conf)
        self.scenarios.append(scenario)

    def _measurements(self, scenario: str, user_conf: str) -> None:
        folder = self.measurements_dir(scenario)
        _copy(user_conf, os.path.join(folder, "user.conf"))
        name = self.paths(scenario).measurements_json
        _write(os.path.join(folder, name), json.dumps(self.backend.implementation, indent=2) + "\n")
        seeds = self.rules.loadgen["seeds"]
        conf = [f"# Settings of round {self.rules.round} that the infercheck runner applied."]
        conf += [f"*.*.{k} = {v}" for k, v in seeds.items()]
        _write(os.path.join(folder, "mlperf.conf"), "\n".join(conf) + "\n")
        _write(os.path.join(folder, "README.md"), self._readme(scenario))

    def _readme(self, scenario: str) -> str:
        o = self.opts
        cmd = ["infercheck run", f"--out {o.out}", f"--version {o.round}",
               f"--benchmark {o.benchmark}", f"--division {o.division}",
               f"--system-type {o.system_type}", f"--submitter {o.submitter}"]
        if o.model:
            cmd += [f"--model {o.model}", f"--dataset {o.dataset}"]
        return (f"# {self.folder} {scenario} on {self.system}\n\n"
                f"Made by the infercheck reference runner with {self.backend.framework} and "
                f"mlcommons-loadgen {harness.loadgen_version()}, profile {o.profile}.\n\n"
                f"Reproduce with:\n\n    {' '.join(cmd)}\n")

    def _requirements(self) -> list[str]:
        names = ["infercheck", "mlcommons-loadgen", "numpy",
                 "scikit-learn" if self.backend.framework.startswith("scikit") else "onnxruntime"]
        out = []
        for name in names:
            try:
                out.append(f"{name}=={version(name)}")
            except PackageNotFoundError:
                out.append(name)
        return out

    def _code_readme(self) -> str:
        here = os.path.dirname(os.path.abspath(__file__))
        modules = []
        for name in sorted(os.listdir(here)):
            if name.endswith(".py"):
                with open(os.path.join(here, name), "rb") as f:
                    modules.append(f"- `runner/{name}` sha256 {hashlib.sha256(f.read()).hexdigest()}")
        return (f"# {self.folder}\n\nThe harness is the reference runner of infercheck (package "
                f"`infercheck.runner`): a LoadGen SUT and QSL around {self.backend.framework}, our own "
                "accuracy script and compliance verification. Install the versions in "
                "requirements.txt and run the command in the results' README.md.\n\n"
                "Modules used for this run:\n\n" + "\n".join(modules) + "\n")

    def finish(self) -> list[str]:
        """Write the system description, the code folder and (open) the model mapping; returns
        the description's fields still holding the round's placeholder (not detected, not
        given with --system-field or --system-json)."""
        placeholder = placeholder_settings(self.rules)[0][0]
        desc, _ = describe_system(
            submitter=self.opts.submitter, division=self.opts.division,
            system_name=self.opts.system_name or f"{self.system} (reference runner)",
            system_type=self.opts.system_type, framework=self.backend.framework,
            loadgen=harness.loadgen_version(), placeholder=placeholder,
            status=_runner_status(self.rules))
        desc = dict(sorted({**desc, **self.opts.system_fields}.items()))
        unknown = sorted(k for k, v in desc.items() if v == placeholder)
        paths = self.paths(self.scenarios[0] if self.scenarios else "")
        _write(self._abs(paths.system_json), json.dumps(desc, indent=2) + "\n")
        code = self._abs(paths.code_dir)
        _write(os.path.join(code, "README.md"), self._code_readme())
        _write(os.path.join(code, "requirements.txt"), "\n".join(self._requirements()) + "\n")
        if self.opts.division == "open":
            _write(os.path.join(self.sub, "model_mapping.json"),
                   json.dumps({self.folder: self.opts.benchmark}, indent=2) + "\n")
        return unknown
