"""`checkpoint users add`: create an account from the command line (the first administrator, typically)."""

from __future__ import annotations

import click


@click.group()
def users() -> None:
    """Accounts of the central service."""


@users.command()
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["officer", "supervisor", "auditor", "watchlist_admin", "admin"]),
    required=True,
    help="what the account may do",
)
@click.password_option(help="at least 12 characters (prompted twice when omitted)")
def add(username: str, role: str, password: str) -> None:
    """Create USERNAME with ROLE (the password is stored only as an argon2id hash)."""
    from pydantic import ValidationError
    from sqlmodel import Session

    from api.accounts import create_user
    from api.app import auth_policy
    from api.audit.chain import Actor
    from api.audit.signing import load_or_create_private_key
    from api.audit.trail import AuditTrail
    from api.db import create_schema, is_sqlite, make_engine
    from api.migrations_runner import upgrade_if_postgres
    from api.schemas import Role, UserCreate
    from checkpoint.settings import get_settings

    try:
        body = UserCreate(username=username, password=password, role=Role(role))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise click.BadParameter(problems) from exc
    settings = get_settings()
    upgrade_if_postgres(settings.database_url_or_default)
    engine = make_engine(settings.database_url_or_default)
    if is_sqlite(engine):
        create_schema(engine)
    trail = AuditTrail(load_or_create_private_key(settings.audit_key_path), settings.tree_head_every_events)
    with Session(engine, expire_on_commit=False) as session:
        user = create_user(session, trail, auth_policy(settings), Actor("cli", "admin"), body)
    engine.dispose()
    click.echo(f"created {user.role} {user.username}")
