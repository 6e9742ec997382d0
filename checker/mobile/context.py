"""What the Mobile checks see: a device (its export, system description, log folders) and, for
each of its results, a context naming the benchmark, scenario, log folders and export entry."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from infercheck.checker.core.findings import Finding
from infercheck.checker.core.loadgen_log import DetailLog
from infercheck.checker.mobile.appfile import AppExport, AppRun
from infercheck.checker.mobile.layout import DeviceTree, RunDirs
from infercheck.checker.mobile.rules import MobileRules
from infercheck.checker.mobile.system import SystemDescription

__all__ = ["Device", "MobileContext", "RunLogs"]


@dataclass
class RunLogs:
    detail: DetailLog | None = None
    summary: dict[str, Any] = field(default_factory=dict)  # its figures, by detail-log key


@dataclass
class Device:
    """What a device's results share; the device checks fill export, system and runs."""

    root: str
    rules: MobileRules
    division: str
    sub_path: str  # the submitter folder, absolute
    tree: DeviceTree
    systems: dict[str, str]  # system description files of the submitter, by name
    export: AppExport | None = None
    system: SystemDescription | None = None
    category: str | None = None
    runs: dict[tuple[str, str], AppRun] = field(default_factory=dict)

    def rel(self, path: str) -> str:
        return os.path.relpath(path, self.root).replace(os.sep, "/")

    @property
    def result_keys(self) -> list[tuple[str, str]]:
        """(benchmark, scenario) of every result: in the export, or in a log folder."""
        return sorted({*self.runs, *self.tree.runs})


@dataclass
class MobileContext:
    """One result: a benchmark and scenario on a device. `perf` and `acc` are filled by the
    logs check, which runs first."""

    device: Device
    submitter: str
    benchmark: str
    scenario: str
    where: str  # the result's name: its log folder, or the export's entry
    dirs: RunDirs | None
    app: AppRun | None
    metrics: dict[str, Any] = field(default_factory=dict)
    perf: RunLogs | None = None
    acc: RunLogs | None = None
    load_findings: list[Finding] = field(default_factory=list)

    @property
    def rules(self) -> MobileRules:
        return self.device.rules

    @property
    def division(self) -> str:
        return self.device.division

    def rel(self, path: str) -> str:
        return self.device.rel(path)


def system_info(dev: Device, app: AppRun | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The result's system columns and the device metrics, from the description and the export."""
    device = dev.export.device if dev.export else {}
    desc = dev.system.named if dev.system else {}
    soc = desc.get("processor") or device.get("soc")
    made_by = (device.get("manufacturer"), device.get("model"))
    name = desc.get("device") or " ".join(x for x in made_by if x)
    accelerator = (app.accelerator if app else None) or desc.get("accelerator")
    framework = (app.framework if app else None) or desc.get("framework")
    info = {
        "system_name": name or dev.tree.name, "host_processor_model_name": soc,
        "accelerator_model_name": accelerator, "framework": framework,
        "operating_system": desc.get("os") or device.get("os"),
        "status": dev.category or "available", "system_type": "mobile",
    }
    metrics = dict(soc=soc, accelerator=accelerator, framework=framework,
                   soc_id=device.get("soc"), backend=app.backend if app else None)
    return info, metrics
