"""Defects a newcomer found on the officer page: the chosen frame's number, upload errors that name the file at
fault, and the sign-in after an idle timeout that must land on a page, never on a POST-only route."""

from __future__ import annotations

import re
import struct
import zlib

import cv2
import numpy as np
from fastapi.testclient import TestClient

from checkpoint.kiosk.app import create_kiosk_app
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings
from tests.checkpoint.centre import sign_in_on_kiosk


def _kiosk(screener, tmp_path, centre, language: str = "en"):  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "kiosk", centre_url=centre.url, kiosk_capture_dir=tmp_path)
    outbox = Outbox(settings.outbox_path)
    client = TestClient(create_kiosk_app(settings, screener, None, outbox, None))
    client.headers["Accept-Language"] = language
    assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 303
    return client, outbox


def _jpeg(rgb: np.ndarray) -> bytes:
    return cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))[1].tobytes()


def _png_header(width: int, height: int) -> bytes:
    """A PNG that says it is width x height (a few dozen bytes): what a decompression bomb looks like."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def _caption(page: str) -> str:
    """The chosen frame's caption, as the officer reads it."""
    return re.search(r"Chosen frame \d+ of \d+ [^<]*", re.sub(r"\s+", " ", page)).group(0)


def _screen(client, traveller, frames: list[bytes]):  # type: ignore[no-untyped-def]
    files = [("document", ("page.jpg", traveller.document_jpeg, "image/jpeg"))]
    files += [("frames", (f"f{i}.jpg", data, "image/jpeg")) for i, data in enumerate(frames, start=1)]
    return client.post("/screen", files=files)


def test_the_chosen_frame_is_counted_among_every_frame_uploaded_and_numbered_as_the_officer_knows_it(
    screener, traveller, tmp_path, centre
):
    client, _outbox = _kiosk(screener, tmp_path, centre)
    five = [_jpeg(f) for f in traveller.frames]
    assert len(five) == 5
    page = _screen(client, traveller, five)
    assert page.status_code == 200 and "Chosen frame" in page.text
    assert " of 5 " in _caption(page.text)  # the policy stops after 3 good frames: the officer still sent 5
    blank = _jpeg(np.full((480, 640, 3), 120, np.uint8))
    page = _screen(client, traveller, [blank, blank, blank, five[0], blank])
    assert _caption(page.text).startswith("Chosen frame 4 of 5 ")  # the 4th file, the only one with a face
    assert "frame 1: no face" in page.text  # rejections numbered the same way


def test_an_upload_error_names_the_file_says_what_was_wrong_and_what_to_do_in_the_officers_language(
    screener, traveller, tmp_path, centre
):
    client, outbox = _kiosk(screener, tmp_path, centre)
    good = _jpeg(traveller.frames[0])
    files = [
        ("document", ("page.jpg", traveller.document_jpeg, "image/jpeg")),
        ("frames", ("a.jpg", good, "image/jpeg")),
        ("frames", ("b.jpg", _png_header(20_000, 20_000), "image/jpeg")),  # 400 megapixels
    ]
    page = client.post("/screen", files=files)
    error = page.text.split('id="error">')[1].split("</p>")[0]
    assert page.status_code == 400 and outbox.backlog().pending_transactions == 0
    assert "Error" not in error and "DecompressionBomb" not in error  # no Python class names
    assert "not an image" not in error  # it is an image: a too large one
    assert "Frame 2 &#34;b.jpg&#34;" in error or "Frame 2 &quot;b.jpg&quot;" in error, error
    assert "400 megapixels" in error and "40-megapixel limit" in error and "Resize it" in error
    files[2] = ("frames", ("b.jpg", b"\x89PNG\r\n\x1a\n broken", "image/jpeg"))
    error = client.post("/screen", files=files).text.split('id="error">')[1].split("</p>")[0]
    assert "Frame 2" in error and "b.jpg" in error and "not an image" in error
    files[0] = ("document", ("page.jpg", b"", "image/jpeg"))
    error = client.post("/screen", files=files).text.split('id="error">')[1].split("</p>")[0]
    assert error.startswith("The document") and "page.jpg" in error and "empty" in error
    client.headers["Accept-Language"] = "fr"
    files[0] = ("document", ("page.jpg", traveller.document_jpeg, "image/jpeg"))
    files[2] = ("frames", ("b.jpg", _png_header(20_000, 20_000), "image/jpeg"))
    error = client.post("/screen", files=files).text.split('id="error">')[1].split("</p>")[0]
    assert (
        error.startswith("L&#39;image 2")
        and "b.jpg" in error
        and "dépasse la limite" in error
        and "400 mégapixels" in error
    )


def test_signing_in_again_after_an_upload_error_and_an_idle_timeout_lands_on_a_page(
    screener, traveller, tmp_path, centre
):
    client, _outbox = _kiosk(screener, tmp_path, centre)
    page = client.post("/screen", files={"document": ("page.jpg", b"not an image", "image/jpeg")})
    assert page.status_code == 400
    refresh = re.search(r'http-equiv="refresh" content="\d+;url=([^"]+)"', page.text).group(1)
    assert refresh.endswith("next=/") or refresh.endswith("next=%2F"), refresh  # the form's page, not POST /screen
    # Whatever `next` a sign-in carries, it lands on a page a browser can open.
    for target, landing in [("/screen", "/"), ("/screening/x/disposition", "/"), ("https://evil.example/", "/")]:
        answer = client.post(
            "/signin",
            data={"username": "officer", "password": centre.passwords["officer"], "next": target},
            follow_redirects=False,
        )
        assert answer.status_code == 303 and answer.headers["location"] == landing, target
    answer = client.post(
        "/signin", data={"username": "officer", "password": centre.passwords["officer"], "next": "/screen"}
    )
    assert answer.status_code == 200 and 'id="screen-submit"' in answer.text  # not "Method Not Allowed"
