"""A decision the centre refuses for a reason other than a conflict reaches the officer in the post's language:
the kiosk asks the centre for French (Accept-Language from CHECKPOINT_DEFAULT_LANGUAGE), and shows the centre's
own sentence, not an English one, on the screening's page and on the home page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, update

from api.models import User
from api.schemas import TransactionCreate
from benchmarks.ingest_bench import sample_transaction
from checkpoint.i18n import language
from checkpoint.kiosk.app import create_kiosk_app
from checkpoint.outbox.sender import Backoff, CentreAccount, Sender, account_from
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings
from tests.checkpoint.centre import provisioned_centre, sign_in_on_kiosk


def test_a_refusal_by_the_centre_reads_in_french_on_a_french_post(screener, traveller, tmp_path):
    centre = provisioned_centre(tmp_path / "centre")
    settings = Settings(
        data_dir=tmp_path / "kiosk",
        kiosk_id=centre.kiosk_id,
        kiosk_secret=centre.kiosk_secret,
        kiosk_post_id="post-test",
        centre_url=centre.url,
        kiosk_capture_dir=tmp_path,
        default_language="fr",
    )
    centre.start()
    try:
        outbox = Outbox(settings.outbox_path)
        sender = Sender(outbox, account_from(settings), Backoff(30))  # the account the kiosk itself builds
        client = TestClient(create_kiosk_app(settings, screener, None, outbox, sender))
        assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 303
        document, frames = traveller.write(settings.capture_folder / "traveller")
        screened = client.post("/api/screen", json={"document": str(document), "frames": str(frames)})
        assert screened.status_code == 200, screened.text
        key = screened.json()["client_uuid"]
        sender.deliver_due()
        decided = client.post(
            f"/screening/{key}/disposition", data={"outcome": "CLEAR_AFTER_CHECK", "reason_code": "IDENTITY_CHECKED_OK"}
        )
        assert 'id="saved"' in decided.text
        # Before the decision reaches the centre, an administrator there disables the officer's account.
        engine = create_engine(Settings(data_dir=centre.data_dir).database_url_or_default)
        with engine.begin() as connection:
            connection.execute(update(User).where(User.username == "officer").values(active=False))
        engine.dispose()
        sender.deliver_due()
        assert outbox.backlog().refused == 1

        page = client.get(f"/screening/{key}").text
        refusal = page.split('id="refused"')[1].split("</p>")[0]
        assert "Refusé par le centre" in refusal
        assert "officer n&#39;est pas un compte d&#39;agent actif au centre" in refusal
        assert "is not an active officer account" not in refusal and "Refused by the centre" not in refusal
        assert "(403 forbidden)" in refusal  # the centre's code, for a supervisor who looks it up
        home = client.get("/").text.split('id="refused-decisions"')[1].split("</section>")[0]
        assert "n&#39;est pas un compte d&#39;agent actif au centre" in home
    finally:
        centre.stop()


def test_the_reason_a_kiosk_works_offline_reads_in_the_language_of_whoever_looks(tmp_path):
    # The sender notes why the centre is out of reach from its own thread; each officer's page reads it later.
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.add_transaction(TransactionCreate.model_validate(sample_transaction("kiosk-x")))
    closed = CentreAccount("http://127.0.0.1:9", "kiosk-x", "secret", timeout_seconds=1)
    sender = Sender(outbox, closed, Backoff(first_seconds=30))
    assert sender.deliver_due() == 0
    with language("fr"):
        assert str(sender.last_error) == "centre injoignable (ConnectError)"
    with language("en"):
        assert str(sender.last_error) == "centre unreachable (ConnectError)"
