"""Partner centres and the agreements that bind them, managed by the admin role; every change is audited."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from api.audit.chain import Actor
from api.audit.signing import key_id
from api.audit.trail import AuditTrail
from api.errors import Conflict, InvalidInput, NotFound
from api.exchange.envelope import public_key_from_pem
from api.exchange.errors import NotAgreed, UnknownPartner
from api.exchange.models import ExchangeAgreement, ExchangePartner
from api.exchange.wire import AgreementPublic, AgreementSet, PartnerCreate, PartnerPublic
from checkpoint.i18n import _

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def check_partner_url(url: str) -> str:
    """HTTPS, or plain HTTP on the loopback interface only (tests and the demo); returns it without a trailing /."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise InvalidInput(
            _("%(url)r is not a URL (%(exc)s)") % {"url": url, "exc": exc},
            _("give scheme, host and port, e.g. https://centre.example"),
        ) from exc
    if not parts.hostname or parts.query or parts.fragment:
        raise InvalidInput(
            _("%(url)r is not a base URL") % {"url": url},
            _("give scheme, host and port, e.g. https://centre.example:443"),
        )
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        raise InvalidInput(
            _("%(url)r is neither HTTPS nor plain HTTP on 127.0.0.1") % {"url": url},
            _("partners are reached over HTTPS in production"),
        )
    return url.rstrip("/")


def partner_public(partner: ExchangePartner) -> PartnerPublic:
    """A partner as the API shows it: its key by id, not the whole PEM."""
    return PartnerPublic(
        partner_id=partner.partner_id,
        base_url=partner.base_url,
        active=partner.active,
        key_id=key_id(public_key_from_pem(partner.public_key_pem)),
        created_at=partner.created_at,
        revoked_at=partner.revoked_at,
    )


def add_partner(session: Session, trail: AuditTrail, actor: Actor, body: PartnerCreate) -> ExchangePartner:
    """Register a partner centre (or give a revoked one a new URL and key)."""
    url = check_partner_url(body.base_url)
    try:
        public = public_key_from_pem(body.public_key_pem)
    except ValueError as exc:
        raise InvalidInput(
            _("public_key_pem is not an Ed25519 public key in PEM"), _("ask the partner for its key")
        ) from exc
    partner = session.exec(select(ExchangePartner).where(ExchangePartner.partner_id == body.partner_id)).first()
    if partner is not None and partner.active:
        raise Conflict(
            _("partner %(partner_id)s is already registered") % {"partner_id": body.partner_id},
            _("revoke it first to change its key or URL"),
        )
    partner = partner or ExchangePartner(partner_id=body.partner_id, base_url=url, public_key_pem="")
    partner.base_url, partner.public_key_pem, partner.active, partner.revoked_at = url, body.public_key_pem, True, None
    session.add(partner)
    session.flush()
    payload = {"partner_id": partner.partner_id, "base_url": url, "key_id": key_id(public)}
    trail.record(session, actor, "exchange.partner.add", f"partner:{partner.partner_id}", payload)
    session.commit()
    return partner


def list_partners(session: Session) -> list[ExchangePartner]:
    """Every partner, revoked ones too, oldest first."""
    return list(session.exec(select(ExchangePartner).order_by(col(ExchangePartner.id))))


def active_partner(session: Session, partner_id: str) -> ExchangePartner:
    """The partner, or UnknownPartner when it is not registered or was revoked."""
    partner = session.exec(select(ExchangePartner).where(ExchangePartner.partner_id == partner_id)).first()
    if partner is None or not partner.active:
        raise UnknownPartner(
            _("%(partner_id)r is not an active partner of this centre") % {"partner_id": partner_id},
            _("ask its administrator"),
        )
    return partner


def revoke_partner(session: Session, trail: AuditTrail, actor: Actor, partner_id: str) -> ExchangePartner:
    """Stop accepting and sending anything for a partner; its history stays."""
    partner = session.exec(select(ExchangePartner).where(ExchangePartner.partner_id == partner_id)).first()
    if partner is None:
        raise NotFound(
            _("there is no partner %(partner_id)s") % {"partner_id": partner_id},
            _("list them with `checkpoint exchange partner list`"),
        )
    if partner.active:
        partner.active, partner.revoked_at = False, dt.datetime.now(dt.UTC)
        session.add(partner)
        trail.record(session, actor, "exchange.partner.revoke", f"partner:{partner_id}", {"partner_id": partner_id})
        session.commit()
    return partner


def set_agreement(session: Session, trail: AuditTrail, actor: Actor, body: AgreementSet) -> ExchangeAgreement:
    """Put an agreement's terms in force for a registered partner, replacing earlier terms (all audited)."""
    active_partner(session, body.partner_id)
    agreement = session.exec(select(ExchangeAgreement).where(ExchangeAgreement.partner_id == body.partner_id)).first()
    terms = body.model_dump(mode="json")
    values = {**terms, "expires_on": body.expires_on, "updated_at": dt.datetime.now(dt.UTC)}
    if agreement is None:
        agreement = ExchangeAgreement(**values)
    for name, value in values.items():
        setattr(agreement, name, value)
    session.add(agreement)
    session.flush()
    trail.record(session, actor, "exchange.agreement.set", f"partner:{body.partner_id}", terms)
    session.commit()
    return agreement


def agreement_public(agreement: ExchangeAgreement) -> AgreementPublic:
    return AgreementPublic.model_validate(agreement, from_attributes=True)


def list_agreements(session: Session) -> list[ExchangeAgreement]:
    return list(session.exec(select(ExchangeAgreement).order_by(col(ExchangeAgreement.id))))


def agreement_in_force(session: Session, partner_id: str, today: dt.date | None = None) -> ExchangeAgreement:
    """The partner's agreement, or NotAgreed when there is none or it has expired."""
    agreement = session.exec(select(ExchangeAgreement).where(ExchangeAgreement.partner_id == partner_id)).first()
    if agreement is None:
        raise NotAgreed(
            _("there is no agreement with %(partner_id)s") % {"partner_id": partner_id},
            _("agree terms with this centre first"),
        )
    if agreement.expires_on < (today or dt.datetime.now(dt.UTC).date()):
        raise NotAgreed(
            _("the agreement with %(partner_id)s expired on %(expires_on)s")
            % {"partner_id": partner_id, "expires_on": agreement.expires_on},
            _("renew the agreement"),
        )
    return agreement
