"""The officer page in French and in English: chosen per officer (the centre's answer, kept for offline sign-in),
else by the FR | EN switch (the `lang` cookie), else by the browser, else by CHECKPOINT_DEFAULT_LANGUAGE; and no
English left on a French page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from checkpoint.kiosk.app import create_kiosk_app
from checkpoint.kiosk.offline_credentials import OfflineCredentials
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings
from tests.checkpoint.centre import sign_in_on_kiosk
from tests.checkpoint.conftest import build_bundle, load_bundle

# Common English words a French page must not show (whole words, any case).
ENGLISH = set(
    """the and of to with is are was not no yes sign signed decision decided screening screened reason reasons officer
    supervisor submit back home outbox waiting candidates chosen frame frames threshold checks faces snapshot policy
    kiosk traveller watchlist saved record username password new open kind listed found means surname born expires
    quality failed passed done""".split()
)
SKIPPED_ATTRIBUTE_VALUES = ("none",)  # the snapshot version when none is loaded is data, shown as the word itself
VISIBLE_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "data-label")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The words a person reads on a page: text and labelling attributes, leaving out what is not for
    translation — elements marked translate="no" (names, codes, data)."""

    def __init__(self) -> None:
        super().__init__()
        self.skipping: list[bool] = []
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attributes = dict(attrs)
        skip = (self.skipping and self.skipping[-1]) or attributes.get("translate") == "no"
        skip = skip or tag in ("style", "script", "title")
        if not skip:
            self.words += [v for k, v in attrs if k in VISIBLE_ATTRIBUTES and v]
        if tag not in VOID:
            self.skipping.append(bool(skip))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag not in VOID and self.skipping:
            self.skipping.pop()

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if not (self.skipping and self.skipping[-1]):
            self.words.append(data)


def english_words(page: str) -> set[str]:
    parser = VisibleText()
    parser.feed(page)
    text = " ".join(parser.words)
    text = re.sub(r"\b[A-Z0-9_]{2,}\b|camera:\d+", " ", text)  # codes: CLEAR, REFER, reason codes, camera:0
    return {w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH} - set(SKIPPED_ATTRIBUTE_VALUES)


def lang_of(page: str) -> str:
    return re.search(r'<html lang="([a-z]+)"', page).group(1)


def _client(screener, settings: Settings, outbox: Outbox | None = None, store=None) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_kiosk_app(settings, screener, store, outbox or Outbox(settings.outbox_path), None))


def test_the_sign_in_page_answers_in_the_browsers_language_else_the_posts(screener, tmp_path):
    settings = Settings(data_dir=tmp_path / "kiosk")
    client = _client(screener, settings)
    french = client.get("/signin", headers={"Accept-Language": "fr-SN,fr;q=0.9,en;q=0.5"})
    assert lang_of(french.text) == "fr" and "Connexion de l'agent" in french.text and "Se connecter" in french.text
    assert not english_words(french.text)
    english = client.get("/signin", headers={"Accept-Language": "en-GB"})
    assert lang_of(english.text) == "en" and "Officer sign-in" in english.text and "Sign in" in english.text
    assert lang_of(client.get("/signin").text) == "fr"  # CHECKPOINT_DEFAULT_LANGUAGE, French by default
    settings_en = Settings(data_dir=tmp_path / "kiosk-en", default_language="en")
    assert lang_of(_client(screener, settings_en).get("/signin").text) == "en"


