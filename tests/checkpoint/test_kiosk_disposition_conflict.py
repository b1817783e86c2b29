"""An officer's kiosk decision the centre refuses because the transaction was decided there meanwhile reaches a
person on both sides: the kiosk page shows it refused, with the centre's outcome and who decided (also after a
restart); the centre's audit chain holds a `disposition.conflict`; the supervisors' queue lists it."""

from __future__ import annotations

import datetime as dt

import httpx
from fastapi.testclient import TestClient

from checkpoint.kiosk.app import create_kiosk_app
from checkpoint.outbox.sender import Backoff, CentreAccount, Sender
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings
from tests.checkpoint.centre import provisioned_centre, sign_in_on_kiosk


def _kiosk(screener, settings: Settings, centre):  # type: ignore[no-untyped-def]
    """The kiosk page and its sender on `settings`' data directory, with the officer signed in."""
    outbox = Outbox(settings.outbox_path)
    sender = Sender(outbox, CentreAccount(centre.url, centre.kiosk_id, centre.kiosk_secret, 5), Backoff(30))
    client = TestClient(create_kiosk_app(settings, screener, None, outbox, sender))
    assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 303
    return client, outbox, sender


def _section(html: str, section_id: str) -> str:
    return html.split(f'id="{section_id}"')[1].split("</section>")[0]


def test_a_decision_the_centre_refuses_as_a_conflict_is_shown_on_the_kiosk_audited_and_queued(
    screener, traveller, tmp_path
):
    centre = provisioned_centre(tmp_path / "centre", more_users={"officer2": "officer"})
    settings = Settings(
        data_dir=tmp_path / "kiosk",
        kiosk_id=centre.kiosk_id,
        kiosk_post_id="post-test",
        centre_url=centre.url,
        kiosk_capture_dir=tmp_path,  # where the traveller's files are written
        default_language="en",  # this test reads the page's English wording
    )
    centre.start()
    try:
        client, outbox, sender = _kiosk(screener, settings, centre)
        document, frames = traveller.write(settings.capture_folder / "traveller")  # where the kiosk's camera writes
        screened = client.post("/api/screen", json={"document": str(document), "frames": str(frames)})
        assert screened.status_code == 200, screened.text
        key = screened.json()["client_uuid"]
        sender.deliver_due()  # the referral reaches the centre; the officer has not decided yet
        transaction_id = outbox.server_id_of(key)
        assert transaction_id is not None
        # Meanwhile officer2 decides the same transaction at the centre.
        officer2 = {"Authorization": f"Bearer {centre.token('officer2')}"}
        at_centre = {
            "outcome": "REFUSE_ENTRY",
            "reason_code": "WATCHLIST_CONFIRMED",
            "decided_at": dt.datetime.now(dt.UTC).isoformat(),
        }
        answer = httpx.post(
            f"{centre.url}/api/transactions/{transaction_id}/disposition", json=at_centre, headers=officer2
        )
        assert answer.status_code == 201, answer.text

        decided = client.post(
            f"/screening/{key}/disposition", data={"outcome": "CLEAR_AFTER_CHECK", "reason_code": "IDENTITY_CHECKED_OK"}
        )
        assert 'id="saved"' in decided.text  # queued on the kiosk first, as always
        sender.deliver_due()

        page = client.get(f"/screening/{key}").text
        refusal = page.split('id="refused"')[1].split("</p>")[0]
        assert "Refused by the centre: decided there as REFUSE_ENTRY by officer2" in refusal
        assert "CLEAR_AFTER_CHECK" in refusal and "Queued in the outbox" not in page
        home = _section(client.get("/").text, "refused-decisions")
        assert f'href="/screening/{key}"' in home
        assert "Refused by the centre: decided there as REFUSE_ENTRY by officer2" in home
        assert outbox.backlog().refused == 1 and outbox.backlog().pending_dispositions == 0

        # The centre's chain records the conflict and still verifies; the supervisors' queue lists it.
        auditor = {"Authorization": f"Bearer {centre.token('auditor')}"}
        events = httpx.get(f"{centre.url}/api/audit/events", headers=auditor).json()
        [conflict] = [e for e in events if e["action"] == "disposition.conflict"]
        assert (conflict["actor"], conflict["object"]) == ("officer", f"transaction:{transaction_id}")
        assert httpx.post(f"{centre.url}/api/audit/tree-heads", headers=auditor).status_code == 201
        assert httpx.get(f"{centre.url}/api/audit/status", headers=auditor).json()["verified"]
        supervisor = {"Authorization": f"Bearer {centre.token('supervisor')}", "Accept-Language": "en"}
        queue = _section(httpx.get(f"{centre.url}/ui/referrals", headers=supervisor).text, "conflicts")
        assert f'href="/ui/transactions/{transaction_id}"' in queue
        assert "(REFUSE_ENTRY) by officer2" in queue
        assert f"(CLEAR_AFTER_CHECK) by officer · kiosk {centre.kiosk_id}" in queue

        # A kiosk restart keeps the refusal and the centre's answer (they are in the outbox on disk).
        outbox.close()
        client, outbox, _ = _kiosk(screener, settings, centre)
        assert "decided there as REFUSE_ENTRY by officer2" in _section(client.get("/").text, "refused-decisions")
        assert "decided there as REFUSE_ENTRY by officer2" in client.get(f"/screening/{key}").text
    finally:
        centre.stop()
