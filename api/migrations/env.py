"""Alembic environment: the URL comes from the caller (config attribute) or checkpoint settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from api import models

config = context.config
url = config.get_main_option("sqlalchemy.url")
if not url:
    from checkpoint.settings import get_settings

    url = get_settings().database_url_or_default

connectable = config.attributes.get("connection") or create_engine(url)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=models.api_metadata(), compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if hasattr(connectable, "connect"):
    with connectable.connect() as conn:
        _run(conn)
else:
    _run(connectable)
