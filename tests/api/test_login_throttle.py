"""Login throttling per client address: 429 with Retry-After after N failures from one address, nobody else
affected, unknown names counted too, and the window's end lets the address try again (driven by a clock)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.models import LoginFailure, utcnow
from api.schemas import Role
from checkpoint.settings import Settings
from tests.api.conftest import PASSWORD, add_user

ATTACKER = ("10.0.0.66", 40000)
OFFICE = ("10.0.0.2", 40001)
ADDRESS_LIMIT = 4
ACCOUNT_LIMIT = 3
WINDOW_SECONDS = 600


class Clock:
    """A clock the test moves by hand, so windows can end without sleeping."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.login_address_max_failures = ADDRESS_LIMIT
    settings.login_address_window_seconds = WINDOW_SECONDS
    settings.login_max_failures = ACCOUNT_LIMIT
    settings.login_lockout_seconds = 300
    return settings


@pytest.fixture
def clock(app) -> Clock:  # type: ignore[no-untyped-def]
    clock = Clock()
    policy = app.state.auth_policy
    app.state.auth_policy = replace(policy, limits=replace(policy.limits, clock=clock))
    return clock


@pytest.fixture
def attacker(app, clock) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, client=ATTACKER) as c:
        yield c


@pytest.fixture
def office(app, clock) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, client=OFFICE) as c:
        yield c


def _login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    return client.post("/api/auth/login", json={"username": username, "password": password}).status_code


def _assert_throttled(response, about: str) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 429, response.text
    body = response.json()
    assert set(body) == {"code", "message"}
    assert body["code"] == "login_throttled"
    assert about in body["message"]
    retry_after = int(response.headers["Retry-After"])
    assert f"wait {retry_after} s" in body["message"]  # what the kiosk page reads back
    return retry_after


def test_unknown_usernames_and_kiosk_ids_count_towards_the_address_limit(app, attacker):
    add_user(app, "olga", Role.OFFICER)
    for name in ("nobody-1", "nobody-2", "root"):
        assert _login(attacker, name, "guess") == 401
    assert attacker.post("/api/auth/kiosk-login", json={"kiosk_id": "kiosk-x", "secret": "guess"}).status_code == 401

    # Even the right password for a real account is refused from that address now, on every login route.
    retry_after = _assert_throttled(
        attacker.post("/api/auth/login", json={"username": "olga", "password": PASSWORD}), "your address"
    )
    assert 0 < retry_after <= WINDOW_SECONDS
    _assert_throttled(attacker.post("/api/auth/kiosk-login", json={"kiosk_id": "k", "secret": "s"}), "your address")
    page = attacker.post("/ui/login", data={"username": "olga", "password": PASSWORD}, follow_redirects=False)
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    # The throttle table keeps digests of the names typed, never the names.
    with Session(app.state.engine) as session:
        rows = session.exec(select(LoginFailure)).all()
    assert len(rows) == ADDRESS_LIMIT
    assert {r.address for r in rows} == {ATTACKER[0]}
    assert not any("nobody" in (r.account_digest or "") for r in rows)


def test_a_throttled_address_does_not_stop_logins_from_other_addresses(app, attacker, office, headers):
    add_user(app, "olga", Role.OFFICER)
    for i in range(ADDRESS_LIMIT):
        assert _login(attacker, f"nobody-{i}", "guess") == 401
    assert _login(attacker, "olga") == 429
    assert _login(office, "olga") == 200
    kiosk = office.post("/api/kiosks", json={"kiosk_id": "kiosk-2", "post_id": "post-a"}, headers=headers[Role.ADMIN])
    secret = kiosk.json()["secret"]
    assert attacker.post("/api/auth/kiosk-login", json={"kiosk_id": "kiosk-2", "secret": secret}).status_code == 429
    assert office.post("/api/auth/kiosk-login", json={"kiosk_id": "kiosk-2", "secret": secret}).status_code == 200


def test_failing_on_purpose_cannot_lock_an_officer_out_from_elsewhere(app, attacker, office):
    add_user(app, "olga", Role.OFFICER)
    for _ in range(ACCOUNT_LIMIT):
        assert _login(attacker, "olga", "guess") == 401
    # Olga herself, at her own desk, logs in as usual, again and again...
    for _ in range(3):
        assert _login(office, "olga") == 200
    # ...while the attacker's address is locked out of her account before its address limit is reached.
    _assert_throttled(attacker.post("/api/auth/login", json={"username": "olga", "password": PASSWORD}), "olga")


def test_the_end_of_the_window_lets_the_address_try_again(app, attacker, clock):
    add_user(app, "olga", Role.OFFICER)
    for i in range(ADDRESS_LIMIT):
        assert _login(attacker, f"nobody-{i}", "guess") == 401
    first = attacker.post("/api/auth/login", json={"username": "olga", "password": PASSWORD})
    assert _assert_throttled(first, "your address") == WINDOW_SECONDS
    clock.advance(WINDOW_SECONDS - 1)
    assert _assert_throttled(attacker.post("/api/auth/login", json={"username": "olga", "password": "x"}), "") == 1
    clock.advance(1)
    assert _login(attacker, "olga") == 200


def test_a_good_login_resets_the_account_count_but_not_the_address_count(app, attacker):
    add_user(app, "olga", Role.OFFICER)
    for _ in range(ACCOUNT_LIMIT - 1):
        assert _login(attacker, "olga", "typo") == 401
    assert _login(attacker, "olga") == 200
    assert _login(attacker, "olga", "typo") == 401
    assert _login(attacker, "olga") == 200  # without the reset, that typo was olga's third failure from here
    assert _login(attacker, "nobody", "guess") == 401  # the address's fourth failure
    # A valid account at hand does not wipe out the address's failures.
    assert _login(attacker, "olga") == 429
