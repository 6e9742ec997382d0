"""`check`, `rules` and `explain`: the checker's commands."""

from __future__ import annotations

import json
import os
import sys

import click

from infercheck.checker.core.archive import ARCHIVE_SUFFIXES, is_archive
from infercheck.checker.core.ci_formats import GithubAnnotations, JunitWriter, SarifWriter
from infercheck.checker.core.engine import usable_cores
from infercheck.checker.core.explain import explain as explain_page
from infercheck.checker.core.pack_diff import pack_diff
from infercheck.checker.core.packs import RulePackError
from infercheck.checker.core.profiles import PROFILES
from infercheck.checker.core.result_sinks import (
    CsvWriter,
    JsonFileWriter,
    JsonWriter,
    ParquetWriter,
    Sinks,
)
from infercheck.checker.core.waivers import WaiverFileError, Waivers
from infercheck.checker.mobile.table import benchmark_table, limits_table
from infercheck.checker.suites import (
    ALL_CODES,
    SUITES,
    ProfileNotForSuite,
    check_tree,
    detect_suite,
    not_a_tree,
    suite_named,
)
from infercheck.cli.paths import STDOUT, guard_outputs, output_file, stdout_spool, tree_at
from infercheck.cli.progress import ProgressLine
from infercheck.cli.suggest import Choice, check_round, closest, either, focus_of, seeds_contradict
from infercheck.cli.verdicts import (
    exit_status,
    finding_line,
    findings_in_order,
    not_shown_line,
    summary_line,
    verdict_line,
)

__all__ = ["VerdictLines", "check", "explain", "load_waivers", "rules"]

EXIT_STATUS = (
    "Exit status: 0 when every result is valid, 1 when any result (or the tree) is invalid, "
    "2 on a usage error (bad option, empty tree, submitter not found, unknown round) or an "
    "internal fault of the checker (an INT001 finding)."
)


# Findings printed under a result by default (-v: all); the summary counts the others.
SHOWN = 3

PROFILE_HELP = " ".join(f"{name}: {p.help}" for name, p in PROFILES.items())


def tree_argument(ctx, param, value):
    """Click callback: PATH is a folder or an archive of one (.tar.gz, .tgz, .tar, .zip...)."""
    if value is not None and not os.path.isdir(value) and not is_archive(value):
        raise click.BadParameter(f"{value} is neither a folder nor an archive "
                                 f"({', '.join(ARCHIVE_SUFFIXES)})")
    return value


@click.command(epilog=EXIT_STATUS)
@click.argument("path", type=click.Path(exists=True, readable=True), callback=tree_argument)
@click.option("--version", "round_name", metavar="ROUND",
              help="The round whose rules apply, e.g. v2.1 or v4.1 (spelled --version, as in the "
                   "official checker). Default: recognised from the seeds in the logs (Mobile: "
                   "from the app build's submission branch).")
@click.option("--suite", default="auto", show_default=True,
              type=Choice(["auto", *sorted(SUITES)]),
              help="Benchmark suite: inference (datacenter, edge), mobile (MLPerf Mobile app "
                   "results, rounds v0.7-v5.0) or automotive (MLPerf Automotive, adas systems, "
                   "rounds v0.5 and v1.0); auto picks mobile when the tree holds the app's "
                   "result.json exports, automotive when its logs carry an Automotive round's "
                   "seeds.")
@click.option("--submitter", metavar="NAME", help="Check only this submitter's folder.")
@click.option("--profile", type=Choice(list(PROFILES)), default="strict", show_default=True,
              help=PROFILE_HELP)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help=f"Check systems in this many processes (1: in this one). Default: the number "
                   f"of usable cores, {usable_cores()} here.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, writable=True, allow_dash=True),
              callback=output_file,
              help="Write the full report (schemas/report.schema.json) to this file (-: to "
                   "standard output, the verdict lines then going to standard error).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True, allow_dash=True),
              callback=output_file,
              help="Write the official summary.csv of the round (valid results, power rows); "
                   "-: to standard output.")
