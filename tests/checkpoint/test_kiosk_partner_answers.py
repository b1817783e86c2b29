"""The officer at the kiosk sees what partner centres answered about the screening (issue 19): a partner's hit
with its state and reference, in the post's language; and, when the centre cannot be reached, that partner answers
are unknown — never an empty list that reads like "no partner hit"."""

from __future__ import annotations

import time
from html import unescape

from fastapi.testclient import TestClient

from api.accounts import register_kiosk
from api.app import auth_policy
from api.audit.chain import Actor
from api.exchange.partners import set_agreement
from api.exchange.wire import AgreementSet
from api.schemas import KioskCreate, TransactionCreate
from benchmarks.ingest_bench import sample_transaction
from checkpoint.cli import exchange_centres as centres
from checkpoint.i18n import _, language
from checkpoint.kiosk.app import create_kiosk_app
from checkpoint.outbox.sender import Backoff, CentreAccount, Sender
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings
from tests.api.exchange.conftest import pair  # noqa: F401 - two real centres, MLI and NER (NER lists DM0000001)
from tests.checkpoint.centre import sign_in_on_kiosk


def _kiosk_at(centre: centres.Centre) -> tuple[str, str]:
    """A kiosk registered at `centre`, and an officer account there; returns (kiosk secret, officer password)."""
    settings = centre.settings()
    with centres.centre_session(settings) as (session, trail):
        kiosk = KioskCreate(kiosk_id="kiosk-p", post_id="post-p")
        secret = register_kiosk(session, trail, auth_policy(settings), Actor("test", "admin"), kiosk).secret
        terms = AgreementSet(partner_id="NER", **centres.demo_terms(kiosk_queries="every", query_kinds=["document"]))
        set_agreement(session, trail, Actor("test", "admin"), terms)
    return secret, centres.add_account(centre, "officer-p", "officer")


def test_the_officer_sees_a_partner_hit_and_an_unreachable_centre_is_not_a_clearance(pair, screener, tmp_path):  # noqa: F811
    mli = pair["MLI"].centre
    secret, password = _kiosk_at(mli)
    settings = Settings(
        data_dir=tmp_path / "kiosk", kiosk_id="kiosk-p", kiosk_secret=secret, centre_url=mli.url, default_language="fr"
    )
    outbox = Outbox(settings.outbox_path)
    screening = sample_transaction("kiosk-p")
    screening["document"] |= {"issuing_state": "NER", "document_number": "DM0000001"}  # stolen, listed at NER
    outbox.add_transaction(TransactionCreate.model_validate(screening))
    key = screening["client_uuid"]
    account = CentreAccount(mli.url, "kiosk-p", secret, 30, "fr")
    sender = Sender(outbox, account, Backoff(30))
    assert sender.deliver_due() == 1
    deadline, answers = time.monotonic() + 90, []
    while time.monotonic() < deadline and not any(a["state"] == "hit" for a in answers or []):
        answers = sender.partner_answers(outbox.server_id_of(key), timeout_seconds=30)
        time.sleep(0.5)
    [hit] = [a for a in answers if a["state"] == "hit"]

    client = TestClient(create_kiosk_app(settings, screener, None, outbox, sender))
    assert sign_in_on_kiosk(client, "officer-p", password).status_code == 303
    section = unescape(client.get(f"/screening/{key}").text.split('id="partner-answers"')[1].split("</section>")[0])
    with language("fr"):
        expected = _("partner hit (%(state)s, reference %(reference)s)") % {
            "state": "NER",
            "reference": hit["reference"],
        }
    assert expected in section and "partner hit" not in expected  # the centre's words, in French

    # The same kiosk when the centre cannot be reached: the page says the answers are unknown, not "none".
    down = Sender(outbox, CentreAccount("http://127.0.0.1:9", "kiosk-p", secret, 1, "fr"), Backoff(30))
    offline = TestClient(create_kiosk_app(settings, screener, None, outbox, down))
    assert sign_in_on_kiosk(offline, "officer-p", password).status_code == 303  # offline, as signed in before
    section = unescape(offline.get(f"/screening/{key}").text.split('id="partner-answers"')[1].split("</section>")[0])
    with language("fr"):
        unknown = _(
            "The centre cannot be reached now: partner answers, if any, are not known here. This is not a clearance."
        )
    assert unknown in section and "cannot be reached" not in unknown
    assert expected not in section
