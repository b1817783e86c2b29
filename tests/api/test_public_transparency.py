"""The public transparency routes: signed tree head, key fingerprint, statistics with small counts suppressed,
and not one piece of personal data in any public answer."""

from __future__ import annotations

import base64
import json
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from api.public.suppression import SUPPRESSED, group, share
from api.schemas import Role
from tests.api.public_flow import screened_with_receipt
from watchlists.models import Category, SubjectCreate, WatchlistCreate
from watchlists.store import add_subject, create_watchlist

SQLITE = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)

FACE_JPEG = base64.b64encode(b"\xff\xd8\xff\xe0" + b"FACEPIXELS" * 20).decode()
PERSONAL = ("ERIKSSON", "ANNA MARIA", "L898902C3", "1974-08-12", "2032-04-15", FACE_JPEG[:40], "FACEPIXELS")


def _strings(value: Any) -> list[str]:
    """Every string (keys too) in a JSON value."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _numbers(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [value] if isinstance(value, int) and not isinstance(value, bool) else []


def test_complementary_suppression_hides_a_second_part_so_none_can_be_derived():
    assert group(15, {"CLEAR": 14, "REFER": 1}) == (15, {"CLEAR": SUPPRESSED, "REFER": SUPPRESSED})
    assert group(40, {"A": 20, "B": 15, "C": 5}) == (40, {"A": 20, "B": SUPPRESSED, "C": SUPPRESSED})
    assert group(25, {"A": 25, "B": 0}) == (25, {"A": 25, "B": 0})
    assert group(7, {"A": 7, "B": 0}) == (SUPPRESSED, {"A": SUPPRESSED, "B": 0})
    assert share(SUPPRESSED, 40) == SUPPRESSED and share(10, 40) == 0.25


@SQLITE
def test_every_public_answer_is_free_of_personal_data(app, client, headers):
    kiosk = headers[Role.KIOSK]
    receipt = screened_with_receipt(client, kiosk, face_image_jpeg_b64=FACE_JPEG)
    for _ in range(11):
        screened_with_receipt(client, kiosk, face_image_jpeg_b64=FACE_JPEG)
    client.post("/api/audit/tree-heads", headers=headers[Role.AUDITOR])
    statement = "My name is ERIKSSON and my passport L898902C3 was taken."
    filed = client.post(
        "/public/complaints", json={"reference": receipt["reference"], "salt": receipt["salt"], "statement": statement}
    ).json()
    heads = client.get("/public/tree-heads").json()
    sizes = [h["signed_tree_head"]["tree_size"] for h in heads]
    answers = [
        client.get("/public/transparency.json"),
        client.get("/public/transparency"),
        client.get("/public/transparency", headers={"Accept-Language": "en"}),
        client.get("/public/tree-heads"),
        client.get(f"/public/proofs/consistency?first={sizes[0]}&second={sizes[-1]}"),
        client.get("/public/public-key"),
        client.get(f"/public/receipts/{receipt['reference']}"),
        client.get("/public/receipt"),
        client.post("/public/receipt", data={"reference": receipt["reference"], "salt": receipt["salt"]}),
        client.get("/public/complaint"),
        client.get(f"/public/complaints/{filed['number']}?token={filed['token']}"),
        client.get(f"/public/complaints/{filed['number']}?token={filed['token']}", headers={"Accept": "text/html"}),
    ]
    for response in answers:
        assert response.status_code == 200, (response.url, response.text[:300])
        for personal in (*PERSONAL, statement[:20], "transaction:", "transaction_id"):
            assert personal not in response.text, (response.url, personal)
        if response.headers["content-type"].startswith("application/json"):
            values = _strings(response.json())
            for name in ("officer", "supervisor", "kiosk-1", receipt["salt"]):
                assert name not in values, (response.url, name)
    for route in client.app.routes:  # every public route was walked above
        path = getattr(route, "path", "")
        if path.startswith("/public/"):
            assert any(path.split("{")[0] in str(a.url) for a in answers), path


@SQLITE
def test_small_counts_are_suppressed_on_a_crafted_small_post(client, headers):
    kiosk = headers[Role.KIOSK]
    for _ in range(3):
        screened_with_receipt(client, kiosk, post_id="post-tiny")
    for _ in range(14):
        screened_with_receipt(
            client, kiosk, post_id="post-big", recommendation="CLEAR", reason_codes=[], candidates=[], outcome="CLEAR"
        )
    screened_with_receipt(client, kiosk, post_id="post-big")
    rows = {r["post_id"]: r for r in client.get("/public/transparency.json").json()["statistics"]["monthly_by_post"]}
    tiny, big = rows["post-tiny"], rows["post-big"]
    assert tiny["screenings"] == SUPPRESSED and tiny["recommendations"]["REFER"] == SUPPRESSED
    assert tiny["refer_share"] == SUPPRESSED and tiny["reason_codes"]["WATCHLIST_FACE_HIT"] == SUPPRESSED
    assert big["screenings"] == 15
    # One REFER among 15: hiding REFER alone would let 15 - CLEAR give it away, so CLEAR is hidden too.
    assert big["recommendations"] == {"CLEAR": SUPPRESSED, "REFER": SUPPRESSED}
    assert big["refer_share"] == SUPPRESSED
    statistics = client.get("/public/transparency.json").json()["statistics"]
    assert all(n == 0 or n >= 10 for n in _numbers(statistics["monthly_by_post"]))
    assert statistics["suppression"]["threshold"] == 10


@SQLITE
def test_the_transparency_json_has_the_signed_head_the_key_fingerprint_and_is_cacheable(client, headers):
    screened_with_receipt(client, headers[Role.KIOSK])
    response = client.get("/public/transparency.json")
    assert response.headers["cache-control"] == "public, max-age=60"
    body = response.json()
    assert set(body) >= {"signed_tree_head", "statistics", "public_key"}
    assert body["signed_tree_head"]["tree_size"] >= 1
    assert len(body["public_key"]["fingerprint"].replace(" ", "")) == 64
    page = client.get("/public/transparency")
    assert body["public_key"]["fingerprint"] in page.text
    assert json.loads(json.dumps(body)) == body


@SQLITE
def test_public_routes_are_rate_limited_per_address(app, client):
    app.state.settings.public_requests_per_minute = 3
    codes = [client.get("/public/public-key").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


@SQLITE
def test_watchlist_entries_are_counted_per_category_and_legal_basis_with_small_counts_hidden(app, client):
    with Session(app.state.engine, expire_on_commit=False) as session:
        for name, basis, count in (("wl-big", "Loi 2021-015", 12), ("wl-small", "Décision 2026/7", 2)):
            watchlist = create_watchlist(
                session,
                WatchlistCreate(name=name, category=Category.wanted_person, owning_authority="DGPN", legal_basis=basis),
                "admin",
                "test set-up",
            )
            for n in range(count):
                subject = SubjectCreate(
                    external_ref=f"{name}-{n}", name_latin="NOM PRENOM", reason="test", review_by=date(2031, 1, 1)
                )
                add_subject(session, watchlist, subject, "admin", "test set-up")
        session.commit()
    entries = client.get("/public/transparency.json").json()["statistics"]["watchlist_entries"]
    by_basis = {e["legal_basis"]: e["entries"] for e in entries}
    assert by_basis == {"Loi 2021-015": 12, "Décision 2026/7": SUPPRESSED}
    assert "NOM PRENOM" not in client.get("/public/transparency.json").text


@SQLITE
def test_a_hidden_officer_outcome_cannot_be_recovered_from_the_referral_and_hit_pairs(client, headers):
    kiosk = headers[Role.KIOSK]
    for outcome, count in (("CLEAR", 3), ("CLEAR_AFTER_CHECK", 20), ("SECONDARY_INSPECTION", 12)):
        for _ in range(count):
            screened_with_receipt(client, kiosk, post_id="post-c", outcome=outcome)
    row = client.get("/public/transparency.json").json()["statistics"]["monthly_by_post"][0]
    assert row["officer_outcomes"]["CLEAR"] == SUPPRESSED
    assert row["officer_outcomes"]["CLEAR_AFTER_CHECK"] == 20  # complementary: SECONDARY_INSPECTION hidden instead
    # Every screening here is a referral with a watchlist hit: "cleared" (23) - CLEAR_AFTER_CHECK (20) would give the
    # hidden CLEAR (3) away, so the pairs built from outcomes are hidden with it.
    assert row["referrals_cleared_false_alarms"] == row["watchlist_hits_not_confirmed"] == SUPPRESSED