@click.option("--parquet", "parquet_path", type=click.Path(dir_okay=False, writable=True),
              callback=output_file,
              help="Write the tidy results table, one typed row per result.")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False, writable=True,
                                                       allow_dash=True),
              callback=output_file,
              help="Write JUnit XML for CI test reports: a test case per result "
                   "(submitter.system, benchmark/scenario), a failure per error finding; -: to "
                   "standard output.")
@click.option("--sarif", "sarif_path", type=click.Path(dir_okay=False, writable=True,
                                                       allow_dash=True),
              callback=output_file,
              help="Write SARIF 2.1.0 for code scanning (GitHub): a rule per code used, with "
                   "its explain text, a result per finding on its file; -: to standard output.")
@click.option("--format", "fmt", type=Choice(["text", "json", "github"]), default="text",
              show_default=True,
              help="What to print: verdict lines, the JSON report, or GitHub Actions "
                   "annotations (::error file=...,title=CODE::...), one per finding, then the "
                   "summary line.")
@click.option("--quiet", "-q", is_flag=True, help="Print only invalid results and the summary.")
@click.option("--verbose", "-v", is_flag=True,
              help=f"Print every finding of every result (by default at most {SHOWN} under "
                   f"each, the summary saying how many were not shown).")
@click.option("--select", multiple=True, metavar="CODES",
              help="Report only these codes, families or tags (LG003, LG, power); repeatable or "
                   "comma-separated. The verdicts follow; every report says what was left out.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Leave out these codes, families or tags (--ignore PWR: check without power).")
@click.option("--benchmark", "benchmarks", multiple=True, metavar="NAME",
              help="Check only these benchmarks: a model as `infercheck rules` names it (resnet, "
                   "bert-99) or a folder name (resnet50); repeatable.")
@click.option("--scenario", "scenarios", multiple=True, metavar="NAME",
              help="Check only these scenarios (Offline, SingleStream); repeatable.")
@click.option("--waivers", "waivers_path", type=click.Path(exists=True, dir_okay=False),
              metavar="FILE",
              help="Findings the working group allowed (YAML, schemas/waivers.schema.json: a "
                   "result glob, a code, the reason, who granted it, the round it expires in). "
                   "A waived finding stays in the report as a warning marked waived; an entry "
                   "that matched nothing, or has expired, is a warning (RUL003, RUL004).")
def check(path, **options):
    """Check the submission tree at PATH (the folder holding closed/, open/, network/), or an
    archive of it (.tar.gz, .zip: unpacked into a temporary folder, never beside it).

    Prints one verdict line per result, then a summary. Every problem is a finding with a
    stable code; `infercheck explain CODE` tells what it means and how to fix it.
    """
    if options["quiet"] and options["verbose"]:
        raise click.UsageError("--quiet and --verbose contradict each other: give one of them")
    outputs = {f"--{name}": options[f"{name}_path"]
               for name in ("json", "csv", "parquet", "junit", "sarif")}
    _one_standard_output(outputs, options["fmt"])
    guard_outputs([path, options["waivers_path"]],
                  [(opt, out) for opt, out in outputs.items() if out != STDOUT])
    with stdout_spool(outputs) as spooled, tree_at(path) as (tree, shown, refused):
        for opt, out in spooled.items():
            options[f"{opt[2:]}_path"] = out
        status = _check(tree, shown, refused, path, text_to_stderr=STDOUT in outputs.values(),
                        **options)
    sys.exit(status)


def _one_standard_output(outputs: dict[str, str | None], fmt: str) -> None:
    """At most one thing on standard output: one output named "-", and then no --format
    printing there too; Parquet (binary, columnar) only to a file."""
    dash = [opt for opt, out in outputs.items() if out == STDOUT]
    if "--parquet" in dash:
        raise click.BadParameter("Parquet is written to a file, not to standard output",
                                 param_hint="--parquet")
    if len(dash) > 1:
        both = "both" if len(dash) == 2 else "all"
        raise click.UsageError(f"{' and '.join(dash)} {both} name standard output (-): give all "
                               f"but one of them a file")
    if dash and fmt != "text":
        raise click.UsageError(f"{dash[0]} - and --format {fmt} both write to standard output: "
                               f"give {dash[0]} a file, or leave --format out")


