"""Deliver the outbox to the centre with the kiosk's own credential, exponential back-off with jitter while the
centre is unreachable. Dispositions and screening views name the officer who was signed in on the kiosk page;
the centre attributes them to that officer (and checks the account is an officer's)."""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from dataclasses import dataclass

import httpx
from babel.support import LazyProxy

from api.schemas import DispositionPublic, ScreeningViewCreate
from checkpoint.i18n import lazy_format
from checkpoint.outbox.store import Outbox, OutboxItem
from checkpoint.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CentreAccount:
    """Where the centre is and who the kiosk is there."""

    base_url: str
    kiosk_id: str
    kiosk_secret: str
    timeout_seconds: float = 10.0
    # The post's language: the centre words its refusals in it, and the kiosk shows them to the officer as they are.
    language: str | None = None


def account_from(settings: Settings) -> CentreAccount:
    """The centre account of this kiosk from the settings."""
    return CentreAccount(
        settings.centre_url,
        settings.kiosk_id,
        settings.kiosk_secret,
        settings.outbox_timeout_seconds,
        settings.default_language,
    )


@dataclass(frozen=True)
class Backoff:
    first_seconds: float = 1.0
    max_seconds: float = 300.0

    def delay(self, attempts: int) -> float:
        """Doubling per failed attempt up to the cap, with jitter so many kiosks do not retry in step."""
        base = min(self.max_seconds, self.first_seconds * (2 ** min(attempts, 30)))
        return base * random.uniform(0.5, 1.0)


# After the centre failed to give partner answers in time, the officer's pages do not wait for it again this long:
# a centre that drops packets instead of refusing would make every view of every screening wait the full timeout.
PARTNER_ANSWERS_RETRY_SECONDS = 30.0
ERASE_EVERY_SECONDS = 600  # how often the delivery loop erases what the centre holds (see erase_delivered)


class Unreachable(Exception):
    """The centre did not answer, or answered 5xx: try again later."""

    def __init__(self, message: LazyProxy) -> None:
        super().__init__(message)
        self.message = message  # shown on the officer's page in the officer's language (see lazy_format)


class CredentialRefused(Unreachable):
    """The centre answers but refuses the kiosk's credential: nothing goes until the settings are fixed."""


