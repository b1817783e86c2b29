"""The daily quota, per partner: the query after the last allowed one is refused (429) and audited."""

from __future__ import annotations

import uuid

import httpx

from api.exchange.envelope import seal
from api.exchange.identity import exchange_identity
from checkpoint.cli import exchange_centres as centres
from tests.api.exchange.conftest import free_port


def test_the_query_past_the_daily_quota_is_refused(tmp_path):
    ner = centres.Centre("NER", tmp_path / "NER", free_port())
    asker = centres.Centre("BFA", tmp_path / "BFA", free_port())  # never started: it only signs
    centres.link(ner, asker, centres.demo_terms(daily_quota=2))
    centres.list_demo_entries(ner)
    identity = exchange_identity(asker.settings())
    assert identity is not None

    def ask() -> httpx.Response:
        body = {"type": "query", "query_id": str(uuid.uuid4()), "kind": "document", "issuing_state": "NER",
                "document_number": "DM0000001"}  # fmt: skip
        return httpx.post(f"{ner.url}/exchange/v1/queries", json=seal(identity.key, "BFA", body), timeout=60)

    with centres.running([ner]):
        answers = [ask() for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "quota_exceeded"
