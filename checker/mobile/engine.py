"""Checking an MLPerf Mobile results tree: one result per device, benchmark and scenario."""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field

from infercheck.checker.core.codes import CORE_CODES
from infercheck.checker.core.engine import crash_finding
from infercheck.checker.core.findings import CodeIndex, Finding, Severity, dedupe, rules_in
from infercheck.checker.core.loadgen_log import DetailLog, parse_detail_log
from infercheck.checker.core.measurements import implementation_findings
from infercheck.checker.core.profiles import apply_profile
from infercheck.checker.core.report import Report, ResultEntry
from infercheck.checker.core.suite import Scope
from infercheck.checker.core.textfile import ParseError, read_text, subdirs
from infercheck.checker.core.tree_rules import (
    InvalidJson,
    MalformedFile,
    UnknownDivision,
    finding_for_parse_error,
)
from infercheck.checker.mobile import codes as C
from infercheck.checker.mobile.appfile import (
    AppExport,
    AppFileError,
    AppRun,
    number_in,
    read_app_json,
    read_cli_text,
)
from infercheck.checker.mobile.layout import DeviceTree, LogFile, RunDirs, find_log, scan_submitter
from infercheck.checker.mobile.rules import MobileRules, available_rounds
from infercheck.checker.mobile.system import SystemDescription, read_system

__all__ = ["CODES", "detect_mobile_round", "owns_tree", "walk"]

CODES = CORE_CODES | CodeIndex(rules_in(C))

_BRANCH_ROUND = re.compile(r"submission-(v\d+\.\d+)")
_NUMBER = (int, float)
# The LoadGen values the Mobile checks compare, with the type each must have.
_LOG_TYPES = {
    "result_query_count": int, "result_90.00_percentile_latency_ns": _NUMBER,
    "result_samples_per_second": _NUMBER, "effective_min_duration_ms": int,
    "effective_max_duration_ms": int, "effective_min_query_count": int,
    "effective_min_sample_count": int, "qsl_reported_total_count": int,
    "generated_samples_per_query": int, "result_min_duration_met": bool,
    "result_min_queries_met": bool, "early_stopping_met": bool, "result_validity": str,
}


