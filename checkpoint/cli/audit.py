"""`checkpoint audit export|verify|public-key`: take the audit chain out, and verify it offline."""

from __future__ import annotations

from pathlib import Path

import click

from checkpoint.cli.errors import EXIT_BAD_INPUT, Unavailable


@click.group()
def audit() -> None:
    """Export the audit chain and verify an export offline."""


@audit.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export(out: Path) -> None:
    """Write every event and signed tree head to OUT (JSON lines), and the public key beside it with OUT's suffix
    replaced by .pub.pem (audit.jsonl -> audit.pub.pem)."""
    from sqlalchemy import inspect
    from sqlmodel import Session

    from api.audit.export import export_chain
    from api.audit.signing import load_or_create_private_key
    from api.db import make_engine
    from api.models import AuditEvent
    from checkpoint.cli.serve import redacted_database_url
    from checkpoint.settings import get_settings

    settings = get_settings()
    engine = make_engine(settings.database_url_or_default)
    if not inspect(engine).has_table(AuditEvent.__tablename__):
        # An export of nothing would read as "0 events, verified": refuse instead.
        engine.dispose()
        raise Unavailable(
            f"{redacted_database_url(settings)} holds no audit chain, so there is nothing to export. Point "
            "CHECKPOINT_DATA_DIR or CHECKPOINT_DATABASE_URL at the centre's database"
        )
    with Session(engine) as session:
        events, heads = export_chain(session, load_or_create_private_key(settings.audit_key_path), out)
    engine.dispose()
    click.echo(f"exported {events} events and {heads} signed tree heads to {out}")
    click.echo(f"public key: {out.with_suffix('.pub.pem')}")


@audit.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "public_key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="the Ed25519 public key (PEM) the tree heads must be signed with",
)
@click.pass_context
def verify(ctx: click.Context, file: Path, public_key: Path) -> None:
    """Verify an export offline: every hash, every link, every signed tree head; reports the first bad event."""
    import time

    from api.audit.signing import load_public_key
    from api.audit.verify import verify_export

    started = time.perf_counter()
    report = verify_export(file, load_public_key(public_key))
    elapsed = time.perf_counter() - started
    if report.ok:
        click.echo(
            f"OK: {report.events} events, {report.tree_heads} signed tree heads, "
            f"latest tree size {report.latest_tree_size} ({elapsed:.2f} s)"
        )
        return
    where = f" (first bad event: {report.first_bad_sequence})" if report.first_bad_sequence else ""
    click.echo(f"FAILED: {report.problem}{where}", err=True)
    ctx.exit(EXIT_BAD_INPUT)


@audit.command("public-key")
def public_key_cmd() -> None:
    """Print the audit public key (PEM) for auditors."""
    from api.audit.signing import load_or_create_private_key, public_key_pem
    from checkpoint.settings import get_settings

    click.echo(public_key_pem(load_or_create_private_key(get_settings().audit_key_path)).decode(), nl=False)
