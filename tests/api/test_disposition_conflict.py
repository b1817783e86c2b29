"""A second, different decision on a transaction is refused (409) but never silently: the centre keeps the first,
records a `disposition.conflict` audit event naming both, answers with the decision it holds, and lists the
conflict in the supervisors' queue until a supervisor reviews the transaction. A decision's time must lie within
the transaction's lifetime, and a review needs a decision to review."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from api.decisions import DECIDED_AT_SKEW
from api.schemas import Role
from tests.api.conftest import add_user, login, transaction_body
from tests.api.test_kiosk_on_behalf import _decision, _dispositions, _events, _ingest


def _conflicts_listed(client, supervisor: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/ui/referrals", headers=supervisor)
    assert page.status_code == 200, page.text
    return page.text.split('id="conflicts"')[1].split("</section>")[0]


def _same_time(a: str, b: object) -> bool:
    return datetime.fromisoformat(a) == datetime.fromisoformat(str(b))


def test_a_different_decision_is_refused_with_the_held_one_audited_and_listed_until_reviewed(app, client, headers):
    tx, _ = _ingest(client, headers[Role.KIOSK])
    add_user(app, "officer2", Role.OFFICER)
    held = _decision(officer=None, outcome="REFUSE_ENTRY")
    assert (
        client.post(f"/api/transactions/{tx}/disposition", json=held, headers=headers[Role.OFFICER]).status_code == 201
    )
    # Meanwhile officer2 decided on the kiosk; its outbox sends that decision now.
    refused = _decision(officer="officer2", outcome="CLEAR", reason_code=None)
    answer = client.post(f"/api/transactions/{tx}/disposition", json=refused, headers=headers[Role.KIOSK])
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "disposition_conflict" and "REFUSE_ENTRY" in body["message"]
    assert (body["held"]["outcome"], body["held"]["officer"], body["held"]["kiosk_id"]) == (
        "REFUSE_ENTRY",
        "officer",
        None,
    )
    assert _dispositions(app) == 1  # the centre keeps the first decision

    [(event, payload)] = _events(app, "disposition.conflict")
    assert (event.actor, event.object) == ("officer2", f"transaction:{tx}")
    recorded = json.loads(payload)
    assert (recorded["held"]["outcome"], recorded["held"]["officer"]) == ("REFUSE_ENTRY", "officer")
    assert _same_time(recorded["held"]["decided_at"], held["decided_at"])
    assert (recorded["refused"]["outcome"], recorded["refused"]["officer"]) == ("CLEAR", "officer2")
    assert recorded["refused"]["kiosk_id"] == "kiosk-1"
    assert _same_time(recorded["refused"]["decided_at"], refused["decided_at"])

    # The same refused decision sent again (an outbox retry) is the same conflict: one event, one line.
    again = client.post(f"/api/transactions/{tx}/disposition", json=refused, headers=headers[Role.KIOSK])
    assert again.status_code == 409 and len(_events(app, "disposition.conflict")) == 1
    # The held decision sent again is still an identical resend.
    assert (
        client.post(f"/api/transactions/{tx}/disposition", json=held, headers=headers[Role.OFFICER]).status_code == 200
    )

    supervisor = {**headers[Role.SUPERVISOR], "Accept-Language": "en"}
    listed = _conflicts_listed(client, supervisor)
    assert f'href="/ui/transactions/{tx}"' in listed
    assert "Entry refused (REFUSE_ENTRY) by officer" in listed
    assert "Cleared (CLEAR) by officer2 · kiosk kiosk-1" in listed
    detail = client.get(f"/ui/transactions/{tx}", headers=supervisor).text  # both decisions, side by side
    assert "Entry refused (REFUSE_ENTRY)</strong> by officer" in detail.split('id="decision"')[1].split("</section>")[0]
    refused_here = detail.split('id="conflicting-decisions"')[1].split("</section>")[0]
    assert "Cleared (CLEAR)</strong> by officer2 · kiosk kiosk-1" in refused_here
    assert "awaiting a review" in refused_here
    review = {"verdict": "UPHELD", "reason_code": "CONFLICT_RESOLVED"}
    assert client.post(f"/api/transactions/{tx}/reviews", json=review, headers=supervisor).status_code == 201
    assert f'href="/ui/transactions/{tx}"' not in _conflicts_listed(client, supervisor)  # reviewed: off the list


def test_an_officer_deciding_directly_against_a_held_decision_is_recorded_as_a_conflict_too(app, client, headers):
    tx, _ = _ingest(client, headers[Role.KIOSK])
    kiosk_decision = _decision()
    assert (
        client.post(f"/api/transactions/{tx}/disposition", json=kiosk_decision, headers=headers[Role.KIOSK]).status_code
        == 201
    )
    add_user(app, "officer2", Role.OFFICER)
    other = _decision(officer=None, outcome="CLEAR", reason_code=None)
    answer = client.post(f"/api/transactions/{tx}/disposition", json=other, headers=login(client, "officer2"))
    assert answer.status_code == 409
    assert (answer.json()["held"]["officer"], answer.json()["held"]["kiosk_id"]) == ("officer", "kiosk-1")
    [(event, _)] = _events(app, "disposition.conflict")
    assert event.actor == "officer2"


def test_decided_at_must_lie_within_the_transactions_lifetime(client, headers):
    started = datetime.now(UTC) - timedelta(hours=1)

    def decide_at(when: datetime):  # type: ignore[no-untyped-def]
        """An officer's decision at `when` on a fresh transaction that started at `started`."""
        body = transaction_body(started_at=started.isoformat())
        tx = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK]).json()["id"]
        decision = _decision(officer=None, decided_at=when.isoformat())
        return client.post(f"/api/transactions/{tx}/disposition", json=decision, headers=headers[Role.OFFICER])

    for when in (
        datetime(2000, 1, 1, tzinfo=UTC),
        datetime(2999, 1, 1, tzinfo=UTC),
        started - DECIDED_AT_SKEW - timedelta(minutes=1),
        datetime.now(UTC) + DECIDED_AT_SKEW + timedelta(minutes=1),
    ):
        answer = decide_at(when)
        assert answer.status_code == 422, (when, answer.text)
        assert "decided_at" in answer.json()["message"] and "clock" in answer.json()["message"]
    # Within the skew on either side is accepted (clocks of kiosks and the centre differ a little).
    for when in (started - DECIDED_AT_SKEW + timedelta(minutes=1), datetime.now(UTC) + timedelta(minutes=5)):
        assert decide_at(when).status_code == 201, when


def test_a_review_needs_a_decision_to_review(client, headers):
    tx, _ = _ingest(client, headers[Role.KIOSK])
    review = {"verdict": "UPHELD", "reason_code": "CORRECT"}
    early = client.post(f"/api/transactions/{tx}/reviews", json=review, headers=headers[Role.SUPERVISOR])
    assert early.status_code == 409 and "no disposition to review yet" in early.json()["message"]
    client.post(f"/api/transactions/{tx}/disposition", json=_decision(officer=None), headers=headers[Role.OFFICER])
    assert (
        client.post(f"/api/transactions/{tx}/reviews", json=review, headers=headers[Role.SUPERVISOR]).status_code == 201
    )
