"""A kiosk acting for the officer signed in on its page: dispositions and screening views are attributed to that
officer and that kiosk, only for the kiosk's own transactions and only in an active officer's name."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlmodel import Session, func, select

from api.models import AuditEvent, AuditPayload, Disposition, User
from api.schemas import Role
from tests.api.conftest import add_user, login, register_kiosk, transaction_body


def _ingest(client, kiosk: dict[str, str], kiosk_id: str = "kiosk-1") -> tuple[int, str]:  # type: ignore[no-untyped-def]
    body = transaction_body(kiosk_id=kiosk_id)
    response = client.post("/api/transactions", json=body, headers=kiosk)
    assert response.status_code == 201, response.text
    return response.json()["id"], body["client_uuid"]


def _decision(officer: str | None = "officer", **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "outcome": "SECONDARY_INSPECTION",
        "reason_code": "WATCHLIST_CONFIRMED",
        "decided_at": datetime.now(UTC).isoformat(),
        **overrides,
    }
    if officer is not None:
        body["officer"] = officer
    return body


def _events(app, action: str) -> list[tuple[AuditEvent, str | None]]:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        rows = session.exec(
            select(AuditEvent, AuditPayload)
            .join(AuditPayload, AuditPayload.sequence == AuditEvent.sequence, isouter=True)  # type: ignore[arg-type]
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.sequence)  # type: ignore[arg-type]
        ).all()
    return [(event, payload.payload if payload else None) for event, payload in rows]


def _dispositions(app) -> int:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        return session.exec(select(func.count()).select_from(Disposition)).one()


def test_kiosk_records_the_named_officers_decision_with_itself_as_the_way_in(app, client, headers):
    tx, _ = _ingest(client, headers[Role.KIOSK])
    decision = _decision()
    first = client.post(f"/api/transactions/{tx}/disposition", json=decision, headers=headers[Role.KIOSK])
    assert first.status_code == 201, first.text
    assert first.json()["officer"] == "officer" and first.json()["kiosk_id"] == "kiosk-1"
    resent = client.post(f"/api/transactions/{tx}/disposition", json=decision, headers=headers[Role.KIOSK])
    assert resent.status_code == 200 and resent.json()["id"] == first.json()["id"]  # an outbox retry
    [(event, payload)] = _events(app, "disposition.record")
    assert (event.actor, event.role, event.object) == ("officer", "officer", f"transaction:{tx}")
    assert '"kiosk_id":"kiosk-1"' in payload and '"officer":"officer"' in payload
    supervisor = headers[Role.SUPERVISOR]
    [summary] = client.get("/api/transactions", headers=supervisor).json()
    assert summary["officer"] == "officer"
    page = client.get(f"/ui/transactions/{tx}", headers={**supervisor, "Accept-Language": "en"})
    assert "by officer · kiosk kiosk-1" in page.text


def test_kiosk_may_not_decide_for_another_kiosk_nor_in_a_non_officers_name(app, client, headers):
    kiosk_1 = headers[Role.KIOSK]
    kiosk_2 = register_kiosk(client, headers[Role.ADMIN], "kiosk-2")
    tx, _ = _ingest(client, kiosk_1)
    add_user(app, "retired", Role.OFFICER)
    with Session(app.state.engine) as session:
        user = session.exec(select(User).where(User.username == "retired")).one()
        user.active = False
        session.add(user)
        session.commit()
    url = f"/api/transactions/{tx}/disposition"
    other_kiosk = client.post(url, json=_decision(), headers=kiosk_2)
    assert other_kiosk.status_code == 403 and "came from another kiosk" in other_kiosk.json()["message"]
    for name in ("supervisor", "admin", "nobody", "retired"):
        refused = client.post(url, json=_decision(name), headers=kiosk_1)
        assert refused.status_code == 403, name
        assert f"{name} is not an active officer account" in refused.json()["message"]
    unnamed = client.post(url, json=_decision(None), headers=kiosk_1)
    assert unnamed.status_code == 422 and "must name the officer" in unnamed.json()["message"]
    assert _dispositions(app) == 0 and _events(app, "disposition.record") == []


def test_officer_calling_directly_decides_only_in_their_own_name(app, client, headers):
    tx, _ = _ingest(client, headers[Role.KIOSK])
    add_user(app, "olga", Role.OFFICER)
    url = f"/api/transactions/{tx}/disposition"
    impersonating = client.post(url, json=_decision("olga"), headers=headers[Role.OFFICER])
    assert impersonating.status_code == 403 and "may not act in the name of olga" in impersonating.json()["message"]
    direct = client.post(url, json=_decision(None), headers=login(client, "olga"))
    assert direct.status_code == 201 and direct.json()["officer"] == "olga" and direct.json()["kiosk_id"] is None


def test_screening_views_are_audited_once_each_in_the_officers_name_and_the_chain_verifies(app, client, headers):
    kiosk = headers[Role.KIOSK]
    tx, client_uuid = _ingest(client, kiosk)
    view = {
        "view_uuid": str(uuid.uuid4()),
        "transaction_uuid": client_uuid,
        "officer": "officer",
        "viewed_at": datetime.now(UTC).isoformat(),
        "sign_in": "offline",
    }
    first = client.post(f"/api/transactions/{tx}/views", json=view, headers=kiosk)
    assert first.status_code == 201, first.text
    again = client.post(f"/api/transactions/{tx}/views", json=view, headers=kiosk)
    assert again.status_code == 200 and again.json() == first.json()  # a retry is not a second read
    second = {**view, "view_uuid": str(uuid.uuid4())}
    assert client.post(f"/api/transactions/{tx}/views", json=second, headers=kiosk).status_code == 201
    events = _events(app, "screening.view")
    assert len(events) == 2
    event, payload = events[0]
    assert (event.actor, event.role, event.object, event.sequence) == (
        "officer",
        "officer",
        f"transaction:{tx}",
        first.json()["audit_sequence"],
    )
    assert client_uuid in payload and '"kiosk_id":"kiosk-1"' in payload and '"sign_in":"offline"' in payload
    assert "ERIKSSON" not in payload  # no names of the traveller, no images

    kiosk_2 = register_kiosk(client, headers[Role.ADMIN], "kiosk-2")
    fresh = {**view, "view_uuid": str(uuid.uuid4())}
    assert client.post(f"/api/transactions/{tx}/views", json=fresh, headers=kiosk_2).status_code == 403
    wrong_uuid = {**fresh, "transaction_uuid": str(uuid.uuid4())}
    assert client.post(f"/api/transactions/{tx}/views", json=wrong_uuid, headers=kiosk).status_code == 422
    as_auditor = {**fresh, "officer": "auditor"}
    assert client.post(f"/api/transactions/{tx}/views", json=as_auditor, headers=kiosk).status_code == 403
    assert len(_events(app, "screening.view")) == 2

    auditor = headers[Role.AUDITOR]
    assert client.post("/api/audit/tree-heads", headers=auditor).status_code == 201
    status = client.get("/api/audit/status", headers=auditor).json()
    assert status["verified"], status
