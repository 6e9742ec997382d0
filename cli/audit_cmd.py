"""`audit`: what the rules cannot see but a reviewer must, over whole rounds."""

from __future__ import annotations

import json
import os

import click

from infercheck.checker.core.engine import usable_cores
from infercheck.checker.core.outputs import atomic_path
from infercheck.checker.core.profiles import PROFILES
from infercheck.cli.check_cmd import load_waivers
from infercheck.cli.paths import STDOUT, guard_outputs, output_file
from infercheck.cli.progress import ProgressLine
from infercheck.cli.suggest import Choice
from infercheck.cli.verdicts import printable

__all__ = ["audit"]


def _load(paths, jobs, profile, waivers=None):
    # pandas and pyarrow: only the commands that make tables pay for them.
    from infercheck.checker.audit.tree_evidence import EVIDENCE_CHECKS
    from infercheck.reports import InputError, load_results

    progress = ProgressLine()  # on a terminal, once a tree's check takes a second
    left_out: dict = {}
    try:
        # Trees are read for what the audit compares only: their verdicts are check's.
        table, trees = load_results(list(paths), jobs=jobs, profile=profile,
                                    checks={"inference": EVIDENCE_CHECKS,
                                            "automotive": EVIDENCE_CHECKS},
                                    waivers=waivers, progress=progress, left_out=left_out)
    except InputError as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        progress.close()
    audited = ("inference", "automotive")
    others = [s for s in left_out.get("suites", []) if s not in audited]
    if others and not table["suite"].isin(audited).any():
        # The audit compares LoadGen results (MLPerf Inference and Automotive): nothing else to
        # say "0 flags" of.
        raise click.UsageError(f"the audit compares MLPerf Inference and Automotive results; "
                               f"{', '.join(paths)} hold{'s' if len(paths) == 1 else ''} "
                               f"{' and '.join(others)} results only")
    # Automotive's rounds share their names with Inference's (v0.5): its results are compared
    # among themselves, under the suite's name.
    automotive = table["suite"] == "automotive"
    table.loc[automotive, "round"] = "automotive " + table.loc[automotive, "round"].astype(str)
    return table, trees


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--previous", multiple=True, type=click.Path(exists=True), metavar="PATH",
              help="The previous round's trees or tables, to compare each result with its "
                   "system's (or its accelerator's) result there (AUD004). Repeatable.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), callback=output_file,
              help="Write the audit (every flag with its evidence) as JSON "
                   "(schemas/audit.schema.json).")
@click.option("--out", "site", type=click.Path(file_okay=False),
              help="Write audit.html into this folder (a results site's, or a new one): one "
                   "table of flags, filterable by code and submitter, linking to the results.")
@click.option("--outlier-score", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Robust score above which a result is far from its peers (AUD003, AUD005). "
                   "Default: settings.yaml's, 3.5.")
@click.option("--min-peers", type=click.IntRange(min=3), default=None,
              help="Results of one accelerator before they are compared. Default: 5.")
@click.option("--profile", type=Choice(list(PROFILES)), default="strict", show_default=True,
              help="How trees among INPUTS are read. Only what the audit compares is checked "
                   "(values, runs, accuracy logs, power, descriptions); `check` gives verdicts.")
@click.option("--fail-on-flags", is_flag=True,
              help="Exit 1 when anything is flagged (for CI); by default flags are warnings.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help=f"Check trees in this many processes. Default: {usable_cores()} here.")
@click.option("--waivers", "waivers_path", type=click.Path(exists=True, dir_okay=False),
              metavar="FILE", help="Findings allowed in the trees among INPUTS (as for `check "
                                   "--waivers`): the results they alone made invalid are audited.")
def audit(inputs, previous, json_path, site, outlier_score, min_peers, profile, fail_on_flags,
          jobs, waivers_path):
    """Audit the valid results of INPUTS (submission trees, or tables from `check --parquet`)
    for what a review committee looks for and no rule states: the same LoadGen run or accuracy
    log behind different results, results far from their accelerator's peers or from the
    previous round, implausible power, one accelerator spelled several ways, a count in a
    system's name its description contradicts.

    Every flag is a warning (AUD codes; `infercheck explain AUD003`) with the results and the
    evidence. Exit 0 unless --fail-on-flags and something was flagged; 2 on a usage error.

    \b
      infercheck audit ../inference_results_v4.1 --previous ../inference_results_v4.0
      infercheck check TREE --parquet t.parquet && infercheck audit t.parquet --json audit.json
    """
    # pandas, as above.
    from infercheck.checker.audit.audit import audit as run_audit

    guard_outputs([*inputs, *previous, waivers_path], [("--json", json_path), ("--out", site)])
    cores = jobs or usable_cores()
    table, trees = _load(inputs, cores, profile, load_waivers(waivers_path))
    before = _load(previous, cores, profile)[0] if previous else None
    settings = {k: v for k, v in (("outlier_score", outlier_score), ("min_peers", min_peers))
                if v is not None}
    report = run_audit(table, before, settings)
    # With --json -, standard output is the JSON's: the lines for a person go to stderr.
    to_stderr = json_path == STDOUT
    for flag in report.flags:
        f = flag.finding
        click.echo(printable(f"{f.severity.upper():7} {f.code} {f.name}: {flag.round} "
                             f"{f.path}: {f.message}"), err=to_stderr)
    counts = ", ".join(f"{code} {n}" for code, n in report.counts().items()) or "none"
    click.echo(f"AUDIT: {report.results} results of {', '.join(report.rounds) or 'no round'}"
               + (f" (previous: {report.previous_results})" if before is not None else "")
               + f"; {len(report.flags)} flag{'s' * (len(report.flags) != 1)} ({counts})",
               err=to_stderr)
    if to_stderr:
        click.echo(json.dumps(report.to_dict(), indent=2, default=str))
    elif json_path:
        with atomic_path(json_path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            json.dump(report.to_dict(), fh, indent=2, default=str)
            fh.write("\n")
    if site:
        # jinja2: only a page pays for it.
        from infercheck.reports.audit_page import write_audit_page

        os.makedirs(site, exist_ok=True)
        links = {name: os.path.relpath(root, os.path.abspath(site)).replace(os.sep, "/") + "/"
                 for name, root in trees.items()}
        path = write_audit_page(report, site, links)
        click.echo(f"Wrote {path}")
    raise SystemExit(1 if fail_on_flags and report.flags else 0)
