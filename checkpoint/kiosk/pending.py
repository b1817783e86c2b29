"""Screenings awaiting an officer's decision, read from the outbox so that a kiosk restart loses none of them.

The outbox holds each screening's wire record (recommendation, reason codes, document fields and checks), never
its camera frame or document portrait: a screening restored after a restart is shown without those images.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from checkpoint.i18n import _
from checkpoint.outbox.store import Outbox, QueuedTransaction

LISTED = 100  # the newest undecided screenings the home page lists


@dataclass(frozen=True)
class PendingScreening:
    """One line of the home page's list: no personal data, which the officer sees (audited) on opening it."""

    key: str
    queued_at: dt.datetime
    recommendation: str
    reason_codes: list[str]
    restored: bool  # not in this run's memory: shown from the outbox, without images


@dataclass(frozen=True)
class PendingList:
    offered: list[PendingScreening]
    too_old: int  # undecided screenings past the limit, left off the list: they are decided at the centre


class PendingDecisions:
    """Which queued screenings this kiosk still offers for a decision: undecided, not refused, young enough."""

    def __init__(self, outbox: Outbox, hours: float) -> None:
        self.outbox = outbox
        self.hours = hours

    @property
    def too_old_message(self) -> str:
        return _(
            "This screening was queued more than %(hours)s hours ago, too long ago to decide on this kiosk: "
            "record the decision at the centre."
        ) % {"hours": f"{self.hours:g}"}

    def listing(self, in_memory: Callable[[str], bool]) -> PendingList:
        """The undecided screenings young enough to decide here, newest first, and how many are too old."""
        cutoff = self._cutoff()
        offered = [
            PendingScreening(
                q.client_uuid,
                q.queued_at,
                q.body.recommendation.value,
                list(q.body.reason_codes),
                restored=not in_memory(q.client_uuid),
            )
            for q in self.outbox.undecided(cutoff, LISTED)
        ]
        return PendingList(offered, self.outbox.undecided_before(cutoff))

    def decidable(self, queued: QueuedTransaction) -> bool:
        """True while the screening is young enough to be decided on this kiosk."""
        return queued.queued_at >= self._cutoff()

    def restorable(self, key: str) -> QueuedTransaction | None:
        """The outbox record of screening `key` when the page can show it from there (the centre did not refuse
        it); None otherwise."""
        queued = self.outbox.transaction(key)
        return queued if queued is not None and not queued.refused else None

    def _cutoff(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) - dt.timedelta(hours=self.hours)
