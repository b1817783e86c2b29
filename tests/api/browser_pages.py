"""Driving the centre's pages in a real headless Chromium (Debian's chromium + chromedriver), shared by page tests."""

from __future__ import annotations

import base64
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.api.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
REPO = Path(__file__).resolve().parents[2]


@contextmanager
def chromium(lang: str = "en-GB", width: int = 1280, height: int = 1000) -> Iterator[webdriver.Chrome]:
    """Headless Chromium with a fresh profile, the browser language `lang`, and no background network."""
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
        "--hide-scrollbars",
        f"--lang={lang}",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
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


def wait_loaded(browser: webdriver.Chrome) -> None:
    WebDriverWait(browser, 10).until(lambda b: b.execute_script("return document.readyState") == "complete")


def log_in(browser: webdriver.Chrome, base: str, username: str, password: str = PASSWORD) -> None:
    browser.get(f"{base}/ui/login")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(password)
    button = browser.find_element(By.ID, "login-submit")
    button.click()
    WebDriverWait(browser, 10).until(staleness_of(button))  # the next page has replaced the form
    wait_loaded(browser)


def screenshot(browser: webdriver.Chrome, path: Path) -> bytes:
    """Save a PNG of the page at `path`; with CHECKPOINT_SCREENSHOT_DIR set, also keep a copy there."""
    browser.save_screenshot(str(path))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000  # a real rendered page, not a blank
    keep = os.environ.get("CHECKPOINT_SCREENSHOT_DIR")
    if keep:
        target = Path(keep) if Path(keep).is_absolute() else REPO / keep
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / path.name)
    return data


def jpeg_b64(size: tuple[int, int] = (60, 80), colour: tuple[int, int, int] = (200, 150, 120)) -> str:
    """A real JPEG, as a kiosk would send a face crop."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return base64.b64encode(buffer.getvalue()).decode()