def _check(tree, shown, refused, path, *, round_name, suite, submitter, profile, jobs, json_path,
           csv_path, parquet_path, junit_path, sarif_path, fmt, quiet, verbose, select, ignore,
           benchmarks, scenarios, waivers_path, text_to_stderr=False) -> int:
    """The check of `tree` (`shown` names it when it is an unpacked archive, with the findings
    `refused` of unpacking it); its exit status."""
    if (what := not_a_tree(tree, shown)) is not None:
        raise click.BadParameter(what, param_hint="PATH")
    if suite == "auto":
        suite = detect_suite(tree)
    check_round(suite, round_name)
    focus = focus_of(suite, select, ignore, benchmarks, scenarios)
    if profile != "smoke" and (other := seeds_contradict(tree, suite, round_name, submitter)):
        raise click.BadParameter(other, param_hint="--version")
    waivers = load_waivers(waivers_path, suite)
    progress = ProgressLine(enabled=None if fmt == "text" else False)
    # Every output is written as the results come, none held: memory stays flat however large
    # the tree is (JUnit's test cases, small, are held until the end).
    printer = {"json": lambda: JsonWriter(sys.stdout),
               # an archive's files cannot be annotated: each message names its path
               "github": lambda: GithubAnnotations(sys.stdout, None if shown else path,
                                                   summary_line)}.get(fmt)
    writers = [printer() if printer else VerdictLines(profile, quiet, progress, verbose=verbose,
                                                      err=text_to_stderr,
                                                      shows_all="-v shows all")]
    if json_path:
        writers.append(JsonFileWriter(json_path))
    if csv_path:
        writers.append(CsvWriter(csv_path, suite_named(suite).summary_table))
    if parquet_path:
        writers.append(ParquetWriter(parquet_path, suite_named(suite).summary_table))
    if junit_path:
        writers.append(JunitWriter(junit_path))
    if sarif_path:
        writers.append(SarifWriter(sarif_path, suite_named(suite).codes, shown or path))
    sinks = Sinks(*writers)
    try:
        report = check_tree(tree, round=round_name, suite=suite, profile=profile,
                            submitter=submitter, jobs=jobs or usable_cores(), progress=progress,
                            sink=sinks, focus=focus,
                            waivers=waivers, shown_root=shown, input_findings=refused)
    except ProfileNotForSuite as exc:
        sinks.abandon()
        raise click.BadParameter(str(exc), param_hint="--profile") from None
    except BaseException:
        sinks.abandon()
        raise
    finally:
        progress.close()
    sinks.end(report)
    return exit_status(report)


def load_waivers(path: str | None, suite: str | None = None) -> Waivers | None:
    """The --waivers file of a command, by the codes of `suite` (None: of every suite); a file
    that does not follow its schema is a usage error."""
    if path is None:
        return None
    codes = suite_named(suite).codes if suite else ALL_CODES
    try:
        return Waivers.load(path, codes)
    except WaiverFileError as exc:
        raise click.BadParameter(str(exc), param_hint="--waivers") from None


class VerdictLines:
    """The verdict lines, each printed as its result comes with its findings (at most SHOWN by
    default, all with `verbose`, those of invalid results only when `quiet`); the tree's findings,
    what was not shown, and the summary at the end. `err`: on standard error (standard output
    carries a report)."""

    def __init__(self, profile: str, quiet: bool, progress: ProgressLine, *,
                 verbose: bool = False, err: bool = False,
                 shows_all: str = "`infercheck check -v` shows all") -> None:
        # shows_all: what shows the findings left out (`pack` prints these lines too, and has
        # no -v of its own)
        self.profile, self.quiet, self.progress = profile, quiet, progress
        self.verbose, self.err, self.shows_all = verbose, err, shows_all
        self.focused = False
        self.hidden = 0  # findings of the results not printed under them

    def _echo(self, line: str) -> None:
        click.echo(line, err=self.err)

    def begin(self, report) -> None:
        self.focused = bool(report.focus)

    def add(self, entry) -> None:
        findings = findings_in_order(entry.findings)
        if self.quiet and entry.valid:
            self.hidden += len(findings)
            return
        shown = findings if self.verbose else findings[:SHOWN]
        self.hidden += len(findings) - len(shown)
        self.progress.close()  # the line is drawn again at the next system
        self._echo(verdict_line(entry, self.profile, self.focused))
        for f in shown:
            self._echo("        " + finding_line(f))

    def end(self, report) -> None:
        for f in report.findings:
            self._echo(finding_line(f))
        if self.hidden:
            self._echo(not_shown_line(self.hidden, self.shows_all))
        self._echo(summary_line(report))


