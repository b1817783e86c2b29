"""Every answer but success, for every kind of outbox item, is either retried (the centre is down or busy) or
marked refused and counted where the officer page shows it — never taken as delivered. The sender talks to a
real HTTP server started here that answers the item's route with the status under test."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api.schemas import DispositionCreate, Outcome, ScreeningViewCreate, TransactionCreate
from benchmarks.ingest_bench import sample_transaction
from checkpoint.outbox.sender import Backoff, CentreAccount, Sender
from checkpoint.outbox.store import Outbox

SERVER_ID = 7
RETRIED = {401, 408, 429, 500, 502, 503, 504}  # down, busy or not letting the kiosk in: try again later
NOT_SUCCESS = sorted({300, 301, 302, 303, 307, 308, 400, 403, 404, 405, 409, 410, 413, 415, 422} | RETRIED)
ROUTES = {
    "transaction": "/api/transactions",
    "view": f"/api/transactions/{SERVER_ID}/views",
    "disposition": f"/api/transactions/{SERVER_ID}/disposition",
}


class Centre(BaseHTTPRequestHandler):
    """Logs the kiosk in; answers `under_test` with `status`, every other item route with success."""

    under_test = ""
    status = 200

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/api/auth/kiosk-login":
            self._answer(200, {"access_token": "token", "token_type": "bearer"})
        elif self.path == self.under_test:
            self._answer(self.status, {"code": "test", "message": f"answered {self.status} on purpose"})
        else:
            self._answer(201, {"id": SERVER_ID})

    def _answer(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if 300 <= status < 400:
            self.send_header("Location", "/elsewhere")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def centre_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Centre)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _queue_one_of_each(outbox: Outbox) -> dict[str, str]:
    """A transaction, a view of it and a disposition of it; the outbox key of each."""
    transaction = TransactionCreate.model_validate(sample_transaction("kiosk-x"))
    outbox.add_transaction(transaction)
    now = dt.datetime.now(dt.UTC)
    view = ScreeningViewCreate(
        view_uuid=uuid.uuid4(), transaction_uuid=transaction.client_uuid, officer="o", viewed_at=now, sign_in="online"
    )
    outbox.add_view(view)
    decision = DispositionCreate(outcome=Outcome.REFUSE_ENTRY, reason_code="R", decided_at=now, officer="o")
    outbox.add_disposition(transaction.client_uuid, decision)
    key = str(transaction.client_uuid)
    return {"transaction": key, "view": str(view.view_uuid), "disposition": key}


def _state(outbox: Outbox, kind: str, key: str) -> tuple[bool, bool, int, float]:
    with sqlite3.connect(outbox.path) as db:
        delivered, refused, attempts, next_attempt = db.execute(
            "SELECT delivered_at, refused, attempts, next_attempt_at FROM item WHERE kind = ? AND client_uuid = ?",
            (kind, key),
        ).fetchone()
    return delivered is not None, bool(refused), attempts, next_attempt


@pytest.mark.parametrize("status", NOT_SUCCESS)
@pytest.mark.parametrize("kind", list(ROUTES))
def test_an_answer_other_than_success_is_retried_or_refused_and_shown_never_delivered(
    centre_url, tmp_path, kind, status
):
    Centre.under_test, Centre.status = ROUTES[kind], status
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    keys = _queue_one_of_each(outbox)
    sender = Sender(outbox, CentreAccount(centre_url, "kiosk-x", "secret", 5), Backoff(first_seconds=30))
    sender.deliver_due()
    delivered, refused, attempts, next_attempt = _state(outbox, kind, keys[kind])
    assert not delivered, f"a {status} answer to a {kind} was taken as delivered"
    backlog = outbox.backlog()
    if status in RETRIED:
        assert not refused and attempts == 1 and next_attempt > time.time() + 10  # backing off, then again
        assert backlog.refused == 0
    else:
        assert refused, f"a {status} answer to a {kind} was neither retried nor refused"
        assert backlog.refused == 1  # the officer page's header counts it
    assert str(status) in (backlog.last_error or "")  # and says what the centre answered
