"""The centre's pages in a real Chromium at 360x740 (a handheld at a land post) and 1280x800, in French and English:
the page's language, French text, no sideways scrolling, one header line, touch targets of at least 44 px, and a
screenshot of each (kept under benchmarks/results/screenshots/ when CHECKPOINT_SCREENSHOT_DIR is set)."""

from __future__ import annotations

import json

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.api.browser_pages import chromium, log_in, screenshot, wait_loaded
from tests.api.live_server import serving

SIZES = [(360, 740), (1280, 800)]
# What each page says in each language (a word of the page's own text, so an English page fails in French).
SAYS = {
    "login": {"fr": "Se connecter", "en": "Sign in"},
    "referrals": {"fr": "Passages à contrôler", "en": "Referral queue"},
    "transaction": {"fr": "Éléments vus par l'agent", "en": "Evidence the officer saw"},
    "audit": {"fr": "État de la chaîne", "en": "Chain status"},
    "benchmarks": {"fr": "Rapports d'évaluation", "en": "Benchmark reports"},
    "forbidden": {"fr": "Cette page n'est pas destinée au rôle", "en": "This page is not for the"},
}
TARGETS = (
    "header button, header nav a, .menu-button, main button, main select, main textarea, td a, main a.button, "
    "main input:not([type=hidden]):not([type=checkbox]), form.filters label.check"
)
SMALL_TARGETS = """
return Array.from(document.querySelectorAll(arguments[0]))
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map(e => [e.outerHTML.slice(0, 60), e.getBoundingClientRect().width, e.getBoundingClientRect().height])
  .filter(([, w, h]) => w < 44 || h < 44);
"""


def _check(browser: webdriver.Chrome, page: str, lang: str, width: int, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fits(browser, page, SAYS[page][lang], lang, width, tmp_path / f"centre-{page}-{lang}-{width}.png")


def fits(browser: webdriver.Chrome, page: str, says: str, lang: str, width: int, shot, targets: str = TARGETS) -> None:  # type: ignore[no-untyped-def]
    """The page is in `lang`, says `says`, fits `width` with a one-line header and 44 px targets; shot at `shot`."""
    wait_loaded(browser)
    where = f"{page} in {lang} at {width} px"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang, where
    assert says in browser.find_element(By.TAG_NAME, "body").text, where
    overflow = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], f"{where}: the page scrolls sideways ({overflow[0]} > {overflow[1]} px)"
    header = browser.find_element(By.TAG_NAME, "header").rect["height"]
    assert header <= 60, f"{where}: the header takes more than one line ({header} px)"
    small = browser.execute_script(SMALL_TARGETS, targets)
    assert not small, f"{where}: touch targets under 44 px: {small}"
    screenshot(browser, shot)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_centre_pages_at_handheld_and_desktop_width(
    app, settings, populated, listed_hit, lang, width, height, tmp_path
):  # type: ignore[no-untyped-def]
    results = tmp_path / "results"
    results.mkdir()
    (results / "ingest.json").write_text(json.dumps({"machine": {"time_utc": "2026-11-01T09:00:00+00:00"}}))
    settings.benchmark_results_dir = results
    with serving(app) as base, chromium(lang, width, height) as browser:
        browser.get(f"{base}/ui/login")
        _check(browser, "login", lang, width, tmp_path)
        log_in(browser, base, "supervisor")
        _check(browser, "referrals", lang, width, tmp_path)
        if width < 700:  # the menu folds behind one button and opens with no script
            assert not browser.find_element(By.ID, "menu").is_displayed()
            browser.find_element(By.ID, "menu-button").click()
            assert browser.find_element(By.ID, "menu").is_displayed()
        browser.get(f"{base}/ui/transactions/{listed_hit}")
        _check(browser, "transaction", lang, width, tmp_path)
        assert browser.find_element(By.ID, "review-form").is_displayed()
        browser.delete_all_cookies()
        browser.get(f"{base}/ui/login")  # the cookie jar belongs to the page's site
        log_in(browser, base, "auditor")
        _check(browser, "audit", lang, width, tmp_path)
        browser.get(f"{base}/ui/benchmarks/ingest.json")
        _check(browser, "benchmarks", lang, width, tmp_path)
        browser.get(f"{base}/ui/referrals")
        _check(browser, "forbidden", lang, width, tmp_path)
