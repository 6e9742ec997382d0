"""`run` and `truncate`: the reference runner's commands."""

from __future__ import annotations

import json
import os
import sys

import click

from infercheck.checker.suites import check_tree, not_a_tree
from infercheck.cli.paths import guard_outputs
from infercheck.cli.suggest import Choice, check_round
from infercheck.cli.verdicts import finding_line, printable

__all__ = ["run", "truncate"]

# Spellings of --profile before it shared the checker's vocabulary, still accepted.
_OLD_RUN_PROFILES = {"demo": "smoke", "full": "strict"}


def _system_field(ctx, param, values) -> dict:
    fields = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE")
        fields[key.strip()] = value.strip()
    return fields


def _system_json(path: str | None) -> dict:
    if path is None:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise click.BadParameter(f"{path}: {exc}", param_hint="--system-json") from None
    if not isinstance(data, dict):
        raise click.BadParameter(f"{path} holds a JSON {type(data).__name__}, not an object",
                                 param_hint="--system-json")
    return data


def _run_profile(ctx, param, value: str) -> str:
    value = _OLD_RUN_PROFILES.get(value, value)
    if value not in ("smoke", "strict"):
        raise click.BadParameter(f"{value!r} is not one of 'smoke', 'strict'")
    return value


@click.command()
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Folder to create the submission tree in (new or empty).")
@click.option("--version", "round_name", default="demo", show_default=True, metavar="ROUND",
              help="The round whose layout and rules the tree follows (spelled --version, as in "
                   "the official checker; demo: the v6.1 rules with 2-second runs).")
@click.option("--benchmark", default="digits", show_default=True,
              help="Benchmark of the round; digits is the embedded default.")
@click.option("--model", type=click.Path(exists=True, dir_okay=False),
              help="An ONNX image classifier to run instead of the embedded model.")
@click.option("--dataset", type=click.Path(exists=True, file_okay=False),
              help="Images plus val_map.txt ('<image> <label>' per line), for --model.")
@click.option("--division", type=Choice(["closed", "open"]),
              help="Default: closed; open where the embedded model stands in for a benchmark "
                   "of a round without digits (e.g. --version v6.1).")
@click.option("--suite", type=Choice(["inference", "automotive"]), default="inference",
              show_default=True,
              help="The suite whose round the tree is for: automotive writes an MLPerf "
                   "Automotive tree (adas system; its demo round: SingleStream, the embedded "
                   "model as benchmark digits).")
@click.option("--system-type", type=Choice(["edge", "datacenter", "adas"]), default=None,
              help="edge (the default) runs SingleStream, MultiStream and Offline; datacenter "
                   "runs Server and Offline; adas (--suite automotive, its only type) runs "
                   "SingleStream.")
@click.option("--scenario", "scenarios", multiple=True,
              type=Choice(["SingleStream", "MultiStream", "Offline", "Server",
                           "ConstantStream"]),
              help="Run only these scenarios (default: every scenario the round requires; "
                   "ConstantStream needs MLPerf Automotive's own LoadGen, not on PyPI).")
@click.option("--profile", default="smoke", show_default=True, metavar="[smoke|strict]",
              callback=_run_profile,
              help="smoke: 2-second runs, which `check` accepts under its smoke profile (and the "
                   "demo round under strict); strict: the round's own durations (600 s per run), "
                   "which the strict profile accepts.")
@click.option("--submitter", default="Demo", show_default=True)
@click.option("--system-name", help="System folder name (default: <machine>-<framework>).")
@click.option("--compliance/--no-compliance", default=None,
              help="Run TEST01 and TEST04 (default: in the closed division).")
@click.option("--label-offset", type=int, default=0, show_default=True,
              help="Subtract this from the model's class index (1 for 1001-class models).")
@click.option("--no-normalize", is_flag=True, help="Feed pixels in [0, 1] without ImageNet "
                                                   "mean/std normalisation.")
@click.option("--system-field", "system_field", multiple=True, metavar="KEY=VALUE",
              callback=_system_field,
              help="A system description field, e.g. cooling=air (repeatable): the fields the "
                   "machine cannot tell, or any detected one said otherwise.")
@click.option("--system-json", type=click.Path(exists=True, dir_okay=False),
              help="A JSON object of system description fields, merged over the detected ones "
                   "(--system-field wins over it).")
