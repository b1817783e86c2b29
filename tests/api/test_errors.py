"""Bad requests get JSON {code, message} saying what was wrong, and nothing is stored."""

from __future__ import annotations

import base64

from sqlmodel import Session, select

from api.models import ScreeningTransaction
from api.schemas import Role
from tests.api.conftest import transaction_body


def _stored(app) -> int:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        return len(session.exec(select(ScreeningTransaction)).all())


def test_malformed_json_is_400_with_a_sentence(app, client, headers):
    response = client.post(
        "/api/transactions",
        content=b'{"client_uuid": "x",',
        headers={**headers[Role.KIOSK], "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert "not valid JSON" in response.json()["message"]
    assert _stored(app) == 0


def test_wrong_type_names_the_field(app, client, headers):
    body = transaction_body(quality={"score": "very good"})
    response = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK])
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "invalid_value"
    assert "quality.score" in data["message"]
    assert _stored(app) == 0


def test_unknown_field_is_refused_not_dropped(app, client, headers):
    body = transaction_body(favourite_colour="blue")
    response = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK])
    assert response.status_code == 422
    assert response.json() == {
        "code": "unknown_field",
        "message": "favourite_colour is not a known field (remove it). Fix these fields and send the request again",
    }
    assert _stored(app) == 0


def test_missing_field_is_named(client, headers):
    body = transaction_body()
    del body["policy_hash"]
    response = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK])
    assert response.status_code == 422
    assert response.json()["code"] == "missing_field"
    assert "policy_hash is required" in response.json()["message"]


def test_wrong_content_type_is_415(app, client, headers):
    response = client.post(
        "/api/transactions",
        content=b"client_uuid=1",
        headers={**headers[Role.KIOSK], "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert "application/json" in response.json()["message"]
    assert _stored(app) == 0


def test_oversized_body_is_413_before_parsing(app, client, headers):
    huge = transaction_body(document_checks=[{"name": "X", "passed": True, "detail": "y" * 200}] * 2000)
    response = client.post("/api/transactions", json=huge, headers=headers[Role.KIOSK])
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert "larger than" in response.json()["message"]
    assert _stored(app) == 0


def test_streamed_oversized_body_without_length_is_413(client, headers, settings):
    def chunks():  # a chunked upload declares no Content-Length
        for _ in range(settings.max_request_bytes // 1000 + 10):
            yield b" " * 1000

    response = client.post(
        "/api/transactions", content=chunks(), headers={**headers[Role.KIOSK], "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_oversized_face_image_is_413_image_too_large(app, client, headers, settings):
    jpeg = b"\xff\xd8" + b"\x00" * (settings.max_face_image_bytes + 10)
    body = transaction_body(face_image_jpeg_b64=base64.b64encode(jpeg).decode())
    response = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK])
    assert response.status_code == 413
    assert response.json()["code"] == "image_too_large"
    assert _stored(app) == 0


def test_face_image_that_is_not_jpeg_is_refused(client, headers):
    body = transaction_body(face_image_jpeg_b64=base64.b64encode(b"GIF89a....").decode())
    response = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK])
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "not a JPEG" in response.json()["message"]


def test_refer_without_reason_codes_is_refused(client, headers):
    response = client.post("/api/transactions", json=transaction_body(reason_codes=[]), headers=headers[Role.KIOSK])
    assert response.status_code == 422
    assert "REFER recommendation needs at least one reason code" in response.json()["message"]


def test_naive_time_is_refused(client, headers):
    body = transaction_body(started_at="2026-05-01T10:00:00", completed_at="2026-05-01T10:00:20")
    response = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK])
    assert response.status_code == 422
    assert "UTC offset" in response.json()["message"]


def test_unknown_route_and_method_are_json(client):
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    wrong = client.delete("/health")
    assert wrong.status_code == 405
    assert wrong.json()["code"] == "method_not_allowed"


def test_missing_token_is_401_json_with_remedy(client):
    response = client.get("/api/transactions")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "log in" in response.json()["message"]


def test_an_internal_failure_is_json_500_without_details(tmp_path, settings):
    """A broken database (here: a dropped table) must still answer with a sentence, not a traceback."""
    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from api.app import create_app
    from api.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'broken.sqlite3'}")
    app = create_app(settings, engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE access_token"))
    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/api/auth/me", headers={"Authorization": "Bearer whatever"})
    engine.dispose()
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "try again" in response.json()["message"]
    assert "access_token" not in response.text  # no SQL or traceback leaks to the caller
