"""Officer sign-in on the kiosk page, against a real centre process: nothing personal without a signed-in officer,
online sign-in leaves a slow salted hash (never the password), offline sign-in only for cached officers, the
same answer whatever was wrong, lock-out after repeated failures, idle timeout and sign-out."""

from __future__ import annotations

import re
import sqlite3
import time

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlmodel import Session, select

from api.db import make_engine
from api.models import User
from checkpoint.kiosk.app import SESSION_COOKIE, create_kiosk_app
from checkpoint.kiosk.officer_sign_in import OFFLINE_REFUSED, REFUSED
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings
from tests.api.live_server import serving
from tests.checkpoint.centre import Centre, provisioned_centre, sign_in_on_kiosk

# The FR | EN switch works signed out too: it only sets the page language, nothing personal.
OPEN = {("GET", "/health"), ("GET", "/signin"), ("POST", "/signin"), ("POST", "/signout"), ("GET", "/language/{lang}")}


def _kiosk(screener, tmp_path, centre: Centre | None = None, **knobs):  # type: ignore[no-untyped-def]
    url = centre.url if centre else "http://127.0.0.1:9"  # nothing listens on the discard port
    settings = Settings(
        data_dir=tmp_path / "kiosk", centre_url=url, kiosk_sign_in_timeout_seconds=5, default_language="en", **knobs
    )
    outbox = Outbox(settings.outbox_path)
    return TestClient(create_kiosk_app(settings, screener, None, outbox, None)), outbox, settings


@pytest.fixture
def centre(tmp_path):  # type: ignore[no-untyped-def]
    centre = provisioned_centre(tmp_path / "centre", more_users={"newcomer": "officer"})
    centre.start()
    yield centre
    centre.stop()


def _error(page: httpx.Response) -> str:
    return page.text.split('id="error" role="alert">')[1].split("</p>")[0].replace("&#39;", "'")


