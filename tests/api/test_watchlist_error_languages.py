"""The centre words a watchlist refusal in the caller's language: French for `Accept-Language: fr`, English (as
before) for a program that asks for nothing; the `code` never changes."""

from __future__ import annotations

from api.schemas import Role
from tests.api.test_watchlists_api import LIST

FRENCH = {"Accept-Language": "fr"}


def test_an_unknown_watchlist_is_refused_in_french_to_a_french_reader(client, headers):
    admin = headers[Role.WATCHLIST_ADMIN]
    french = client.get("/api/watchlists/nope/subjects", headers={**admin, **FRENCH})
    english = client.get("/api/watchlists/nope/subjects", headers=admin)
    assert french.status_code == english.status_code == 404
    assert french.json()["code"] == english.json()["code"] == "unknown_watchlist"
    assert english.json()["message"] == (
        "no watchlist named 'nope' (known: none). Check the name, or create the watchlist first "
        "(`checkpoint watchlist create`)"
    )
    assert french.json()["message"].startswith("aucune liste de surveillance nommée 'nope' (listes connues : aucun)")


def test_a_duplicate_watchlist_is_refused_in_french(client, headers):
    admin = headers[Role.WATCHLIST_ADMIN]
    client.post("/api/watchlists", json=LIST, headers=admin)
    again = client.post("/api/watchlists", json=LIST, headers={**admin, **FRENCH}).json()
    assert again["code"] == "duplicate_watchlist"
    assert "wanted-sahel" in again["message"] and "exists already" not in again["message"]
    assert "existe déjà" in again["message"]
