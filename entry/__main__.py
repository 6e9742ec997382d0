"""`python -m infercheck`: the same command line as `infercheck`."""

from infercheck.cli import main

main(prog_name="infercheck")