def test_every_route_but_health_and_sign_in_refuses_without_a_signed_in_officer(screener, traveller, tmp_path):
    client, outbox, _ = _kiosk(screener, tmp_path)
    document, frames = traveller.write(tmp_path / "traveller")
    routes = [
        (method, route.path)
        for route in client.app.routes
        if isinstance(route, APIRoute)
        for method in route.methods - {"HEAD"}
    ]
    protected = [(m, p) for m, p in routes if (m, p) not in OPEN]
    assert len(protected) >= 9  # home, screen, api/screen, screening, disposition, 2 images, thumbnail, backlog
    key = "00000000-0000-0000-0000-000000000001"
    for stale_cookie in (False, True):
        if stale_cookie:  # a session the kiosk does not know (ended, or from before a restart)
            client.cookies.set(SESSION_COOKIE, "made-up-or-expired")
        for method, path in protected:
            concrete = path.replace("{key}", key).replace("{entry}", "E1")
            kwargs: dict = {"follow_redirects": False}
            if path == "/api/screen":
                kwargs["json"] = {"document": str(document), "frames": str(frames)}  # a screening that would work
            elif path == "/screen":
                kwargs["files"] = {"document": ("page.jpg", document.read_bytes(), "image/jpeg")}
            elif path.endswith("/disposition"):
                kwargs["data"] = {"outcome": "CLEAR"}
            response = client.request(method, concrete, **kwargs)
            if path.startswith("/api/") or path.endswith(".jpg"):
                assert response.status_code == 401, (method, path)
                assert response.json()["code"] == "sign_in_required", (method, path)
            else:
                assert response.status_code == 303, (method, path)
                assert response.headers["location"].startswith("/signin?next="), (method, path)
                assert ("ended=1" in response.headers["location"]) == stale_cookie
    assert outbox.backlog().pending_transactions == 0  # nothing was screened for an anonymous caller
    assert client.get("/health").status_code == 200
    # The sign-in page says why the session ended, and takes the officer back where they were afterwards.
    page = client.get("/signin?next=%2Fscreening%2Fabc&ended=1")
    assert "Your session ended" in page.text and 'value="/screening/abc"' in page.text
    assert 'value="/"' in client.get("/signin?next=https%3A%2F%2Fevil.example%2F").text  # never off-site
    # Another site cannot post forms here (e.g. sign this browser in as its own officer).
    cross = client.post("/signin", data={"username": "x", "password": "y"}, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403 and cross.json()["code"] == "cross_site_request"
    same = client.post("/signin", data={"username": "", "password": ""}, headers={"Origin": "http://testserver"})
    assert same.status_code == 400 and "Enter your username and password" in same.text


@pytest.mark.slow
def test_online_sign_in_caches_a_slow_hash_then_offline_sign_in_admits_only_cached_officers(screener, tmp_path, centre):
    client, _, settings = _kiosk(screener, tmp_path, centre, login_max_failures=3)
    password = centre.passwords["officer"]
    signed_in = sign_in_on_kiosk(client, "officer", password)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    home = client.get("/")
    assert (
        'id="officer">Officer <span dir="auto" translate="no">officer<' in home.text
        and "offline-sign-in" not in home.text
    )
    # The kiosk keeps a per-entry salted scrypt hash, never the password.
    raw = settings.kiosk_credentials_path.read_bytes()
    assert password.encode() not in raw
    with sqlite3.connect(settings.kiosk_credentials_path) as db:
        [(user, salt, digest, n)] = db.execute("SELECT username, salt, digest, n FROM officer_credential").fetchall()
    assert user == "officer" and len(salt) == 16 and len(digest) == 32 and n >= 2**14
    # The centre saw the login and the kiosk gave its token back at once.
    auditor = {"Authorization": f"Bearer {centre.token('auditor')}"}
    logins = httpx.get(f"{centre.url}/api/audit/events", params={"action": "auth.login"}, headers=auditor).json()
    assert any(e["actor"] == "officer" for e in logins)

    # Wrong password, unknown user, an account that is not an officer's: one answer, nothing about which.
    client.cookies.clear()
    answers = [
        sign_in_on_kiosk(client, "officer", "not the password"),
        sign_in_on_kiosk(client, "nobody", "whatever it is"),
        sign_in_on_kiosk(client, "supervisor", centre.passwords["supervisor"]),
        sign_in_on_kiosk(client, "x" * 300, "longer than any username"),
    ]
    assert [a.status_code for a in answers] == [401, 401, 401, 401]
    assert {_error(a) for a in answers} == {str(REFUSED)}
    assert all(SESSION_COOKIE not in a.headers.get("set-cookie", "") for a in answers)

    centre.stop()  # the link goes down
    offline = sign_in_on_kiosk(client, "officer", password)
    assert offline.status_code == 303
    home = client.get("/")
    assert 'id="offline-sign-in"' in home.text and "offline sign-in" in home.text
    client.cookies.clear()
    # An officer who never signed in here online is refused offline, with what to do about it.
    never = sign_in_on_kiosk(client, "newcomer", centre.passwords["newcomer"])
    assert never.status_code == 401
    assert _error(never) == OFFLINE_REFUSED % {"hours": "72"}
    assert "sign in when the centre is reachable" in _error(never)
    assert _error(sign_in_on_kiosk(client, "officer", "wrong offline")) == _error(never)  # same words
    # Repeated failures lock the username out on the kiosk, even with the right password next.
    sign_in_on_kiosk(client, "officer", "wrong offline again")
    sign_in_on_kiosk(client, "officer", "and again")
    locked = sign_in_on_kiosk(client, "officer", password)
    assert locked.status_code == 429 and "Too many failed sign-ins" in _error(locked)


@pytest.mark.slow
def test_offline_credential_expires_and_a_password_the_centre_refuses_stops_working_offline(screener, tmp_path, centre):
    client, _, settings = _kiosk(screener, tmp_path, centre, kiosk_offline_login_hours=1 / 3600)  # one second
    assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 303
    centre.stop()
    time.sleep(1.2)
    client.cookies.clear()
    assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 401  # too old

    client, _, settings = _kiosk(screener, tmp_path / "second", centre)
    centre.start()
    assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 303
    # The account is disabled at the centre: the next online sign-in is refused and the cache entry goes too.
    engine = make_engine(centre.database_url)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "officer")).one()
        user.active = False
        session.add(user)
        session.commit()
    engine.dispose()
    client.cookies.clear()
    assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 401
    centre.stop()
    assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 401  # not offline either
    with sqlite3.connect(settings.kiosk_credentials_path) as db:
        assert db.execute("SELECT COUNT(*) FROM officer_credential").fetchone()[0] == 0


