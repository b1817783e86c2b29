"""The kiosk page against hostile sites and curious callers: security headers on every answer, its stylesheet
from itself, and files screened by path only from the capture folder, refused alike whether they exist or not
(issue 14, hardening)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from checkpoint.kiosk.app import SESSION_COOKIE, create_kiosk_app
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings


@pytest.fixture
def kiosk(screener, tmp_path):  # type: ignore[no-untyped-def]
    """A kiosk whose capture folder is tmp_path/capture, with an officer signed in on its page."""
    settings = Settings(data_dir=tmp_path / "kiosk", kiosk_capture_dir=tmp_path / "capture", default_language="en")
    outbox = Outbox(settings.outbox_path)
    client = TestClient(create_kiosk_app(settings, screener, None, outbox, None))
    client.cookies.set(SESSION_COOKIE, client.app.state.officer_sessions.start("officer", False))
    return client, outbox


def test_the_officer_page_forbids_framing_referrers_and_script(kiosk):
    client, _ = kiosk
    for response in (client.get("/signin"), client.get("/"), client.get("/health")):
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy and "script-src" not in policy
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_the_stylesheet_comes_from_the_kiosk_itself_without_sign_in(kiosk):
    client, _ = kiosk
    assert '<link rel="stylesheet" href="/static/kiosk.css">' in client.get("/signin").text
    client.cookies.clear()
    sheet = client.get("/static/kiosk.css")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/css")


def test_paths_outside_the_capture_folder_are_refused_alike_whether_they_exist_or_not(kiosk, traveller, tmp_path):
    client, outbox = kiosk
    document, frames = traveller.write(tmp_path / "elsewhere")
    (tmp_path / "capture").mkdir()
    (tmp_path / "capture" / "link").symlink_to(tmp_path / "elsewhere")
    outside = [
        {"document": str(document), "frames": str(frames)},
        {"document": str(tmp_path / "nothing.jpg"), "frames": str(frames)},
        {"document": "/etc/passwd", "frames": str(frames)},
        {"document": str(tmp_path / "capture" / ".." / "elsewhere" / document.name), "frames": str(frames)},
        {"document": str(tmp_path / "capture" / "link" / document.name), "frames": str(frames)},
        {"document": str(tmp_path / "capture" / "page\x00.jpg"), "frames": str(frames)},  # no path at all
    ]
    answers = [client.post("/api/screen", json=body) for body in outside]
    assert {a.status_code for a in answers} == {400}
    assert len({a.json()["message"] for a in answers}) == 1  # nothing says which of them exist
    assert "capture folder" in answers[0].json()["message"]
    # The page's frame-folder field follows the same rule.
    upload = {"document": ("page.jpg", document.read_bytes(), "image/jpeg")}
    for source in (str(frames), str(tmp_path / "missing")):
        page = client.post("/screen", files=upload, data={"frame_source": source})
        assert page.status_code == 400 and "capture folder" in page.text and "does not exist" not in page.text
    assert outbox.backlog().pending_transactions == 0


def test_files_inside_the_capture_folder_are_screened(kiosk, traveller, tmp_path):
    client, outbox = kiosk
    document, frames = traveller.write(tmp_path / "capture" / "traveller")
    answer = client.post("/api/screen", json={"document": str(document), "frames": str(frames)})
    assert answer.status_code == 200 and answer.json()["recommendation"] == "REFER"  # no snapshot loaded
    assert outbox.backlog().pending_transactions == 1


def test_a_camera_that_is_not_a_number_is_explained_not_a_crash(kiosk, traveller):
    client, outbox = kiosk
    upload = {"document": ("page.jpg", traveller.document_jpeg, "image/jpeg")}
    page = client.post("/screen", files=upload, data={"frame_source": "camera:front"})
    assert page.status_code == 400 and "camera:0" in page.text
    assert outbox.backlog().pending_transactions == 0
