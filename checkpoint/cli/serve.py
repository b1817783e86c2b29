"""`checkpoint serve`: run the central service (FastAPI under uvicorn)."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default=None, help="interface to bind (default: settings api_host, 127.0.0.1)")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="TCP port (default: settings api_port, 8000)")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True, help="uvicorn worker processes")
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Serve the central API and the supervisor/auditor pages."""
    import uvicorn

    from api.app import create_app
    from api.migrations_runner import upgrade_if_postgres
    from checkpoint.settings import get_settings

    settings = get_settings()
    upgrade_if_postgres(settings.database_url_or_default)
    bind_host, bind_port = host or settings.api_host, port or settings.api_port
    database = redacted_database_url(settings)
    click.echo(f"checkpoint: serving on http://{bind_host}:{bind_port} (database: {database})", err=True)
    if workers == 1:
        uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level="warning", access_log=False)
    else:
        uvicorn.run(
            "api.asgi:app", host=bind_host, port=bind_port, workers=workers, log_level="warning", access_log=False
        )


def redacted_database_url(settings) -> str:  # type: ignore[no-untyped-def]
    """The central database URL with its password hidden, fit to print."""
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url_or_default).render_as_string(hide_password=True)
