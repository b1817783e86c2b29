"""The public pages and the supervisors' complaint pages in a real Chromium at 360 and 1280 px, in French and
English: the page's language, no sideways scrolling, one header line, 44 px touch targets, and a screenshot of each
(kept under benchmarks/results/screenshots/ when CHECKPOINT_SCREENSHOT_DIR is set). The citizen's path is walked
with no account: transparency page, receipt check, complaint filed, status page."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from api.schemas import Role
from tests.api.browser_pages import chromium, log_in, staleness_of, wait_loaded
from tests.api.live_server import serving
from tests.api.public_flow import screened_with_receipt
from tests.api.test_pages_small_screens import TARGETS, fits

SAYS = {
    "transparency": {"fr": "Transparence du journal d'audit", "en": "Transparency of the checkpoint audit log"},
    "receipt": {"fr": "Ce que le centre a enregistré", "en": "What the centre recorded"},
    "complaint": {"fr": "Déposer une réclamation", "en": "File a complaint"},
    "filed": {"fr": "Réclamation enregistrée", "en": "Complaint filed"},
    "status": {"fr": "État de la réclamation", "en": "Complaint status"},
    "complaints": {"fr": "Réclamations", "en": "Complaints"},
    "complaint-detail": {"fr": "Déclaration du voyageur", "en": "The traveller's statement"},
}


def _submit(browser, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Click a form's button and wait for the page it leads to."""
    button = browser.find_element(By.CSS_SELECTOR, selector)
    button.click()
    WebDriverWait(browser, 10).until(staleness_of(button))
    wait_loaded(browser)


def _check(browser, page: str, lang: str, width: int, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shot = tmp_path / f"public-{page}-{lang}-{width}.png"
    fits(browser, page, SAYS[page][lang], lang, width, shot, TARGETS + ", .public-nav a")


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("width", [360, 1280])
def test_a_citizen_checks_the_log_and_files_a_complaint_and_a_supervisor_decides_it(
    app, client, headers, lang, width, tmp_path
):  # type: ignore[no-untyped-def]
    receipt = screened_with_receipt(client, headers[Role.KIOSK], outcome="SECONDARY_INSPECTION")
    for _ in range(11):
        screened_with_receipt(client, headers[Role.KIOSK], post_id="post-b")
    client.post("/api/audit/tree-heads", headers=headers[Role.AUDITOR])
    language = {"fr": "fr-FR", "en": "en-GB"}[lang]
    with serving(app) as base, chromium(lang=language, width=width, height=800) as browser:
        browser.get(f"{base}/public/transparency")
        _check(browser, "transparency", lang, width, tmp_path)
        fingerprint = browser.find_element(By.ID, "fingerprint").text
        assert fingerprint == client.get("/public/transparency.json").json()["public_key"]["fingerprint"]

        browser.get(f"{base}/public/receipt")
        browser.find_element(By.NAME, "reference").send_keys(receipt["reference"])
        browser.find_element(By.NAME, "salt").send_keys(receipt["salt"])
        _submit(browser, "#receipt-form button")
        _check(browser, "receipt", lang, width, tmp_path)
        assert "ok" in browser.find_element(By.ID, "inclusion-verdict").get_attribute("class")

        browser.get(f"{base}/public/complaint")
        _check(browser, "complaint", lang, width, tmp_path)
        browser.find_element(By.NAME, "reference").send_keys(receipt["reference"])
        browser.find_element(By.NAME, "salt").send_keys(receipt["salt"])
        browser.find_element(By.NAME, "statement").send_keys("On m'a retenu deux heures sans explication.")
        _submit(browser, "#complaint-form button")
        _check(browser, "filed", lang, width, tmp_path)
        status_url = browser.find_element(By.ID, "status-link").get_attribute("href")

        log_in(browser, base, "supervisor")
        browser.get(f"{base}/ui/complaints")
        _check(browser, "complaints", lang, width, tmp_path)
        _submit(browser, "tr.complaint-row a")
        _check(browser, "complaint-detail", lang, width, tmp_path)
        _submit(browser, "#attach-evidence")
        Select(browser.find_element(By.NAME, "decision")).select_by_value("UPHELD")
        browser.find_element(By.NAME, "reason").send_keys("Retenue injustifiée.")
        _submit(browser, "#decision-form button")
        assert "UPHELD" in browser.find_element(By.ID, "decision-value").text

        browser.get(status_url)
        _check(browser, "status", lang, width, tmp_path)
        assert "UPHELD" in browser.find_element(By.ID, "decision-value").text
        assert "Retenue injustifiée." in browser.find_element(By.ID, "decision-reason").text
