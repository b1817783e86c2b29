"""Identity: argon2 passwords, expiring and revocable tokens, login throttling, and every route's roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from api.models import AccessToken, User, utcnow
from api.page_words import role_name
from api.schemas import Role
from checkpoint.i18n import language
from tests.api.conftest import PASSWORD, add_user, api_routes, declared_roles, fresh_token, login, transaction_body

# Routes anyone may call: logging in, the health probe, the login page, its FR | EN switch.
PUBLIC = {
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/kiosk-login"),
    ("GET", "/health"),
    ("GET", "/ui/login"),
    ("POST", "/ui/login"),
    ("POST", "/ui/language"),
    # Partner centres: no token, each request is signed with the partner's registered Ed25519 key instead.
    ("POST", "/exchange/v1/queries"),
    ("POST", "/exchange/v1/followups"),
    ("POST", "/exchange/v1/followups/status"),
    # The public side (issue 18): no account by design, rate-limited, no personal data (test_public_transparency).
    ("GET", "/public/transparency.json"),
    ("GET", "/public/transparency"),
    ("GET", "/public/public-key"),
    ("GET", "/public/tree-heads"),
    ("GET", "/public/proofs/consistency"),
    ("GET", "/public/receipts/{reference}"),
    ("GET", "/public/receipt"),
    ("POST", "/public/receipt"),
    ("POST", "/public/complaints"),
    ("GET", "/public/complaint"),
    ("POST", "/public/complaint"),
    ("GET", "/public/complaints/{number}"),
}
DOCS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def _routes(app) -> list[tuple[str, str, frozenset[Role] | None]]:  # type: ignore[no-untyped-def]
    found = []
    for route in api_routes(app.routes):
        if route.path not in DOCS:
            for method in sorted(route.methods - {"HEAD"}):
                found.append((method, route.path, declared_roles(route)))
    return found


def _concrete(path: str) -> str:
    return (
        path.replace("{transaction_id}", "1")
        .replace("{complaint_id}", "1")
        .replace("{username}", "officer")
        .replace("{name}", "none.json")
    )


def test_every_route_declares_its_roles(app):
    undeclared = [(m, p) for m, p, roles in _routes(app) if roles is None and (m, p) not in PUBLIC]
    assert undeclared == []
    assert len(_routes(app)) >= 15


def test_role_matrix_refuses_every_role_a_route_does_not_allow(app, client, headers):
    """Every route x every role: refused roles get 403 with a remedy; allowed roles are never refused."""
    checked = 0
    for method, path, roles in _routes(app):
        if roles is None:
            continue
        anonymous = client.request(method, _concrete(path), json={})
        assert anonymous.status_code == 401, (method, path)
        for role in Role:
            response = client.request(
                method,
                _concrete(path),
                json={},
                headers={**fresh_token(app, role), "Accept-Language": "en"},
                follow_redirects=False,
            )
            if role in roles:
                assert response.status_code not in (401, 403), (method, path, role, response.text)
            else:
                assert response.status_code == 403, (method, path, role, response.text)
                if path.startswith("/ui/"):  # a page a person reads, naming the roles it needs
                    with language("en"):
                        role_names = [role_name(r.value) for r in (role, *roles)]
                    assert 'id="forbidden"' in response.text and f"the {role_names[0]} role" in response.text
                    assert all(name in response.text for name in role_names[1:])
                else:
                    assert response.json()["code"] == "forbidden"
                    assert role.value in response.json()["message"]
            checked += 1
    assert checked >= 15 * len(Role)


def test_password_is_stored_as_argon2id_never_plain(app, client):
    add_user(app, "olga", Role.OFFICER)
    with Session(app.state.engine) as session:
        user = session.exec(select(User).where(User.username == "olga")).one()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_wrong_password_is_401_and_right_one_gets_a_working_token(app, client):
    add_user(app, "olga", Role.OFFICER)
    bad = client.post("/api/auth/login", json={"username": "olga", "password": "nope"})
    assert bad.status_code == 401
    assert bad.json()["code"] == "not_authenticated"
    me = client.get("/api/auth/me", headers=login(client, "olga"))
    assert me.json() == {"name": "olga", "role": "officer"}


def test_login_is_throttled_after_repeated_failures_even_with_the_right_password(app, client, settings):
    add_user(app, "olga", Role.OFFICER)
    for _ in range(settings.login_max_failures):
        assert client.post("/api/auth/login", json={"username": "olga", "password": "x"}).status_code == 401
    locked = client.post("/api/auth/login", json={"username": "olga", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["code"] == "login_throttled"
    assert "wait" in locked.json()["message"]


def test_expired_token_is_refused(app, client):
    add_user(app, "olga", Role.OFFICER)
    auth = login(client, "olga")
    with Session(app.state.engine) as session:
        for token in session.exec(select(AccessToken)).all():
            token.expires_at = utcnow() - timedelta(seconds=1)
            session.add(token)
        session.commit()
    response = client.get("/api/auth/me", headers=auth)
    assert response.status_code == 401
    assert "expired" in response.json()["message"]


def test_logout_revokes_the_token(app, client):
    add_user(app, "olga", Role.OFFICER)
    auth = login(client, "olga")
    assert client.post("/api/auth/logout", headers=auth).status_code == 204
    response = client.get("/api/auth/me", headers=auth)
    assert response.status_code == 401
    assert "revoked" in response.json()["message"]


def test_admin_can_revoke_all_tokens_of_a_user(client, headers):
    assert client.post("/api/users/officer/revoke-tokens", headers=headers[Role.ADMIN]).json() == {"revoked": 1}
    assert client.get("/api/auth/me", headers=headers[Role.OFFICER]).status_code == 401


def test_admin_creates_users_via_api_and_weak_passwords_are_refused(client, headers):
    weak = client.post(
        "/api/users", json={"username": "sam", "password": "short", "role": "supervisor"}, headers=headers[Role.ADMIN]
    )
    assert weak.status_code == 422
    assert "password" in weak.json()["message"]
    made = client.post(
        "/api/users", json={"username": "sam", "password": PASSWORD, "role": "supervisor"}, headers=headers[Role.ADMIN]
    )
    assert made.status_code == 201
    assert made.json()["role"] == "supervisor"
    assert login(client, "sam")


def test_kiosk_cannot_post_as_another_kiosk(client, headers):
    response = client.post("/api/transactions", json=transaction_body(kiosk_id="kiosk-9"), headers=headers[Role.KIOSK])
    assert response.status_code == 403
    assert "kiosk-9" in response.json()["message"]


def test_kiosk_with_wrong_secret_is_refused(client, headers):
    response = client.post("/api/auth/kiosk-login", json={"kiosk_id": "kiosk-1", "secret": "guess"})
    assert response.status_code == 401


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Token xyz"])
def test_malformed_authorization_header_is_401(client, header):
    response = client.get("/api/auth/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert "Bearer" in response.json()["message"]


def test_page_cookie_is_not_a_credential_for_the_json_api(app, client, headers):
    page_login = client.post("/ui/login", data={"username": "supervisor", "password": PASSWORD}, follow_redirects=False)
    assert page_login.status_code == 303
    assert "checkpoint_token" in client.cookies  # the client now carries the page cookie, like a browser
    assert client.get("/ui/referrals").status_code == 200
    assert client.get("/api/transactions").status_code == 401