def _summary(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out.setdefault(key.strip(), value.strip())
    return out


@dataclass
class _RunLogs:
    detail: DetailLog | None = None
    summary: dict[str, str] = field(default_factory=dict)


@dataclass
class _Device:
    """What a device's results share: its export, system description and device-level findings."""

    tree: DeviceTree
    export: AppExport | None = None
    system: SystemDescription | None = None
    category: str | None = None
    findings: list[Finding] = field(default_factory=list)
    runs: dict[tuple[str, str], AppRun] = field(default_factory=dict)


class MobileChecker:
    def __init__(self, root: str, rules: MobileRules, profile: str) -> None:
        self.root, self.rules, self.profile = root, rules, profile

    def rel(self, path: str) -> str:
        return os.path.relpath(path, self.root).replace(os.sep, "/")

    # device level ----------------------------------------------------------------------------
    def device(self, division: str, sub_path: str, tree: DeviceTree,
               systems: dict[str, str]) -> _Device:
        dev = _Device(tree)
        self._submitter_files(dev, sub_path)
        self._system(dev, sub_path, systems)
        self._export(dev)
        for folder in tree.unknown_folders:
            dev.findings.append(C.UnknownMobileBenchmark.at(
                f"{tree.rel}/{folder}", found=folder, what="folder", round=self.rules.round))
        if not tree.screenshots:
            dev.findings.append(C.ScreenshotsMissing.at(tree.rel, device=tree.name))
        # The open division may submit a subset: a warning there, an error in closed.
        subset = Severity.WARNING if division == "open" else None
        present = {b for b, _ in [*dev.runs, *tree.runs]}
        for name in self.rules.required_benchmarks():
            if name not in present:
                dev.findings.append(C.BenchmarkMissing.at(tree.rel, expected=name, found=None,
                                                          device=tree.name, severity=subset))
        for group in self.rules.one_of:
            if not present & set(group):
                dev.findings.append(C.BenchmarkMissing.at(
                    tree.rel, expected=" or ".join(group), found=None, device=tree.name,
                    severity=subset))
        have = {*dev.runs, *tree.runs}
        for name in sorted(present):
            for scenario in self.rules.scenarios(name):
                if (name, scenario) not in have:
                    dev.findings.append(C.ScenarioMissing.at(
                        tree.rel, expected=scenario, benchmark=name, device=tree.name,
                        severity=subset))
        return dev

    def _submitter_files(self, dev: _Device, sub_path: str) -> None:
        try:
            names = {n.lower(): n for n in os.listdir(sub_path)}
        except OSError:
            names = {}
        if "calibration.md" not in names:
            dev.findings.append(C.SubmitterFileMissing.at(self.rel(sub_path), expected="Calibration.md"))
        if "code" not in names or not os.path.isdir(os.path.join(sub_path, names["code"])):
            dev.findings.append(C.SubmitterFileMissing.at(self.rel(sub_path), expected="code/"))

    def _system(self, dev: _Device, sub_path: str, systems: dict[str, str]) -> None:
        by_lower = {k.lower(): v for k, v in systems.items()}
        path = by_lower.get(dev.tree.name.lower())
        if path is None:
            dev.findings.append(C.SystemMissing.at(
                self.rel(os.path.join(sub_path, "systems", dev.tree.name + ".json")),
                expected=f"systems/{dev.tree.name}.json", device=dev.tree.name))
            return
        try:
            desc = read_system(path)
        except ParseError as exc:
            dev.findings.append(finding_for_parse_error(exc, self.rel(path)))
            return
        dev.system = desc
        if desc.strict_error:
            dev.findings.append(C.SystemNotJson.at(
                self.rel(path), found=desc.strict_error,
                detail="read leniently (trailing commas removed)" if desc.lenient else None))
        if desc.data:
            for what, label in (("processor", "processor (SoC) name"), ("device", "device name")):
                if not desc.get(what):
                    dev.findings.append(C.SystemFieldMissing.at(self.rel(path), expected=label,
                                                                found=sorted(desc.data)))
        status = desc.get("category")
        if status is not None:
            dev.category = self.rules.category(status)
            if dev.category is None:
                dev.findings.append(C.UnknownCategory.at(
                    self.rel(path), found=status, expected=", ".join(self.rules.categories.values())))

    def _export(self, dev: _Device) -> None:
        tree = dev.tree
        if tree.result_file:
            try:
                dev.export = read_app_json(tree.result_file)
            except ParseError as exc:
                dev.findings.append(finding_for_parse_error(exc, self.rel(tree.result_file)))
            except AppFileError as exc:
                rel = self.rel(tree.result_file)
                if exc.kind == "json":
                    dev.findings.append(C.ResultFileNotJson.at(rel, found=exc.reason))
                else:
                    dev.findings.append(C.ResultFileSchema.at(
                        rel, found=exc.reason, locator=exc.locator,
                        generation=exc.generation or "unknown generation"))
        elif tree.cli_performance or tree.cli_accuracy:
            try:
                dev.export = read_cli_text(tree.cli_performance, tree.cli_accuracy)
            except ParseError as exc:
                dev.findings.append(finding_for_parse_error(exc, self.rel(exc.path)))
            dev.findings.append(C.CliExcerptsOnly.at(tree.rel, device=tree.name))
        else:
            dev.findings.append(C.ResultFileMissing.at(
                tree.rel, expected=f"{tree.rel}/result.json", device=tree.name))
        if dev.export is None:
            return
        branch = str(dev.export.build.get("git_branch") or "")
        m = _BRANCH_ROUND.search(branch)
        if m and m.group(1) != self.rules.round:
            dev.findings.append(C.OtherRoundBuild.at(
                self.rel(dev.export.path), found=branch, expected=self.rules.round))
        for run in dev.export.runs:
            found = self.rules.by_app_id(run.benchmark_id)
            if found is None:
                dev.findings.append(C.UnknownMobileBenchmark.at(
                    self.rel(dev.export.path), found=run.benchmark_id, locator=run.locator,
                    what="app benchmark id", round=self.rules.round))
                continue
            if run.scenario != found[1]:
                dev.findings.append(C.UnknownMobileScenario.at(
                    self.rel(dev.export.path), locator=run.locator, benchmark=found[0],
                    round=self.rules.round,
                    found=f"{run.scenario} (the app id {run.benchmark_id} is for {found[1]})"))
            dev.runs.setdefault((found[0], run.scenario), run)

    # result level ----------------------------------------------------------------------------
    def result(self, division: str, submitter: str, dev: _Device, key: tuple[str, str]) -> ResultEntry:
        bench, scenario = key
        tree = dev.tree
        dirs = tree.runs.get(key)
        app = dev.runs.get(key)
        name = dirs.folder if dirs else f"{tree.rel}/{app.benchmark_id if app else bench}"
        entry = ResultEntry(result=name, division=division, submitter=submitter, system=tree.name,
                            benchmark=bench, scenario_folder=scenario, scenario=scenario,
                            model=bench, system_type="mobile",
                            availability=dev.category or "available")
        try:
            self._result_checks(entry, dev, bench, scenario, dirs, app, division)
        except Exception as exc:  # a fault of ours must not end the run for other results
            entry.findings.append(crash_finding(name, exc, "mobile result"))
        # The device's problems (result file, system description) come first: they explain the rest.
        entry.findings = apply_profile(dedupe(dev.findings + entry.findings), self.profile, CODES)
        return entry

    def _result_checks(self, entry: ResultEntry, dev: _Device, bench: str, scenario: str,
                       dirs: RunDirs | None, app: AppRun | None, division: str) -> None:
        out = entry.findings
        rules = self.rules
        where = entry.result
        if scenario not in rules.allowed_scenarios(bench):
            sev = Severity.WARNING if division == "open" else None
            out.append(C.UnknownMobileScenario.at(where, found=scenario, benchmark=bench,
                                                  round=rules.round, severity=sev))
        perf, acc = self._logs(out, where, bench, scenario, dirs)
        target = rules.target(bench)
        run_rule = rules.run_rule(bench, scenario)
        m = entry.metrics
        m.update(benchmark_title=rules.benchmarks[bench]["model"], device=dev.tree.name)
        if dev.export is not None:
            m.update(app_generation=dev.export.generation, source=self.rel(dev.export.path),
                     app_version=dev.export.build.get("version"))
            if app is None:
                out.append(C.ResultNotExported.at(where, benchmark=bench, scenario=scenario,
                                                  source=self.rel(dev.export.path)))
        self._system_info(entry, dev, app)
        self._performance(out, where, m, scenario, run_rule, app, perf, dev)
        self._accuracy(out, where, m, bench, scenario, target, app, acc, division)
        self._measurements(out, entry, dev, bench, scenario)

    def _read_log(self, out: list[Finding], log: LogFile, parse) -> object | None:
        paths = [log.path] if log.path else log.parts
        try:
            text = "".join(read_text(p) for p in paths)
            return parse(text, paths[0])
        except ParseError as exc:
            out.append(finding_for_parse_error(exc, self.rel(exc.path)))
            return None

    def _logs(self, out, where, bench, scenario,
              dirs: RunDirs | None) -> tuple[_RunLogs | None, _RunLogs | None]:
        got: dict[str, _RunLogs | None] = {"performance": None, "accuracy": None}
        for run in ("performance", "accuracy"):
            folder = getattr(dirs, run) if dirs else None
            if folder is None:
                out.append(C.LogsMissing.at(where, expected=f"{run} log folder", what=f"{run} log folder",
                                            benchmark=bench, scenario=scenario))
                continue
            logs = _RunLogs()
            wanted = ["mlperf_log_accuracy.json"] if run == "accuracy" else []
            if self.rules.files.get("trace_logs"):
                wanted.append("mlperf_log_trace.json")
            for name in ("mlperf_log_summary.txt", "mlperf_log_detail.txt"):
                log = find_log(folder, name)
                if not log.complete:
                    what = name
                    if log.parts:
                        what += f" (split, parts {', '.join(log.missing_parts)} absent)"
                    out.append(C.LogsMissing.at(self.rel(os.path.join(folder, name)), expected=name,
                                                found=[os.path.basename(p) for p in log.parts] or None,
                                                what=what, benchmark=bench, scenario=scenario))
                    continue
                if name.endswith("summary.txt"):
                    text = self._read_log(out, log, lambda t, p: t)
                    logs.summary = _summary(text) if text else {}
                else:
                    logs.detail = self._read_log(out, log, parse_detail_log)
                    if logs.detail is not None:
                        self._typed(out, logs.detail)
            for name in wanted:
                log = find_log(folder, name)
                if not log.present:
                    out.append(C.SupportingLogMissing.at(
                        self.rel(os.path.join(folder, name)), expected=name, what=f"no {name}",
                        run=run, benchmark=bench, scenario=scenario))
                elif not log.complete:
                    out.append(C.SupportingLogMissing.at(
                        self.rel(folder), expected=log.missing_parts,
                        found=[os.path.basename(p) for p in log.parts],
                        what=f"{name} split into parts, {len(log.missing_parts)} missing",
                        run=run, benchmark=bench, scenario=scenario))
            got[run] = logs
        return got["performance"], got["accuracy"]

    def _typed(self, out: list[Finding], detail: DetailLog) -> None:
        """Drop (and report) log values of the wrong type, so no comparison below can fail."""
        for key, value in list(detail.values.items()):
            want = _LOG_TYPES.get(key)
            if want is None:
                continue
            ok = isinstance(value, want) and not (want is not bool and isinstance(value, bool))
            if not ok:
                kind = "number" if isinstance(want, tuple) else want.__name__
                out.append(MalformedFile.at(self.rel(detail.path), locator=key,
                                            found=f"{key} is {value!r}, not a {kind}"))
                del detail.values[key]

    def _system_info(self, entry: ResultEntry, dev: _Device, app: AppRun | None) -> None:
        device = dev.export.device if dev.export else {}
        desc = dev.system.named if dev.system else {}
        soc = desc.get("processor") or device.get("soc")
        made_by = (device.get("manufacturer"), device.get("model"))
        name = desc.get("device") or " ".join(x for x in made_by if x)
        accelerator = (app.accelerator if app else None) or desc.get("accelerator")
        framework = (app.framework if app else None) or desc.get("framework")
        entry.system_info = {
            "system_name": name or dev.tree.name, "host_processor_model_name": soc,
            "accelerator_model_name": accelerator, "framework": framework,
            "operating_system": desc.get("os") or device.get("os"),
            "status": dev.category or "available", "system_type": "mobile",
        }
        entry.metrics.update(soc=soc, accelerator=accelerator, framework=framework,
                             soc_id=device.get("soc"), backend=app.backend if app else None)

    def _performance(self, out, where, m, scenario, rule, app: AppRun | None, perf: _RunLogs | None,
                     dev: _Device) -> None:
        detail = perf.detail if perf else None
        summary = perf.summary if perf else {}
        bench = m.get("benchmark_title")
        log_p90_ns = detail.get("result_90.00_percentile_latency_ns") if detail else None
        log_sps = detail.get("result_samples_per_second") if detail else None
        # The value: the app's, else (no export) LoadGen's, so the table still has a number.
        score = app.score if app else None
        p90_s = app.p90_s if app else None
        if scenario == "SingleStream":
            if p90_s is None and score:
                p90_s = 1 / score
            if p90_s is None and app is None and log_p90_ns:
                p90_s = log_p90_ns / 1e9
            value = p90_s * 1000 if p90_s is not None else None
            m.update(value=value, units="ms", latency_ms=value,
                     throughput=score if score is not None else (1 / p90_s if p90_s else None))
        else:
            value = score if score is not None else (log_sps if app is None else None)
            m.update(value=value, units="samples/s", throughput=value)
        if value is None:
            out.append(C.PerformanceMissing.at(where, benchmark=bench, scenario=scenario))
        m["app_score"] = score
        # The app's numbers against LoadGen's.
        if app and detail:
            if scenario == "SingleStream" and log_p90_ns and p90_s is not None:
                if not math.isclose(p90_s, log_p90_ns / 1e9, rel_tol=1e-5):
                    out.append(C.AppLogDisagree.at(
                        where, what="90th percentile latency", found=f"{p90_s:.9g} s",
                        expected=f"{log_p90_ns / 1e9:.9g} s", locator=app.locator))
            if scenario == "Offline" and score is not None and log_sps is not None:
                issued = detail.get("generated_samples_per_query")
                padded = (issued and app.samples and app.samples > issued and app.p90_s
                          and math.isclose(score, app.samples / app.p90_s, rel_tol=1e-6))
                if padded:
                    out.append(C.OfflinePaddedThroughput.at(
                        where, found=f"{score:.6g} ({app.samples} samples)",
                        expected=f"{log_sps} ({issued} samples)", locator=app.locator))
                elif not math.isclose(score, float(log_sps), rel_tol=1e-3, abs_tol=0.01):
                    out.append(C.AppLogDisagree.at(where, what="samples per second", found=score,
                                                   expected=log_sps, locator=app.locator))
                m["loadgen_value"] = float(log_sps)
            log_queries = detail.get("result_query_count")
            if app.query_count is not None and log_queries is not None and app.query_count != log_queries:
                out.append(C.AppLogDisagree.at(where, what="query count", found=app.query_count,
                                               expected=log_queries, locator=app.locator))
        # Run length and settings, from the log where there is one, else from the app.
        queries = detail.get("result_query_count") if detail else None
        if queries is None and app:
            queries = app.query_count if app.query_count is not None else (
                app.samples if scenario == "SingleStream" else None)
        if scenario == "SingleStream":
            too_few = queries is not None and rule.min_queries and queries < rule.min_queries
            if too_few and not rule.waive_min_queries:
                out.append(C.RunTooShort.at(where, what="queries", expected=f">= {rule.min_queries}",
                                            found=queries))
            # LoadGen's own flag decides: the v2.1 app times the run itself and reports 59.7 s
            # for runs LoadGen measured as over 60 s.
            duration = app.duration_s if app else None
            met = detail.get("result_min_duration_met") if detail else None
            if met is None and app:
                met = app.min_duration_met
            if met is None and duration is not None and rule.min_duration_s:
                met = duration >= rule.min_duration_s
            short = met is False
            if short:
                found = f"{duration:.1f} s" if duration is not None else "min duration not met"
                out.append(C.RunTooShort.at(where, what="duration",
                                            expected=f">= {rule.min_duration_s} s", found=found))
        else:
            samples = app.samples if app else None
            if samples is None and detail:
                samples = detail.get("effective_min_sample_count")
            if samples is not None and rule.min_samples and samples < rule.min_samples:
                out.append(C.RunTooShort.at(where, what="samples", expected=f">= {rule.min_samples}",
                                            found=samples))
        self._settings(out, where, scenario, rule, app, detail)
        self._validity(out, where, rule, app, detail, summary)

    def _settings(self, out, where, scenario, rule, app, detail) -> None:
        want = {"effective_min_duration_ms": round((rule.min_duration_s or 0) * 1000),
                "effective_max_duration_ms": round((rule.max_duration_s or 0) * 1000)}
        if scenario == "SingleStream":
            want["effective_min_query_count"] = rule.min_queries
        else:
            want["effective_min_sample_count"] = rule.min_samples
        if detail:
            for key, expected in want.items():
                found = detail.get(key)
                if found is not None and expected is not None and found != expected:
                    out.append(C.RunSettings.at(where, what=key, expected=expected, found=found,
                                                locator=key))
        if app:
            app_min = rule.min_queries if scenario == "SingleStream" else rule.min_samples
            if app.min_samples is not None and app_min is not None and app.min_samples != app_min:
                out.append(C.RunSettings.at(where, what="the app's min_samples", expected=app_min,
                                            found=app.min_samples, locator=app.locator))
            if (app.min_duration_s is not None and rule.min_duration_s is not None
                    and not math.isclose(app.min_duration_s, rule.min_duration_s)):
                out.append(C.RunSettings.at(where, what="the app's min_duration",
                                            expected=f"{rule.min_duration_s} s",
                                            found=f"{app.min_duration_s} s", locator=app.locator))

    def _validity(self, out, where, rule, app: AppRun | None, detail, summary) -> None:
        verdict = summary.get("Result is") or (detail.get("result_validity") if detail else None)
        if verdict and verdict.upper() != "VALID":
            failing = []
            if detail:
                if detail.get("result_min_duration_met") is False:
                    failing.append("min duration")
                if detail.get("result_min_queries_met") is False and not rule.waive_min_queries:
                    failing.append("min queries")
                if detail.get("early_stopping_met") is False and not rule.waive_early_stopping:
                    failing.append("early stopping")
            waived_only = detail is not None and not failing and (
                detail.get("result_min_queries_met") is False or detail.get("early_stopping_met") is False)
            if not waived_only:
                out.append(C.RunInvalid.at(where, source="LoadGen", found=f"{verdict}"
                                           + (f" ({', '.join(failing)} not met)" if failing else "")))
        if app is None:
            return
        if app.min_duration_met is not None:
            app_valid = bool(app.min_duration_met
                             and (app.min_query_met or rule.waive_min_queries)
                             and (app.early_stopping_met or rule.waive_early_stopping))
            if not app_valid:
                out.append(C.RunInvalid.at(where, source="the app", locator=app.locator, found=(
                    f"min duration met {app.min_duration_met}, min queries met {app.min_query_met}, "
                    f"early stopping met {app.early_stopping_met}")))
        elif app.valid is False:
            out.append(C.RunInvalid.at(where, source="the app", found="validity false",
                                       locator=app.locator))
        if verdict and app.valid is not None and (verdict.upper() == "VALID") != bool(app.valid):
            if app.min_duration_met is None:  # flags compared above already explain a difference
                out.append(C.AppLogDisagree.at(where, what="validity", found=app.valid,
                                               expected=verdict, locator=app.locator))

    def _accuracy(self, out, where, m, bench, scenario, target, app: AppRun | None,
                  acc: _RunLogs | None, division: str) -> None:
        normalized = app.accuracy if app else None
        text = app.accuracy_text if app else None
        shown_number = number_in(text)
        if normalized is None and shown_number is not None:
            normalized = shown_number / target.display_scale
        m.update(accuracy_metric=target.metric, accuracy_unit=target.unit)
        if normalized is None:
            out.append(C.AccuracyMissing.at(where, benchmark=bench, scenario=scenario,
                                            locator=app.locator if app else None))
        else:
            # accuracy in the unit people quote (82.14 for %, 0.2740 for mAP), as for inference
            m.update(accuracy=normalized * target.display_scale, accuracy_normalized=normalized,
                     accuracy_display=text or target.shown(normalized),
                     accuracy_metrics={target.metric: normalized * target.display_scale})
            if normalized < target.threshold:
                # Open results may trade quality for speed; they are published with their accuracy.
                out.append(C.AccuracyBelowTarget.at(
                    where, metric=target.metric, shown=target.shown(normalized),
                    target=target.shown(target.threshold), expected=f">= {target.threshold:.6g}",
                    found=round(normalized, 6),
                    severity=Severity.WARNING if division == "open" else None))
            if app and app.accuracy is not None and shown_number is not None:
                digits = len(text.split(".")[1].split()[0].rstrip("%")) if "." in text else 0
                # Shown in the benchmark's unit (82.14%), or as stored (CLIP 0.2566).
                shown_ok = any(abs(app.accuracy * scale - shown_number) <= 0.51 * 10 ** -digits + 1e-9
                               for scale in {target.display_scale, 1})
                if not shown_ok:
                    out.append(C.AccuracyTextDisagree.at(where, found=text, locator=app.locator,
                                                         expected=target.shown(app.accuracy)))
        covered = acc.detail.get("qsl_reported_total_count") if acc and acc.detail else None
        if covered is None and app:
            covered = app.accuracy_samples
        m["accuracy_samples"] = covered
        if covered is not None and covered < target.samples:
            out.append(C.AccuracyDatasetIncomplete.at(where, found=covered, expected=target.samples))

    def _measurements(self, out, entry: ResultEntry, dev: _Device, bench: str, scenario: str) -> None:
        sub = os.path.join(self.root, entry.division, entry.submitter, "measurements")
        devices = subdirs(sub)
        folder = next((d for d in devices if d.lower() == dev.tree.name.lower()), None)
        if folder is None and len(devices) == 1:
            folder = devices[0]
        path = None
        if folder:
            bench_dir = next((b for b in subdirs(os.path.join(sub, folder))
                              if self.rules.by_folder(b) == bench), None)
            if bench_dir:
                scen = next((s for s in subdirs(os.path.join(sub, folder, bench_dir))
                             if s.lower() == scenario.lower()), None)
                if scen:
                    base = os.path.join(sub, folder, bench_dir, scen)
                    jsons = sorted(f for f in os.listdir(base) if f.lower().endswith(".json"))
                    path = os.path.join(base, jsons[0]) if jsons else None
        if path is None:
            out.append(C.MeasurementsMissing.at(self.rel(sub), benchmark=bench, scenario=scenario,
                                                device=dev.tree.name))
            return
        rel = self.rel(path)
        try:
            data = json.loads(read_text(path))
        except ParseError as exc:
            out.append(finding_for_parse_error(exc, rel))
            return
        except ValueError as exc:
            out.append(InvalidJson.at(rel, found=str(exc)))
            return
        if not isinstance(data, dict):
            out.append(InvalidJson.at(rel, found="not a JSON object"))
            return
        out.extend(implementation_findings(data, rel, nonempty=self.rules.measurements_nonempty))
        entry.metrics["weight_data_types"] = data.get("weight_data_types")


def detect_mobile_round(root: str) -> str | None:
    """The round named by the app builds' submission branch (submission-v4.1), if any."""
    rounds = set(available_rounds())
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not d.startswith("log_")]
        for f in filenames:
            if f.lower() in ("result.json", "results.json"):
                try:
                    export = read_app_json(os.path.join(dirpath, f))
                except (ParseError, AppFileError):
                    continue
                m = _BRANCH_ROUND.search(str(export.build.get("git_branch") or ""))
                if m and m.group(1) in rounds:
                    return m.group(1)
    return None


