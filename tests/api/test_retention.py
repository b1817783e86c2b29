"""Retention erases personal data on schedule, audits the erasure, and the chain still verifies."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from api.app import retention_policy
from api.models import AuditEvent, AuditPayload, ScreeningTransaction
from api.retention import run_retention
from api.schemas import Role
from tests.api.conftest import run_retention_cli, run_retention_loop_briefly, transaction_body

JPEG = base64.b64encode(b"\xff\xd8" + b"\x01" * 100).decode()


def _ingest(client, headers, days_ago: float, **overrides) -> int:  # type: ignore[no-untyped-def]
    done = datetime.now(UTC) - timedelta(days=days_ago)
    body = transaction_body(
        started_at=(done - timedelta(seconds=30)).isoformat(),
        completed_at=done.isoformat(),
        face_template=[0.1] * 8,
        face_image_jpeg_b64=JPEG,
        **overrides,
    )
    response = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK])
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _clear(**kw):  # type: ignore[no-untyped-def]
    return {"recommendation": "CLEAR", "reason_codes": [], **kw}


def test_policy_per_record_kind(app, client, headers, settings):
    # defaults: cleared biometrics 1 day, cleared personal data 30 days, referrals 365 days
    fresh_clear = _ingest(client, headers, 0.1, **_clear())
    old_clear_bio = _ingest(client, headers, 2, **_clear())
    old_clear = _ingest(client, headers, 31, **_clear())
    old_refer = _ingest(client, headers, 31)
    ancient_refer = _ingest(client, headers, 400)
    detail = client.get(f"/api/transactions/{old_refer}", headers=headers[Role.SUPERVISOR]).json()
    assert detail["document"]["surname"] == "ERIKSSON"

    with Session(app.state.engine, expire_on_commit=False) as session:
        result = run_retention(session, app.state.trail, retention_policy(settings))
    assert result.biometrics_erased == [old_clear_bio]
    assert result.cleared_erased == [old_clear]
    assert result.referred_erased == [ancient_refer]

    def view(tx: int) -> dict:
        return client.get(f"/api/transactions/{tx}", headers=headers[Role.SUPERVISOR]).json()

    assert view(fresh_clear)["has_face_data"] is True and view(fresh_clear)["document"] is not None
    assert view(old_clear_bio)["has_face_data"] is False and view(old_clear_bio)["document"] is not None
    assert view(old_clear)["document"] is None and view(old_clear)["erased_at"] is not None
    assert view(old_refer)["document"]["surname"] == "ERIKSSON"  # referrals are kept longer
    gone = view(ancient_refer)
    assert gone["document"] is None and gone["candidates"] is None and gone["has_face_data"] is False
    assert gone["recommendation"] == "REFER"  # the non-personal record of what happened stays


def test_erasure_is_audited_payloads_gone_and_chain_still_verifies(app, client, headers, settings):
    tx = _ingest(client, headers, 400)
    client.post("/api/audit/tree-heads", headers=headers[Role.AUDITOR])
    with Session(app.state.engine, expire_on_commit=False) as session:
        result = run_retention(session, app.state.trail, retention_policy(settings))
        purge = session.get(AuditEvent, result.audit_sequence)
        about_tx = session.exec(select(AuditEvent.sequence).where(AuditEvent.object == f"transaction:{tx}")).all()
        left = session.exec(select(AuditPayload).where(AuditPayload.sequence.in_(about_tx))).all()  # type: ignore[attr-defined]
    assert purge.action == "retention.purge" and purge.actor == "system"
    assert about_tx and left == []
    assert result.payloads_deleted == len(about_tx)
    status = client.get("/api/audit/status", headers=headers[Role.AUDITOR]).json()
    assert status["verified"] is True


def test_dry_run_changes_nothing(app, client, headers, settings):
    tx = _ingest(client, headers, 400)
    with Session(app.state.engine, expire_on_commit=False) as session:
        result = run_retention(session, app.state.trail, retention_policy(settings), dry_run=True)
        assert result.referred_erased == [tx]
        assert session.get(ScreeningTransaction, tx).personal is not None


def test_cli_runs_the_policy(app, client, headers, settings, engine, monkeypatch):
    _ingest(client, headers, 400)
    result = run_retention_cli(settings, engine, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "1 referred" in result.output
    with Session(app.state.engine) as session:
        purges = session.exec(select(AuditEvent).where(AuditEvent.action == "retention.purge")).all()
    assert len(purges) == 1


def test_zero_day_biometric_policy_never_stores_cleared_face_data(app, client, headers, settings):
    settings.retention_cleared_biometrics_days = 0
    cleared = _ingest(client, headers, 0, **_clear())
    referred = _ingest(client, headers, 0)
    assert client.get(f"/api/transactions/{cleared}", headers=headers[Role.SUPERVISOR]).json()["has_face_data"] is False
    assert client.get(f"/api/transactions/{referred}", headers=headers[Role.SUPERVISOR]).json()["has_face_data"] is True


def test_the_service_purges_on_its_own_timer(app, client, headers):
    _ingest(client, headers, 400)

    run_retention_loop_briefly(app)
    with Session(app.state.engine) as session:
        purges = session.exec(select(AuditEvent).where(AuditEvent.action == "retention.purge")).all()
    assert len(purges) == 1  # later rounds found nothing left to erase and appended nothing
