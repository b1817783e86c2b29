"""`python -m checkpoint.outbox`: deliver the kiosk's outbox until killed (the kiosk runs the same loop)."""

from __future__ import annotations

from checkpoint.outbox.sender import Backoff, Sender, account_from
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    backoff = Backoff(settings.outbox_retry_first_seconds, settings.outbox_retry_max_seconds)
    keep = settings.kiosk_pending_decision_hours
    Sender(Outbox(settings.outbox_path), account_from(settings), backoff, keep).run(idle_seconds=0.5)
