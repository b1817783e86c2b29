"""What a newcomer found wrong on the centre's pages: a transaction page with no candidate to look at and no way
to review it, an audit page with no signed tree head after many events, and benchmark reports dated by checkout."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

from sqlmodel import Session, select

from api.app import create_app
from api.audit.tree_heads import latest_tree_head
from api.models import AuditEvent, Review
from api.schemas import Role
from tests.api.conftest import ARABIC_NAME


def test_transaction_page_shows_the_listed_person_beside_the_live_face(client, headers, listed_hit):
    page = client.get(f"/ui/transactions/{listed_hit}", headers={**headers[Role.SUPERVISOR], "Accept-Language": "en"})
    assert page.status_code == 200
    html = page.text
    assert "ABDALLAH ALHASSAN" in html and "Entry s" not in html
    assert f'<span class="listed-name-original" dir="auto">{ARABIC_NAME}</span>' in html  # its own script
    assert "wanted for armed robbery" in html and "0.71 (threshold 0.62)" in html
    assert html.count("data:image/jpeg;base64,") == 2  # the live face and the watchlist thumbnail


def test_supervisor_reviews_from_the_transaction_page(app, client, headers, listed_hit):
    supervisor = {**headers[Role.SUPERVISOR], "Accept-Language": "fr"}
    page = client.get(f"/ui/transactions/{listed_hit}", headers=supervisor).text
    assert 'id="review-form"' in page and 'action="/ui/transactions/' in page
    sent = client.post(
        f"/ui/transactions/{listed_hit}/review",
        data={"verdict": "OVERTURNED", "reason_code": "WRONG_CALL", "comment": "الاسم مختلف"},
        headers=supervisor,
        follow_redirects=False,
    )
    assert sent.status_code == 303
    with Session(app.state.engine) as session:
        reviews = session.exec(select(Review).where(Review.transaction_id == listed_hit)).all()
        events = session.exec(select(AuditEvent.action).where(AuditEvent.object == f"transaction:{listed_hit}")).all()
    assert [(r.supervisor, r.verdict, r.reason_code, r.comment) for r in reviews] == [
        ("supervisor", "OVERTURNED", "WRONG_CALL", "الاسم مختلف")
    ]
    assert "review.record" in events
    again = client.get(f"/ui/transactions/{listed_hit}", headers=supervisor).text
    assert "Infirmée (OVERTURNED) par supervisor" in again


def test_audit_page_has_a_signed_tree_head_from_the_first_events(client, headers):
    page = client.get("/ui/audit", headers={**headers[Role.AUDITOR], "Accept-Language": "en"}).text
    assert "No signed tree head" not in page and "No event yet" not in page
    assert 'id="chain-verdict">Verified:' in page
    assert "Next signed tree head: at event 1,000." in page  # tree_head_every_events=1000 in the test settings


def test_a_restart_signs_a_head_over_events_left_without_one(app, settings, client, headers):
    with Session(app.state.engine) as session:
        before = latest_tree_head(session).tree_size
    create_app(settings, app.state.engine)  # the service starting again on the same database
    with Session(app.state.engine) as session:
        after = latest_tree_head(session).tree_size
    assert before == 1 and after > 1  # every event written so far is covered from the start


def test_benchmark_page_dates_a_report_by_its_run_not_by_the_file(app, settings, client, headers, tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    stamp = {"machine": {"time_utc": "2025-03-01T10:15:00+00:00"}, "ingest": []}
    (results / "ingest.json").write_text(json.dumps(stamp))
    (results / "ingest.html").write_text("<p>report</p>")
    (results / "legacy.json").write_text("{}")  # written before results carried a time
    checkout = datetime(2026, 11, 30, 8, 0, tzinfo=UTC).timestamp()
    for name in ("ingest.json", "ingest.html", "legacy.json"):
        os.utime(results / name, (checkout, checkout))
    settings.benchmark_results_dir = results
    page = client.get("/ui/benchmarks", headers={**headers[Role.AUDITOR], "Accept-Language": "en"}).text
    assert page.count("Mar 1, 2025, 10:15:00") == 2  # the JSON and the HTML made from the same run
    assert "Nov 30, 2026" not in page and "not recorded in the result" in page