def test_idle_timeout_and_sign_out_end_the_session(screener, tmp_path, centre):
    client, _, _ = _kiosk(screener, tmp_path, centre, kiosk_session_idle_minutes=2 / 60)  # two seconds
    assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 303
    for _ in range(3):  # activity keeps the session alive past the idle limit
        time.sleep(1.0)
        assert client.get("/", follow_redirects=False).status_code == 200
    time.sleep(2.3)
    ended = client.get("/", follow_redirects=False)
    assert ended.status_code == 303 and "ended=1" in ended.headers["location"]
    assert client.get("/api/backlog").status_code == 401
    assert "Your session ended" in client.get(ended.headers["location"]).text

    assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 303
    token = client.cookies.get(SESSION_COOKIE)
    out = client.post("/signout", follow_redirects=False)
    assert out.status_code == 303 and re.search(rf"{SESSION_COOKIE}=\"?\"?;", out.headers["set-cookie"])
    assert "You are signed out" in client.get(out.headers["location"]).text
    client.cookies.set(SESSION_COOKIE, token)  # the old token, replayed
    assert client.get("/api/backlog").status_code == 401


def test_the_next_officer_signing_in_on_the_same_browser_ends_the_previous_session(screener, tmp_path, centre):
    client, _, _ = _kiosk(screener, tmp_path, centre)
    assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 303
    first = client.cookies.get(SESSION_COOKIE)
    assert sign_in_on_kiosk(client, "newcomer", centre.passwords["newcomer"]).status_code == 303
    assert 'id="officer">Officer <span dir="auto" translate="no">newcomer<' in client.get("/").text
    client.cookies.set(SESSION_COOKIE, first)
    assert client.get("/api/backlog").status_code == 401


@pytest.mark.slow
def test_an_unattended_page_leaves_for_the_sign_in_page_when_the_session_idles_out(screener, tmp_path, centre, browser):
    settings = Settings(
        data_dir=tmp_path / "kiosk", centre_url=centre.url, kiosk_session_idle_minutes=3 / 60, default_language="en"
    )
    app = create_kiosk_app(settings, screener, None, Outbox(settings.outbox_path), None)
    with serving(app) as base:
        browser.get(base + "/")
        browser.find_element(By.ID, "username").send_keys("officer", Keys.TAB, centre.passwords["officer"], Keys.ENTER)
        WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "officer"))
        assert browser.current_url == base + "/"
        # Nobody touches the kiosk: the page goes away by itself and says why.
        WebDriverWait(browser, 15, poll_frequency=0.2).until(lambda d: d.find_elements(By.ID, "notice"))
        assert "Your session ended" in browser.find_element(By.ID, "notice").text
        assert not browser.find_elements(By.ID, "officer")
        browser.get(base + "/")  # and the session is really gone, not just the page
        assert browser.current_url.startswith(base + "/signin?next=")


def test_a_centre_refusing_this_kiosks_address_is_named_with_the_wait_it_gives(screener, tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKPOINT_LOGIN_ADDRESS_MAX_FAILURES", "2")
    monkeypatch.setenv("CHECKPOINT_LOGIN_ADDRESS_WINDOW_SECONDS", "600")
    centre = provisioned_centre(tmp_path / "centre")
    centre.start()
    try:
        client, _, _ = _kiosk(screener, tmp_path, centre)
        for name in ("officer", "supervisor"):  # two different names: the kiosk's own per-name limit is not hit
            assert sign_in_on_kiosk(client, name, "wrong").status_code == 401
        refused = sign_in_on_kiosk(client, "officer", centre.passwords["officer"])
        assert refused.status_code == 429
        seconds = int(re.search(r"wait (\d+) s", _error(refused)).group(1))
        assert "refuses sign-ins from this kiosk" in _error(refused) and 500 < seconds <= 600  # the centre's window
    finally:
        centre.stop()
