"""The centre words its refusals in the reader's language: French for `Accept-Language: fr` (a kiosk at a Sahel
post sends its post's language), English for a program that asks for nothing; the `code` never changes. And no
refusal the centre raises is left out of the catalog: every ApiError is built from translated text."""

from __future__ import annotations

from pathlib import Path

from api import errors
from api.schemas import Role
from tests.api.conftest import transaction_body
from tests.untranslated_text import error_class_names, untranslated_calls

API = Path(__file__).resolve().parents[2] / "api"
FRENCH = {"Accept-Language": "fr"}


def test_a_refused_field_is_explained_in_french_to_a_french_reader(client, headers):
    body = transaction_body(favourite_colour="blue")
    del body["policy_hash"]
    french = client.post("/api/transactions", json=body, headers={**headers[Role.KIOSK], **FRENCH}).json()
    english = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK]).json()
    assert french["code"] == english["code"] == "missing_field"  # the first error pydantic reports decides
    assert "favourite_colour is not a known field (remove it)" in english["message"]
    assert "policy_hash is required" in english["message"]
    assert "favourite_colour" in french["message"] and "policy_hash" in french["message"]
    assert "is not a known field" not in french["message"] and "is required" not in french["message"]
    assert "champ" in french["message"]


def test_a_value_out_of_range_and_a_wrong_choice_are_explained_in_french(client, headers):
    body = transaction_body(recommendation="MAYBE")
    answer = client.post("/api/transactions", json=body, headers={**headers[Role.KIOSK], **FRENCH}).json()
    assert answer["code"] == "invalid_value"
    assert "recommendation" in answer["message"] and "CLEAR" in answer["message"] and "REFER" in answer["message"]
    assert "Input should be" not in answer["message"]  # pydantic's English


def test_the_centre_answers_a_missing_login_and_an_unknown_route_in_french(client):
    unauthenticated = client.get("/api/transactions/1", headers=FRENCH).json()
    assert unauthenticated["code"] == "not_authenticated"
    assert "this needs a login" not in unauthenticated["message"] and "connexion" in unauthenticated["message"]
    assert "this needs a login" in client.get("/api/transactions/1").json()["message"]
    nowhere = client.get("/api/nowhere", headers=FRENCH).json()
    assert nowhere["code"] == "not_found" and "/api/nowhere" in nowhere["message"]
    assert "there is no endpoint" not in nowhere["message"]


def test_a_refusal_by_the_business_rules_is_in_french(client, headers):
    missing = client.get("/api/transactions/999999", headers={**headers[Role.SUPERVISOR], **FRENCH}).json()
    assert missing["code"] == "not_found"
    assert "999999" in missing["message"] and "there is no transaction" not in missing["message"]


def test_every_refusal_the_centre_raises_is_built_from_translated_text():
    names = error_class_names(errors, errors.ApiError, API)
    untranslated = untranslated_calls(API, names)
    assert len(names) > 8  # the walk found the error classes
    assert not untranslated, "refusals with English text not in the catalog:\n" + "\n".join(untranslated)
