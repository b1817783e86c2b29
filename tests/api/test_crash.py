"""SIGKILL the server mid-load: every transaction it acknowledged is in the database and the chain is whole."""

from __future__ import annotations

import asyncio
import signal
import threading
import time

import pytest
from sqlmodel import Session, col, select

from api.audit.canonical import GENESIS_HASH, event_hash
from api.audit.chain import event_record
from api.db import make_engine
from api.models import AuditEvent, ScreeningTransaction
from benchmarks.ingest_bench import kiosk_token, load, running_server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'central.sqlite3'}"
    # a database of its own, so the other API tests' fixture (which truncates) is not involved
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = request.getfixturevalue("postgres_url")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS crash_check"))
        conn.execute(text("CREATE DATABASE crash_check"))
    admin.dispose()
    return make_url(base).set(database="crash_check").render_as_string(hide_password=False)


def test_sigkill_mid_load_loses_no_acknowledged_transaction(database_url, tmp_path):
    with running_server(database_url, tmp_path / "data") as server:
        token = kiosk_token(server)

        def kill_soon() -> None:
            time.sleep(2.5)  # let the load reach full speed first
            server.process.send_signal(signal.SIGKILL)

        killer = threading.Thread(target=kill_soon)
        killer.start()
        result = asyncio.run(load(server.base_url, token, server.kiosk_id, 30, 8, stop_on_disconnect=True))
        killer.join()
        assert server.process.wait(timeout=10) == -signal.SIGKILL

    assert len(result.acknowledged) > 20, "the load never got going; the test proved nothing"
    engine = make_engine(database_url)
    with Session(engine) as session:
        stored = set(session.exec(select(ScreeningTransaction.client_uuid)).all())
        events = list(session.exec(select(AuditEvent).order_by(col(AuditEvent.sequence))))
    engine.dispose()
    lost = set(result.acknowledged) - stored
    assert not lost, f"{len(lost)} acknowledged transactions were lost"
    previous = GENESIS_HASH
    for index, event in enumerate(events, start=1):
        assert event.sequence == index and event.prev_hash == previous
        assert event_hash(event_record(event)) == event.hash
        previous = event.hash
    assert sum(e.action == "transaction.ingest" for e in events) == len(stored)
