"""The one `checkpoint` command. Each subcommand lives in its own module and is registered below.

This package is the composition root: it alone may import every other package (lazily, inside
commands, so `checkpoint --help` stays fast and a broken optional part cannot stop the others).
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from checkpoint.cli.errors import run_with_clean_errors
from checkpoint.cli.language import cli_language, speaking


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="checkpoint-screening")
def cli() -> None:
    """Biometric checkpoint screening: kiosk, matcher, watchlists, central audit service."""


@cli.group()
def bench() -> None:
    """Match-rate, latency and accuracy benchmarks (results as JSON under benchmarks/results/)."""


# (group, "module:command") — one line per command, so work on different commands never touches the same line.
COMMANDS = [
    ("cli", "compare:compare"),
    ("cli", "demo:demo"),
    ("cli", "models:models"),
    ("bench", "bench_verify:verify"),
    ("bench", "bench_embedder:embedder"),
    ("bench", "bench_report:report"),
    ("bench", "bench_report:verify_report"),
    ("bench", "bench_identify:identify"),
    ("bench", "bench_identify:fusion"),
    ("bench", "bench_gallery:gallery"),
    ("cli", "read_document:read_document"),
    ("bench", "bench_mrz:mrz"),
    ("cli", "watchlist:watchlist"),
    ("bench", "bench_names:names"),
    ("bench", "bench_enrol:enrol"),
    ("bench", "bench_snapshot:snapshot"),
    ("cli", "serve:serve"),
    ("cli", "audit:audit"),
    ("cli", "retention:retention"),
    ("cli", "users:users"),
    ("bench", "bench_ingest:ingest"),
    ("cli", "screen:screen"),
    ("cli", "kiosk:kiosk"),
    ("bench", "bench_screening:screening"),
    ("cli", "exchange:exchange"),
    ("bench", "exchange_bench:exchange"),
    ("cli", "receipt:receipt"),
    ("bench", "bench_detectors:detectors"),
    ("bench", "bench_pad:pad"),
]


def _register() -> None:
    groups = {"cli": cli, "bench": bench}
    for group, target in COMMANDS:
        module, name = target.split(":")
        groups[group].add_command(getattr(importlib.import_module(f"checkpoint.cli.{module}"), name))


_register()


def main(argv: list[str] | None = None) -> int:
    """Console entry point: run the CLI in the shell's language, turning every user-caused error into one line and
    an exit code."""
    with speaking(cli_language(os.environ)):
        return run_with_clean_errors(cli, argv if argv is not None else sys.argv[1:])
