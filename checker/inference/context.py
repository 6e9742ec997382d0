"""What a check sees of one result: its paths, its rules, and cached, failure-safe file loaders."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

from infercheck.checker.core.endpoints_log import EndpointsLog, read_endpoints_log
from infercheck.checker.core.findings import Finding
from infercheck.checker.core.loadgen_log import DetailLog, read_detail_log
from infercheck.checker.core.textfile import ParseError, read_json, read_text
from infercheck.checker.core.tree_rules import finding_for_parse_error
from infercheck.checker.inference.layout import ResultPaths
from infercheck.checker.inference.rules import RoundRules

__all__ = ["ResultContext", "SystemInfo", "is_endpoints_result"]


def is_endpoints_result(root: str, result_rel: str, rules: RoundRules) -> bool:
    """A result of a Loadgen++ run: the round has them, the folder holds neither of LoadGen's
    detail logs (loader.py 469: that is how the official tool tells) and at least one endpoints
    file (so that an empty folder is still reported as lacking LoadGen's log)."""
    spec = rules.endpoints
    if not spec:
        return False
    folder = os.path.join(root, *result_rel.split("/"))
    loadgen = ("performance/run_1/mlperf_log_detail.txt", "accuracy/mlperf_log_detail.txt")
    if any(os.path.exists(os.path.join(folder, *p.split("/"))) for p in loadgen):
        return False
    own = [*spec["config_files"], spec["performance_file"], spec["accuracy_file"]]
    return any(os.path.exists(os.path.join(folder, *p.split("/"))) for p in own)


@dataclass
class SystemInfo:
    """The system description JSON of one system, loaded once per system."""

    path: str  # relative to the root
    data: dict[str, Any] | None
    findings: list[Finding] = field(default_factory=list)


@dataclass
class ResultContext:
    root: str
    rules: RoundRules
    profile: str
    division: str
    submitter: str
    system: str
    benchmark: str  # the folder name
    scenario_folder: str
    scenario: str  # canonical name
    model: str  # the round's benchmark this folder maps to
    system_info: SystemInfo
    metrics: dict[str, Any] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict)
    load_findings: list[Finding] = field(default_factory=list)

    # paths -------------------------------------------------------------------------------------
    @cached_property
    def paths(self) -> ResultPaths:
        # every path a check asks for is derived from these; build them once per result
        return ResultPaths(self.rules.layout, self.division, self.submitter, self.system,
                           self.benchmark, self.scenario_folder)

    @property
    def submitter_dir(self) -> str:
        return self.paths.submitter_dir

    @property
    def result_dir(self) -> str:
        return self.paths.result_dir

    def in_result(self, *parts: str) -> str:
        return "/".join((self.result_dir, *parts))

    @property
    def measurements_dir(self) -> str:
        return self.paths.measurements_dir

    @property
    def compliance_dir(self) -> str:
        return self.paths.compliance_dir

    @property
    def system_type(self) -> str | None:
        data = self.system_info.data or {}
        value = data.get("system_type")
        return value if isinstance(value, str) else None

    @property
    def is_closed_like(self) -> bool:
        return self.division in ("closed", "network")

    def abs(self, rel: str) -> str:
        # A check asks for ~20 paths per result: where "/" is the separator, joining is adding.
        if os.sep == "/":
            return f"{self.root}/{rel}" if rel else self.root
        return os.path.join(self.root, *rel.split("/"))

    def exists(self, rel: str) -> bool:
        return os.path.exists(self.abs(rel))

    def isdir(self, rel: str) -> bool:
        return os.path.isdir(self.abs(rel))

    def listdir(self, rel: str) -> list[str]:
        try:
            return sorted(os.listdir(self.abs(rel)))
        except OSError:
            return []

    # loaders -----------------------------------------------------------------------------------
    def _load(self, rel: str, reader, name: str | None = None) -> Any:
        """Read once; a failure is recorded once as a finding and the result is None."""
        key = f"{name or reader.__name__}:{rel}"
        if key in self._cache:
            return self._cache[key]
        try:
            value = reader(self.abs(rel))
        except ParseError as err:
            self.load_findings.append(finding_for_parse_error(err, rel))
            value = None
        self._cache[key] = value
        return value

    def detail_log(self, rel: str, settings: frozenset[str] | None = None) -> DetailLog | None:
        """The log, with every key a check reads, or only the `settings` (loadgen_log's
        parse_detail_log: the log is then scanned for keys only up to its samples)."""
        whole = self._cache.get(f"read_detail_log:{rel}")
        if settings is None or whole is not None:
            return whole or self._load(rel, partial(read_detail_log, extra=self.rules.log_keys),
                                       name="read_detail_log")
        return self._load(rel, partial(read_detail_log, settings=settings),
                          name=f"read_detail_log[{','.join(sorted(settings))}]")

    def text(self, rel: str) -> str | None:
        return self._load(rel, read_text)

    def json(self, rel: str) -> Any:
        warnings: list[ParseError] = []
        value = self._load(rel, partial(read_json, warnings=warnings), name="read_json")
        self.load_findings.extend(finding_for_parse_error(w, rel) for w in warnings)
        return value

    # endpoints (Loadgen++) results ----------------------------------------------------------
    @property
    def is_endpoints(self) -> bool:
        if "is_endpoints" not in self._cache:
            self._cache["is_endpoints"] = is_endpoints_result(self.root, self.result_dir, self.rules)
        return self._cache["is_endpoints"]

    def endpoints_log(self, mode: str = "performance") -> EndpointsLog:
        """The LoadGen view of the endpoints run's files, read once per mode; the files that
        cannot be read are recorded as findings once (the values of the wrong type are the
        checks' to report)."""
        key = f"endpoints:{mode}"
        if key not in self._cache:
            log = read_endpoints_log(self.abs(self.result_dir), self.result_dir, self.rules.endpoints,
                                     mode, folder_scenario=self.scenario)
            for err in log.parse_errors:
                finding = finding_for_parse_error(err, err.path)
                if finding not in self.load_findings:
                    self.load_findings.append(finding)
            self._cache[key] = log
        return self._cache[key]

    @property
    def perf_log_path(self) -> str:
        return f"{self.paths.run_dir()}/mlperf_log_detail.txt"

    def perf_log(self) -> DetailLog | None:
        return self.detail_log(self.perf_log_path)