def run(out, round_name, benchmark, model, dataset, division, suite, system_type, scenarios,
        profile, submitter, system_name, compliance, label_offset, no_normalize, system_field,
        system_json):
    """Run a benchmark through the real LoadGen and write a complete submission tree.

    With no option but --out it trains the embedded digits classifier (scikit-learn's bundled
    data, no download) and runs every edge scenario in performance and accuracy mode, with
    compliance TEST01 and TEST04, in the demo round's short durations. The accuracy logs are
    truncated at the end, the originals kept in OUT.accuracy-backup/.

    The tree is written under a temporary name beside OUT and renamed when complete: Ctrl-C
    (exit 130) or SIGTERM (exit 143) stops the runs at once and leaves nothing of OUT.
    """
    # The runner loads LoadGen, numpy and scikit-learn: only `run` pays for them (in the child
    # process that makes the runs; Ctrl-C stops it and leaves nothing of OUT: runner/supervise.py).
    from infercheck.runner.pipeline import RunError, RunOptions
    from infercheck.runner.supervise import RunFault, run_supervised

    guard_outputs([model, dataset, system_json], [("--out", out)])
    check_round(suite, round_name)
    types = {"inference": ("edge", "datacenter"), "automotive": ("adas",)}[suite]
    system_type = system_type or types[0]
    if system_type not in types:
        raise click.BadParameter(f"{suite} systems are {' or '.join(types)}, not {system_type}",
                                 param_hint="--system-type")
    opts = RunOptions(out=out, round=round_name, suite=suite, benchmark=benchmark, model=model,
                      dataset=dataset, division=division, system_type=system_type,
                      profile="demo" if profile == "smoke" else "full",
                      submitter=submitter, system_name=system_name,
                      scenarios=list(scenarios) or None, compliance=compliance,
                      normalize=not no_normalize, label_offset=label_offset,
                      system_fields={**_system_json(system_json), **system_field})
    try:
        summary = run_supervised(opts, echo=lambda msg: click.echo(msg, err=True))
    except RunError as exc:
        raise click.UsageError(str(exc)) from None
    except RunFault as exc:
        click.echo(f"infercheck: internal fault: {exc}\nNothing of {out} was left. Please report "
                   "it with the command line that gave it.", err=True)
        sys.exit(2)
    if summary.unknown_fields:
        given = " ".join(f"--system-field {k}=..." for k in summary.unknown_fields)
        click.echo("The machine could not tell these system fields, left as placeholders that "
                   f"`check` reports (SYS010): {', '.join(summary.unknown_fields)}. Give them "
                   f"with {given} (or --system-json FILE), or fill them in "
                   f"systems/{summary.system}.json.", err=True)
    for note in summary.notes:
        click.echo(note, err=True)
    # A short run of a real round can only meet that round's rules under the smoke profile.
    check_profile = "smoke" if profile == "smoke" and round_name != "demo" else "strict"
    flags = f" --version {summary.round}" + (" --profile smoke" if check_profile == "smoke" else "")
    flags += f" --suite {suite}" if suite != "inference" else ""
    report = check_tree(summary.root, round=summary.round, suite=suite, profile=check_profile)
    counts = report.stats()
    where = (f"Wrote {summary.root} in {summary.seconds:.0f} s "
             f"({len(summary.results)} results, round {summary.round}).")
    if report.valid:
        click.echo(f"{where} `infercheck check {out}{flags}` accepts it: "
                   f"{counts['valid_results']} of {counts['results']} results valid.")
        return
    # The tree's own errors (a required scenario missing, ...), then each result's.
    errors = [f for f in report.findings if f.is_error]
    errors += [f for entry in report.results for f in entry.errors()]
    for f in errors:
        click.echo(finding_line(f), err=True)
    click.echo(f"{where} `infercheck check {out}{flags}` rejects {counts['invalid_results']} of "
               f"{counts['results']} results" + (" (see above)." if errors else "."))
    sys.exit(1)


@click.command()
@click.argument("tree", type=click.Path(exists=True, file_okay=False))
@click.option("--backup", type=click.Path(file_okay=False),
              help="Where the full accuracy logs go (default: TREE.accuracy-backup, beside the tree).")
def truncate(tree, backup):
    """Truncate the accuracy logs of TREE before submitting (mandatory).

    Appends `hash=<sha256 of the full log>` to each accuracy.txt, copies the full
    mlperf_log_accuracy.json to the backup folder, and keeps only its first and last 4 KiB.

    It is safe to interrupt, even with kill -9: every backup is written, flushed and read back
    before any file of TREE is replaced, and each file is replaced by an atomic rename, so each
    result is either as it was or truncated. Running it again finishes an interrupted run; with
    nothing left to do it changes nothing. A folder it cannot truncate safely (a link or a pipe
    in a log's place, a hash that does not match its log, a backup that holds another file)
    stops it before it writes anything, with exit code 1.
    """
    from infercheck.runner.truncate import (  # with the runner, loaded on demand
        TruncateError,
        TruncateProblems,
        truncate_tree,
    )

    # A division or submitter folder would put its default backup inside the tree, and an empty
    # folder has nothing to truncate: said before anything is made.
    if (why := not_a_tree(tree)) is not None:
        raise click.UsageError(f"nothing to truncate: {why}")
    backup = backup or os.path.abspath(tree).rstrip(os.sep) + ".accuracy-backup"
    try:
        outcome = truncate_tree(tree, backup)
    except TruncateError as exc:
        raise click.UsageError(str(exc)) from None
    except TruncateProblems as exc:
        for problem in exc.problems:
            click.echo(f"error: {printable(problem)}", err=True)
        click.echo(exc.outcome, err=True)
        sys.exit(1)
    for item in outcome.logs:
        what = "finished truncating" if item.resumed else "truncated"
        click.echo(f"{what} {printable(item.path)} ({item.original_bytes} bytes, "
                   f"sha256 {item.sha256[:12]}...)")
    click.echo(truncate_summary(outcome, backup))


def truncate_summary(outcome, backup: str) -> str:
    """The last line of `truncate`: what it did, what it left and why, where the originals are."""
    line = f"{len(outcome.logs)} accuracy logs truncated"
    if outcome.already:
        line += (f"; {len(outcome.already)} already were (their accuracy.txt holds the log's "
                 f"hash), left as they are")
    elif not outcome.logs:
        line += ": the tree holds no accuracy/mlperf_log_accuracy.json"
    if outcome.backup_made:
        return f"{line}; originals in {backup}"
    return f"{line}; nothing was written"
