"""Benchmark reports reach auditors through the centre, and each published version is an audit event."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from api.models import AuditEvent
from api.schemas import Role


def _publications(app) -> list[str]:
    with Session(app.state.engine) as session:
        query = select(AuditEvent.object).where(AuditEvent.action == "report.publish").order_by(AuditEvent.sequence)
        return list(session.exec(query))


def test_each_report_version_is_published_once(client, headers, app, settings, tmp_path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    settings.benchmark_results_dir = results  # the app reads it per request
    (results / "lfw-dev-report.json").write_text(json.dumps({"verification": {"eer": 0.0167}}))
    page = client.get("/ui/benchmarks", headers=headers[Role.AUDITOR])
    assert page.status_code == 200 and "lfw-dev-report.json" in page.text
    assert len(_publications(app)) == 1
    client.get("/ui/benchmarks", headers=headers[Role.AUDITOR])
    assert len(_publications(app)) == 1, "seeing the same file again publishes nothing new"
    (results / "lfw-dev-report.json").write_text(json.dumps({"verification": {"eer": 0.0200}}))
    client.get("/ui/benchmarks", headers=headers[Role.AUDITOR])
    first, second = _publications(app)
    assert first != second, "an edited report is a new publication with its own hash"


def test_reports_are_for_auditors_only(client, headers) -> None:
    assert client.get("/ui/benchmarks", headers=headers[Role.OFFICER]).status_code == 403
