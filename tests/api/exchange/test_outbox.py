"""The centre's exchange outbox: a query queued for a partner revoked since is dropped (and audited), not retried
for ever, and it no longer holds up the queries queued after it."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from api.audit.chain import Actor
from api.exchange.asking import deliver, due_queries, queue_query
from api.exchange.client import PartnerClient
from api.exchange.identity import exchange_identity
from api.exchange.partners import revoke_partner
from api.exchange.wire import QueryKind, QueryTerms
from api.models import AuditEvent
from checkpoint.cli import exchange_centres as centres
from tests.api.exchange.conftest import free_port


def test_a_query_for_a_partner_revoked_since_it_was_queued_is_dropped_not_retried(tmp_path):
    mli = centres.Centre("MLI", tmp_path / "MLI", free_port())
    gone = centres.Centre("GHA", tmp_path / "GHA", free_port())
    centres.link(mli, gone, centres.demo_terms())
    terms = QueryTerms(kind=QueryKind.document, issuing_state="GHA", document_number="G1234567")
    identity = exchange_identity(mli.settings())
    assert identity is not None
    actor = Actor("test", "admin")
    with centres.centre_session(mli.settings()) as (session, trail):
        row = queue_query(session, "GHA", terms, by_outbox=True)
        revoke_partner(session, trail, actor, "GHA")
        dropped = deliver(session, trail, identity, PartnerClient(1.0), row, actor)
        assert (dropped.status, dropped.query) == ("refused", None)
        assert "not an active partner" in dropped.detail
        assert due_queries(session, dt.datetime.now(dt.UTC) + dt.timedelta(days=1)) == []
        actions = session.exec(select(AuditEvent.action)).all()
    assert "exchange.query.dropped" in actions and "exchange.query.sent" not in actions
