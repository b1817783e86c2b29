"""Every integer on the wire is bounded: a number past what the database holds is a 422 naming the field, not a
500 (issue 14, defect 4)."""

from __future__ import annotations

import pytest

from api.schemas import Role
from tests.api.conftest import transaction_body

HUGE = "99999999999999999999999"  # past 2**63: SQLite's driver raised OverflowError on it

# (role, method, path): each names one integer in a path or query string.
ROUTES = [
    (Role.SUPERVISOR, "GET", f"/api/transactions/{HUGE}"),
    (Role.OFFICER, "POST", f"/api/transactions/{HUGE}/disposition"),
    (Role.KIOSK, "POST", f"/api/transactions/{HUGE}/views"),
    (Role.SUPERVISOR, "POST", f"/api/transactions/{HUGE}/reviews"),
    (Role.SUPERVISOR, "GET", f"/api/transactions?offset={HUGE}"),
    (Role.WATCHLIST_ADMIN, "POST", f"/api/watchlists/subjects/{HUGE}/status"),
    (Role.KIOSK, "GET", f"/api/snapshots/latest?newer_than={HUGE}"),
    (Role.AUDITOR, "GET", f"/api/audit/events?after={HUGE}"),
    (Role.AUDITOR, "GET", f"/api/audit/proofs/inclusion?sequence={HUGE}&tree_size=1"),
    (Role.AUDITOR, "GET", f"/api/audit/proofs/inclusion?sequence=1&tree_size={HUGE}"),
    (Role.AUDITOR, "GET", f"/api/audit/proofs/consistency?first={HUGE}&second=1"),
    (Role.AUDITOR, "GET", f"/api/audit/proofs/consistency?first=1&second={HUGE}"),
    (Role.AUDITOR, "GET", f"/ui/audit?after={HUGE}"),
    (Role.SUPERVISOR, "GET", f"/ui/transactions/{HUGE}"),
]
# A well-formed body for the routes that take one, so the only fault is the number.
BODIES = {
    "/disposition": {"outcome": "CLEAR", "decided_at": "2026-12-01T10:00:00Z"},
    "/views": {
        "view_uuid": "00000000-0000-0000-0000-000000000001",
        "transaction_uuid": "00000000-0000-0000-0000-000000000002",
        "officer": "officer",
        "viewed_at": "2026-12-01T10:00:00Z",
        "sign_in": "online",
    },
    "/reviews": {"verdict": "UPHELD", "reason_code": "CORRECT"},
    "/status": {"action": "suspend", "reason": "review"},
}


def _body(path: str) -> dict | None:
    return next((body for suffix, body in BODIES.items() if path.endswith(suffix)), None)


@pytest.mark.parametrize(("role", "method", "path"), ROUTES, ids=[f"{m} {p.split('?')[0]}" for _, m, p in ROUTES])
def test_an_integer_past_the_database_range_is_422_not_500(client, headers, role, method, path):
    response = client.request(method, path, json=_body(path), headers=headers[role])
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_value"
    assert "2147483647" in response.json()["message"]  # the limit, in the reader's language


def test_a_rank_past_the_database_range_in_a_transaction_body_is_422(client, headers):
    body = transaction_body()
    body["candidates"][0]["rank"] = int(HUGE)
    response = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK])
    assert response.status_code == 422, response.text
    assert "candidates.0.rank" in response.json()["message"]


# A string whose format pins its shape (a UUID, a date, a time) is bounded by that format.
SHAPED_FORMATS = {"uuid", "date", "date-time", "binary"}


def _unbounded(schema: dict, where: str, components: dict) -> list[str]:
    """Every integer without both bounds, string without maxLength and array without maxItems in `schema`."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return _unbounded(components[name], f"{where}<{name}>", components)
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            found += _unbounded(option, where, components)
    kind = schema.get("type")
    if kind == "integer" and not (
        {"minimum", "exclusiveMinimum"} & schema.keys() and {"maximum", "exclusiveMaximum"} & schema.keys()
    ):
        found.append(f"{where}: integer without a minimum and a maximum")
    if kind == "string" and "maxLength" not in schema and "enum" not in schema and "const" not in schema:
        if schema.get("format") not in SHAPED_FORMATS:
            found.append(f"{where}: string without a maxLength")
    if kind == "array":
        if "maxItems" not in schema:
            found.append(f"{where}: array without a maxItems")
        found += _unbounded(schema.get("items", {}), f"{where}[]", components)
    for name, prop in schema.get("properties", {}).items():
        found += _unbounded(prop, f"{where}.{name}", components)
    if isinstance(schema.get("additionalProperties"), dict):
        found += _unbounded(schema["additionalProperties"], f"{where}.*", components)
    return found


def test_every_number_string_and_list_a_caller_sends_is_bounded_in_the_openapi_schema(app):
    """A new parameter or body field without bounds fails here, before it can reach the database as a 500."""
    schema = app.openapi()
    components = schema.get("components", {}).get("schemas", {})
    unbounded = []
    operations = 0
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations += 1
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} {parameter['in']} {parameter['name']}"
                unbounded += _unbounded(parameter["schema"], where, components)
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                unbounded += _unbounded(content["schema"], f"{method.upper()} {path} body ({media})", components)
    assert unbounded == []
    assert operations >= 30  # the pages (/ui/...) are in the schema too


def test_a_time_that_cannot_be_turned_into_utc_is_422_not_500(client, headers):
    """Found by the wire fuzz: year 1 just east of UTC has no UTC equivalent, and the conversion raised."""
    body = transaction_body()
    client.post("/api/transactions", json=body, headers=headers[Role.KIOSK])
    for decided_at in ("0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"):
        response = client.post(
            "/api/transactions/1/disposition",
            json={"outcome": "CLEAR", "decided_at": decided_at},
            headers=headers[Role.OFFICER],
        )
        assert response.status_code == 422, response.text
        assert "decided_at" in response.json()["message"]


def test_a_nul_character_anywhere_in_a_request_is_422_on_every_database(client, headers):
    """PostgreSQL cannot hold NUL in text (the driver raised: 500) and no field has a use for one."""
    requests = [
        ("POST", "/api/auth/login", {"json": {"username": "officer\u0000", "password": "x"}}, None),
        ("POST", "/ui/login", {"data": {"username": "officer\u0000", "password": "x"}}, None),
        ("GET", "/api/transactions?post_id=post%00a", {}, Role.SUPERVISOR),
        ("GET", "/api/audit/events?action=auth%00", {}, Role.AUDITOR),
        ("GET", "/api/watchlists/wanted%00/subjects", {}, Role.WATCHLIST_ADMIN),
        (
            "POST",
            "/api/transactions/1/reviews",
            {"json": {"verdict": "UPHELD", "reason_code": "OK", "comment": "a\u0000"}},
            Role.SUPERVISOR,
        ),
    ]
    for method, path, kwargs, role in requests:
        response = client.request(method, path, headers=headers[role] if role else None, **kwargs)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["code"] == "nul_character", path
