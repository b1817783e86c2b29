"""`checkpoint bench exchange`: signed hit/no-hit queries answered per second by a real centre, p50/p95, per kind."""

from __future__ import annotations

import click


@click.command("exchange")
@click.option("--people", type=click.IntRange(1, 1_000_000), default=1000, show_default=True,
              help="listed subjects (one face template each) and as many stolen documents")  # fmt: skip
@click.option("--queries", type=click.IntRange(10, 1_000_000), default=400, show_default=True, help="per kind")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True, help="parallel senders")
def exchange(people: int, queries: int, threads: int) -> None:
    """Load one centre process with signed queries; print one table, save benchmarks/results/exchange.json."""
    from benchmarks.exchange_bench import run

    click.echo(f"saved {run(people, queries, threads)}")
