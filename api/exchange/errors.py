"""Why an exchange request is refused; each is HTTP 4xx + JSON `{code, message}` to the partner, and an audit event."""

from __future__ import annotations

from api.errors import ApiError


class ExchangeRefused(ApiError):
    """Base of every refusal of a partner's signed request (or of a request we could not send)."""

    code = "exchange_refused"
    status = 403


class ExchangeOff(ExchangeRefused):
    """This centre has no exchange identity (CHECKPOINT_EXCHANGE_CENTRE_ID is empty): for a partner, there is no
    exchange here (404), which it records as a refusal, not as a centre that is down."""

    code = "exchange_off"
    status = 404


class UnknownPartner(ExchangeRefused):
    """The sender is not a registered, active partner."""

    code = "unknown_partner"


class BadSignature(ExchangeRefused):
    """The envelope is malformed or its signature does not verify with the sender's registered key."""

    code = "bad_signature"
    status = 401


class StaleRequest(ExchangeRefused):
    """The signed timestamp lies outside the replay window."""

    code = "stale_request"
    status = 401


class ReplayedRequest(ExchangeRefused):
    """The sender's nonce was seen before: the same signed request sent again."""

    code = "replayed_request"
    status = 409


class NotAgreed(ExchangeRefused):
    """No agreement in force covers this request (kind, category, expiry, follow-up)."""

    code = "not_agreed"


class QuotaExceeded(ExchangeRefused):
    """The partner's daily quota of queries is used up."""

    code = "quota_exceeded"
    status = 429


class PartnerUnreachable(ApiError):
    """A partner did not answer in time, or answered with something that is not a signed answer."""

    code = "partner_unreachable"
    status = 502


class PartnerRefusal(ApiError):
    """A partner refused what we sent it (its code and message are in ours)."""

    code = "partner_refused"
    status = 502
