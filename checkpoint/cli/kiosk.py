"""`checkpoint kiosk`: the officer page, the outbox sender and the snapshot sync, in one process."""

from __future__ import annotations

import click


@click.command("kiosk")
@click.option("--host", default=None, help="interface (default: settings kiosk_host, 127.0.0.1)")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=None, help="TCP port (default: settings kiosk_port, 8100)"
)
def kiosk(host: str | None, port: int | None) -> None:
    """Serve the kiosk's officer page; screenings and decisions go to the local outbox, then to the centre."""
    import uvicorn

    from checkpoint.kiosk.app import create_kiosk_app
    from checkpoint.outbox.sender import Backoff, Sender, account_from
    from checkpoint.outbox.snapshot_sync import SnapshotSync
    from checkpoint.outbox.store import Outbox
    from checkpoint.pipeline.assemble import make_screener
    from checkpoint.pipeline.snapshot_source import open_snapshot_store
    from checkpoint.settings import get_settings

    settings = get_settings()
    store = open_snapshot_store(settings)
    screener = make_screener(settings, lambda: store.current if store else None)  # bad policy: fails here
    outbox = Outbox(settings.outbox_path)
    sender = Sender(
        outbox,
        account_from(settings),
        Backoff(settings.outbox_retry_first_seconds, settings.outbox_retry_max_seconds),
        keep_delivered_hours=settings.kiosk_pending_decision_hours,
    )
    sender.start()
    if store is not None:
        SnapshotSync(store, settings.snapshot_inbox_path, sender.fetch_snapshot).start(settings.kiosk_sync_seconds)
    else:
        click.echo("checkpoint: no snapshot public key configured; screening without watchlists (REFER)", err=True)
    app = create_kiosk_app(settings, screener, store, outbox, sender)
    bind_host, bind_port = host or settings.kiosk_host, port or settings.kiosk_port
    click.echo(
        f"checkpoint: kiosk {settings.kiosk_id} on http://{bind_host}:{bind_port} "
        "(officers sign in with their own centre account)",
        err=True,
    )
    uvicorn.run(app, host=bind_host, port=bind_port, log_level="warning", access_log=False)
