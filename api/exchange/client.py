"""Sending a sealed message to a partner and checking that what comes back is that partner's signed reply to it.

A partner that does not answer in time, or answers with anything but its signed reply or a JSON refusal, is
"unreachable" (PartnerUnreachable): the caller keeps the query to retry, it never reads that as "no hit".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from api.exchange.envelope import envelope_of, message_hash, public_key_from_pem, verify_sealed
from api.exchange.errors import BadSignature, PartnerUnreachable
from api.exchange.models import ExchangePartner
from checkpoint.i18n import _


@dataclass(frozen=True)
class PartnerReply:
    """The partner's signed reply (body and hash), or its refusal (code and message)."""

    body: dict[str, Any] | None = None
    answer_hash: str | None = None
    refusal_code: str | None = None
    refusal_message: str = ""


class PartnerClient:
    """One per process; `timeout` bounds each request so a partner that is down never holds anything up for long."""

    def __init__(self, timeout: float, transport: httpx.BaseTransport | None = None) -> None:
        self._http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False)

    def send(self, partner: ExchangePartner, path: str, sealed: dict[str, Any]) -> PartnerReply:
        """POST `sealed` to the partner's `path`; its verified reply or refusal, else PartnerUnreachable."""
        url = partner.base_url + path
        try:
            response = self._http.post(url, json=sealed)
        except httpx.HTTPError as exc:
            raise PartnerUnreachable(
                _("%(partner_id)s did not answer at %(url)s (%(error)s)")
                % {"partner_id": partner.partner_id, "url": url, "error": type(exc).__name__},
                _("it is retried later"),
            ) from exc
        try:
            reply = response.json()
        except ValueError as exc:
            raise PartnerUnreachable(
                _("%(partner_id)s answered %(status_code)s without JSON")
                % {"partner_id": partner.partner_id, "status_code": response.status_code},
                _("it is retried later"),
            ) from exc
        if 400 <= response.status_code < 500 and isinstance(reply, dict) and isinstance(reply.get("code"), str):
            return PartnerReply(refusal_code=reply["code"][:64], refusal_message=str(reply.get("message", ""))[:400])
        if response.status_code != 200:
            raise PartnerUnreachable(
                _("%(partner_id)s answered %(status_code)s")
                % {"partner_id": partner.partner_id, "status_code": response.status_code},
                _("it is retried later"),
            )
        try:
            envelope = envelope_of(reply)
            if envelope["sender"] != partner.partner_id or envelope.get("in_reply_to") != message_hash(sealed):
                raise BadSignature(_("the reply is not the partner's reply to this request"), _(""))
            verify_sealed(reply, public_key_from_pem(partner.public_key_pem))
        except BadSignature as exc:
            raise PartnerUnreachable(
                _("%(partner_id)s's reply is not signed by its registered key for this request (%(problem)s)")
                % {"partner_id": partner.partner_id, "problem": exc.problem},
                _("check the partner's key; the request is retried later"),
            ) from exc
        return PartnerReply(body=envelope["body"], answer_hash=message_hash(reply))

    def close(self) -> None:
        self._http.close()
