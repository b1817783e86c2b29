"""What failed logins typed (a password in the username box, say) is erased on schedule; the events stay."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner
from sqlmodel import Session, col, select

from api.app import retention_policy
from api.models import AuditEvent, AuditPayload, utcnow
from api.retention import run_retention
from api.schemas import Role
from checkpoint.cli.audit import audit
from checkpoint.settings import get_settings
from tests.api.conftest import run_retention_cli, run_retention_loop_briefly

TYPED = "Tr0ub4dor&3 typed as a name"


def _fail_logins(client) -> list[int]:  # type: ignore[no-untyped-def]
    """One failed user login and one failed kiosk login; the sequences of their audit events."""
    assert client.post("/api/auth/login", json={"username": TYPED, "password": "x"}).status_code == 401
    assert client.post("/api/auth/kiosk-login", json={"kiosk_id": "kiosk-9", "secret": "x"}).status_code == 401
    with Session(client.app.state.engine) as session:
        return list(
            session.exec(
                select(AuditEvent.sequence)
                .where(col(AuditEvent.action).in_(["auth.login_failed", "auth.kiosk_login_failed"]))
                .order_by(col(AuditEvent.sequence))
            ).all()
        )


def _payloads(app, sequences: list[int]) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        return list(session.exec(select(AuditPayload.payload).where(col(AuditPayload.sequence).in_(sequences))).all())


def _run(app, settings, days_from_now: float):  # type: ignore[no-untyped-def]
    with Session(app.state.engine, expire_on_commit=False) as session:
        return run_retention(
            session, app.state.trail, retention_policy(settings), now=utcnow() + timedelta(days=days_from_now)
        )


def test_failed_login_payloads_are_kept_within_the_period_and_erased_after_it(app, client, headers, settings):
    failed = _fail_logins(client)
    assert len(failed) == 2 and any(TYPED in p for p in _payloads(app, failed))

    kept = _run(app, settings, settings.retention_failed_login_days - 1)
    assert kept.failed_login_payloads_erased == 0 and kept.audit_sequence is None
    assert len(_payloads(app, failed)) == 2

    erased = _run(app, settings, settings.retention_failed_login_days + 1)
    assert erased.failed_login_payloads_erased == 2
    assert _payloads(app, failed) == []
    # Supervisors and auditors still see that the failed logins happened, and when.
    listed = client.get(
        "/api/audit/events", params={"action": "auth.login_failed"}, headers=headers[Role.AUDITOR]
    ).json()
    assert [(e["sequence"], e["payload_erased"]) for e in listed] == [(failed[0], True)]
    assert listed[0]["time"] and listed[0]["actor"] == "anonymous"


def test_the_erasure_is_audited_and_the_chain_still_verifies(
    app, client, headers, settings, engine, tmp_path, monkeypatch
):
    failed = _fail_logins(client)
    client.post("/api/audit/tree-heads", headers=headers[Role.AUDITOR])  # a head signed before the erasure
    result = _run(app, settings, settings.retention_failed_login_days + 1)
    with Session(app.state.engine) as session:
        purge = session.get(AuditEvent, result.audit_sequence)
        purge_payload = json.loads(session.get(AuditPayload, result.audit_sequence).payload)
    assert purge.action == "retention.purge" and purge.actor == "system"
    assert purge_payload["failed_login_payloads_erased"] == len(failed)
    assert purge_payload["policy"]["failed_login_days"] == settings.retention_failed_login_days
    assert TYPED not in json.dumps(purge_payload)
    assert client.get("/api/audit/status", headers=headers[Role.AUDITOR]).json()["verified"] is True

    monkeypatch.setenv("CHECKPOINT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CHECKPOINT_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    out = tmp_path / "audit.jsonl"
    try:
        exported = CliRunner().invoke(audit, ["export", str(out)])
    finally:
        get_settings.cache_clear()
    assert exported.exit_code == 0, exported.output
    assert TYPED not in out.read_text()
    verified = CliRunner().invoke(audit, ["verify", str(out), "--public-key", str(out.with_suffix(".pub.pem"))])
    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith("OK: ")


def test_the_cli_and_the_service_timer_follow_the_setting(app, client, settings, engine, monkeypatch):
    first = _fail_logins(client)
    result = run_retention_cli(settings, engine, monkeypatch, retention_failed_login_days="0")
    assert result.exit_code == 0, result.output
    assert "the names typed in 2 failed logins" in result.output
    assert _payloads(app, first) == []

    second = [s for s in _fail_logins(client) if s not in first]
    settings.retention_failed_login_days = 0

    run_retention_loop_briefly(app)
    assert len(second) == 2 and _payloads(app, second) == []
