"""A kiosk restart loses no screening awaiting a decision: a new kiosk app on the same data directory lists the
undecided screenings from the outbox (without images), the officer decides one exactly as a fresh one, and it
leaves the list; screenings past the age limit, already decided or refused by the centre are not offered."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time

from fastapi.testclient import TestClient
from markupsafe import escape

from checkpoint.kiosk.app import create_kiosk_app
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings
from tests.checkpoint.centre import sign_in_on_kiosk


def _start_kiosk(screener, data_dir, centre, **knobs):  # type: ignore[no-untyped-def]
    """Start a kiosk on `data_dir` the way `checkpoint kiosk` does, with an officer signed in on its page."""
    # The travellers are written beside the data directory: that is the capture folder /api/screen reads from.
    settings = Settings(
        data_dir=data_dir, centre_url=centre.url, kiosk_capture_dir=data_dir.parent, default_language="en", **knobs
    )
    outbox = Outbox(settings.outbox_path)
    client = TestClient(create_kiosk_app(settings, screener, None, outbox, None))
    assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 303
    return client, outbox


def _screen(client, traveller, folder) -> dict:  # type: ignore[no-untyped-def]
    document, frames = traveller.write(folder)
    return client.post("/api/screen", json={"document": str(document), "frames": str(frames)}).json()


def _dispositions(outbox: Outbox, key: str) -> int:
    with sqlite3.connect(outbox.path) as db:
        return db.execute(
            "SELECT COUNT(*) FROM item WHERE kind = 'disposition' AND client_uuid = ?", (key,)
        ).fetchone()[0]


def _listed(page_html: str) -> str:
    return page_html.split('id="pending"')[1].split("</section>")[0]


def test_a_screening_awaiting_a_decision_survives_a_restart_and_is_decided_once(screener, traveller, tmp_path, centre):
    before, outbox = _start_kiosk(screener, tmp_path / "kiosk", centre)
    screened = _screen(before, traveller, tmp_path / "traveller")
    key = screened["client_uuid"]
    assert screened["recommendation"] == "REFER"  # no snapshot loaded: referred
    outbox.close()  # the kiosk stops (crash or restart); everything it knew in memory is gone

    after, outbox = _start_kiosk(screener, tmp_path / "kiosk", centre)
    home = after.get("/")
    row = home.text.split(f'id="pending-{key}"')[1].split("</tr>")[0]
    assert "REFER" in row and screened["reasons"][0]["code"] in row
    assert "restored after a kiosk restart — images are not kept on disk" in row

    views_before = outbox.backlog().pending_views
    page = after.get(f"/screening/{key}")
    assert page.status_code == 200 and 'id="restored"' in page.text
    assert 'id="recommendation">REFER<' in page.text
    for reason in screened["reasons"]:
        assert (
            reason["code"] in page.text and str(escape(reason["meaning"])) in page.text
        )  # the same policy explains them
    assert screened["document"]["document_number"] in page.text and screened["document"]["surname"] in page.text
    assert 'id="document-checks"' in page.text and "<img" not in page.text  # no traveller image after a restart
    assert outbox.backlog().pending_views == views_before + 1  # opening it is an audited read, as for a fresh one

    refused = after.post(f"/screening/{key}/disposition", data={"outcome": "REFUSE_ENTRY"})
    assert "needs a reason_code" in refused.text and "record the decision again" in refused.text
    assert _dispositions(outbox, key) == 0
    incomplete = after.post(f"/screening/{key}/disposition", data={})
    assert incomplete.status_code == 422 and "missing or wrong outcome" in incomplete.text
    assert _dispositions(outbox, key) == 0

    saved = after.post(
        f"/screening/{key}/disposition", data={"outcome": "SECONDARY_INSPECTION", "reason_code": "IDENTITY_DOUBT"}
    )
    assert 'id="saved"' in saved.text and "decided by officer" in saved.text
    decided = outbox.disposition_of(key)
    assert decided.outcome.value == "SECONDARY_INSPECTION" and decided.officer == "officer"
    again = after.post(f"/screening/{key}/disposition", data={"outcome": "CLEAR"})
    assert "already decided" in again.text
    assert _dispositions(outbox, key) == 1 and outbox.disposition_of(key).outcome.value == "SECONDARY_INSPECTION"
    assert f'id="pending-{key}"' not in after.get("/").text


def test_a_screening_older_than_the_limit_is_not_offered_after_a_restart(screener, traveller, tmp_path, centre):
    before, outbox = _start_kiosk(screener, tmp_path / "kiosk", centre)
    screened = _screen(before, traveller, tmp_path / "traveller")
    key = screened["client_uuid"]
    outbox.close()

    # The same screening, the same data directory: with a day's limit it is offered...
    within, outbox = _start_kiosk(screener, tmp_path / "kiosk", centre, kiosk_pending_decision_hours=24)
    assert f'id="pending-{key}"' in within.get("/").text
    outbox.close()

    # ...once older than the limit (one second here) it is not, and cannot be decided on the kiosk.
    time.sleep(1.2)
    past, outbox = _start_kiosk(screener, tmp_path / "kiosk", centre, kiosk_pending_decision_hours=1 / 3600)
    home = past.get("/")
    assert f'id="pending-{key}"' not in home.text
    assert "1 older screening(s) without a decision are too old to decide here" in home.text
    page = past.get(f"/screening/{key}")
    assert page.status_code == 410 and "record the decision at the centre" in page.text
    assert screened["document"]["document_number"] not in page.text  # nothing personal: it is not offered here
    answer = past.post(f"/screening/{key}/disposition", data={"outcome": "CLEAR"})
    assert answer.status_code == 410 and _dispositions(outbox, key) == 0


def test_decided_and_refused_screenings_are_not_listed_after_a_restart(screener, traveller, tmp_path, centre):
    before, outbox = _start_kiosk(screener, tmp_path / "kiosk", centre)
    decided = _screen(before, traveller, tmp_path / "t1")["client_uuid"]
    waiting = _screen(before, traveller, tmp_path / "t2")["client_uuid"]
    refused = _screen(before, traveller, tmp_path / "t3")["client_uuid"]
    saved = before.post(
        f"/screening/{decided}/disposition", data={"outcome": "CLEAR_AFTER_CHECK", "reason_code": "DOCUMENT_CHECKED_OK"}
    )
    assert 'id="saved"' in saved.text
    # The centre refuses the third transaction for good, as the sender records it.
    seq = next(item.seq for item in outbox.due() if item.kind == "transaction" and item.client_uuid == refused)
    outbox.mark_refused(seq, "refused by the centre (422 invalid): test")
    outbox.close()

    after, outbox = _start_kiosk(screener, tmp_path / "kiosk", centre)
    listed = _listed(after.get("/").text)
    assert f'id="pending-{waiting}"' in listed
    assert f'id="pending-{decided}"' not in listed and f'id="pending-{refused}"' not in listed
    assert after.get(f"/screening/{refused}").status_code == 404
    page = after.get(f"/screening/{decided}")  # a decided one still shows its decision, with no form
    assert 'id="saved"' in page.text and 'id="decide"' not in page.text
    again = after.post(f"/screening/{decided}/disposition", data={"outcome": "CLEAR"})
    assert "already decided" in again.text and _dispositions(outbox, decided) == 1


def test_a_screening_the_centre_holds_is_erased_after_the_window_and_is_then_too_old_to_open(
    screener, traveller, tmp_path, centre
):
    client, outbox = _start_kiosk(screener, tmp_path / "kiosk", centre)
    key = _screen(client, traveller, tmp_path / "traveller")["client_uuid"]
    day_and_a_half_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=36)).isoformat()
    with sqlite3.connect(outbox.path) as db:  # as if the centre had it all and a day and a half had passed
        db.execute("UPDATE item SET delivered_at = created_at, server_id = 1, created_at = ?", (day_and_a_half_ago,))
    assert outbox.erase_delivered(dt.datetime.now(dt.UTC) - dt.timedelta(hours=24)) >= 1
    page = client.get(f"/screening/{key}")  # still in this kiosk's memory, but its record is gone from disk
    assert page.status_code == 410 and "record the decision at the centre" in page.text
    assert traveller.identity.document_number not in page.text
