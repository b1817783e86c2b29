"""Supervisor and auditor pages in a real headless Chromium (Debian's chromium + chromedriver)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from api.schemas import Role
from tests.api.conftest import PASSWORD, transaction_body
from tests.api.live_server import serving

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    """Headless Chromium with a fresh profile and no background network."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    assert not missing, f"install Debian chromium and chromium-driver (scripts/setup.sh does): missing {missing}"
    profile = tempfile.mkdtemp(prefix="checkpoint-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def staleness_of(element):  # type: ignore[no-untyped-def]
    """Wait condition: `element` left the document (chromedriver sometimes reports that as a generic error)."""

    def gone(_driver) -> bool:  # type: ignore[no-untyped-def]
        try:
            element.is_enabled()
        except WebDriverException:  # StaleElementReferenceException is one of these
            return True
        return False

    return gone


def _log_in(browser: webdriver.Chrome, base: str, username: str, password: str = PASSWORD) -> None:
    browser.get(f"{base}/ui/login")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(password)
    button = browser.find_element(By.ID, "login-submit")
    button.click()
    WebDriverWait(browser, 10).until(staleness_of(button))  # the next page has replaced the form
    WebDriverWait(browser, 10).until(lambda b: b.execute_script("return document.readyState") == "complete")


def _screenshot(browser: webdriver.Chrome, path: Path) -> bytes:
    browser.save_screenshot(str(path))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000  # a real rendered page, not a blank
    return data


def _jpeg_b64() -> str:
    """A real 60x80 JPEG, as a kiosk would send a face crop."""
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 150, 120)).save(buffer, "JPEG")
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def populated(app, client, headers) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Two referrals (one decided and reviewed), one clearance, another post."""

    def post(**kw) -> int:  # type: ignore[no-untyped-def]
        return client.post("/api/transactions", json=transaction_body(**kw), headers=headers[Role.KIOSK]).json()["id"]

    decided = post(face_image_jpeg_b64=_jpeg_b64())
    undecided = post(post_id="post-b", candidates=[])
    post(recommendation="CLEAR", reason_codes=[])
    client.post(
        f"/api/transactions/{decided}/disposition",
        headers=headers[Role.OFFICER],
        json={
            "outcome": "CLEAR_AFTER_CHECK",
            "reason_code": "FALSE_MATCH",
            "note": "different person",
            "decided_at": datetime.now(UTC).isoformat(),
        },
    )
    client.post(
        f"/api/transactions/{decided}/reviews",
        headers=headers[Role.SUPERVISOR],
        json={"verdict": "UPHELD", "reason_code": "CORRECT_CALL"},
    )
    client.post("/api/audit/tree-heads", headers=headers[Role.AUDITOR])
    return {"decided": decided, "undecided": undecided}


def test_supervisor_queue_filters_and_detail(app, populated, browser, tmp_path):
    with serving(app) as base:
        browser.get(f"{base}/ui/referrals")
        assert browser.current_url.endswith("/ui/login")  # not logged in: sent to the form
        _log_in(browser, base, "supervisor")
        assert browser.current_url.endswith("/ui/referrals")
        rows = browser.find_elements(By.CSS_SELECTOR, "tr.queue-row")
        assert len(rows) == 2  # the clearance is not a referral
        assert "CLEAR_AFTER_CHECK by officer" in browser.find_element(By.ID, "queue").text
        rates = browser.find_element(By.ID, "false-hits").text
        assert "wl-interpol" in rates and "100.0 %" in rates  # one decided hit, cleared by the officer
        _screenshot(browser, tmp_path / "queue.png")

        browser.find_element(By.NAME, "post_id").send_keys("post-b")
        button = browser.find_element(By.CSS_SELECTOR, "#filters button")
        button.click()
        WebDriverWait(browser, 10).until(staleness_of(button))
        WebDriverWait(browser, 10).until(lambda b: b.execute_script("return document.readyState") == "complete")
        rows = browser.find_elements(By.CSS_SELECTOR, "tr.queue-row")
        assert [r.find_element(By.TAG_NAME, "a").text for r in rows] == [str(populated["undecided"])]

        browser.get(f"{base}/ui/transactions/{populated['decided']}")
        assert browser.find_element(By.ID, "recommendation").text == "REFER"
        assert "ERIKSSON" in browser.find_element(By.ID, "document").text
        assert "E-1001" in browser.find_element(By.ID, "candidates").text
        decision = browser.find_element(By.ID, "decision").text
        assert "CLEAR_AFTER_CHECK" in decision and "FALSE_MATCH" in decision and "different person" in decision
        assert "UPHELD by supervisor" in browser.find_element(By.ID, "reviews").text
        face = browser.find_element(By.ID, "live-face")
        assert browser.execute_script("return arguments[0].naturalWidth", face) == 60  # the JPEG decoded
        _screenshot(browser, tmp_path / "detail.png")


def test_auditor_sees_log_and_verified_chain_with_signed_head(app, populated, browser, tmp_path):
    with serving(app) as base:
        _log_in(browser, base, "auditor")
        assert browser.current_url.endswith("/ui/audit")
        assert browser.find_element(By.ID, "chain-verdict").text.startswith("Verified")
        head = browser.find_element(By.ID, "tree-head").text
        assert "Root hash" in head and "Signature (Ed25519)" in head
        actions = [
            r.find_elements(By.TAG_NAME, "td")[4].text for r in browser.find_elements(By.CSS_SELECTOR, "tr.event-row")
        ]
        assert {"transaction.ingest", "disposition.record", "review.record", "auth.login"} <= set(actions)
        _screenshot(browser, tmp_path / "audit.png")
        browser.find_element(By.NAME, "action").send_keys("review.record")
        browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
        WebDriverWait(browser, 10).until(lambda b: "action=review.record" in b.current_url)
        rows = browser.find_elements(By.CSS_SELECTOR, "tr.event-row")
        assert len(rows) == 1 and "review.record" in rows[0].text


def test_wrong_password_shows_the_error_and_officer_gets_no_supervisor_page(app, headers, browser):
    with serving(app) as base:
        _log_in(browser, base, "supervisor", "not the password")
        assert "wrong password" in browser.find_element(By.ID, "login-error").text
        _log_in(browser, base, "officer")
        assert "no pages for the officer role" in browser.page_source
        browser.get(f"{base}/ui/referrals")
        WebDriverWait(browser, 10).until(lambda b: "forbidden" in b.page_source)
        assert "forbidden" in browser.page_source and "officer role may not" in browser.page_source


def test_auditor_reads_benchmark_reports(app, settings, headers, browser, tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "ingest.json").write_text('{"ingest": [{"database": "sqlite", "tx_per_s": 349.5}]}')
    settings.benchmark_results_dir = results
    with serving(app) as base:
        _log_in(browser, base, "auditor")
        browser.find_element(By.LINK_TEXT, "Benchmark reports").click()
        WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/ui/benchmarks"))
        assert [r.text.split()[0] for r in browser.find_elements(By.CSS_SELECTOR, "tr.report-row")] == ["ingest.json"]
        browser.find_element(By.LINK_TEXT, "ingest.json").click()
        WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.ID, "report"))
        assert '"tx_per_s": 349.5' in browser.find_element(By.ID, "report").text
        _screenshot(browser, tmp_path / "benchmarks.png")
        browser.get(f"{base}/ui/benchmarks/..%2Fsecret.json")
        assert "not_found" in browser.page_source or "Not Found" in browser.page_source
