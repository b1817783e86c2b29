"""`checkpoint bench ingest`: ingest throughput/p99 on SQLite and PostgreSQL, and audit verification time."""

from __future__ import annotations

import click


@click.command("ingest")
@click.option(
    "--db",
    "databases",
    type=click.Choice(["sqlite", "postgresql"]),
    multiple=True,
    default=("sqlite", "postgresql"),
    show_default=True,
    help="databases to run on (repeatable)",
)
@click.option("--seconds", type=click.FloatRange(1, 600), default=20, show_default=True, help="load duration per run")
@click.option("--concurrency", type=click.IntRange(1, 256), default=8, show_default=True, help="parallel connections")
@click.option(
    "--verify-events",
    type=click.IntRange(0, 10_000_000),
    default=100_000,
    show_default=True,
    help="size of the audit export to verify (0 skips)",
)
@click.option("--postgres-url", default=None, help="use this PostgreSQL (else a private server is started)")
def ingest(
    databases: tuple[str, ...], seconds: float, concurrency: int, verify_events: int, postgres_url: str | None
) -> None:
    """Load a real server on 127.0.0.1 for a bounded time; print one table, save benchmarks/results/ingest.json."""
    from benchmarks.ingest_bench import run

    out = run(list(databases), seconds, concurrency, verify_events, postgres_url)
    click.echo(f"saved {out}")
