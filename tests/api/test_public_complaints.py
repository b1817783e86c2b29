"""Redress: a traveller files a complaint with no account, supervisors handle it within its deadline, the decision
reaches the traveller's status page, and every step is in the audit chain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from api.models import AuditEvent, AuditPayload
from api.schemas import Role
from tests.api.public_flow import screened_with_receipt

pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


def _file(client, receipt, statement="The officer kept my passport for two hours.", **headers):  # type: ignore[no-untyped-def]
    body = {"reference": receipt["reference"], "salt": receipt["salt"], "statement": statement}
    return client.post("/public/complaints", json=body, headers=headers)


def _actions(app, number: str) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.object == f"complaint:{number}").order_by(col(AuditEvent.sequence))
        ).all()
        return [(e.action, e.actor, e.role) for e in events]


def test_a_complaints_lifecycle_is_audited_end_to_end_and_reaches_the_traveller(app, client, headers):
    receipt = screened_with_receipt(client, headers[Role.KIOSK], outcome="SECONDARY_INSPECTION")
    filed = _file(client, receipt)
    assert filed.status_code == 201, filed.text
    number, token = filed.json()["number"], filed.json()["token"]
    deadline = datetime.fromisoformat(filed.json()["deadline"])
    assert timedelta(days=29) < deadline - datetime.now(UTC) <= timedelta(days=30)
    status = client.get(f"/public/complaints/{number}?token={token}")
    assert status.status_code == 200 and status.json()["status"] == "open"
    assert status.headers["cache-control"] == "no-store"

    supervisor = {"Cookie": "", **headers[Role.SUPERVISOR]}
    queue = client.get("/ui/complaints", headers=supervisor)
    assert number in queue.text
    listed = queue.text.split(number)[0].rsplit('href="/ui/complaints/', 1)[1].split('"')[0]
    page = client.get(f"/ui/complaints/{listed}", headers=supervisor)
    assert "kept my passport" in page.text
    assert (
        client.post(f"/ui/complaints/{listed}/evidence", headers=supervisor, follow_redirects=False).status_code == 303
    )
    assert (
        f"/ui/transactions/{receipt['transaction_id']}"
        in client.get(f"/ui/complaints/{listed}", headers=supervisor).text
    )
    decided = client.post(
        f"/ui/complaints/{listed}/decision",
        data={"decision": "UPHELD", "reason": "The delay was not justified; the post is reminded of the rules."},
        headers=supervisor,
        follow_redirects=False,
    )
    assert decided.status_code == 303
    status = client.get(f"/public/complaints/{number}?token={token}").json()
    assert status["status"] == "decided" and status["decision"] == "UPHELD"
    assert status["decision_reason"].startswith("The delay was not justified")
    assert status["evidence_attached"] is True
    again = client.post(
        f"/ui/complaints/{listed}/decision", data={"decision": "NOT_UPHELD", "reason": "x"}, headers=supervisor
    )
    assert again.status_code == 409  # a decision stands

    actions = _actions(app, number)
    assert [a for a, _, _ in actions] == [
        "complaint.file",
        "complaint.read",
        "complaint.evidence",
        "complaint.read",
        "complaint.decide",
    ]
    assert actions[0][1:] == ("traveller", "public") and actions[-1][1:] == ("supervisor", "supervisor")
    # The upheld complaint was about a watchlist hit: the entry goes to its owning authority for review.
    with Session(app.state.engine) as session:
        review = session.exec(select(AuditEvent).where(AuditEvent.action == "watchlist.review_requested")).one()
        assert review.object == "watchlist:wl-interpol"
        payload = session.get(AuditPayload, review.sequence)
        assert '"entry_ref":"E-1001"' in payload.payload  # type: ignore[union-attr]


def test_auditors_read_complaints_but_only_supervisors_act(app, client, headers):
    receipt = screened_with_receipt(client, headers[Role.KIOSK])
    assert _file(client, receipt).status_code == 201
    auditor = headers[Role.AUDITOR]
    assert client.get("/ui/complaints", headers=auditor).status_code == 200
    assert client.get("/ui/complaints/1", headers=auditor).status_code == 200
    assert client.post("/ui/complaints/1/evidence", headers=auditor).status_code == 403
    refused = client.post("/ui/complaints/1/decision", data={"decision": "UPHELD", "reason": "x"}, headers=auditor)
    assert refused.status_code == 403
    assert client.get("/ui/complaints", headers=headers[Role.OFFICER]).status_code == 403


def test_a_wrong_code_and_an_unknown_reference_get_the_same_answer(client, headers):
    receipt = screened_with_receipt(client, headers[Role.KIOSK])
    wrong_salt = _file(client, {**receipt, "salt": "0" * 32})
    unknown = _file(client, {**receipt, "reference": "B" * 22})
    assert wrong_salt.status_code == unknown.status_code == 404
    assert wrong_salt.json() == unknown.json()
    bad_token = client.get("/public/complaints/R-XXXXXXXXXX?token=nope")
    assert bad_token.status_code == 404


def test_a_statement_over_the_size_limit_is_refused(client, headers):
    receipt = screened_with_receipt(client, headers[Role.KIOSK])
    response = _file(client, receipt, statement="x" * 4001)
    assert response.status_code == 422


def test_complaints_are_rate_limited_per_address(app, client, headers):
    receipt = screened_with_receipt(client, headers[Role.KIOSK])
    answers = [_file(client, receipt).status_code for _ in range(6)]
    assert answers == [201] * 5 + [429]
    refused = _file(client, receipt)
    assert int(refused.headers["retry-after"]) > 0


def test_an_ngo_tool_posts_json_but_another_sites_page_cannot(client, headers):
    receipt = screened_with_receipt(client, headers[Role.KIOSK])
    assert _file(client, receipt).status_code == 201  # a script: no browser headers
    cross_site = _file(client, receipt, **{"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 403
    assert cross_site.json()["code"] == "cross_site_request"


def test_the_complaint_form_files_and_shows_the_status_link_once(app, client, headers):
    receipt = screened_with_receipt(client, headers[Role.KIOSK])
    form = {"reference": receipt["reference"], "salt": receipt["salt"], "statement": "Je conteste la décision."}
    page = client.post("/public/complaint", data=form, headers={"Sec-Fetch-Site": "same-origin"})
    assert page.status_code == 201
    link = page.text.split('id="status-link" href="')[1].split('"')[0].replace("&amp;", "&")
    status = client.get(link, headers={"Accept": "text/html"})
    assert status.status_code == 200 and 'id="complaint-status"' in status.text
    wrong = client.post("/public/complaint", data={**form, "salt": "f" * 32})
    assert wrong.status_code == 404 and 'id="complaint-error"' in wrong.text


def test_watchlist_review_needs_a_watchlist_hit(app, client, headers):
    receipt = screened_with_receipt(
        client, headers[Role.KIOSK], recommendation="CLEAR", reason_codes=[], candidates=[], outcome="CLEAR"
    )
    assert _file(client, receipt).status_code == 201
    refused = client.post(
        "/ui/complaints/1/decision",
        data={"decision": "WATCHLIST_REVIEW", "reason": "x"},
        headers=headers[Role.SUPERVISOR],
    )
    assert refused.status_code == 422
