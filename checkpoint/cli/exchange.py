"""`checkpoint exchange ...`: this centre's partners and agreements (admin), a query to a partner, the demo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from checkpoint.i18n import _

KINDS = ["face", "document", "name"]
CATEGORIES = ["wanted_person", "missing_person", "security_alert", "lost_stolen_documents"]
FOLLOWUP_FIELDS = [
    "category", "reason", "name_latin", "name_original", "birth_date", "nationality", "sex", "issuing_state",
    "document_number", "owning_authority", "legal_basis",
]  # fmt: skip


@click.group()
def exchange() -> None:
    """Cross-border hit/no-hit exchange with partner centres."""


def _admin():  # type: ignore[no-untyped-def]
    from api.audit.chain import Actor

    return Actor("cli", "admin")


def _session():  # type: ignore[no-untyped-def]
    from checkpoint.cli.exchange_centres import centre_session
    from checkpoint.settings import get_settings

    return centre_session(get_settings())


@exchange.command("key")
def key() -> None:
    """Print this centre's exchange id and public key (PEM): what a partner registers."""
    from api.exchange.identity import exchange_identity, require
    from checkpoint.settings import get_settings

    identity = require(exchange_identity(get_settings()))
    click.echo(f"# {identity.centre_id}")
    click.echo(identity.public_pem, nl=False)


@exchange.group()
def partner() -> None:
    """Partner centres (id, base URL, Ed25519 public key)."""


@partner.command("add")
@click.argument("partner_id")
@click.option("--url", required=True, help="the partner's base URL: https://..., or http://127.0.0.1:PORT for tests")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="the partner's exchange public key (PEM, from its `checkpoint exchange key`)")  # fmt: skip
def partner_add(partner_id: str, url: str, key_file: Path) -> None:
    """Register PARTNER_ID (audited)."""
    from api.exchange.partners import add_partner
    from api.exchange.wire import PartnerCreate

    body = _valid(PartnerCreate, partner_id=partner_id, base_url=url, public_key_pem=key_file.read_text())
    with _session() as (session, trail):
        added = add_partner(session, trail, _admin(), body)
    click.echo(_("partner %(id)s registered at %(url)s") % {"id": added.partner_id, "url": added.base_url})


@partner.command("list")
def partner_list() -> None:
    """Every partner, revoked ones too."""
    from api.exchange.partners import list_partners, partner_public

    with _session() as (session, _trail):
        for p in map(partner_public, list_partners(session)):
            state = _("active") if p.active else _("revoked")
            click.echo(f"{p.partner_id:<8} {p.base_url:<40} key {p.key_id}  {state}")


@partner.command("revoke")
@click.argument("partner_id")
def partner_revoke(partner_id: str) -> None:
    """Stop exchanging with PARTNER_ID (audited; its history stays)."""
    from api.exchange.partners import revoke_partner

    with _session() as (session, trail):
        revoke_partner(session, trail, _admin(), partner_id)
    click.echo(_("partner %(id)s revoked") % {"id": partner_id})


@exchange.group()
def agreement() -> None:
    """What each partner may ask of this centre."""


def _csv(choices: list[str]):  # type: ignore[no-untyped-def]
    def parse(_ctx, _param, value: str | None) -> list[str] | None:  # type: ignore[no-untyped-def]
        if value is None:
            return None
        items = [v.strip() for v in value.split(",") if v.strip()]
        unknown = [v for v in items if v not in choices]
        if unknown:
            raise click.BadParameter(f"{', '.join(unknown)} not among {', '.join(choices)}")
        return items

    return parse


@agreement.command("set")
@click.argument("partner_id")
@click.option("--kinds", required=True, callback=_csv(KINDS), help="comma-separated: face,document,name")
@click.option("--categories", required=True, callback=_csv(CATEGORIES), help="our watchlist categories that may answer")
@click.option("--daily-quota", type=click.IntRange(1, 1_000_000), required=True)
@click.option("--legal-basis", required=True, help="the agreement's reference (treaty, article)")
@click.option("--expires", type=click.DateTime(["%Y-%m-%d"]), required=True, help="YYYY-MM-DD")
@click.option("--max-fpir", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.01, show_default=True)
@click.option(
    "--followup-fields", callback=_csv(FOLLOWUP_FIELDS), default=None, help="what an approved follow-up may carry"
)
@click.option("--kiosk-queries", type=click.Choice(["off", "refer", "every"]), default="off", show_default=True)
def agreement_set(
    partner_id: str,
    kinds: list[str],
    categories: list[str],
    daily_quota: int,
    legal_basis: str,
    expires: dt.datetime,
    max_fpir: float,
    followup_fields: list[str] | None,
    kiosk_queries: str,
) -> None:
    """Put PARTNER_ID's agreement in force (replaces its earlier terms; audited)."""
    from api.exchange.partners import set_agreement
    from api.exchange.wire import AgreementSet

    body = _valid(
        AgreementSet,
        partner_id=partner_id,
        query_kinds=kinds,
        categories=categories,
        daily_quota=daily_quota,
        legal_basis=legal_basis,
        expires_on=expires.date(),
        max_fpir=max_fpir,
        followup_fields=followup_fields or [],
        kiosk_queries=kiosk_queries,
    )
    with _session() as (session, trail):
        set_agreement(session, trail, _admin(), body)
    click.echo(_("agreement with %(id)s in force until %(date)s") % {"id": partner_id, "date": body.expires_on})


