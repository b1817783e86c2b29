"""Partner queries from screenings: an agreement asking for them on referrals gets them sent by the centre's
outbox, the answer shows with the screening; a partner that is down never delays the screening."""

from __future__ import annotations

import time

import httpx

from api.accounts import register_kiosk
from api.app import auth_policy
from api.audit.chain import Actor
from api.exchange.partners import set_agreement
from api.exchange.wire import AgreementSet
from api.schemas import KioskCreate
from checkpoint.cli import exchange_centres as centres
from tests.api.conftest import transaction_body
from tests.api.exchange.conftest import free_port

_KIOSKS: dict[str, httpx.Client] = {}


def _kiosk_client_once(centre: centres.Centre) -> httpx.Client:
    """The module's kiosk at `centre`, registered on first use."""
    if centre.centre_id not in _KIOSKS:
        _KIOSKS[centre.centre_id] = _kiosk_client(centre)
    return _KIOSKS[centre.centre_id]


def _kiosk_client(centre: centres.Centre) -> httpx.Client:
    settings = centre.settings()
    with centres.centre_session(settings) as (session, trail):
        secret = register_kiosk(
            session, trail, auth_policy(settings), Actor("test", "admin"), KioskCreate(kiosk_id="kiosk-x", post_id="p")
        ).secret
    client = httpx.Client(
        base_url=centre.url, timeout=60, headers={"Accept-Language": "en"}
    )  # the sentences in English
    token = client.post("/api/auth/kiosk-login", json={"kiosk_id": "kiosk-x", "secret": secret}).json()["access_token"]
    client.headers["authorization"] = f"Bearer {token}"
    return client


def _agree(centre: centres.Centre, partner: str, kiosk_queries: str) -> None:
    with centres.centre_session(centre.settings()) as (session, trail):
        terms = AgreementSet(
            partner_id=partner, **centres.demo_terms(kiosk_queries=kiosk_queries, query_kinds=["document"])
        )
        set_agreement(session, trail, Actor("test", "admin"), terms)


def test_a_referral_is_queried_at_the_partner_and_a_partner_that_is_down_never_delays_it(pair, tmp_path):
    mli = pair["MLI"].centre
    down = centres.Centre("GHA", tmp_path / "GHA", free_port())  # registered, never started
    centres.link(mli, down, centres.demo_terms(kiosk_queries="every", query_kinds=["document"]))
    _agree(mli, "NER", "refer")
    kiosk = _kiosk_client_once(mli)
    document = {**transaction_body()["document"], "issuing_state": "NER", "document_number": "DM0000001"}
    started = time.perf_counter()
    stored = kiosk.post("/api/transactions", json=transaction_body(kiosk_id="kiosk-x", document=document))
    assert stored.status_code == 201, stored.text
    assert time.perf_counter() - started < 3  # the partners are asked afterwards, by the outbox
    deadline = time.monotonic() + 60
    answers: list[dict] = []
    while time.monotonic() < deadline:
        answers = kiosk.get(f"/api/exchange/screenings/{stored.json()['id']}").json()
        if {a["state"] for a in answers} >= {"hit", "unreachable"}:
            break
        time.sleep(0.5)
    states = {a["partner_id"]: a for a in answers}
    assert states["NER"]["state"] == "hit" and states["NER"]["text"].startswith("partner hit (NER, reference ")
    assert states["GHA"]["state"] == "unreachable" and "not a clearance" in states["GHA"]["text"]
    page = pair["MLI"].http.get(f"/ui/transactions/{stored.json()['id']}", headers={"Accept-Language": "en"})
    assert "partner hit (NER, reference" in page.text and "partner unreachable (GHA)" in page.text


def test_a_cleared_screening_is_not_queried_when_the_agreement_asks_for_referrals_only(pair):
    mli = pair["MLI"].centre
    _agree(mli, "NER", "refer")
    kiosk = _kiosk_client_once(mli)
    body = transaction_body(kiosk_id="kiosk-x", recommendation="CLEAR", reason_codes=[], candidates=[])
    stored = kiosk.post("/api/transactions", json=body)
    assert stored.status_code == 201, stored.text
    answers = kiosk.get(f"/api/exchange/screenings/{stored.json()['id']}").json()
    assert [a for a in answers if a["partner_id"] == "NER"] == []


def test_a_partner_that_comes_back_gets_the_queued_query_and_answers_it(pair, tmp_path):
    mli = pair["MLI"].centre
    late = centres.Centre("SEN", tmp_path / "SEN", free_port())
    centres.link(late, mli, centres.demo_terms())
    centres.link(mli, late, centres.demo_terms(kiosk_queries="every", query_kinds=["document"]))
    kiosk = _kiosk_client_once(mli)
    stored = kiosk.post("/api/transactions", json=transaction_body(kiosk_id="kiosk-x"))
    assert stored.status_code == 201, stored.text

    def sen_state(until: set[str]) -> str:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            answers = kiosk.get(f"/api/exchange/screenings/{stored.json()['id']}").json()
            state = next((a["state"] for a in answers if a["partner_id"] == "SEN"), "none")
            if state in until:
                return state
            time.sleep(0.5)
        return state

    assert sen_state({"unreachable"}) == "unreachable"
    with centres.running([late]):
        # SEN lists nothing: its answer is "cannot search", never "no hit", and no longer "unreachable".
        assert sen_state({"cannot_search", "no_hit", "hit"}) == "cannot_search"
