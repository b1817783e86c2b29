"""Signing an officer in on the kiosk page: against the centre when it answers, offline otherwise.

Online, the kiosk asks the centre's own login route (so passwords, lock-outs and disabled accounts are the
centre's), admits only the officer role, revokes the token it got at once (the kiosk acts with its own device
credential afterwards) and refreshes the officer's offline credential. When the centre does not answer, only an
officer whose credential is cached here, unexpired, is admitted. Every refusal says the same thing whatever
the cause, so the page never tells which usernames exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

from checkpoint.i18n import lazy_gettext, supported
from checkpoint.kiosk.offline_credentials import OfflineCredentials
from checkpoint.kiosk.sign_in_throttle import SignInThrottle

REFUSED = lazy_gettext(
    "Sign-in refused: the username or password is wrong, or the account is not an officer's. Check both and try again."
)
OFFLINE_REFUSED = lazy_gettext(
    "The centre cannot be reached, and the offline sign-in failed: offline, only an officer who signed in on "
    "this kiosk while it was online in the last %(hours)s hours can sign in, with that same password. "
    "Check the username and password, or sign in when the centre is reachable again."
)
OFFLINE_DISABLED = lazy_gettext(
    "The centre cannot be reached, and this kiosk allows no offline sign-in: try again later."
)
THROTTLED = lazy_gettext("Too many failed sign-ins for this username: wait %(seconds)s s, then try again.")
# The centre limits failures per account and per address (this kiosk's): it does not say which one tripped.
CENTRE_THROTTLED = lazy_gettext(
    "The centre refuses sign-ins from this kiosk for now (too many failed tries): wait %(seconds)s s."
)
MISSING = lazy_gettext("Enter your username and password.")


@dataclass(frozen=True)
class SignInResult:
    """The answer for the page: signed in (online or offline) or a message and an HTTP status."""

    ok: bool
    offline: bool = False
    message: str = ""
    status: int = 200
    language: str | None = None  # the officer's language as the centre stores it (None: not chosen)


class _Unreachable(Exception):
    pass


class OfficerSignIn:
    """Checks an officer's username and password for the kiosk page."""

    def __init__(
        self, centre_url: str, timeout_seconds: float, credentials: OfflineCredentials, throttle: SignInThrottle
    ) -> None:
        self.centre_url = centre_url.rstrip("/")
        self.timeout_seconds = timeout_seconds
        self.credentials = credentials
        self.throttle = throttle

    def sign_in(self, username: str, password: str) -> SignInResult:
        """Admit an officer, online when the centre answers, otherwise from the offline credential."""
        username = username.strip()
        if not username or not password:
            return SignInResult(False, message=str(MISSING), status=400)
        if len(username) > 64 or len(password) > 256:  # no account has such a name or password (centre limits)
            return SignInResult(False, message=str(REFUSED), status=401)
        wait = self.throttle.wait_seconds(username)
        if wait:
            return SignInResult(False, message=THROTTLED % {"seconds": wait}, status=429)
        try:
            return self._online(username, password)
        except _Unreachable:
            return self._offline(username, password)

    def _online(self, username: str, password: str) -> SignInResult:
        try:
            with httpx.Client(base_url=self.centre_url, timeout=self.timeout_seconds) as client:
                response = client.post("/api/auth/login", json={"username": username, "password": password})
                if response.status_code >= 500 or response.status_code == 408:
                    raise _Unreachable
                if response.status_code == 429:  # the centre's own lock-out (account or address)
                    wait = _retry_after(response)
                    return SignInResult(False, message=CENTRE_THROTTLED % {"seconds": wait}, status=429)
                if response.status_code == 200:
                    body = response.json()
                    _revoke(client, body["access_token"])
                    if body.get("role") == "officer":
                        language = supported(body.get("language"))
                        self.credentials.remember(username, password, language=language)
                        self.throttle.succeeded(username)
                        return SignInResult(True, language=language)
                    self.credentials.forget(username)  # not (or no longer) an officer
        except httpx.TransportError as exc:
            raise _Unreachable from exc
        # Refused by the centre. If this was the password cached here, the centre no longer accepts it
        # (changed, account disabled): it must stop working offline too.
        if self.credentials.matches(username, password):
            self.credentials.forget(username)
        self.throttle.failed(username)
        return SignInResult(False, message=str(REFUSED), status=401)

    def _offline(self, username: str, password: str) -> SignInResult:
        if self.credentials.valid_seconds <= 0:
            return SignInResult(False, message=str(OFFLINE_DISABLED), status=503)
        if self.credentials.matches(username, password):
            self.throttle.succeeded(username)
            return SignInResult(True, offline=True, language=self.credentials.language(username))
        self.throttle.failed(username)
        hours = self.credentials.valid_seconds / 3600
        return SignInResult(False, message=OFFLINE_REFUSED % {"hours": f"{hours:g}"}, status=401)


def _revoke(client: httpx.Client, token: str) -> None:
    # The login was only a check: leave no live officer token behind. Best effort; it expires anyway.
    try:
        client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
    except httpx.TransportError:
        pass


def _retry_after(response: httpx.Response) -> int:
    """Seconds the centre's lock-out has left: its Retry-After header, else its message ("... wait N s, ...");
    60 when neither says."""
    if response.headers.get("Retry-After", "").isdigit():
        return int(response.headers["Retry-After"])
    try:
        message = str(response.json().get("message", ""))
    except ValueError:
        message = ""
    found = re.search(r"wait (\d+) s", message)
    return int(found.group(1)) if found else 60
