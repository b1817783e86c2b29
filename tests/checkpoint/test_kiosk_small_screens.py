"""The officer page in a real browser at 360x740 (a ruggedised handheld at a land post) and 1280x800, in French
and in English: the sign-in page, the home page, a REFER with a watchlist candidate and an error page each fit the
width (no sideways scrolling), keep the header on one line, give touch targets of at least 44 px and read in the
chosen language. Screenshots go to the test's folder, and to CHECKPOINT_SCREENSHOT_DIR when that is set."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from checkpoint.kiosk.app import create_kiosk_app
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings
from tests.api.live_server import serving
from tests.api.test_pages import _screenshot
from tests.checkpoint.centre import provisioned_centre
from tests.checkpoint.conftest import build_bundle
from watchlists.snapshot import SnapshotStore

SIZES = ((360, 740), (1280, 800))
FRENCH = {"signin": "Connexion de l'agent", "home": "Contrôler un voyageur", "refer": "À contrôler", "error": "Aucun"}
ENGLISH = {"signin": "Officer sign-in", "home": "Screen a traveller", "refer": "To check", "error": "No screening"}


def _size(driver, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    """The viewport of a phone or a desktop, exactly (a window size would include the browser's own frame)."""
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def _keep(path: Path) -> None:
    """Copy a screenshot where people look at them, only when asked (normal runs leave the tree clean)."""
    folder = os.environ.get("CHECKPOINT_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def _check_layout(driver, page: str, lang: str, width: int, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    text = (FRENCH if lang == "fr" else ENGLISH)[page]
    assert text in driver.find_element(By.TAG_NAME, "main").text, (page, lang, width)
    scroll, inner = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page} ({lang}, {width} px) scrolls sideways: {scroll} > {inner}"
    # The kiosk's name, the language switch and the menu (or, wide, its links and the sign-out) share one line.
    line = [e for e in driver.find_elements(By.CSS_SELECTOR, ".brand, #languages, #menu-button, #sign-out")]
    tops = {round(e.rect["y"] + e.rect["height"] / 2) for e in line if e.is_displayed()}
    assert max(tops) - min(tops) <= 4, f"{page} ({lang}, {width} px): the header takes more than one line"
    if width < 600:
        header = driver.find_element(By.TAG_NAME, "header").size["height"]
        assert header <= 60, f"{page} ({lang}, {width} px): the header takes {header} px"
    for control in driver.find_elements(By.CSS_SELECTOR, "main button, main input:not([type=hidden]), main select"):
        if control.is_displayed():
            assert control.size["height"] >= 44, f"{page} ({lang}, {width} px): {control.get_attribute('id')} too small"
    for link in driver.find_elements(By.CSS_SELECTOR, "header a, header label, header button"):
        if link.is_displayed():
            assert link.size["height"] >= 44, f"{page} ({lang}, {width} px): {link.text!r} too small to touch"
    path = tmp_path / f"kiosk-{page}-{lang}-{width}.png"
    _screenshot(driver, path)
    _keep(path)


@pytest.mark.slow
def test_the_officer_pages_fit_a_handheld_and_a_desktop_in_french_and_english(
    screener, traveller, astronaut_template, browser, tmp_path
):
    centre = provisioned_centre(tmp_path / "centre")
    bundle, key = build_bundle(tmp_path, {"WANTED-1": astronaut_template}, documents=[("MLI", "AA0012345")])
    store = SnapshotStore(tmp_path / "kiosk" / "snapshot", key.public_key())
    store.install(bundle)
    screener.snapshot = lambda: store.current
    settings = Settings(data_dir=tmp_path / "kiosk", kiosk_id=centre.kiosk_id, centre_url=centre.url)
    outbox = Outbox(settings.outbox_path)
    folder = traveller.write(tmp_path / "traveller")[0].parent
    centre.start()
    try:
        with serving(create_kiosk_app(settings, screener, store, outbox, None)) as base:
            screening = None
            for lang in ("fr", "en"):
                browser.get(f"{base}/language/{lang}?next=/signin")  # the FR | EN switch, before signing in
                for width, height in SIZES:
                    _size(browser, width, height)
                    browser.get(base + "/signin")
                    _check_layout(browser, "signin", lang, width, tmp_path)
                if screening is None:
                    browser.find_element(By.ID, "username").send_keys("officer")
                    browser.find_element(By.ID, "password").send_keys(centre.passwords["officer"])
                    browser.find_element(By.ID, "sign-in").click()
                    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "screen-submit"))
                    browser.find_element(By.ID, "document").send_keys(str(folder / "document.jpg"))
                    frames = sorted((folder / "frames").glob("*.jpg"))
                    browser.find_element(By.ID, "frames").send_keys("\n".join(str(f) for f in frames))
                    browser.find_element(By.ID, "screen-submit").click()
                    WebDriverWait(browser, 120).until(lambda d: d.find_elements(By.ID, "recommendation"))
                    screening = browser.current_url
                    assert browser.find_element(By.ID, "recommendation").text == "REFER"
                for width, height in SIZES:
                    _size(browser, width, height)
                    browser.get(base + "/")
                    _check_layout(browser, "home", lang, width, tmp_path)
                    browser.get(screening)
                    _check_layout(browser, "refer", lang, width, tmp_path)
                    candidate = browser.find_element(By.CSS_SELECTOR, "#candidates .candidate")
                    assert "Listed WANTED-1" in candidate.text and candidate.is_displayed()
                    thumb = candidate.find_element(By.CSS_SELECTOR, "img[src^='/thumbnail/']")
                    assert browser.execute_script("return arguments[0].naturalWidth", thumb) > 0
                    decide = browser.find_element(By.ID, "decide")
                    right = browser.execute_script("return arguments[0].getBoundingClientRect().right", decide)
                    assert right <= width, "the decision button is off screen"
                    browser.get(base + "/screening/00000000-0000-0000-0000-000000000000")
                    _check_layout(browser, "error", lang, width, tmp_path)
            # On the handheld, the menu opens without script and holds the sign-out.
            _size(browser, 360, 740)
            browser.get(base + "/")
            assert not browser.find_element(By.ID, "sign-out").is_displayed()
            browser.find_element(By.ID, "menu-button").click()
            assert browser.find_element(By.ID, "sign-out").is_displayed()
            _screenshot(browser, tmp_path / "kiosk-menu-en-360.png")
            _keep(tmp_path / "kiosk-menu-en-360.png")
    finally:
        centre.stop()