def _shown(value) -> str:
    if isinstance(value, dict):
        return f"{{{len(value)} keys}}"
    return json.dumps(value, sort_keys=True, default=str)


def _rules_diff(suite: str, names, fmt: str) -> None:
    packs = suite_named(suite).packs
    resolved = []
    for name in names:
        check_round(suite, name, "--diff")
        resolved.append(packs.resolve(name))
    changes = pack_diff(*resolved)
    if fmt == "json":
        click.echo(json.dumps([{"key": k, "before": a, "after": b} for k, a, b in changes],
                              indent=2, default=str))
        return
    click.echo(f"{suite} rules, {names[0]} -> {names[1]}: {len(changes)} changes")
    for key, before, after in changes:
        if before is None:
            click.echo(f"+ {key}: {_shown(after)}")
        elif after is None:
            click.echo(f"- {key}: {_shown(before)}")
        else:
            click.echo(f"~ {key}: {_shown(before)} -> {_shown(after)}")


@click.command()
@click.option("--version", "round_name", metavar="ROUND",
              help="The round to show, e.g. v4.1 (spelled --version, as in the official checker).")
@click.option("--suite", default="inference", show_default=True, type=Choice(sorted(SUITES)))
@click.option("--list", "list_rounds", is_flag=True, help="List the rounds that have rules.")
@click.option("--format", "fmt", type=Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--diff", "diff_rounds", nargs=2, metavar="ROUND ROUND",
              help="What changed from the first round's rules to the second's (benchmarks, "
                   "targets, latency bounds, run lengths, seeds, required files), key by key.")
def rules(round_name, suite, list_rounds, fmt, diff_rounds):
    """Show the benchmarks, scenarios and targets of a round (resolved rule pack).

    For --suite mobile it prints the round's benchmark table as the MLPerf Mobile results page
    shows it (retired benchmarks with their last round), then the numbers infercheck enforces.
    `--diff v4.1 v5.1` prints what changed between two rounds.
    """
    rounds = suite_named(suite).packs.rounds()
    if diff_rounds:
        _rules_diff(suite, diff_rounds, fmt)
        return
    if list_rounds or not round_name:
        click.echo("\n".join(rounds))
        return
    check_round(suite, round_name)
    try:
        pack = suite_named(suite).load_rules(round_name)
    except RulePackError as exc:
        raise click.BadParameter(str(exc), param_hint="--version") from None
    if fmt == "json":
        click.echo(json.dumps(pack.data, indent=2))
        return
    if suite == "mobile":
        extends = f" (extends {pack.data['extends']})" if pack.data.get("extends") else ""
        click.echo(f"MLPerf Mobile {pack.round}{extends}\n")
        click.echo("\n".join(benchmark_table(round_name)))
        click.echo("\nChecked by infercheck (? optional scenario, (...) optional benchmark):")
        click.echo("\n".join(limits_table(round_name)))
        return
    lg = pack.loadgen
    click.echo(f"{suite} {pack.round}" + (f" (extends {pack.data['extends']})"
                                          if pack.data.get("extends") else ""))
    click.echo(f"seeds: qsl {lg['seeds']['qsl_rng_seed']}, sample index "
               f"{lg['seeds']['sample_index_rng_seed']}, schedule {lg['seeds']['schedule_rng_seed']}")
    click.echo(f"minimum duration: {lg['min_duration_ms']} ms\n")
    if not pack.system.get("system_types"):
        # v0.5: no datacenter/edge split; a submission holds any benchmark in any scenario.
        click.echo("no system types: every scenario is optional\n")
        for name in sorted(pack.benchmarks):
            targets = ", ".join(_target(t) for t in pack.targets(name))
            click.echo(f"{name:<28} {targets}")
        return
    # A column per system type of the round (edge and datacenter; Automotive's adas).
    types = [t for t in ("edge", "datacenter") if t in pack.system.get("system_types")] or [
        t for t in pack.system["system_types"] if "," not in t]
    widths = {t: {"edge": 34, "datacenter": 36}.get(t, 35) for t in types}
    header = f"{'benchmark':<28} " + "".join(f"{t:<{widths[t]}} " for t in types) + "targets"
    click.echo(header)
    click.echo("-" * len(header))
    for name in sorted(pack.benchmarks):
        targets = ", ".join(_target(t) for t in pack.targets(name))
        limits = ", ".join(f"{t.metric} <= {t.value:.6g}" for t in pack.upper_limits(name))
        others = "; ".join(f"{s}: " + ", ".join(_target(t)
                                                for t in pack.targets(name, s))
                           for s in sorted(pack.benchmark(name).get("accuracy_by_scenario") or {}))
        cells = "".join(f"{_scenarios_cell(pack, name, t):<{widths[t]}} " for t in types)
        click.echo(f"{name:<28} {cells}"
                   f"{targets}{'; ' + limits if limits else ''}{'; ' + others if others else ''}")
    if any(b.get("optional_scenarios") for b in pack.benchmarks.values()):
        click.echo("\n? optional scenario")


