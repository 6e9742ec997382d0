"""The `infercheck` command group; each command lives in the module of its family."""

from __future__ import annotations

import traceback

import click

from infercheck.checker.core import __version__
from infercheck.cli.audit_cmd import audit
from infercheck.cli.check_cmd import check, explain, rules
from infercheck.cli.diff_cmd import diff
from infercheck.cli.pack_cmd import pack
from infercheck.cli.preprocess_cmd import preprocess
from infercheck.cli.report_cmd import report
from infercheck.cli.run_cmd import run, truncate
from infercheck.cli.stop_signals import Stopped, stop_on_signals

__all__ = ["main"]


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            with stop_on_signals():
                return super().invoke(ctx)
        except Stopped as exc:
            click.echo(f"\ninfercheck: stopped by {exc.name}; no output was left half-written",
                       err=True)
            ctx.exit(exc.exit_status)
        except KeyboardInterrupt:
            # One line, no traceback; every output is written under a temporary name and
            # renamed when complete, so none is left half-written.
            click.echo("\ninfercheck: interrupted; no output was left half-written", err=True)
            ctx.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except OSError as exc:
            # A file that cannot be written or read where the command was told: the user's to
            # mend, not a fault of ours, and never exit 1 ("invalid").
            where = exc.filename or "a file"
            click.echo(f"infercheck: {where}: {exc.strerror or exc}; nothing was left "
                       f"half-written", err=True)
            ctx.exit(2)
        except Exception as exc:
            # A fault of ours: said as such, exit 2, with what to send us.
            click.echo(f"infercheck: internal fault: {type(exc).__name__}: {exc}\n"
                       f"{''.join(traceback.format_exception(exc)[-3:])}"
                       f"Please report it with the command line that gave it.", err=True)
            ctx.exit(2)


@click.group(cls=_Group,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="infercheck")
def main() -> None:
    """Validate MLPerf Inference, Mobile and Automotive submissions and tabulate their results.

    \b
    Start with:
      infercheck check PATH --version v4.1     check a submission tree
      infercheck explain LG003                 what a finding code means
      infercheck rules --version v4.1          benchmarks, scenarios and targets of a round
      infercheck rules --suite mobile --version v4.1
                                               the Mobile round's benchmark table
      infercheck rules --suite automotive --version v1.0
                                               an Automotive round's benchmarks and targets
      infercheck audit PATH --previous OLD     what a reviewer looks at beyond the rules
      infercheck pack PATH --out sub.tar.gz    check, then pack for upload with a receipt
    """


for command in (check, rules, explain, run, truncate, report, audit, diff, pack, preprocess):
    main.add_command(command)
