"""Supervisor and auditor pages in a real headless Chromium (Debian's chromium + chromedriver)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.api.browser_pages import chromium, log_in, screenshot, staleness_of
from tests.api.live_server import serving

_screenshot = screenshot  # the kiosk's page tests (tests/checkpoint) import it from here, as `browser`


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    """Headless Chromium at 1280 px with an English browser."""
    with chromium() as driver:
        yield driver


def test_supervisor_queue_filters_and_detail(app, populated, browser, tmp_path):
    with serving(app) as base:
        browser.get(f"{base}/ui/referrals")
        assert browser.current_url.endswith("/ui/login")  # not logged in: sent to the form
        log_in(browser, base, "supervisor")
        assert browser.current_url.endswith("/ui/referrals")
        rows = browser.find_elements(By.CSS_SELECTOR, "tr.queue-row")
        assert len(rows) == 2  # the clearance is not a referral
        assert "Cleared after a check (CLEAR_AFTER_CHECK) by officer" in browser.find_element(By.ID, "queue").text
        rates = browser.find_element(By.ID, "false-hits").text
        assert "wl-interpol" in rates and "100%" in rates  # one decided hit, cleared by the officer
        screenshot(browser, tmp_path / "queue.png")

        browser.find_element(By.NAME, "post_id").send_keys("post-b")
        button = browser.find_element(By.CSS_SELECTOR, "#filters button")
        button.click()
        WebDriverWait(browser, 10).until(staleness_of(button))
        WebDriverWait(browser, 10).until(lambda b: b.execute_script("return document.readyState") == "complete")
        rows = browser.find_elements(By.CSS_SELECTOR, "tr.queue-row")
        assert [r.find_element(By.TAG_NAME, "a").text for r in rows] == [str(populated["undecided"])]

        browser.get(f"{base}/ui/transactions/{populated['decided']}")
        assert browser.find_element(By.ID, "recommendation").text == "To check (REFER)"
        assert "ERIKSSON" in browser.find_element(By.ID, "document").text
        assert "E-1001" in browser.find_element(By.ID, "candidates").text
        decision = browser.find_element(By.ID, "decision").text
        assert "CLEAR_AFTER_CHECK" in decision and "FALSE_MATCH" in decision and "different person" in decision
        assert "Upheld (UPHELD) by supervisor" in browser.find_element(By.ID, "reviews").text
        face = browser.find_element(By.ID, "live-face")
        assert browser.execute_script("return arguments[0].naturalWidth", face) == 60  # the JPEG decoded
        screenshot(browser, tmp_path / "detail.png")


def test_auditor_sees_log_and_verified_chain_with_signed_head(app, populated, browser, tmp_path):
    with serving(app) as base:
        log_in(browser, base, "auditor")
        assert browser.current_url.endswith("/ui/audit")
        assert browser.find_element(By.ID, "chain-verdict").text.startswith("Verified")
        head = browser.find_element(By.ID, "tree-head").text
        assert "Root hash" in head and "Signature (Ed25519)" in head
        actions = [
            r.find_elements(By.TAG_NAME, "td")[4].text for r in browser.find_elements(By.CSS_SELECTOR, "tr.event-row")
        ]
        assert {"transaction.ingest", "disposition.record", "review.record", "auth.login"} <= set(actions)
        screenshot(browser, tmp_path / "audit.png")
        browser.find_element(By.NAME, "action").send_keys("review.record")
        browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
        WebDriverWait(browser, 10).until(lambda b: "action=review.record" in b.current_url)
        rows = browser.find_elements(By.CSS_SELECTOR, "tr.event-row")
        assert len(rows) == 1 and "review.record" in rows[0].text


def test_wrong_password_shows_the_error_and_officer_gets_no_supervisor_page(app, headers, browser):
    with serving(app) as base:
        log_in(browser, base, "supervisor", "not the password")
        assert "wrong password" in browser.find_element(By.ID, "login-error").text
        log_in(browser, base, "officer")
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
        log_in(browser, base, "auditor")
        browser.find_element(By.LINK_TEXT, "Benchmark reports").click()
        WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/ui/benchmarks"))
        assert [r.text.split()[0] for r in browser.find_elements(By.CSS_SELECTOR, "tr.report-row")] == ["ingest.json"]
        browser.find_element(By.LINK_TEXT, "ingest.json").click()
        WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.ID, "report"))
        assert '"tx_per_s": 349.5' in browser.find_element(By.ID, "report").text
        screenshot(browser, tmp_path / "benchmarks.png")
        browser.get(f"{base}/ui/benchmarks/..%2Fsecret.json")
        assert "not_found" in browser.page_source or "Not Found" in browser.page_source
