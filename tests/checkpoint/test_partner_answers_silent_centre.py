"""A centre that drops packets instead of refusing: the officer's screening page waits for it once, not on every
view (each view asked again and waited the full timeout before)."""

from __future__ import annotations

import socket
import time

import pytest

from checkpoint.outbox.sender import Backoff, CentreAccount, Sender
from checkpoint.outbox.store import Outbox


@pytest.fixture
def silent_centre():
    """A port that takes connections into its backlog and never answers; yields (url, count of connections)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []

    def connections() -> int:
        listener.settimeout(0.2)
        while True:
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                return len(accepted)

    yield f"http://127.0.0.1:{listener.getsockname()[1]}", connections
    for conn in accepted:
        conn.close()
    listener.close()


def test_a_silent_centre_is_waited_for_once_then_reported_unknown_at_once(silent_centre, tmp_path):
    url, connections = silent_centre
    account = CentreAccount(url, "kiosk-s", "secret", timeout_seconds=0.5)
    sender = Sender(Outbox(tmp_path / "outbox.sqlite"), account, Backoff(30), partner_answers_retry_seconds=1.5)

    assert sender.partner_answers(7, timeout_seconds=0.5) is None  # unknown, never [] ("no partner hit")
    assert connections() == 1
    for _ in range(3):  # the officer opens the page again, and again: no new wait, still unknown
        assert sender.partner_answers(7, timeout_seconds=0.5) is None
    assert connections() == 1

    time.sleep(1.6)  # after the retry window the centre is asked again
    assert sender.partner_answers(7, timeout_seconds=0.5) is None
    assert connections() == 2
