"""The whole product in a real browser: the officer signs in (online), the link goes down, a listed traveller is
referred and the officer confirms offline, signs out and back in offline; once the centre is back it gets the
transaction, the disposition in the officer's name through this kiosk, and every opening of the screening as an
audited read; the audit chain verifies; after the entry is delisted (a newer signed snapshot arrives in the
inbox) the same traveller is cleared."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlmodel import Session, select

from api.db import make_engine
from api.models import AuditEvent, AuditPayload, Disposition
from checkpoint.kiosk.app import create_kiosk_app
from checkpoint.outbox.sender import Backoff, CentreAccount, Sender
from checkpoint.outbox.snapshot_sync import SnapshotSync
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings
from tests.api.live_server import serving
from tests.api.test_pages import _screenshot
from tests.checkpoint.centre import provisioned_centre
from tests.checkpoint.conftest import build_bundle, random_templates
from watchlists.snapshot import SnapshotStore


def _screen_in_browser(driver, base: str, folder: Path) -> None:  # type: ignore[no-untyped-def]
    driver.get(base + "/")
    driver.find_element(By.ID, "document").send_keys(str(folder / "document.jpg"))
    frames = sorted((folder / "frames").glob("*.jpg"))
    driver.find_element(By.ID, "frames").send_keys("\n".join(str(f) for f in frames))
    driver.find_element(By.ID, "screen-submit").click()
    WebDriverWait(driver, 120).until(lambda d: d.find_elements(By.ID, "recommendation"))


def _waiting(outbox: Outbox) -> int:
    backlog = outbox.backlog()
    return backlog.pending_transactions + backlog.pending_dispositions + backlog.pending_views


def _sign_in_with_keyboard(driver, base: str, password: str) -> None:  # type: ignore[no-untyped-def]
    driver.get(base + "/")  # not signed in: the kiosk sends the officer to its sign-in page
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "username"))
    assert driver.switch_to.active_element.get_attribute("id") == "username"  # focus starts there
    driver.switch_to.active_element.send_keys("officer", Keys.TAB, password, Keys.ENTER)
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "officer"))


@pytest.mark.slow
def test_listed_traveller_referred_confirmed_offline_delivered_audited_then_cleared_after_delisting(
    screener,
    traveller,
    astronaut_template,
    browser,
    tmp_path,
):
    centre = provisioned_centre(tmp_path / "centre")
    bundle, key = build_bundle(
        tmp_path, {"WANTED-1": astronaut_template, **random_templates(100)}, documents=[("MLI", "AA0012345")]
    )
    store = SnapshotStore(tmp_path / "kiosk" / "snapshot", key.public_key())
    store.install(bundle)
    screener.snapshot = lambda: store.current
    settings = Settings(
        data_dir=tmp_path / "kiosk", kiosk_id=centre.kiosk_id, kiosk_post_id="post-test", centre_url=centre.url
    )
    outbox = Outbox(settings.outbox_path)
    account = CentreAccount(centre.url, centre.kiosk_id, centre.kiosk_secret, 5)
    sender = Sender(outbox, account, Backoff(0.2, 1.0))
    sender.start(idle_seconds=0.3)
    folder = traveller.write(tmp_path / "traveller")[0].parent
    password = centre.passwords["officer"]
    try:
        with serving(create_kiosk_app(settings, screener, store, outbox, sender)) as base:
            centre.start()  # the officer signs in while the link is up...
            _sign_in_with_keyboard(browser, base, password)
            assert browser.find_element(By.ID, "officer").text.startswith("Officer officer")
            assert not browser.find_elements(By.ID, "offline-sign-in")
            centre.stop()  # ...then it goes down: the kiosk screens anyway and says it is working offline.
            _screen_in_browser(browser, base, folder)
            screening_url = browser.current_url
            assert browser.find_element(By.ID, "recommendation").text == "REFER"
            assert "WATCHLIST_FACE_HIT" in browser.find_element(By.ID, "reasons").text
            row = browser.find_element(By.CSS_SELECTOR, "#candidates .candidate")
            assert "Listed WANTED-1" in row.text and "wanted-demo" in row.text and "test warrant" in row.text
            thumb = row.find_element(By.CSS_SELECTOR, "img[alt='watchlist photo']")
            assert browser.execute_script("return arguments[0].naturalWidth", thumb) > 0  # the thumbnail loaded
            assert browser.find_element(By.ID, "chosen-frame").is_displayed()
            # A decision other than CLEAR without a reason code is refused, with the reason why.
            Select(browser.find_element(By.ID, "outcome")).select_by_value("SECONDARY_INSPECTION")
            browser.find_element(By.ID, "decide").click()
            WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "error"))
            assert "needs a reason_code" in browser.find_element(By.ID, "error").text
            # Keyboard only: focus starts on the outcome; type the reason code's first letters, press Enter.
            Select(browser.find_element(By.ID, "outcome")).select_by_value("SECONDARY_INSPECTION")
            Select(browser.find_element(By.ID, "reason_code")).select_by_value("WATCHLIST_CONFIRMED")
            browser.find_element(By.ID, "note").send_keys("candidate confirmed against the passport\n")
            WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "saved"))
            assert "decided by officer" in browser.find_element(By.ID, "saved").text
            header = browser.find_element(By.ID, "backlog").text
            assert "1 transaction(s), 1 disposition(s)" in header and "working offline" in header
            _screenshot(browser, tmp_path / "kiosk-refer-offline.png")

            # Sign out; with the centre still down the officer signs in again from the kiosk's cached credential.
            browser.find_element(By.ID, "sign-out").click()
            WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "notice"))
            browser.get(screening_url)
            assert browser.current_url.startswith(base + "/signin?next=")  # nothing shown signed out
            browser.switch_to.active_element.send_keys("officer", Keys.TAB, password, Keys.ENTER)
            WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "recommendation"))
            assert browser.current_url == screening_url  # back where the officer was
            assert "offline sign-in" in browser.find_element(By.ID, "offline-sign-in").text
            _screenshot(browser, tmp_path / "kiosk-offline-sign-in.png")

            centre.start()  # the connection returns
            try:
                WebDriverWait(browser, 60, poll_frequency=0.3).until(lambda d: _waiting(outbox) == 0)
                assert outbox.backlog().refused == 0
                supervisor = {"Authorization": f"Bearer {centre.token('supervisor')}"}
                [summary] = httpx.get(f"{centre.url}/api/transactions", headers=supervisor).json()
                assert summary["recommendation"] == "REFER" and summary["reason_codes"] == ["WATCHLIST_FACE_HIT"]
                assert summary["outcome"] == "SECONDARY_INSPECTION" and summary["officer"] == "officer"
                detail = httpx.get(f"{centre.url}/api/transactions/{summary['id']}", headers=supervisor).json()
                assert detail["candidates"][0]["kind"] == "face" and detail["policy_hash"] == screener.policy.sha256
                engine = make_engine(centre.database_url)
                with Session(engine) as session:
                    decision = session.exec(select(Disposition)).one()
                    views = session.exec(
                        select(AuditEvent, AuditPayload)
                        .join(AuditPayload, AuditPayload.sequence == AuditEvent.sequence)  # type: ignore[arg-type]
                        .where(AuditEvent.action == "screening.view")
                    ).all()
                engine.dispose()
                assert (decision.officer, decision.kiosk_id) == ("officer", centre.kiosk_id)
                # Each sign-in session that opened the screening left one read in the officer's name.
                assert [(e.actor, e.object) for e, _ in views] == [("officer", f"transaction:{summary['id']}")] * 2
                assert ['"sign_in":"online"' in p.payload for _, p in views] == [True, False]
                assert all(str(detail["client_uuid"]) in p.payload and "Listed" not in p.payload for _, p in views)
                auditor = {"Authorization": f"Bearer {centre.token('auditor')}"}
                assert httpx.post(f"{centre.url}/api/audit/tree-heads", headers=auditor).status_code == 201
                status = httpx.get(f"{centre.url}/api/audit/status", headers=auditor).json()
                assert status["verified"] and status["events_after_latest_tree_head"] == 0
                actions = [e["action"] for e in httpx.get(f"{centre.url}/api/audit/events", headers=auditor).json()]
                assert "transaction.ingest" in actions and "disposition.record" in actions

                # The warrant is withdrawn: the centre signs v2 without the subject; the kiosk picks it up.
                newer, _ = build_bundle(tmp_path, {}, key=key, delist=("WANTED-1",))
                inbox = tmp_path / "inbox"
                inbox.mkdir()
                (inbox / "v2.snapshot").write_bytes(newer.read_bytes())
                assert SnapshotSync(store, inbox).poll_once() == 2
                _screen_in_browser(browser, base, folder)
                assert browser.find_element(By.ID, "recommendation").text == "CLEAR"
                assert "working offline" not in browser.find_element(By.ID, "backlog").text
                _screenshot(browser, tmp_path / "kiosk-clear.png")
            finally:
                centre.stop()
    finally:
        sender.stop()