def owns_tree(root: str) -> bool:
    """The tree holds the Mobile app's exports (result.json, results.json or the command-line
    excerpts) under <division>/<submitter>/results/[<device>/]."""
    for division in subdirs(root):
        for sub in subdirs(os.path.join(root, division)):
            results = os.path.join(root, division, sub, "results")
            for folder in [results, *(os.path.join(results, d) for d in subdirs(results))]:
                try:
                    names = {n.lower() for n in os.listdir(folder)}
                except OSError:
                    continue
                if names & {"result.json", "results.json", "performance_results.txt"}:
                    return True
    return False


def walk(root: str, rules: MobileRules, report: Report, scope: Scope) -> None:
    profile, submitter = scope.profile, scope.submitter
    checker = MobileChecker(root, rules, profile)
    for division in subdirs(root):
        if division not in rules.divisions:
            report.findings.append(UnknownDivision.at(division, found=division,
                                                      expected=", ".join(rules.divisions)))
            continue
        for sub in subdirs(os.path.join(root, division)):
            if submitter and sub.lower() != submitter.lower():
                continue
            sub_path = os.path.join(root, division, sub)
            trees, systems = scan_submitter(rules, root, sub_path)
            for tree in trees:
                try:
                    dev = checker.device(division, sub_path, tree, systems)
                except Exception as exc:  # a fault of ours: report it, check the other devices
                    report.findings.append(crash_finding(tree.rel, exc, "mobile device"))
                    continue
                keys = sorted({*dev.runs, *tree.runs})
                if not keys:
                    report.findings.extend(apply_profile(dev.findings, profile, CODES))
                for key in keys:
                    report.results.append(checker.result(division, sub, dev, key))
