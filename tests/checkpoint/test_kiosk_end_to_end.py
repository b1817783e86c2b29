"""The whole product in a real browser: a listed traveller is referred, the officer confirms offline, the centre
gets the transaction and the disposition once it is back, the audit chain verifies; after the entry is delisted
(a newer signed snapshot arrives in the inbox) the same traveller is cleared."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

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


@pytest.mark.slow
def test_listed_traveller_referred_confirmed_offline_delivered_audited_then_cleared_after_delisting(
    screener,
    traveller,
    astronaut_template,
    browser,
    tmp_path,
):
    centre = provisioned_centre(tmp_path / "centre")
    bundle, key = build_bundle(tmp_path, {"WANTED-1": astronaut_template, **random_templates(100)})
    store = SnapshotStore(tmp_path / "kiosk" / "snapshot", key.public_key())
    store.install(bundle)
    screener.snapshot = lambda: store.current
    settings = Settings(data_dir=tmp_path / "kiosk", kiosk_id=centre.kiosk_id, kiosk_post_id="post-test")
    outbox = Outbox(settings.outbox_path)
    account = CentreAccount(centre.url, centre.kiosk_id, centre.kiosk_secret, "officer", centre.passwords["officer"], 5)
    sender = Sender(outbox, account, Backoff(0.2, 1.0))
    sender.start(idle_seconds=0.3)
    folder = traveller.write(tmp_path / "traveller")[0].parent
    try:
        with serving(create_kiosk_app(settings, screener, store, outbox, sender)) as base:
            # The centre is down: the kiosk screens anyway and says it is working offline.
            _screen_in_browser(browser, base, folder)
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
            header = browser.find_element(By.ID, "backlog").text
            assert "1 transaction(s), 1 disposition(s) waiting" in header and "working offline" in header
            _screenshot(browser, tmp_path / "kiosk-refer-offline.png")

            centre.start()  # the connection returns
            try:
                WebDriverWait(browser, 60, poll_frequency=0.3).until(
                    lambda d: outbox.backlog().pending_transactions + outbox.backlog().pending_dispositions == 0
                )
                supervisor = {"Authorization": f"Bearer {centre.token('supervisor')}"}
                [summary] = httpx.get(f"{centre.url}/api/transactions", headers=supervisor).json()
                assert summary["recommendation"] == "REFER" and summary["reason_codes"] == ["WATCHLIST_FACE_HIT"]
                assert summary["outcome"] == "SECONDARY_INSPECTION" and summary["officer"] == "officer"
                detail = httpx.get(f"{centre.url}/api/transactions/{summary['id']}", headers=supervisor).json()
                assert detail["candidates"][0]["kind"] == "face" and detail["policy_hash"] == screener.policy.sha256
                auditor = {"Authorization": f"Bearer {centre.token('auditor')}"}
                assert httpx.post(f"{centre.url}/api/audit/tree-heads", headers=auditor).status_code == 201
                status = httpx.get(f"{centre.url}/api/audit/status", headers=auditor).json()
                assert status["verified"] and status["events_after_latest_tree_head"] == 0
                actions = [e["action"] for e in httpx.get(f"{centre.url}/api/audit/events", headers=auditor).json()]
                assert "transaction.ingest" in actions and any("disposition" in a for a in actions)

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