class Sender:
    """One pass (`deliver_due`) or a loop in a thread (`start`); safe to kill at any instant."""

    def __init__(
        self,
        outbox: Outbox,
        account: CentreAccount,
        backoff: Backoff | None = None,
        keep_delivered_hours: float | None = None,
        partner_answers_retry_seconds: float = PARTNER_ANSWERS_RETRY_SECONDS,
    ) -> None:
        self.outbox = outbox
        self.account = account
        self.backoff = backoff or Backoff()
        # Once the centre holds an item, the kiosk keeps its personal data this long (None: forever, for tests
        # and tools that read the outbox afterwards); the kiosk passes its pending-decision window.
        self.keep_delivered_hours = keep_delivered_hours
        languages = {"Accept-Language": account.language} if account.language else {}
        self._client = httpx.Client(base_url=account.base_url, timeout=account.timeout_seconds, headers=languages)
        self._kiosk_token: str | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.last_error: LazyProxy | None = None  # read by the officer's page, in the officer's language
        self.partner_answers_retry_seconds = partner_answers_retry_seconds
        self._answers_unreachable_until = 0.0  # time.monotonic() before which partner_answers does not ask

    def deliver_due(self) -> int:
        """Send every due item in order; stop at the first sign the centre is unreachable. Returns how many
        were delivered."""
        delivered = 0
        for item in self.outbox.due():
            try:
                if self._deliver(item):
                    delivered += 1
                    self.last_error = None  # the centre answers again
            except Unreachable as exc:
                self.last_error = exc.message
                self.outbox.mark_retry(item.seq, str(exc), self.backoff.delay(item.attempts))
                break  # the centre is down or refuses us: do not hammer it with the rest of the queue
        return delivered

    def _deliver(self, item: OutboxItem) -> bool:
        if item.kind == "transaction":
            response = self._post("/api/transactions", item.body)
            if response.status_code in (200, 201):  # 200: the centre already had it (a retry after a crash)
                self.outbox.mark_delivered(item.seq, response.json()["id"])
                return True
            self.outbox.mark_refused(item.seq, _describe(response))
            return False
        if item.kind == "view":
            view = ScreeningViewCreate.model_validate_json(item.body)
            server_id = self.outbox.server_id_of(str(view.transaction_uuid))
            if server_id is None:
                return False  # its transaction is not at the centre yet; it goes first
            response = self._post(f"/api/transactions/{server_id}/views", item.body)
            if response.status_code in (200, 201):  # 200: this very view was already recorded
                self.outbox.mark_delivered(item.seq, server_id)
                return True
            self.outbox.mark_refused(item.seq, _describe(response))
            return False
        server_id = self.outbox.server_id_of(item.client_uuid)
        if server_id is None:
            return False  # its transaction is not at the centre yet; it goes first
        response = self._post(f"/api/transactions/{server_id}/disposition", item.body)
        if response.status_code in (200, 201):  # 200: the centre already holds this very disposition (a resend)
            self.outbox.mark_delivered(item.seq, server_id)
            return True
        # 409: the centre holds a different decision (made there, or on another way in) and did not record this
        # one. Refused, with the centre's decision kept for the officer page: never counted as delivered.
        self.outbox.mark_refused(item.seq, _describe(response), _held_decision(response))
        return False

    def _post(self, path: str, body: str) -> httpx.Response:
        for _ in range(2):
            token = self._token()
            try:
                response = self._client.post(
                    path, content=body, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
                )
            except httpx.TransportError as exc:
                raise Unreachable(lazy_format("centre unreachable (%(error)s)", error=type(exc).__name__)) from exc
            if response.status_code == 401:
                self._kiosk_token = None  # expired or revoked: log in again once
                continue
            if response.status_code >= 500 or response.status_code in (408, 429):
                raise Unreachable(lazy_format("centre answered %(status)s", status=response.status_code))
            return response
        raise CredentialRefused(lazy_format("the centre refuses the kiosk credential (401): check the kiosk settings"))

    def fetch_snapshot(self, newer_than: int) -> tuple[int, bytes] | None:
        """The centre's newest signed snapshot if newer than `newer_than` (None otherwise); unverified bytes."""
        for _ in range(2):
            token = self._token()
            try:
                response = self._client.get(
                    "/api/snapshots/latest",
                    params={"newer_than": newer_than},
                    headers={"Authorization": f"Bearer {token}"},
                )
            except httpx.TransportError as exc:
                raise Unreachable(lazy_format("centre unreachable (%(error)s)", error=type(exc).__name__)) from exc
            if response.status_code == 401:
                self._kiosk_token = None
                continue
            if response.status_code in (204, 404):  # nothing newer, or nothing published yet
                return None
            if response.status_code != 200:
                raise Unreachable(
                    lazy_format("centre answered %(status)s to the snapshot poll", status=response.status_code)
                )
            return int(response.headers["X-Snapshot-Version"]), response.content
        raise CredentialRefused(lazy_format("the centre refuses the kiosk credential (401): check the kiosk settings"))

    def partner_answers(self, server_id: int, timeout_seconds: float = 2.0) -> list[dict[str, str | None]] | None:
        """What partner centres answered about screening `server_id` (issue 19's hit/no-hit), as the centre words it
        in the post's language; [] when none was asked (or the centre takes no part in the exchange), None when the
        centre cannot be reached now. Short timeout: the officer's page waits for it; and once the centre failed to
        answer, None at once for partner_answers_retry_seconds (the page says the answers are unknown)."""
        if time.monotonic() < self._answers_unreachable_until:
            return None
        try:
            token = self._token()
            response = self._client.get(
                f"/api/exchange/screenings/{server_id}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=timeout_seconds,
            )
        except (Unreachable, httpx.TransportError):
            self._answers_unreachable_until = time.monotonic() + self.partner_answers_retry_seconds
            return None
        if response.status_code == 404 and _code(response) == "exchange_off":
            return []
        if response.status_code != 200:
            return None
        return [
            {key: answer.get(key) for key in ("partner_id", "state", "reference", "text")} for answer in response.json()
        ]

    def _token(self) -> str:
        if self._kiosk_token is None:
            a = self.account
            body = {"kiosk_id": a.kiosk_id, "secret": a.kiosk_secret}
            try:
                response = self._client.post("/api/auth/kiosk-login", json=body)
            except httpx.TransportError as exc:
                raise Unreachable(lazy_format("centre unreachable (%(error)s)", error=type(exc).__name__)) from exc
            if response.status_code >= 500:
                raise Unreachable(lazy_format("centre answered %(status)s", status=response.status_code))
            if response.status_code == 429:
                # The centre limits failed logins per address, and officers signing in on this kiosk's page fail
                # from the same address: a pause, not a wrong kiosk secret.
                wait = response.headers.get("Retry-After", "?")
                raise Unreachable(
                    lazy_format(
                        "the centre is refusing logins from this kiosk's address for %(seconds)s s (429)", seconds=wait
                    )
                )
            if response.status_code != 200:
                raise CredentialRefused(
                    lazy_format(
                        "kiosk login refused by the centre (%(status)s): check the kiosk id and secret",
                        status=response.status_code,
                    )
                )
            self._kiosk_token = response.json()["access_token"]
        return self._kiosk_token

    # --- background loop ---------------------------------------------------------------------------------------

    def start(self, idle_seconds: float = 2.0) -> threading.Thread:
        """Run the delivery loop in a daemon thread until `stop()`."""
        thread = threading.Thread(target=self.run, args=(idle_seconds,), name="outbox-sender", daemon=True)
        thread.start()
        return thread

    def run(self, idle_seconds: float = 2.0) -> None:
        next_erase = 0.0
        while not self._stop.is_set():
            try:
                self.deliver_due()
                if time.monotonic() >= next_erase:  # a committed (fsync'd) write: not on every 2-second pass
                    self.erase_delivered()
                    next_erase = time.monotonic() + ERASE_EVERY_SECONDS
            except Exception:  # noqa: BLE001 - the loop must survive anything; items stay queued
                log.exception("outbox delivery pass failed")
            next_due = self.outbox.next_due_at()
            wait = idle_seconds if next_due is None else max(0.05, min(idle_seconds, next_due - time.time()))
            self._wake.wait(wait)
            self._wake.clear()

    def erase_delivered(self) -> int:
        """Erase what the centre holds and the kiosk no longer needs (Outbox.erase_delivered); how many items."""
        if self.keep_delivered_hours is None:
            return 0
        before = dt.datetime.now(dt.UTC) - dt.timedelta(hours=self.keep_delivered_hours)
        return self.outbox.erase_delivered(before)

    def nudge(self) -> None:
        """Something new was queued: send now rather than at the next tick."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()


def _held_decision(response: httpx.Response) -> DispositionPublic | None:
    """The decision the centre holds, from its 409 answer to a different one (None in any other answer)."""
    if response.status_code != 409:
        return None
    try:
        return DispositionPublic.model_validate(response.json()["held"])
    except (ValueError, KeyError, TypeError):  # ValueError covers JSON and pydantic's validation errors
        return None  # a centre that does not say: the refusal is still shown, with its message


def _code(response: httpx.Response) -> str | None:
    try:
        return response.json().get("code")
    except ValueError:
        return None


def _describe(response: httpx.Response) -> str:
    """The centre's own words for a refusal (in the post's language: see CentreAccount.language), and its code."""
    try:
        body = response.json()
        return f"{body.get('message')} ({response.status_code} {body.get('code')})"
    except ValueError:
        return f"HTTP {response.status_code}"