# Metrics whose logged "accuracy" is 100 minus the metric (rnnt's word error rate: the accuracy
# script logs accuracy=100-WER): a target on it reads as the error rate's ceiling.
_COMPLEMENTS = {"WER"}


def _target(t) -> str:
    if t.metric in _COMPLEMENTS:
        return f"{t.metric} <= {100 - t.value:.6g} %"
    return f"{t.metric} >= {t.value:.6g}"


def _scenarios_cell(pack, name: str, system_type: str) -> str:
    """Required scenarios, then "one of A/B" groups, then other optional ones with a "?"."""
    required = pack.required_scenarios(name, system_type) or []
    groups = pack.one_of_scenarios(name, system_type)
    grouped = {s for g in groups for s in g}
    optional = [s for s in pack.optional_scenarios(name, system_type) if s not in grouped]
    cells = required + [f"one of {'/'.join(g)}" for g in groups] + [f"{s}?" for s in optional]
    return ", ".join(cells) or "-"


@click.command()
@click.argument("code", required=False)
@click.option("--list", "list_codes", is_flag=True, help="List every code with its name.")
@click.option("--format", "fmt", type=Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--waivers", "waivers_path", type=click.Path(exists=True, dir_okay=False),
              metavar="FILE", help="Also say which entries of this waivers file waive CODE.")
def explain(code, list_codes, fmt, waivers_path):
    """Explain a finding CODE such as LG003: what it checks, why, and how to fix it."""
    if list_codes or not code:
        for c, rule in ALL_CODES.items():
            click.echo(f"{c}  {rule.severity.value:<7}  {rule.name}")
        return
    rule = ALL_CODES.get(code)
    if rule is None:
        near = closest(code, ALL_CODES)
        hint = f"did you mean {either(near)}?" if near else "see `infercheck explain --list`"
        raise click.BadParameter(f"no rule has code {code!r}; {hint}", param_hint="CODE")
    waivers = load_waivers(waivers_path)
    granted = waivers.for_code(code, ALL_CODES) if waivers is not None else []
    if fmt == "json":
        page = json.loads(explain_page(rule, fmt))
        if waivers is not None:
            page["waivers"] = [{"waiver": w.number, "file": waivers.source, "result": w.result,
                                "path": w.path, "reason": w.reason, "granted_by": w.granted_by,
                                "expires": w.expires} for w in granted]
        click.echo(json.dumps(page, indent=2))
        return
    click.echo(explain_page(rule, fmt).rstrip("\n"))
    if waivers is not None:
        click.echo(f"\nWaived by {waivers.source}: "
                   + {0: "no entry", 1: "1 entry"}.get(len(granted), f"{len(granted)} entries"))
        for w in granted:
            where = f", file {w.path}" if w.path else ""
            click.echo(f"  waiver {w.number}: {w.result}{where} (until {w.expires}): "
                       f"{w.reason} (granted by {w.granted_by})")
