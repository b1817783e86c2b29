"""Hit/no-hit between two real centre processes: what crosses, what is refused, what each chain records."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid

import httpx
import numpy as np
from sqlmodel import Session, select

from api.audit.signing import load_or_create_private_key
from api.db import make_engine
from api.exchange.envelope import seal
from api.exchange.identity import exchange_identity
from api.exchange.models import ExchangeHitReference
from api.models import AuditEvent, AuditPayload
from checkpoint.cli import exchange_centres as centres
from checkpoint.cli.exchange_demo import Supervisor


def _query(mli: Supervisor, **terms) -> dict:  # type: ignore[no-untyped-def]
    response = mli.http.post("/api/exchange/queries", json={"partner_id": "NER", **terms})
    assert response.status_code == 201, response.text
    return response.json()


def _template(seed: int, noise: float = 0.02) -> tuple[str, bytes]:
    vector = centres.demo_vector(seed) + noise * np.random.default_rng(seed + 7).standard_normal(centres.DEMO_DIM)
    raw = (vector / np.linalg.norm(vector)).astype("<f4").tobytes()
    return base64.b64encode(raw).decode(), raw


def _events(centre: centres.Centre, action: str) -> list[dict]:
    engine = make_engine(centre.settings().database_url_or_default)
    with Session(engine) as session:
        rows = session.exec(
            select(AuditPayload.payload)
            .join(AuditEvent, AuditEvent.sequence == AuditPayload.sequence)  # type: ignore[arg-type]
            .where(AuditEvent.action == action)
        ).all()
    engine.dispose()
    return [json.loads(row) for row in rows]


def _signed_by(centre: centres.Centre, body: dict, **overrides) -> dict:  # type: ignore[no-untyped-def]
    identity = exchange_identity(centre.settings())
    assert identity is not None
    sealed = seal(identity.key, identity.centre_id, body)
    sealed["envelope"].update(overrides)
    return sealed


def _document_query(number: str = "DX0000009") -> dict:
    return {"type": "query", "query_id": str(uuid.uuid4()), "kind": "document", "issuing_state": "NER",
            "document_number": number}  # fmt: skip


def test_a_listed_document_hits_with_an_opaque_reference_and_no_personal_data(pair):
    sent = _query(pair["MLI"], kind="document", issuing_state="NER", document_number="DM0000001")
    assert (sent["status"], sent["outcome"], sent["band"]) == ("answered", "hit", "exact")
    assert "DM0000001" not in json.dumps(sent) and centres.demo_name(0) not in json.dumps(sent)
    engine = make_engine(pair["NER"].centre.settings().database_url_or_default)
    with Session(engine) as session:
        kept = session.exec(
            select(ExchangeHitReference).where(ExchangeHitReference.reference == sent["hit_reference"])
        ).one()
    engine.dispose()
    assert kept.partner_id == "MLI" and kept.entry_key.startswith("d")
    # The reference is random, never the entry id: the same document asked again gets another one. (A test that
    # the short entry key is no substring of it failed by chance once in a hundred runs: 'd1' in '...cMd13J...'.)
    again = _query(pair["MLI"], kind="document", issuing_state="NER", document_number="DM0000001")
    assert again["outcome"] == "hit" and again["hit_reference"] != sent["hit_reference"]
    assert len(sent["hit_reference"]) >= 32 and sent["hit_reference"] != kept.entry_key


def test_an_unlisted_document_is_no_hit(pair):
    sent = _query(pair["MLI"], kind="document", issuing_state="NER", document_number="DX1234567")
    assert (sent["outcome"], sent["hit_reference"], sent["band"]) == ("no_hit", None, None)


def test_a_listed_name_hits(pair):
    sent = _query(pair["MLI"], kind="name", name=centres.demo_name(0), birth_date="1980")
    assert (sent["outcome"], sent["band"]) == ("hit", "high")


def test_a_received_face_template_is_searched_once_and_never_stored(pair):
    b64, raw = _template(0)
    sent = _query(pair["MLI"], kind="face", model_id=centres.DEMO_MODEL_ID, template_b64=b64)
    assert sent["outcome"] == "hit"
    ner = pair["NER"].centre
    stored = b"".join(p.read_bytes() for p in ner.folder.glob("central.sqlite3*"))
    assert raw not in stored and b64[:40].encode() not in stored
    [answered] = [e for e in _events(ner, "exchange.query.answered") if e["hit_reference"] == sent["hit_reference"]]
    assert answered["template_sha256"] == hashlib.sha256(raw).hexdigest()
    assert answered["request_hash"] == sent["request_hash"] and answered["answer_hash"] == sent["answer_hash"]


def test_a_face_of_another_model_cannot_be_searched_and_is_not_answered_no_hit(pair):
    b64, _raw = _template(0)
    sent = _query(pair["MLI"], kind="face", model_id="some-other-model", template_b64=b64)
    assert sent["outcome"] == "cannot_search"
    assert "some-other-model" in sent["detail"]


def test_a_category_outside_the_agreement_is_refused_and_both_chains_say_so(pair):
    b64, _raw = _template(1)
    sent = _query(pair["MLI"], kind="face", categories=["security_alert"], model_id=centres.DEMO_MODEL_ID,
                  template_b64=b64)  # fmt: skip
    assert sent["status"] == "refused" and sent["detail"].startswith("not_agreed")
    assert sent["outcome"] is None and sent["hit_reference"] is None
    refused = _events(pair["NER"].centre, "exchange.query.refused")
    assert any(e["request_hash"] == sent["request_hash"] and e["code"] == "not_agreed" for e in refused)
    told = _events(pair["MLI"].centre, "exchange.query.refused_by_partner")
    assert any(e["request_hash"] == sent["request_hash"] for e in told)


def test_the_same_signed_request_twice_is_refused_as_a_replay(pair):
    sealed = _signed_by(pair["MLI"].centre, _document_query())
    url = f"{pair['NER'].centre.url}/exchange/v1/queries"
    assert httpx.post(url, json=sealed).status_code == 200
    again = httpx.post(url, json=sealed)
    assert (again.status_code, again.json()["code"]) == (409, "replayed_request")


def test_a_request_signed_long_ago_is_refused(pair):
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat(timespec="seconds")
    sealed = _signed_by(pair["MLI"].centre, _document_query(), timestamp=old)
    # Re-sign after changing the timestamp, so only its age is wrong.
    identity = exchange_identity(pair["MLI"].centre.settings())
    from api.audit.canonical import canonical

    sealed["signature"] = base64.b64encode(identity.key.sign(canonical(sealed["envelope"]))).decode()  # type: ignore[union-attr]
    refused = httpx.post(f"{pair['NER'].centre.url}/exchange/v1/queries", json=sealed)
    assert (refused.status_code, refused.json()["code"]) == (401, "stale_request")


def test_a_request_in_a_partners_name_signed_with_another_key_is_refused(pair, tmp_path):
    impostor = load_or_create_private_key(tmp_path / "impostor.pem")
    sealed = seal(impostor, "MLI", _document_query("DM0000001"))
    refused = httpx.post(f"{pair['NER'].centre.url}/exchange/v1/queries", json=sealed)
    assert (refused.status_code, refused.json()["code"]) == (401, "bad_signature")
    changed = _signed_by(pair["MLI"].centre, _document_query("DM0000001"))
    changed["envelope"]["body"]["document_number"] = "DM0000002"  # altered after signing
    assert httpx.post(f"{pair['NER'].centre.url}/exchange/v1/queries", json=changed).json()["code"] == "bad_signature"


def test_an_unregistered_sender_is_refused(pair, tmp_path):
    stranger = load_or_create_private_key(tmp_path / "stranger.pem")
    refused = httpx.post(f"{pair['NER'].centre.url}/exchange/v1/queries", json=seal(stranger, "XYZ", _document_query()))
    assert (refused.status_code, refused.json()["code"]) == (403, "unknown_partner")


def _decided_followup(pair, approve: bool, reason: str) -> dict:  # type: ignore[no-untyped-def]
    """MLI follows up a document hit at NER, NER's supervisor decides, MLI asks what became of it."""
    mli, ner = pair["MLI"], pair["NER"]
    hit = _query(mli, kind="document", issuing_state="NER", document_number="DM0000001")
    asked = mli.http.post(
        "/api/exchange/followups",
        json={"query_id": hit["query_id"], "legal_basis": "art. 12", "purpose": "check a traveller"},
    )
    assert asked.status_code == 201, asked.text
    followup_id = asked.json()["followup_id"]
    decision = {"approve": approve, "reason": reason}
    decided = ner.http.post(f"/api/exchange/followups/{followup_id}/decision", json=decision)
    assert decided.status_code == 200, decided.text
    return mli.http.post(f"/api/exchange/followups/{followup_id}/refresh").json()


