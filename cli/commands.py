"""The `infercheck` command line: it formats reports; the checking lives in the library."""

from __future__ import annotations

import inspect
import json
import os
import sys

import click

from infercheck.checker.core import __version__
from infercheck.checker.core.explain import explain as explain_page
from infercheck.checker.core.internal import RulePackBroken
from infercheck.checker.core.outputs import write_csv, write_json, write_parquet
from infercheck.checker.core.packs import RulePackError
from infercheck.checker.core.profiles import PROFILES, TOLERATED
from infercheck.checker.core.report import Report, ResultEntry
from infercheck.checker.core.tree_rules import EmptyTree
from infercheck.checker.mobile.table import benchmark_table, limits_table
from infercheck.checker.suites import ALL_CODES, SUITES, check_tree, detect_suite, suite_named

# Findings that mean the command was used wrongly rather than that the tree is invalid.
USAGE_CODES = {EmptyTree.code, RulePackBroken.code}
ALL_PROFILES = list(PROFILES)

EXIT_HELP = """
Exit status: 0 when every result is valid, 1 when any result (or the tree) is invalid,
2 on a usage error (bad option, empty tree, submitter not found, unknown round) or an internal
fault of the checker (an INT001 finding).
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="infercheck")
def main() -> None:
    """Validate MLPerf Inference and MLPerf Mobile submissions and tabulate their results.

    \b
    Start with:
      infercheck check PATH --version v4.1     check a submission tree
      infercheck explain LG003                 what a finding code means
      infercheck rules --version v4.1          benchmarks, scenarios and targets of a round
      infercheck rules --suite mobile --version v4.1
                                               the Mobile round's benchmark table
    """


def _verdict_line(entry: ResultEntry, profile: str) -> str:
    tag = "VALID  " if entry.valid else "INVALID"
    if profile == "smoke":
        tag += " [smoke: run-length rules relaxed]"
    if profile == "published" and any(f.detail == TOLERATED for f in entry.findings):
        tag += " [published: tolerated deviations]"
    m = entry.metrics
    parts = [tag, entry.result]
    if m.get("value") is not None:
        parts.append(f"{m['value']:.6g} {m.get('units', '')}".rstrip())
    if m.get("accuracy_display"):
        metric, shown = m.get("accuracy_metric") or "accuracy", m["accuracy_display"]
        parts.append(shown if metric in shown else f"{metric} {shown}")
    if m.get("power_value"):
        parts.append(f"power {m['power_value']:.6g} {m.get('power_units', '')}")
    if m.get("inferred"):
        parts.append(f"(inferred from {m.get('loadgen_scenario')})")
    line = "  ".join(parts)
    errors = entry.errors()
    if errors:
        shown = "; ".join(f"{f.code} {f.message}" for f in errors[:3])
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        line += f"\n        {shown}{more}"
    return line


def _finding_line(f) -> str:
    where = f" {f.path}" if f.path else ""
    return f"{f.severity.upper():7} {f.code} {f.name}:{where}: {f.message}"


def _tolerated(report: Report) -> str:
    """What --profile published let through, by code: the list a reviewer reads."""
    counts: dict[str, int] = {}
    for f in report.all_findings():
        if f.detail == TOLERATED:
            counts[f"{f.code} {f.name}"] = counts.get(f"{f.code} {f.name}", 0) + 1
    if not counts:
        return ""
    lines = [f"  {name}: {n}" for name, n in sorted(counts.items())]
    return "Tolerated by the published profile (warnings that strict counts as errors):\n" + "\n".join(lines)


def _summary(report: Report) -> str:
    s = report.stats()
    counts = s["findings"]
    verdict = "VALID" if report.valid else "INVALID"
    power = f", {s['power_results']} with power" if report.suite != "mobile" else ""
    line = (f"{verdict}: {s['results']} results, {s['valid_results']} valid, "
            f"{s['invalid_results']} invalid{power}; "
            f"{counts.get('error', 0)} errors, {counts.get('warning', 0)} warnings "
            f"({'mobile ' if report.suite == 'mobile' else ''}round {report.round or '?'}, "
            f"profile {report.profile})")
    tolerated = _tolerated(report)
    return f"{tolerated}\n{line}" if tolerated else line


def exit_status(report: Report) -> int:
    codes = {f.code for f in report.findings}
    if codes & USAGE_CODES or report.crashed:
        return 2
    return 0 if report.valid else 1


@main.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, readable=True))
@click.option("--version", "round_name", metavar="ROUND",
              help="Round whose rules apply, e.g. v2.1 or v4.1. Default: recognised from the "
                   "seeds in the logs (Mobile: from the app build's submission branch).")
@click.option("--suite", default="auto", show_default=True,
              type=click.Choice(["auto", *sorted(SUITES)]),
              help="Benchmark suite: inference (datacenter, edge) or mobile (MLPerf Mobile app "
                   "results, rounds v0.7-v5.0); auto picks mobile when the tree holds the app's "
                   "result.json exports.")
@click.option("--submitter", metavar="NAME", help="Check only this submitter's folder.")
@click.option("--profile", type=click.Choice(ALL_PROFILES), default="strict", show_default=True,
              help="smoke relaxes only the run-length rules (duration, query counts, "
                   "performance sample count, dataset coverage) and accepts, with a warning, "
                   "the seeds of another known round, for short CI runs; every verdict line "
                   "then says so. published (mobile only) accepts, as warnings, the deviations "
                   "published rounds carry (missing trace logs, system JSON with trailing commas, "
                   "command-line excerpts instead of result.json, ...) and lists them.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Check systems in this many processes.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, writable=True),
              help="Write the full report (schemas/report.schema.json) to this file.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True),
              help="Write the official summary.csv of the round (valid results, power rows).")
@click.option("--parquet", "parquet_path", type=click.Path(dir_okay=False, writable=True),
              help="Write the tidy results table, one typed row per result.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="What to print: verdict lines, or the JSON report.")
@click.option("--quiet", "-q", is_flag=True, help="Print only invalid results and the summary.")
def check(path, round_name, suite, submitter, profile, jobs, json_path, csv_path, parquet_path,
          fmt, quiet):
    """Check the submission tree at PATH (the folder holding closed/, open/, network/).

    Prints one verdict line per result, then a summary. Every problem is a finding with a
    stable code; `infercheck explain CODE` tells what it means and how to fix it.
    """
    if suite == "auto":
        suite = detect_suite(path)
    if profile == "published" and suite != "mobile":
        raise click.BadParameter("the published profile applies to --suite mobile",
                                 param_hint="--profile")
    rounds = suite_named(suite).packs.rounds()
    if round_name is not None and round_name not in rounds:
        raise click.BadParameter(
            f"{round_name!r} is not a round of {suite} (known: {', '.join(rounds)})",
            param_hint="--version")
    report = check_tree(path, round=round_name, suite=suite, profile=profile,
                        submitter=submitter, jobs=jobs)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        for entry in report.results:
            if not quiet or not entry.valid:
                click.echo(_verdict_line(entry, profile))
        for f in report.findings:
            click.echo(_finding_line(f))
        click.echo(_summary(report))
    outputs = ((json_path, lambda t: write_json(report, t)),
               (csv_path, lambda t: write_csv(suite_named(suite).summary_rows(report), t)),
               (parquet_path, lambda t: write_parquet(report, t)))
    for target, write in outputs:
        if target and report.round:
            if os.path.realpath(target).startswith(os.path.realpath(path) + os.sep):
                raise click.UsageError("outputs must not be written inside the submission tree")
            write(target)
    sys.exit(exit_status(report))


check.help = inspect.cleandoc(check.help or "") + "\n" + EXIT_HELP


@main.command()
@click.option("--version", "round_name", metavar="ROUND", help="Round to show, e.g. v4.1.")
@click.option("--suite", default="inference", show_default=True, type=click.Choice(sorted(SUITES)))
@click.option("--list", "list_rounds", is_flag=True, help="List the rounds that have rules.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def rules(round_name, suite, list_rounds, fmt):
    """Show the benchmarks, scenarios and targets of a round (resolved rule pack).

    For --suite mobile it prints the round's benchmark table as the MLPerf Mobile results page
    shows it (retired benchmarks with their last round), then the numbers infercheck enforces.
    """
    rounds = suite_named(suite).packs.rounds()
    if list_rounds or not round_name:
        click.echo("\n".join(rounds))
        return
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
    header = f"{'benchmark':<20} {'edge':<34} {'datacenter':<20} {'targets'}"
    click.echo(header)
    click.echo("-" * len(header))
    for name, bench in sorted(pack.benchmarks.items()):
        sc = bench["scenarios"]
        targets = ", ".join(f"{t.metric} >= {t.value:.6g}" for t in pack.targets(name))
        limits = ", ".join(f"{t.metric} <= {t.value:.6g}" for t in pack.upper_limits(name))
        click.echo(f"{name:<20} {', '.join(sc.get('edge') or ['-']):<34} "
                   f"{', '.join(sc.get('datacenter') or ['-']):<20} "
                   f"{targets}{'; ' + limits if limits else ''}")


@main.command()
@click.argument("code", required=False)
@click.option("--list", "list_codes", is_flag=True, help="List every code with its name.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def explain(code, list_codes, fmt):
    """Explain a finding CODE (e.g. LG003): what it checks, why, and how to fix it."""
    if list_codes or not code:
        for c, rule in ALL_CODES.items():
            click.echo(f"{c}  {rule.severity.value:<7}  {rule.name}")
        return
    rule = ALL_CODES.get(code)
    if rule is None:
        raise click.BadParameter(f"no rule has code {code!r}; see `infercheck explain --list`",
                                 param_hint="CODE")
    click.echo(explain_page(rule, fmt).rstrip("\n"))


@main.command()
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Folder to create the submission tree in (new or empty).")
@click.option("--version", "round_name", default="demo", show_default=True, metavar="ROUND",
              help="Round whose layout and rules the tree follows (demo: short runs that the "
                   "checker accepts as they are).")
@click.option("--benchmark", default="digits", show_default=True,
              help="Benchmark of the round; digits is the embedded default.")
@click.option("--model", type=click.Path(exists=True, dir_okay=False),
              help="An ONNX image classifier to run instead of the embedded model.")
@click.option("--dataset", type=click.Path(exists=True, file_okay=False),
              help="Images plus val_map.txt ('<image> <label>' per line), for --model.")
@click.option("--division", type=click.Choice(["closed", "open"]), default="closed", show_default=True)
@click.option("--system-type", type=click.Choice(["edge", "datacenter"]), default="edge",
              show_default=True, help="edge runs SingleStream, MultiStream and Offline; "
                                      "datacenter runs Server and Offline.")
@click.option("--scenario", "scenarios", multiple=True,
              type=click.Choice(["SingleStream", "MultiStream", "Offline", "Server"]),
              help="Run only these scenarios (default: every scenario the round requires).")
@click.option("--profile", type=click.Choice(["demo", "full"]), default="demo", show_default=True,
              help="demo: 2-second runs; full: the round's durations (600 s per run).")
@click.option("--submitter", default="Demo", show_default=True)
@click.option("--system-name", help="System folder name (default: <machine>-<framework>).")
@click.option("--compliance/--no-compliance", default=None,
              help="Run TEST01 and TEST04 (default: in the closed division).")
@click.option("--label-offset", type=int, default=0, show_default=True,
              help="Subtract this from the model's class index (1 for 1001-class models).")
@click.option("--no-normalize", is_flag=True, help="Feed pixels in [0, 1] without ImageNet "
                                                   "mean/std normalisation.")
def run(out, round_name, benchmark, model, dataset, division, system_type, scenarios, profile,
        submitter, system_name, compliance, label_offset, no_normalize):
    """Run a benchmark through the real LoadGen and write a complete submission tree.

    With no option but --out it trains the embedded digits classifier (scikit-learn's bundled
    data, no download) and runs every edge scenario in performance and accuracy mode, with
    compliance TEST01 and TEST04, in the demo round's short durations. The accuracy logs are
    truncated at the end, the originals kept in OUT.accuracy-backup/.
    """
    # The runner loads LoadGen, numpy and scikit-learn: only `run` pays for them.
    from infercheck.runner.pipeline import RunError, RunOptions, run_submission

    opts = RunOptions(out=out, round=round_name, benchmark=benchmark, model=model, dataset=dataset,
                      division=division, system_type=system_type, profile=profile,
                      submitter=submitter, system_name=system_name,
                      scenarios=list(scenarios) or None, compliance=compliance,
                      normalize=not no_normalize, label_offset=label_offset)
    try:
        summary = run_submission(opts, echo=lambda msg: click.echo(msg, err=True))
    except RunError as exc:
        raise click.UsageError(str(exc)) from None
    if summary.unknown_fields:
        click.echo("The machine could not tell these system fields; fill them in "
                   f"systems/{summary.system}.json: {', '.join(summary.unknown_fields)}", err=True)
    for note in summary.notes:
        click.echo(note, err=True)
    # A short run of a real round can only meet that round's rules under the smoke profile.
    check_profile = "smoke" if profile == "demo" and round_name != "demo" else "strict"
    flags = f" --version {summary.round}" + (" --profile smoke" if check_profile == "smoke" else "")
    report = check_tree(summary.root, round=summary.round, profile=check_profile)
    counts = report.stats()
    where = (f"Wrote {summary.root} in {summary.seconds:.0f} s "
             f"({len(summary.results)} results, round {summary.round}).")
    if report.valid:
        click.echo(f"{where} `infercheck check {out}{flags}` accepts it: "
                   f"{counts['valid_results']} of {counts['results']} results valid.")
        return
    for entry in report.results:
        for f in entry.errors():
            click.echo(_finding_line(f), err=True)
    click.echo(f"{where} `infercheck check {out}{flags}` rejects {counts['invalid_results']} of "
               f"{counts['results']} results (see above).")
    sys.exit(1)


@main.command()
@click.argument("tree", type=click.Path(exists=True, file_okay=False))
@click.option("--backup", type=click.Path(file_okay=False),
              help="Where the full accuracy logs go (default: TREE.accuracy-backup, beside the tree).")
def truncate(tree, backup):
    """Truncate the accuracy logs of TREE before submitting (mandatory).

    Appends `hash=<sha256 of the full log>` to each accuracy.txt, copies the full
    mlperf_log_accuracy.json to the backup folder, and keeps only its first and last 4 KiB.
    Logs already truncated are left alone, so running it twice is harmless.
    """
    from infercheck.runner.truncate import truncate_tree  # with the runner, loaded on demand

    backup = backup or os.path.abspath(tree).rstrip(os.sep) + ".accuracy-backup"
    try:
        done = truncate_tree(tree, backup)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    for item in done:
        click.echo(f"truncated {item.path} ({item.original_bytes} bytes, sha256 {item.sha256[:12]}...)")
    click.echo(f"{len(done)} accuracy logs truncated; originals in {backup}")


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Folder for the site (index.html, assets/, downloads/).")
@click.option("--ids", "ids_path", type=click.Path(dir_okay=False),
              help="File of public system IDs, kept across rebuilds "
                   "(default: results_ids.json beside the first input).")
@click.option("--link-base", multiple=True, metavar="ROUND=URL",
              help="Where result links point for a round, e.g. "
                   "v4.1=https://github.com/mlcommons/inference_results_v4.1/tree/main/ "
                   "(a Mobile round: 'mobile v4.1=URL'; default: the tree's folder, relative "
                   "to the site).")
@click.option("--title", default="MLPerf Inference results", show_default=True)
@click.option("--published", "mobile_published", is_flag=True,
              help="Check MLPerf Mobile trees with --profile published (what the rounds "
                   "published), instead of strict.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True)
def report(inputs, out, ids_path, link_base, title, mobile_published, jobs):
    """Build the static results site from INPUTS: submission trees (checked on the fly) or
    tables written by `infercheck check --parquet` / `--csv`.

    Only valid results are published. MLPerf Mobile trees get their own tabs ("mobile closed").
    The site works from file:// with no network.
    """
    # pandas, plotly and openpyxl: only `report` pays for them.
    from infercheck.reports import InputError, build_site, load_results

    try:
        table, trees = load_results(list(inputs), jobs=jobs,
                                    mobile_profile="published" if mobile_published else "strict")
    except InputError as exc:
        raise click.UsageError(str(exc)) from None
    if table.empty:
        raise click.UsageError("the inputs hold no valid result")
    bases = {}
    for item in link_base:
        name, _, url = item.partition("=")
        bases[name] = url
    for name, tree in trees.items():  # results of a checked tree link to its files by default
        if name not in bases:
            bases[name] = os.path.relpath(tree, os.path.abspath(out)).replace(os.sep, "/") + "/"
    ids_path = ids_path or os.path.join(os.path.dirname(os.path.abspath(inputs[0])), "results_ids.json")
    done = build_site(table, out, ids_path=ids_path, link_base=bases, title=title)
    click.echo(f"Wrote {os.path.join(out, 'index.html')}: {done['results']} results of "
               f"{done['systems']} systems, rounds {', '.join(done['rounds'])}; "
               f"downloads in {os.path.join(out, 'downloads')}; IDs in {ids_path}")


if __name__ == "__main__":  # pragma: no cover
    main()
