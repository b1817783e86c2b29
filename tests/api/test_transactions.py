"""Transactions: idempotent ingest, dispositions with reasons, reviews, the referral queue, audited reads."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

from sqlmodel import Session, select

from api.models import AuditEvent, ScreeningTransaction
from api.schemas import Role
from tests.api.conftest import transaction_body


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        return len(session.exec(select(model)).all())


def test_ingest_stores_and_returns_the_transaction(app, client, headers):
    body = transaction_body()
    response = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK])
    assert response.status_code == 201, response.text
    stored = response.json()
    assert stored["client_uuid"] == body["client_uuid"]
    assert stored["recommendation"] == "REFER"
    assert stored["document"]["surname"] == "ERIKSSON"
    assert stored["candidates"][0]["entry_ref"] == "E-1001"
    assert stored["audit_sequence"] > 0


def test_retried_post_returns_the_first_result_and_no_second_record(app, client, headers):
    body = transaction_body()
    first = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK])
    events_after_first = _count(app, AuditEvent)
    again = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK])
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert _count(app, ScreeningTransaction) == 1
    assert _count(app, AuditEvent) == events_after_first  # a retry is not a second ingest


def test_same_uuid_with_different_content_is_409(app, client, headers):
    body = transaction_body()
    client.post("/api/transactions", json=body, headers=headers[Role.KIOSK])
    changed = {**body, "recommendation": "CLEAR", "reason_codes": []}
    response = client.post("/api/transactions", json=changed, headers=headers[Role.KIOSK])
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "fresh UUID" in response.json()["message"]
    assert _count(app, ScreeningTransaction) == 1


def test_concurrent_retries_of_one_uuid_create_one_record(app, client, headers):
    body = transaction_body()
    statuses: list[int] = []

    def post() -> None:
        statuses.append(client.post("/api/transactions", json=body, headers=headers[Role.KIOSK]).status_code)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * 7 + [201]
    assert _count(app, ScreeningTransaction) == 1


def _ingest(client, headers, **overrides) -> int:  # type: ignore[no-untyped-def]
    response = client.post("/api/transactions", json=transaction_body(**overrides), headers=headers[Role.KIOSK])
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_disposition_needs_a_reason_unless_clear(client, headers):
    tx = _ingest(client, headers)
    now = datetime.now(UTC).isoformat()
    refused = client.post(
        f"/api/transactions/{tx}/disposition",
        json={"outcome": "REFUSE_ENTRY", "decided_at": now},
        headers=headers[Role.OFFICER],
    )
    assert refused.status_code == 422
    assert "needs a reason_code" in refused.json()["message"]
    ok = client.post(
        f"/api/transactions/{tx}/disposition",
        json={"outcome": "REFUSE_ENTRY", "reason_code": "WATCHLIST_CONFIRMED", "decided_at": now},
        headers=headers[Role.OFFICER],
    )
    assert ok.status_code == 201
    assert ok.json()["officer"] == "officer"
    resent = client.post(
        f"/api/transactions/{tx}/disposition",
        json={"outcome": "REFUSE_ENTRY", "reason_code": "WATCHLIST_CONFIRMED", "decided_at": now},
        headers=headers[Role.OFFICER],
    )
    assert resent.status_code == 200 and resent.json() == ok.json()  # an outbox retry, not a second decision
    different = client.post(
        f"/api/transactions/{tx}/disposition",
        json={"outcome": "CLEAR", "decided_at": now},
        headers=headers[Role.OFFICER],
    )
    assert different.status_code == 409


def test_clear_disposition_needs_no_reason(client, headers):
    tx = _ingest(client, headers)
    response = client.post(
        f"/api/transactions/{tx}/disposition",
        json={"outcome": "CLEAR", "decided_at": datetime.now(UTC).isoformat()},
        headers=headers[Role.OFFICER],
    )
    assert response.status_code == 201
    assert response.json()["reason_code"] is None


def test_disposition_on_missing_transaction_is_404(client, headers):
    response = client.post(
        "/api/transactions/999/disposition",
        json={"outcome": "CLEAR", "decided_at": datetime.now(UTC).isoformat()},
        headers=headers[Role.OFFICER],
    )
    assert response.status_code == 404
    assert "999" in response.json()["message"]


def test_review_is_recorded(client, headers):
    tx = _ingest(client, headers)
    client.post(
        f"/api/transactions/{tx}/disposition",
        json={"outcome": "CLEAR", "decided_at": datetime.now(UTC).isoformat()},
        headers=headers[Role.OFFICER],
    )
    response = client.post(
        f"/api/transactions/{tx}/reviews",
        json={"verdict": "UPHELD", "reason_code": "CORRECT"},
        headers=headers[Role.SUPERVISOR],
    )
    assert response.status_code == 201
    assert response.json()["supervisor"] == "supervisor"


def test_reading_personal_data_appends_an_audit_event(app, client, headers):
    tx = _ingest(client, headers)
    client.get(f"/api/transactions/{tx}", headers=headers[Role.SUPERVISOR])
    with Session(app.state.engine) as session:
        reads = session.exec(select(AuditEvent).where(AuditEvent.action == "transaction.read")).all()
    assert [(e.actor, e.role, e.object) for e in reads] == [("supervisor", "supervisor", f"transaction:{tx}")]


def test_queue_filters_and_hides_personal_data(client, headers):
    refer = _ingest(client, headers)
    _ingest(client, headers, recommendation="CLEAR", reason_codes=[])
    other_post = _ingest(client, headers, post_id="post-b")
    queue = client.get("/api/transactions", headers=headers[Role.SUPERVISOR]).json()
    assert [t["id"] for t in queue] == [other_post, refer]
    assert "document" not in queue[0]
    by_post = client.get("/api/transactions?post_id=post-b", headers=headers[Role.SUPERVISOR]).json()
    assert [t["id"] for t in by_post] == [other_post]
    client.post(
        f"/api/transactions/{refer}/disposition",
        json={"outcome": "CLEAR", "decided_at": datetime.now(UTC).isoformat()},
        headers=headers[Role.OFFICER],
    )
    undecided = client.get("/api/transactions?undecided_only=true", headers=headers[Role.SUPERVISOR]).json()
    assert [t["id"] for t in undecided] == [other_post]
    by_officer = client.get("/api/transactions?officer=officer", headers=headers[Role.SUPERVISOR]).json()
    assert [(t["id"], t["outcome"]) for t in by_officer] == [(refer, "CLEAR")]


def test_many_kiosks_ingesting_concurrently_keep_every_transaction(app, client, headers):
    uuids = [str(uuid.uuid4()) for _ in range(40)]
    failures: list[str] = []

    def post(chunk: list[str]) -> None:
        for u in chunk:
            r = client.post("/api/transactions", json=transaction_body(client_uuid=u), headers=headers[Role.KIOSK])
            if r.status_code != 201:
                failures.append(r.text)

    threads = [threading.Thread(target=post, args=(uuids[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert _count(app, ScreeningTransaction) == 40
