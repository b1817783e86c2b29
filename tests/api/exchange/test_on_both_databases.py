"""The answering side in-process on SQLite and PostgreSQL: hits, replays and follow-ups store and refuse alike."""

from __future__ import annotations

import base64
import datetime as dt
import uuid

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.app import create_app
from api.audit.chain import SYSTEM
from api.audit.signing import load_or_create_private_key, public_key_pem
from api.exchange.envelope import seal
from api.exchange.partners import add_partner, set_agreement
from api.exchange.wire import AgreementSet, PartnerCreate
from checkpoint.cli import exchange_centres as centres
from watchlists.models import Category, DocumentCreate, SubjectCreate, WatchlistCreate
from watchlists.store import add_document, add_subject, add_template, create_watchlist


@pytest.fixture
def ner(settings, engine, tmp_path):  # type: ignore[no-untyped-def]
    """NER's service on the database under test, with MLI as its partner and one listed person and passport."""
    app = create_app(settings.model_copy(update={"exchange_centre_id": "NER"}), engine)
    mli_key = load_or_create_private_key(tmp_path / "mli.pem")
    review_by = dt.date.today() + dt.timedelta(days=30)
    with Session(engine, expire_on_commit=False) as session:
        trail = app.state.trail
        add_partner(session, trail, SYSTEM, PartnerCreate(partner_id="MLI", base_url="https://mli.example",
                                                          public_key_pem=public_key_pem(mli_key).decode()))  # fmt: skip
        set_agreement(session, trail, SYSTEM, AgreementSet(partner_id="MLI", **centres.demo_terms()))
        wanted = create_watchlist(session, WatchlistCreate(name="w", category=Category.wanted_person,
                                  owning_authority="a", legal_basis="b"), "t", "t")  # fmt: skip
        subject = add_subject(session, wanted, SubjectCreate(external_ref="1", name_latin="Awa Traore", reason="r",
                                                             review_by=review_by), "t", "t")  # fmt: skip
        add_template(session, subject, centres.DEMO_MODEL_ID, centres.demo_vector(5), 80.0, "0" * 64, "t", "t")
        stolen = create_watchlist(session, WatchlistCreate(name="d", category=Category.lost_stolen_documents,
                                  owning_authority="a", legal_basis="b"), "t", "t")  # fmt: skip
        add_document(session, stolen, DocumentCreate(issuing_state="NER", number="N1234567",
                     reported_on=dt.date.today(), review_by=review_by), "t", "t")  # fmt: skip
        session.commit()
    with TestClient(app) as client:
        yield client, mli_key


def _ask(client, key, **body):  # type: ignore[no-untyped-def]
    sealed = seal(key, "MLI", {"type": "query", "query_id": str(uuid.uuid4()), **body})
    return sealed, client.post("/exchange/v1/queries", json=sealed)


def test_hits_misses_and_a_replay_on_each_database(ner):
    client, key = ner
    raw = centres.demo_vector(5).astype("<f4").tobytes()
    _sealed, face = _ask(client, key, kind="face", model_id=centres.DEMO_MODEL_ID,
                         template_b64=base64.b64encode(raw).decode())  # fmt: skip
    assert face.json()["envelope"]["body"]["outcome"] == "hit"
    other = np.random.default_rng(99).standard_normal(centres.DEMO_DIM).astype("<f4")
    _sealed, miss = _ask(client, key, kind="face", model_id=centres.DEMO_MODEL_ID,
                         template_b64=base64.b64encode(other.tobytes()).decode())  # fmt: skip
    assert miss.json()["envelope"]["body"]["outcome"] == "no_hit"
    sealed, document = _ask(client, key, kind="document", issuing_state="NER", document_number="N1234567")
    assert document.json()["envelope"]["body"]["outcome"] == "hit"
    _sealed, name = _ask(client, key, kind="name", name="Awa Traore")
    assert name.json()["envelope"]["body"]["outcome"] == "hit"
    replay = client.post("/exchange/v1/queries", json=sealed)
    assert (replay.status_code, replay.json()["code"]) == (409, "replayed_request")
