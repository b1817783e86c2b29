"""The centre's pages in their reader's language: the browser's, else the post's default (French), and a signed-in
person's stored choice above both; the FR | EN switch stores that choice; the login answer carries it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.models import User
from api.schemas import Role
from tests.api.conftest import PASSWORD

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


def _lang(html: str) -> str:
    found = re.search(r'<html lang="([a-z]+)"', html)
    assert found, "the page has no <html lang>"
    return found.group(1)


def _sign_in(client: TestClient, username: str, headers: dict[str, str]) -> None:
    response = client.post(
        "/ui/login", data={"username": username, "password": PASSWORD}, headers=headers, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def test_sign_in_page_answers_a_french_browser_in_french_and_an_english_one_in_english(client):
    french = client.get("/ui/login", headers=FR)
    assert _lang(french.text) == "fr"
    assert "Se connecter" in french.text and "Mot de passe" in french.text and "Password" not in french.text
    english = client.get("/ui/login", headers=EN)
    assert _lang(english.text) == "en" and "Sign in" in english.text and "Password" in english.text


def test_a_browser_in_neither_language_gets_the_posts_default_french(client):
    page = client.get("/ui/login", headers={"Accept-Language": "de-DE"})
    assert _lang(page.text) == "fr" and "Identifiant" in page.text


def test_a_refused_sign_in_says_so_in_french(client, headers):
    response = client.post("/ui/login", data={"username": "supervisor", "password": "wrong password!"}, headers=FR)
    assert response.status_code == 401
    assert "Identifiant inconnu ou mot de passe erroné" in response.text


def test_a_users_stored_language_beats_the_browsers(app, client, headers):
    stored = client.put("/api/users/supervisor/language", json={"language": "en"}, headers=headers[Role.ADMIN])
    assert stored.status_code == 200 and stored.json()["language"] == "en"
    _sign_in(client, "supervisor", FR)
    page = client.get("/ui/referrals", headers=FR)
    assert _lang(page.text) == "en" and "Referral queue" in page.text


def test_the_switch_stores_a_signed_in_persons_choice_and_the_login_answer_carries_it(app, client, headers):
    assert client.post("/api/auth/login", json={"username": "auditor", "password": PASSWORD}).json()["language"] is None
    _sign_in(client, "auditor", EN)
    switched = client.post(
        "/ui/language", data={"language": "fr", "back": "/ui/audit"}, headers=EN, follow_redirects=False
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/ui/audit"
    client.cookies.delete("lang")  # the stored choice alone, not the cookie, must keep the page French
    page = client.get("/ui/audit", headers=EN)
    assert _lang(page.text) == "fr" and "Journal d'audit" in page.text
    with Session(app.state.engine) as session:
        assert session.exec(select(User.language).where(User.username == "auditor")).one() == "fr"
    answer = client.post("/api/auth/login", json={"username": "auditor", "password": PASSWORD})
    assert answer.json()["language"] == "fr"  # the kiosk carries this to the officer's session


def test_the_switch_before_sign_in_sets_a_cookie_and_never_sends_people_off_site(client):
    switched = client.post(
        "/ui/language", data={"language": "en", "back": "https://evil.example/"}, headers=FR, follow_redirects=False
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/ui/"
    page = client.get("/ui/login", headers=FR)
    assert _lang(page.text) == "en"
    refused = client.post("/ui/language", data={"language": "de"}, headers=FR)
    assert refused.status_code == 422
