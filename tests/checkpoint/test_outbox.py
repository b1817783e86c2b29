"""The offline outbox against a real centre process: SIGKILL the sender mid-send, cut the centre, restart —
every transaction and disposition arrives exactly once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, func, select

from api.db import make_engine
from api.models import AuditEvent, Disposition, ScreeningTransaction
from api.schemas import DispositionCreate, DispositionPublic, Outcome, ScreeningViewCreate, TransactionCreate
from benchmarks.ingest_bench import sample_transaction
from checkpoint.outbox.sender import Backoff, CentreAccount, Sender
from checkpoint.outbox.store import SCHEMA, Outbox
from tests.checkpoint.centre import Centre, provisioned_centre


def _sender_process(centre: Centre, kiosk_dir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "CHECKPOINT_DATA_DIR": str(kiosk_dir),
        "CHECKPOINT_CENTRE_URL": centre.url,
        "CHECKPOINT_KIOSK_ID": centre.kiosk_id,
        "CHECKPOINT_KIOSK_SECRET": centre.kiosk_secret,
        "CHECKPOINT_OUTBOX_RETRY_FIRST_SECONDS": "0.1",
        "CHECKPOINT_OUTBOX_RETRY_MAX_SECONDS": "0.5",
    }
    return subprocess.Popen([sys.executable, "-m", "checkpoint.outbox"], env=env, stderr=subprocess.PIPE)


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL


def _count(centre: Centre, model) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(centre.database_url)
    with Session(engine) as session:
        n = session.exec(select(func.count()).select_from(model)).one()
    engine.dispose()
    return n


def _wait(condition, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _queue(outbox: Outbox, kiosk_id: str, count: int, dispositions: int, officer: str = "officer") -> list[str]:
    uuids = []
    for i in range(count):
        body = TransactionCreate.model_validate(sample_transaction(kiosk_id))
        outbox.add_transaction(body)
        if i < dispositions:
            decided = dt.datetime.now(dt.UTC)
            outbox.add_disposition(
                body.client_uuid,
                DispositionCreate(
                    outcome=Outcome.SECONDARY_INSPECTION,
                    reason_code="WATCHLIST_CONFIRMED",
                    decided_at=decided,
                    officer=officer,
                ),
            )
        uuids.append(str(body.client_uuid))
    return uuids


@pytest.mark.slow
def test_sigkill_mid_send_and_centre_outage_lose_and_duplicate_nothing(tmp_path):
    centre = provisioned_centre(tmp_path / "centre")
    kiosk_dir = tmp_path / "kiosk"
    outbox = Outbox(kiosk_dir / "kiosk-outbox.sqlite3")
    uuids = _queue(outbox, centre.kiosk_id, 150, 30)
    centre.start()
    try:
        sender = _sender_process(centre, kiosk_dir)
        _wait(lambda: _count(centre, ScreeningTransaction) >= 20)
        _kill(sender)  # mid-send: some delivered, some not, maybe one sent but not yet marked delivered
        arrived = _count(centre, ScreeningTransaction)
        assert 20 <= arrived < 150, "the kill did not land mid-send; the test proved nothing"

        centre.stop()  # the network is gone
        sender = _sender_process(centre, kiosk_dir)
        time.sleep(3)
        backlog = outbox.backlog()
        assert backlog.pending_transactions + backlog.delivered >= 150 - arrived
        assert "unreachable" in (backlog.last_error or "")
        _kill(sender)

        centre.start()  # the network is back, same address
        sender = _sender_process(centre, kiosk_dir)
        _wait(lambda: outbox.backlog().pending_transactions == 0 and outbox.backlog().pending_dispositions == 0)
        _kill(sender)
    finally:
        centre.stop()

    engine = make_engine(centre.database_url)
    with Session(engine) as session:
        stored = list(session.exec(select(ScreeningTransaction.client_uuid)).all())
        ingests = session.exec(select(func.count()).where(AuditEvent.action == "transaction.ingest")).one()
        dispositions = session.exec(select(func.count()).select_from(Disposition)).one()
    engine.dispose()
    assert sorted(str(u) for u in stored) == sorted(uuids)  # nothing lost, nothing twice
    assert ingests == 150 and dispositions == 30
    assert outbox.backlog().refused == 0


def test_refused_item_stays_visible_and_unreachable_centre_backs_off(tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    body = TransactionCreate.model_validate(sample_transaction("kiosk-x"))
    outbox.add_transaction(body)
    outbox.add_transaction(body)  # the same client UUID twice is one item
    closed = CentreAccount("http://127.0.0.1:9", "kiosk-x", "secret", timeout_seconds=1)
    sender = Sender(outbox, closed, Backoff(first_seconds=30, max_seconds=60))
    assert sender.deliver_due() == 0
    backlog = outbox.backlog()
    assert backlog.pending_transactions == 1 and "unreachable" in backlog.last_error
    assert outbox.due() == []  # backing off: not due again for at least 15 s
    assert outbox.next_due_at() > time.time() + 10


def test_disposition_naming_a_non_officer_is_refused_and_kept_visible_while_the_rest_goes_through(tmp_path):
    centre = provisioned_centre(tmp_path / "centre")
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    _queue(outbox, centre.kiosk_id, 3, 1, officer="supervisor")  # a kiosk may not decide in a supervisor's name
    _queue(outbox, centre.kiosk_id, 1, 1, officer="officer")
    account = CentreAccount(centre.url, centre.kiosk_id, centre.kiosk_secret, 5)
    centre.start()
    try:
        Sender(outbox, account, Backoff(first_seconds=30)).deliver_due()
        backlog = outbox.backlog()
        assert backlog.pending_transactions == 0 and backlog.pending_dispositions == 0
        assert backlog.refused == 1 and "supervisor is not an active officer account" in backlog.last_error
        assert _count(centre, ScreeningTransaction) == 4 and _count(centre, Disposition) == 1
    finally:
        centre.stop()


def test_wrong_kiosk_secret_holds_everything_and_says_so(tmp_path):
    centre = provisioned_centre(tmp_path / "centre")
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    _queue(outbox, centre.kiosk_id, 2, 1)
    account = CentreAccount(centre.url, centre.kiosk_id, "not the secret", 5)
    centre.start()
    try:
        assert Sender(outbox, account, Backoff(first_seconds=30)).deliver_due() == 0
        backlog = outbox.backlog()
        assert backlog.pending_transactions == 2 and backlog.pending_dispositions == 1 and backlog.refused == 0
        assert "kiosk login refused" in backlog.last_error and _count(centre, ScreeningTransaction) == 0
    finally:
        centre.stop()


def test_outbox_from_an_older_kiosk_is_upgraded_keeping_every_item(tmp_path):
    path = tmp_path / "old-outbox.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA.replace(", 'view'", ""))  # the schema before views existed
    old.execute(
        "INSERT INTO item (kind, client_uuid, body, created_at) VALUES ('transaction', 'u-1', '{}', '2026-01-01')"
    )
    old.commit()
    old.close()
    outbox = Outbox(path)
    view = ScreeningViewCreate.model_validate(
        {
            "view_uuid": "00000000-0000-0000-0000-00000000000a",
            "transaction_uuid": "00000000-0000-0000-0000-00000000000b",
            "officer": "officer",
            "viewed_at": "2026-01-01T10:00:00Z",
            "sign_in": "online",
        }
    )
    outbox.add_view(view)
    assert [(i.seq, i.kind) for i in outbox.due()] == [(1, "transaction"), (2, "view")]
    assert outbox.backlog().pending_views == 1
    outbox.close()
    assert [(i.seq, i.kind) for i in Outbox(path).due()] == [(1, "transaction"), (2, "view")]  # reopened as-is


def test_a_centre_throttling_this_address_is_a_pause_not_a_wrong_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKPOINT_LOGIN_ADDRESS_MAX_FAILURES", "2")
    centre = provisioned_centre(tmp_path / "centre")
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    _queue(outbox, centre.kiosk_id, 1, 0)
    centre.start()
    try:
        for _ in range(2):  # e.g. an officer mistyping a password on this kiosk's page: same address
            httpx.post(f"{centre.url}/api/auth/login", json={"username": "officer", "password": "wrong"})
        account = CentreAccount(centre.url, centre.kiosk_id, centre.kiosk_secret, 5)
        assert Sender(outbox, account, Backoff(first_seconds=30)).deliver_due() == 0
        backlog = outbox.backlog()
        assert backlog.pending_transactions == 1 and backlog.refused == 0  # kept, to be sent after the pause
        assert "refusing logins from this kiosk's address" in backlog.last_error
        assert "check the kiosk id and secret" not in backlog.last_error
    finally:
        centre.stop()


def _age(outbox: Outbox, hours: float) -> None:
    """Make every item queued so far look `hours` old (as after a kiosk ran for that long)."""
    then = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)).isoformat()
    with sqlite3.connect(outbox.path) as db:
        db.execute("UPDATE item SET created_at = ?", (then,))


def test_what_the_centre_holds_is_erased_on_the_kiosk_after_the_decision_window_and_nothing_else(tmp_path):
    centre = provisioned_centre(tmp_path / "centre")
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    sent = _queue(outbox, centre.kiosk_id, 2, 1)  # two screenings, the first decided
    viewed = dt.datetime.now(dt.UTC)
    outbox.add_view(
        ScreeningViewCreate(
            view_uuid=uuid.uuid4(), transaction_uuid=sent[1], officer="officer", viewed_at=viewed, sign_in="online"
        )
    )
    account = CentreAccount(centre.url, centre.kiosk_id, centre.kiosk_secret, 5)
    sender = Sender(outbox, account, Backoff(first_seconds=30), keep_delivered_hours=24)
    centre.start()
    try:
        assert sender.deliver_due() == 4
    finally:
        centre.stop()
    unsent = _queue(outbox, centre.kiosk_id, 1, 1)  # queued while the centre was down: never delivered
    _age(outbox, 30)
    fresh = _queue(outbox, centre.kiosk_id, 1, 0)  # delivered or not, younger than the window: kept
    assert sender.erase_delivered() == 4  # 2 transactions emptied, 1 disposition and 1 view deleted
    assert outbox.transaction(sent[0]) is None and outbox.erased(sent[0]) and outbox.erased(sent[1])
    assert outbox.disposition_of(sent[0]) is None
    assert outbox.server_id_of(sent[1]) is not None  # a view or disposition still to send finds its transaction
    assert outbox.transaction(unsent[0]) is not None and outbox.disposition_of(unsent[0]) is not None
    assert outbox.transaction(fresh[0]) is not None and not outbox.erased(unsent[0])
    with sqlite3.connect(outbox.path) as db:
        bodies = " ".join(body for (body,) in db.execute("SELECT body FROM item WHERE delivered_at IS NOT NULL"))
    assert "ERIKSSON" not in bodies and "L898902C3" not in bodies  # no name or document number left of the sent
    assert [q.client_uuid for q in outbox.undecided(dt.datetime.now(dt.UTC) - dt.timedelta(days=3))] == fresh
    assert sender.erase_delivered() == 0  # once
    assert Sender(outbox, account).erase_delivered() == 0  # no window given: nothing erased


def test_outbox_from_before_refusals_kept_the_centres_decision_is_upgraded_and_keeps_it_from_then_on(tmp_path):
    path = tmp_path / "v1-outbox.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA.replace("    centre_decision TEXT,\n", "") + "PRAGMA user_version = 1;")
    old.close()
    outbox = Outbox(path)
    [key] = _queue(outbox, "kiosk-x", 1, 1)
    [_, disposition] = outbox.due()
    held = DispositionPublic(
        id=1,
        transaction_id=9,
        officer="officer2",
        outcome=Outcome.REFUSE_ENTRY,
        reason_code="WATCHLIST_CONFIRMED",
        note=None,
        decided_at=dt.datetime.now(dt.UTC),
        recorded_at=dt.datetime.now(dt.UTC),
    )
    outbox.mark_refused(disposition.seq, "refused by the centre (409 disposition_conflict): decided there", held)
    outbox.close()
    refusal = Outbox(path).refusal_of(key)
    assert refusal is not None and refusal.centre_decision == held
    assert refusal.sent.outcome == Outcome.SECONDARY_INSPECTION and "409" in refusal.reason
