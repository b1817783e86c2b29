"""The centre's whole wire contract under schemathesis: valid and invalid cases for every operation (pages and
audit proofs included), each as a principal the route admits; no answer is a 5xx (issue 14). A few derandomised
examples per operation here; `python -m benchmarks.wire_fuzz` runs many more and keeps the result."""

from __future__ import annotations

import pytest

from benchmarks.wire_fuzz import UNTHROTTLED, fuzz

EXAMPLES = 10  # per operation and mode: about 12 s per database on 2 cores


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    """The suite's settings, with login throttling out of the way (else every login case after 20 is a 429)."""
    for name, value in UNTHROTTLED.items():
        setattr(settings, name, value)
    return settings


def test_no_case_of_any_operation_gets_a_server_error(app, headers):
    report = fuzz(app, EXAMPLES)
    assert report.server_errors == []
    assert len(report.operations) >= 35  # the pages (/ui/...) too
    admitted = sum(n for status, n in report.statuses.items() if status not in (401, 403))
    assert admitted > 0.9 * report.cases  # the fuzz got past authentication, not just to the door
    assert report.statuses[422] > 0 and any(200 <= status < 300 for status in report.statuses)