def test_a_refused_followup_carries_no_details(pair):
    answer = _decided_followup(pair, False, "no basis")
    assert (answer["status"], answer["details"], answer["decision_reason"]) == ("refused", None, "no basis")


def test_an_approved_followup_carries_only_the_agreed_fields(pair):
    answer = _decided_followup(pair, True, "ok")
    # The agreement allows category, reason, name_latin, birth_date, nationality: a document has category and reason.
    assert answer["status"] == "approved"
    assert answer["details"] == {"category": "lost_stolen_documents", "reason": "reported lost or stolen"}
    received = _events(pair["MLI"].centre, "exchange.followup.answer_received")
    sent = _events(pair["NER"].centre, "exchange.followup.answer_sent")
    assert any(r["answer_hash"] == s["answer_hash"] for r in received for s in sent)


def test_a_followup_on_a_no_hit_is_refused_here(pair):
    mli = pair["MLI"]
    miss = _query(mli, kind="document", issuing_state="NER", document_number="DX1234567")
    asked = mli.http.post(
        "/api/exchange/followups", json={"query_id": miss["query_id"], "legal_basis": "art. 12", "purpose": "x"}
    )
    assert asked.status_code == 409


def test_a_partner_that_is_down_is_shown_unreachable_not_no_hit(pair, tmp_path):
    from checkpoint.cli.exchange_centres import link
    from tests.api.exchange.conftest import free_port

    down = centres.Centre("BFA", tmp_path / "BFA", free_port())  # registered, never started
    link(pair["MLI"].centre, down, centres.demo_terms())
    response = pair["MLI"].http.post(
        "/api/exchange/queries",
        json={"partner_id": "BFA", "kind": "document", "issuing_state": "BFA", "document_number": "DM0000001"},
    )
    sent = response.json()
    assert (sent["status"], sent["outcome"]) == ("unreachable", None)
    assert "BFA did not answer" in sent["detail"]
    unreachable = _events(pair["MLI"].centre, "exchange.query.unreachable")
    assert any(e["request_hash"] == sent["request_hash"] and e["retry_at"] for e in unreachable)