def test_the_fr_en_switch_is_on_every_page_and_keeps_the_page(screener, tmp_path):
    client = _client(screener, Settings(data_dir=tmp_path / "kiosk"))
    page = client.get("/signin?next=/screening/abc", headers={"Accept-Language": "fr"})
    assert 'href="/language/en?next=' in page.text
    switched = client.get("/language/en?next=/signin%3Fnext%3D/screening/abc", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/signin?next=/screening/abc"
    page = client.get(switched.headers["location"], headers={"Accept-Language": "fr"})  # the choice beats the browser
    assert lang_of(page.text) == "en" and 'value="/screening/abc"' in page.text
    elsewhere = client.get("/language/fr?next=https://evil.example/", follow_redirects=False)
    assert elsewhere.headers["location"] == "/"  # never another site
    assert client.get("/language/de", follow_redirects=False).status_code == 404


def test_an_officers_language_from_the_centre_follows_the_officer_offline(screener, tmp_path):
    settings = Settings(data_dir=tmp_path / "kiosk", centre_url="http://127.0.0.1:9", kiosk_sign_in_timeout_seconds=2)
    # What an online sign-in leaves behind for this officer: the password's hash and the centre's language for them.
    OfflineCredentials(settings.kiosk_credentials_path, settings.kiosk_offline_login_hours).remember(
        "amina", "her password", language="en"
    )
    client = _client(screener, settings)
    client.headers["Accept-Language"] = "fr"
    assert lang_of(client.get("/signin").text) == "fr"
    assert sign_in_on_kiosk(client, "amina", "her password").status_code == 303  # the centre is unreachable
    home = client.get("/")
    assert lang_of(home.text) == "en" and "offline sign-in" in home.text  # her choice, not this browser's
    client.get("/language/fr?next=/")  # she switches: her session follows, whatever the cookie says later
    client.cookies.delete("lang")
    client.headers["Accept-Language"] = "en"
    assert lang_of(client.get("/").text) == "fr"


def test_no_english_left_on_the_french_pages_and_english_still_reads_as_before(
    screener, traveller, astronaut_template, tmp_path, centre
):
    bundle, key = build_bundle(tmp_path, {"WANTED-1": astronaut_template}, names={"N1": "عبد الله الأمين"})
    snapshot = load_bundle(bundle, key, tmp_path / "snapshot")
    screener.snapshot = lambda: snapshot
    settings = Settings(data_dir=tmp_path / "kiosk", centre_url=centre.url, kiosk_capture_dir=tmp_path)
    outbox = Outbox(settings.outbox_path)
    client = _client(screener, settings, outbox)
    client.headers["Accept-Language"] = "fr"
    assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 303
    document, frames = traveller.write(tmp_path / "traveller")
    key = client.post("/api/screen", json={"document": str(document), "frames": str(frames)}).json()["client_uuid"]
    restarted = _client(screener, settings, outbox)  # a restart: the screening comes back from the outbox
    restarted.headers["Accept-Language"] = "fr"
    assert sign_in_on_kiosk(restarted, "officer", centre.passwords["officer"]).status_code == 303
    pages = {
        "home": client.get("/"),
        "screening": client.get(f"/screening/{key}"),
        "refused decision": client.post(f"/screening/{key}/disposition", data={"outcome": "REFUSE_ENTRY"}),
        "error": client.get("/screening/00000000-0000-0000-0000-000000000000"),
        "upload error": client.post("/screen", files={"document": ("page.jpg", b"not an image", "image/jpeg")}),
        "restored": restarted.get(f"/screening/{key}"),
    }
    for name, page in pages.items():
        assert lang_of(page.text) == "fr", name
        assert not english_words(page.text), f"English on the French {name} page: {english_words(page.text)}"
    screening = pages["screening"].text
    assert 'À contrôler (<b id="recommendation">REFER</b>)' in screening  # the code stays, its meaning beside it
    assert "WATCHLIST_FACE_HIT" in screening and "Correspondances possibles" in screening
    assert "Décision de l'agent" in screening and "Enregistrer la décision" in screening
    assert "Autorisé après vérification (CLEAR_AFTER_CHECK)" in screening  # outcome codes kept, meanings translated
    assert '<option value="SECONDARY_INSPECTION" selected>' in screening  # a REFER proposes a secondary inspection
    assert 'dir="auto" translate="no">Listed WANTED-1<' in screening  # a listed name keeps its own direction
    assert "exige un code motif" in pages["refused decision"].text
    assert pages["error"].status_code == 404 and "Aucun contrôle portant cet identifiant" in pages["error"].text
    assert "Connexion de l" not in pages["home"].text and "Contrôler un voyageur" in pages["home"].text

    client.headers["Accept-Language"] = "en"
    english = client.get(f"/screening/{key}").text
    assert lang_of(english) == "en" and 'To check (<b id="recommendation">REFER</b>)' in english
    assert "Officer decision" in english and "Record decision" in english and "Candidates" in english
    assert "Screen a traveller" in client.get("/").text