@agreement.command("list")
def agreement_list() -> None:
    """Every agreement in its current terms."""
    from api.exchange.partners import agreement_public, list_agreements

    with _session() as (session, _trail):
        for a in map(agreement_public, list_agreements(session)):
            click.echo(
                f"{a.partner_id:<8} {','.join(a.query_kinds)} | {','.join(a.categories)} | quota {a.daily_quota}/day | "
                f"FPIR {a.max_fpir:g} | follow-up {','.join(a.followup_fields) or '-'} | until {a.expires_on} | "
                f"{a.legal_basis}"
            )


@exchange.command("query")
@click.argument("partner_id")
@click.option("--document", metavar="STATE:NUMBER", help="a document number and its issuing state, e.g. NER:DM0000001")
@click.option("--name", help="a name (Latin script)")
@click.option("--birth-date", help="with --name: YYYY, YYYY-MM or YYYY-MM-DD")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="a face template (.npy)")
@click.option("--model-id", help="with --template: the face model that made it")
def query(partner_id: str, document: str | None, name: str | None, birth_date: str | None, template: Path | None,
          model_id: str | None) -> None:  # fmt: skip
    """Send one hit/no-hit query to PARTNER_ID from this centre, and print the answer."""
    import base64

    import numpy as np

    from api.audit.chain import Actor
    from api.exchange.asking import deliver, queue_query
    from api.exchange.client import PartnerClient
    from api.exchange.identity import exchange_identity, require
    from api.exchange.wire import QueryTerms
    from checkpoint.cli.errors import Unavailable
    from checkpoint.settings import get_settings

    if sum(x is not None for x in (document, name, template)) != 1:
        raise click.UsageError("give exactly one of --document, --name, --template")
    if document is not None:
        state, _sep, number = document.partition(":")
        terms = _valid(QueryTerms, kind="document", issuing_state=state, document_number=number or None)
    elif name is not None:
        terms = _valid(QueryTerms, kind="name", name=name, birth_date=birth_date)
    else:
        vector = np.load(template).astype("<f4").ravel()  # type: ignore[arg-type]
        terms = _valid(
            QueryTerms, kind="face", model_id=model_id, template_b64=base64.b64encode(vector.tobytes()).decode()
        )
    settings = get_settings()
    identity = require(exchange_identity(settings))
    client = PartnerClient(settings.exchange_timeout_seconds)
    with _session() as (session, trail):
        row = deliver(
            session, trail, identity, client, queue_query(session, partner_id, terms), Actor("cli", "supervisor")
        )
    if row.status == "unreachable":
        raise Unavailable(f"{row.detail}; query {row.query_id} stays queued and the centre's outbox retries it")
    answer = (row.query_id, row.status, row.outcome, row.hit_reference, row.band, row.detail)
    click.echo(" ".join(part for part in answer if part))


@exchange.command("demo")
@click.option("--check", is_flag=True, help="exit 0 only if every exchange outcome is the expected one")
@click.option("--ports", nargs=2, type=click.IntRange(1024, 65535), default=(8301, 8302), show_default=True,
              help="MLI's and NER's ports on 127.0.0.1")  # fmt: skip
@click.option("--keep", is_flag=True, help="keep the two centres' folders (databases, keys, audit exports)")
def demo(check: bool, ports: tuple[int, int], keep: bool) -> None:
    """Two centres on 127.0.0.1 exchange hit/no-hit queries, a replay and a follow-up; both chains are verified."""
    from checkpoint.cli.exchange_demo import run_demo

    run_demo(check, ports, keep)


def _valid(model, **fields):  # type: ignore[no-untyped-def]
    """`model(**fields)`, or a one-line usage error naming the first bad field."""
    from pydantic import ValidationError

    try:
        return model(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise click.BadParameter(f"{'.'.join(map(str, first['loc'])) or 'input'}: {first['msg']}") from exc
