"""`checkpoint retention run`: erase personal data whose retention period has ended (audited)."""

from __future__ import annotations

import click


@click.group()
def retention() -> None:
    """Retention of travellers' personal and biometric data, and of what failed logins typed."""


@retention.command()
@click.option("--dry-run", is_flag=True, help="report what would be erased, change nothing")
def run(dry_run: bool) -> None:
    """Apply the retention policy from settings now."""
    from sqlmodel import Session

    from api.app import retention_policy
    from api.audit.signing import load_or_create_private_key
    from api.audit.trail import AuditTrail
    from api.db import create_schema, is_sqlite, make_engine
    from api.retention import run_retention
    from checkpoint.settings import get_settings

    settings = get_settings()
    engine = make_engine(settings.database_url_or_default)
    if is_sqlite(engine):
        create_schema(engine)
    trail = AuditTrail(load_or_create_private_key(settings.audit_key_path), settings.tree_head_every_events)
    with Session(engine, expire_on_commit=False) as session:
        result = run_retention(session, trail, retention_policy(settings), dry_run=dry_run)
    engine.dispose()
    verb = "would erase" if dry_run else "erased"
    click.echo(
        f"{verb}: biometrics of {len(result.biometrics_erased)} cleared transactions, personal data of "
        f"{len(result.cleared_erased)} cleared and {len(result.referred_erased)} referred transactions, "
        f"the names typed in {result.failed_login_payloads_erased} failed logins"
        + (
            f"; {result.payloads_deleted} audit payloads deleted (event {result.audit_sequence})"
            if result.anything and not dry_run
            else ""
        )
    )
