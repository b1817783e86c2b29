"""The one `checkpoint` command. Each subcommand lives in its own module and is registered below.

This package is the composition root: it alone may import every other package (lazily, inside
commands, so `checkpoint --help` stays fast and a broken optional part cannot stop the others).
"""

from __future__ import annotations

import sys

import click

from checkpoint.cli.errors import run_with_clean_errors


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="checkpoint-screening")
def cli() -> None:
    """Biometric checkpoint screening: kiosk, matcher, watchlists, central audit service."""


@cli.group()
def bench() -> None:
    """Match-rate, latency and accuracy benchmarks (results as JSON under benchmarks/results/)."""


def _register() -> None:
    from checkpoint.cli import audit, bench_ingest, bench_verify, compare, retention, serve, users

    cli.add_command(compare.compare)
    cli.add_command(serve.serve)
    cli.add_command(audit.audit)
    cli.add_command(retention.retention)
    cli.add_command(users.users)
    bench.add_command(bench_verify.verify)
    bench.add_command(bench_ingest.ingest)


_register()


def main(argv: list[str] | None = None) -> int:
    """Console entry point: run the CLI, turning every user-caused error into one line and an exit code."""
    return run_with_clean_errors(cli, argv if argv is not None else sys.argv[1:])
