"""The stored audit chain: every action appends, appends never fork, tree heads and proofs verify."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlmodel import Session, col, select

from api.app import create_app
from api.audit import merkle
from api.audit.canonical import GENESIS_HASH, event_hash
from api.audit.chain import event_record
from api.models import AuditEvent, AuditPayload
from api.schemas import Role
from tests.api.conftest import login, transaction_body


def _chain(app) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.sequence))))


def _assert_linear(events: list[AuditEvent]) -> None:
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    previous = GENESIS_HASH
    for event in events:
        assert event.prev_hash == previous
        assert event_hash(event_record(event)) == event.hash
        previous = event.hash


def test_each_audited_action_appends_one_event(app, client, headers):
    tx = client.post("/api/transactions", json=transaction_body(), headers=headers[Role.KIOSK]).json()["id"]
    client.get(f"/api/transactions/{tx}", headers=headers[Role.OFFICER])
    client.post(
        f"/api/transactions/{tx}/disposition",
        json={"outcome": "CLEAR", "decided_at": datetime.now(UTC).isoformat()},
        headers=headers[Role.OFFICER],
    )
    client.post(
        f"/api/transactions/{tx}/reviews",
        json={"verdict": "UPHELD", "reason_code": "OK"},
        headers=headers[Role.SUPERVISOR],
    )
    client.post("/api/auth/login", json={"username": "officer", "password": "wrong"})
    actions = [e.action for e in _chain(app)]
    assert actions[-5:] == [
        "transaction.ingest",
        "transaction.read",
        "disposition.record",
        "review.record",
        "auth.login_failed",
    ]
    assert actions.count("auth.login") == 5 and actions.count("auth.kiosk_login") == 1
    _assert_linear(_chain(app))


def test_two_server_processes_writing_concurrently_never_fork_the_chain(app, settings, engine, headers):
    """Two app instances with their own connection pools (as two processes would have) on one database."""
    from api.db import make_engine

    other_engine = make_engine(engine.url.render_as_string(hide_password=False))
    other = create_app(settings, other_engine)
    errors: list[str] = []

    def hammer(application, prefix: str) -> None:  # type: ignore[no-untyped-def]
        with TestClient(application) as c:
            for i in range(15):
                r = c.post("/api/transactions", json=transaction_body(), headers=headers[Role.KIOSK])
                if r.status_code != 201:
                    errors.append(r.text)
                c.post("/api/auth/login", json={"username": f"{prefix}{i}", "password": "x"})

    threads = [threading.Thread(target=hammer, args=(a, p)) for a, p in ((app, "a"), (other, "b"), (app, "c"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other_engine.dispose()
    assert errors == []
    events = _chain(app)
    assert sum(e.action == "transaction.ingest" for e in events) == 45
    _assert_linear(events)


def test_tree_heads_are_signed_every_n_events_and_proofs_verify(settings, engine):
    settings.tree_head_every_events = 4
    app = create_app(settings, engine)
    with TestClient(app) as client:
        from tests.api.conftest import add_user

        add_user(app, "audrey", Role.AUDITOR)  # event 1
        auditor = login(client, "audrey")  # event 2
        for i in range(7):  # events 3..9 (seven names: one name failing from one address is soon throttled)
            client.post("/api/auth/login", json={"username": f"nobody-{i}", "password": "x"})
        head = client.get("/api/audit/tree-head", headers=auditor).json()
        assert head["tree_size"] == 8
        fresh = client.post("/api/audit/tree-heads", headers=auditor).json()
        assert fresh["tree_size"] == 9
        leaves = [bytes.fromhex(e.hash) for e in _chain(app)]
        assert fresh["root_hash"] == merkle.tree_hash(leaves[:9]).hex()
        proof = client.get("/api/audit/proofs/inclusion?sequence=3&tree_size=9", headers=auditor).json()
        assert merkle.verify_inclusion(
            2,
            9,
            bytes.fromhex(proof["leaf_hash"]),
            [bytes.fromhex(p) for p in proof["path"]],
            bytes.fromhex(fresh["root_hash"]),
        )
        cons = client.get("/api/audit/proofs/consistency?first=8&second=9", headers=auditor).json()
        assert merkle.verify_consistency(
            8,
            9,
            [bytes.fromhex(p) for p in cons["path"]],
            bytes.fromhex(head["root_hash"]),
            bytes.fromhex(fresh["root_hash"]),
        )
        outside = client.get("/api/audit/proofs/inclusion?sequence=3&tree_size=500", headers=auditor)
        assert outside.status_code == 404


def test_erasing_payloads_keeps_the_chain_verifiable(app, client, headers):
    client.post("/api/transactions", json=transaction_body(), headers=headers[Role.KIOSK])
    client.post("/api/audit/tree-heads", headers=headers[Role.AUDITOR])
    with Session(app.state.engine) as session:
        session.exec(delete(AuditPayload))  # type: ignore[call-overload]
        session.commit()
    status = client.get("/api/audit/status", headers=headers[Role.AUDITOR]).json()
    assert status["verified"] is True
    events = client.get("/api/audit/events?limit=1000", headers=headers[Role.AUDITOR]).json()
    assert events and all(e["payload_erased"] for e in events)


def test_status_detects_an_edited_event_in_the_database(app, client, headers):
    client.post("/api/transactions", json=transaction_body(), headers=headers[Role.KIOSK])
    client.post("/api/audit/tree-heads", headers=headers[Role.AUDITOR])
    with Session(app.state.engine) as session:
        event = session.get(AuditEvent, 3)
        event.actor = "someone-else"
        session.add(event)
        session.commit()
    status = client.get("/api/audit/status", headers=headers[Role.AUDITOR]).json()
    assert status["verified"] is False
    assert status["report"]["first_bad_sequence"] == 3
    assert "edited" in status["report"]["problem"]


def test_periodic_heads_reuse_the_cached_prefix_and_match_a_full_recomputation(settings, engine):
    settings.tree_head_every_events = 3
    app = create_app(settings, engine)
    with TestClient(app) as client:
        for i in range(10):  # ten names: one name failing from one address is soon throttled (not audited)
            client.post("/api/auth/login", json={"username": f"nobody-{i}", "password": "x"})
    from api.audit.tree_heads import all_tree_heads

    leaves = [bytes.fromhex(e.hash) for e in _chain(app)]
    with Session(app.state.engine) as session:
        heads = all_tree_heads(session)
    assert [h.tree_size for h in heads] == [1, 3, 6, 9]  # the first event, then every third
    for head in heads:
        assert head.root_hash == merkle.tree_hash(leaves[: head.tree_size]).hex()


def test_the_service_signs_a_tree_head_on_its_own_timer(app, client, headers):
    import asyncio

    from api.app import tree_head_loop
    from api.audit.tree_heads import all_tree_heads

    client.post("/api/transactions", json=transaction_body(), headers=headers[Role.KIOSK])

    async def run_briefly() -> None:
        try:
            await asyncio.wait_for(tree_head_loop(app, 0.05), timeout=0.6)
        except TimeoutError:
            pass

    asyncio.run(run_briefly())
    size = len(_chain(app))
    with Session(app.state.engine) as session:
        heads = all_tree_heads(session)
    # The first event's head, then one over everything; quiet rounds added none.
    assert [h.tree_size for h in heads] == [1, size]
