"""The officer page's answers to bad input: a clear message, nothing queued, nothing lost."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from checkpoint.kiosk.app import create_kiosk_app
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings
from tests.checkpoint.centre import provisioned_centre, sign_in_on_kiosk


@pytest.fixture
def centre(tmp_path):  # type: ignore[no-untyped-def]
    """A real centre process, so the officer can sign in on the kiosk page."""
    centre = provisioned_centre(tmp_path / "centre")
    centre.start()
    yield centre
    centre.stop()


def _client(screener, tmp_path, centre):  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=tmp_path / "kiosk", centre_url=centre.url, kiosk_capture_dir=tmp_path, default_language="en"
    )
    outbox = Outbox(settings.outbox_path)
    client = TestClient(create_kiosk_app(settings, screener, None, outbox, None))
    assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 303
    return client, outbox


def test_unreadable_document_upload_is_explained_and_nothing_is_queued(screener, tmp_path, centre):
    client, outbox = _client(screener, tmp_path, centre)
    response = client.post("/screen", files={"document": ("page.jpg", b"not an image", "image/jpeg")})
    assert response.status_code == 400
    error = response.text.split('id="error">')[1].split("</p>")[0]
    assert "image" in error.lower() and len(error) > 30  # what was wrong and what to do, in a sentence
    assert outbox.backlog().pending_transactions == 0
    response = client.post(
        "/screen",
        files={"document": ("page.jpg", b"not an image", "image/jpeg")},
        data={"frame_source": str(tmp_path / "missing")},
    )
    assert response.status_code == 400


def test_screening_via_api_is_queued_before_it_is_shown_and_disposition_needs_a_reason(
    screener, traveller, tmp_path, centre
):
    client, outbox = _client(screener, tmp_path, centre)
    document, frames = traveller.write(tmp_path / "traveller")
    body = client.post("/api/screen", json={"document": str(document), "frames": str(frames)}).json()
    assert body["recommendation"] == "REFER" and outbox.backlog().pending_transactions == 1  # no snapshot: REFER
    key = body["client_uuid"]
    page = client.get(f"/screening/{key}")
    assert page.headers["cache-control"] == "no-store"  # "Back" after sign-out shows nothing personal
    assert outbox.backlog().pending_views == 1  # one audited read per sign-in session, the API answer included
    page = client.post(f"/screening/{key}/disposition", data={"outcome": "REFUSE_ENTRY"})
    assert "needs a reason_code" in page.text and outbox.disposition_of(key) is None
    page = client.post(
        f"/screening/{key}/disposition", data={"outcome": "CLEAR_AFTER_CHECK", "reason_code": "IDENTITY_CHECKED_OK"}
    )
    assert 'id="saved"' in page.text and outbox.disposition_of(key).reason_code == "IDENTITY_CHECKED_OK"
    assert outbox.disposition_of(key).officer == "officer" and "decided by officer" in page.text
    again = client.post(f"/screening/{key}/disposition", data={"outcome": "CLEAR"})
    assert "already decided" in again.text and outbox.backlog().pending_dispositions == 1
    assert client.get("/screening/00000000-0000-0000-0000-000000000000").status_code == 404
