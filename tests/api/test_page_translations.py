"""Every centre page read in French has no English left in it (a pseudo-check: common English words in the
visible text, data and code identifiers set aside), and read in English still says what it said."""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest

from api.schemas import Role

# Words and phrases that only an untranslated English string puts on a French page.
ENGLISH = re.compile(
    r"\b(the|and|of|to|by|with|from|no|none|yes|sign in|sign out|log in|log out|decision|screening|reasons?|"
    r"officer|supervisor|auditor|submit|back|home|filter|passed|failed|kept|erased|verified|reports?|kind|size|"
    r"threshold|watchlist|kiosk|post|queue|referrals?|reviews?|comment|undecided|events?|next|evidence|traveller|"
    r"candidates?|welcome|completed|recommendation|cleared|upheld|born|expires|name|nationality|hash|"
    r"actor|object|time|tree|root|key|signed|chain|status|benchmark|written|live|face|rank)\b",
    re.IGNORECASE,
)
# Data the fixtures put on the pages (user names are their roles there), and code identifiers that stay as they are.
DATA = re.compile(
    r"\b(supervisor|officer|auditor|kiosk-1|post-a|post-b|wl-interpol|ingest\.json|\w+\.\w+|\w+:\d+)\b|"
    r"\b[A-Z][A-Z0-9_]{2,}\b|\bE-1001\b|\bs\d+\b"
)


def _visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style|code|pre|head)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<span dir=\"auto\">.*?</span>", " ", page)  # names and free text keep their own language
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html_lib.unescape(page))


def _pages(client, headers, populated, settings, tmp_path, lang: str) -> dict[str, str]:
    results = tmp_path / "results"
    results.mkdir(exist_ok=True)
    (results / "ingest.json").write_text(json.dumps({"machine": {"time_utc": "2026-11-01T09:00:00+00:00"}}))
    settings.benchmark_results_dir = results
    accept = {"Accept-Language": lang, "Accept": "text/html"}
    supervisor, auditor, officer = ({**headers[r], **accept} for r in (Role.SUPERVISOR, Role.AUDITOR, Role.OFFICER))
    pages = {
        "login": client.get("/ui/login", headers=accept),
        "home": client.get("/ui/", headers=officer),
        "referrals": client.get("/ui/referrals?recommendation=ALL", headers=supervisor),
        "transaction": client.get(f"/ui/transactions/{populated['decided']}", headers=supervisor),
        "undecided transaction": client.get(f"/ui/transactions/{populated['undecided']}", headers=supervisor),
        "audit": client.get("/ui/audit", headers=auditor),
        "benchmarks": client.get("/ui/benchmarks/ingest.json", headers=auditor),
        "forbidden": client.get("/ui/referrals", headers=officer),
        "refused sign-in": client.post("/ui/login", data={"username": "x", "password": "y"}, headers=accept),
    }
    for name, response in pages.items():
        assert f'<html lang="{lang}">' in response.text, f"{name}: {response.status_code}"
    return {name: response.text for name, response in pages.items()}


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_every_page_read_in_french_has_no_english_left(client, headers, populated, settings, tmp_path):
    left = {}
    for name, page in _pages(client, headers, populated, settings, tmp_path, "fr").items():
        text = DATA.sub(" ", _visible_text(page))
        found = sorted({text[max(0, m.start() - 30) : m.end() + 30] for m in ENGLISH.finditer(text)})
        if found:
            left[name] = found
    assert not left, f"English words on French pages (mark them with _() and translate them): {left}"


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_every_page_read_in_english_still_reads_english(client, headers, populated, settings, tmp_path):
    pages = _pages(client, headers, populated, settings, tmp_path, "en")
    assert "Sign in" in pages["login"] and "Referral queue" in pages["referrals"]
    assert "Evidence the officer saw" in pages["transaction"] and "Your review" in pages["transaction"]
    assert "Chain status" in pages["audit"] and "Benchmark run (UTC)" in pages["benchmarks"]
    assert "This page is not for the officer role" in pages["forbidden"]
    assert "Unknown username or wrong password" in pages["refused sign-in"]
