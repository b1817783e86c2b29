"""The traveller's receipt: printed on the kiosk after the officer's decision with the centre unreachable, it holds
no personal data; once the centre has the decision, the receipt's inclusion proof verifies offline."""

from __future__ import annotations

import datetime as dt
import json
import re

import httpx
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By

from api.public.offline_check import receipt_problem
from api.schemas import DispositionCreate, Outcome, TransactionCreate
from benchmarks.ingest_bench import sample_transaction
from checkpoint.kiosk.app import SESSION_COOKIE, create_kiosk_app
from checkpoint.kiosk.receipts import new_receipt, receipt_json
from checkpoint.outbox.sender import Backoff, CentreAccount, Sender
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings
from tests.api.browser_pages import chromium, screenshot, wait_loaded
from tests.api.live_server import serving
from tests.checkpoint.centre import provisioned_centre, sign_in_on_kiosk


def test_a_receipt_printed_offline_is_proved_in_the_centres_log_once_it_arrives(screener, traveller, tmp_path):
    centre = provisioned_centre(tmp_path / "centre")
    settings = Settings(
        data_dir=tmp_path / "kiosk",
        kiosk_id=centre.kiosk_id,
        kiosk_post_id="post-test",
        centre_url=centre.url,
        kiosk_capture_dir=tmp_path,
        default_language="en",
    )
    outbox = Outbox(settings.outbox_path)
    sender = Sender(outbox, CentreAccount(centre.url, centre.kiosk_id, centre.kiosk_secret, 5), Backoff(0.1, 0.2))
    client = TestClient(create_kiosk_app(settings, screener, None, outbox, sender))
    centre.start()
    try:
        assert sign_in_on_kiosk(client, "officer", centre.passwords["officer"]).status_code == 303
        centre.stop()  # the link goes down: the kiosk screens, decides and prints on its own
        document, frames = traveller.write(settings.capture_folder / "traveller")
        screened = client.post("/api/screen", json={"document": str(document), "frames": str(frames)})
        assert screened.status_code == 200, screened.text
        key = screened.json()["client_uuid"]
        # The receipt states the officer's outcome, so it exists only once the officer has decided.
        assert 'id="print-receipt"' not in client.get(f"/screening/{key}").text
        assert client.get(f"/screening/{key}/receipt").status_code == 404
        decided = client.post(f"/screening/{key}/disposition", data={"outcome": "CLEAR"}, follow_redirects=True)
        assert 'id="print-receipt"' in decided.text
        page = client.get(f"/screening/{key}/receipt")
        assert page.status_code == 200
        assert "<svg" in page.text and "<script" not in page.text  # the QR code is inline SVG
        printed = outbox.receipt_of(key)
        assert printed is not None
        assert printed.fields.reference in page.text and printed.salt in page.text
        identity = traveller.identity
        for personal in (identity.surname, identity.given_names, identity.document_number, "data:image"):
            assert personal not in page.text
        # The disposition the kiosk queued carries the commitment, never the salt.
        queued = outbox.disposition_of(key)
        assert queued is not None and queued.receipt is not None
        assert printed.salt not in queued.model_dump_json()
        assert queued.receipt.commitment == printed.fields.commitment(printed.salt)

        centre.start()
        while outbox.backlog().pending_transactions or outbox.backlog().pending_dispositions:
            sender.deliver_due()
        waiting = httpx.get(f"{centre.url}/public/receipts/{printed.fields.reference}")
        assert waiting.status_code == 202  # recorded; the next signed tree head will cover it
        auditor = {"Authorization": f"Bearer {centre.token('auditor')}"}
        assert httpx.post(f"{centre.url}/api/audit/tree-heads", headers=auditor).status_code == 201
        proof = httpx.get(f"{centre.url}/public/receipts/{printed.fields.reference}")
        assert proof.status_code == 200, proof.text
        key_pem = httpx.get(f"{centre.url}/public/public-key").text
        qr_text = json.loads(receipt_json(printed))  # what the traveller's phone reads from the QR code
        assert receipt_problem(qr_text, proof.json(), load_pem_public_key(key_pem.encode())) is None
        assert not re.search(r"transaction", json.dumps(proof.json()))  # no centre id in the public answer
        _screenshots(client, key, tmp_path)
    finally:
        centre.stop()


def _screenshots(client: TestClient, key: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The receipt page in Chromium, in French and English, 80 mm wide (302 px at 96 dpi) and on a phone."""
    session = client.cookies.get(SESSION_COOKIE)
    with serving(client.app) as base:  # type: ignore[arg-type]
        for lang in ("fr", "en"):
            for width in (302, 360):
                with chromium(lang=lang, width=width, height=900) as browser:
                    browser.get(f"{base}/health")
                    browser.add_cookie({"name": SESSION_COOKIE, "value": session, "path": "/"})
                    browser.get(f"{base}/screening/{key}/receipt")
                    wait_loaded(browser)
                    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
                    title = {"fr": "Reçu de contrôle frontalier", "en": "Border screening receipt"}[lang]
                    assert title in browser.find_element(By.TAG_NAME, "h1").text
                    qr = browser.find_element(By.CSS_SELECTOR, "#receipt-qr svg").rect
                    assert qr["width"] >= 120  # 40 mm: large enough for a phone to read
                    sideways = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
                    assert sideways <= 0, f"the receipt scrolls sideways at {width} px in {lang}"
                    screenshot(browser, tmp_path / f"kiosk-receipt-{lang}-{width}.png")


def test_the_receipts_salt_is_erased_with_its_delivered_decision(tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    transaction = TransactionCreate.model_validate(sample_transaction("kiosk-1"))
    outbox.add_transaction(transaction)
    receipt = new_receipt(transaction, Outcome.CLEAR)
    decision = DispositionCreate(outcome=Outcome.CLEAR, decided_at=dt.datetime.now(dt.UTC), officer="officer")
    assert outbox.add_disposition(transaction.client_uuid, decision, receipt)
    assert outbox.receipt_of(str(transaction.client_uuid)) == receipt
    assert not outbox.add_disposition(transaction.client_uuid, decision, new_receipt(transaction, Outcome.CLEAR))
    assert outbox.receipt_of(str(transaction.client_uuid)) == receipt  # the first decision and its receipt stand
    for item in outbox.due():
        outbox.mark_delivered(item.seq, 1)
    assert outbox.erase_delivered(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)) == 2
    assert outbox.receipt_of(str(transaction.client_uuid)) is None
