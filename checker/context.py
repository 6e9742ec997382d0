"""What a check sees of one result: its paths, its rules, and cached, failure-safe file loaders."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from .findings import Finding
from .loadgen_log import DetailLog, read_detail_log
from .round_rules import RoundRules
from .textfile import ParseError, read_text

__all__ = ["ResultContext", "SystemInfo", "finding_for_parse_error"]


def finding_for_parse_error(err: ParseError, rel: str) -> Finding:
    from .checks.structure import (
        EmptyFile,
        InvalidJson,
        MalformedFile,
        MissingFile,
        NotUtf8,
        UnreadableFile,
    )

    rule = {
        "missing": MissingFile,
        "empty": EmptyFile,
        "not-utf8": NotUtf8,
        "malformed": MalformedFile,
        "invalid-json": InvalidJson,
    }.get(err.kind, UnreadableFile)
    locator = f"line {err.line}" if err.line else None
    return rule.at(rel, expected=None, found=err.reason, locator=locator)


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
    @property
    def submitter_dir(self) -> str:
        return f"{self.division}/{self.submitter}"

    @property
    def result_dir(self) -> str:
        return f"{self.submitter_dir}/results/{self.system}/{self.benchmark}/{self.scenario_folder}"

    def in_result(self, *parts: str) -> str:
        return "/".join((self.result_dir, *parts))

    @property
    def measurements_dir(self) -> str:
        if self.rules.layout.get("measurements") == "inside":
            return self.result_dir
        return f"{self.submitter_dir}/measurements/{self.system}/{self.benchmark}/{self.scenario_folder}"

    @property
    def compliance_dir(self) -> str:
        if self.rules.layout.get("compliance") == "inside":
            return self.result_dir
        return f"{self.submitter_dir}/compliance/{self.system}/{self.benchmark}/{self.scenario_folder}"

    @property
    def system_type(self) -> str | None:
        data = self.system_info.data or {}
        value = data.get("system_type")
        return value if isinstance(value, str) else None

    @property
    def is_closed_like(self) -> bool:
        return self.division in ("closed", "network")

    def abs(self, rel: str) -> str:
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
    def _load(self, rel: str, reader) -> Any:
        """Read once; a failure is recorded once as a finding and the result is None."""
        key = f"{reader.__name__}:{rel}"
        if key in self._cache:
            return self._cache[key]
        try:
            value = reader(self.abs(rel))
        except ParseError as err:
            self.load_findings.append(finding_for_parse_error(err, rel))
            value = None
        self._cache[key] = value
        return value

    def detail_log(self, rel: str) -> DetailLog | None:
        return self._load(rel, read_detail_log)

    def text(self, rel: str) -> str | None:
        return self._load(rel, read_text)

    def json(self, rel: str) -> Any:
        return self._load(rel, read_json)

    @property
    def perf_log_path(self) -> str:
        return self.in_result("performance", "run_1", "mlperf_log_detail.txt")

    def perf_log(self) -> DetailLog | None:
        return self.detail_log(self.perf_log_path)


def read_json(path: str) -> Any:
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(path, "invalid-json", f"{exc.msg} at line {exc.lineno} column {exc.colno}",
                         exc.lineno) from None
