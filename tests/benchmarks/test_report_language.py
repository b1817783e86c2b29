"""The match-rate report's HTML reads in French and in English (headings, labels, explanations, numbers in the
locale) and fits a 360 px handheld as well as a 1280 px screen: only a table may scroll sideways, inside its box.
Screenshots go to the test's folder, and to CHECKPOINT_SCREENSHOT_DIR when that is set."""

from __future__ import annotations

import json
import os
import re
import shutil
from html import unescape
from pathlib import Path

import cv2
import numpy as np
import pytest

from benchmarks.report.html import render
from checkpoint import i18n
from tests.api.test_pages import browser  # noqa: F401 - headless Debian Chromium, as the centre's page tests

SHIPPED = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "lfw-dev-report.json"
# English words a French reader must not meet; what is left out of the check is data: code, paths, machine facts.
ENGLISH = re.compile(
    r"\b(the|and|of|to|with|at|subjects|threshold|measure|value|comparisons|failure|supported|"
    r"yes|enrolled|searches|rate|group|machine|Re-run|Deployed|Verification|Reproducibility|"
    r"Demographic|Match-rate|report)\b"
)


def _plots() -> dict[str, bytes]:
    """Stand-ins for the four curves, as wide as matplotlib draws them."""
    png = cv2.imencode(".png", np.full((480, 640, 3), 230, np.uint8))[1].tobytes()
    return {k: png for k in ("roc", "det", "histogram", "cmc")}


def _shipped_point(fmr: float) -> tuple[float, float]:
    """(FNMR in %, threshold) the shipped report gives at `fmr`: the figures the page must show, in its locale."""
    [point] = [p for p in json.loads(SHIPPED.read_text())["verification"]["fnmr_at_fmr"] if p["fmr"] == fmr]
    return 100 * point["fnmr"]["rate"], point["threshold"]


def _page(lang: str) -> str:
    with i18n.language(lang):
        return render(json.loads(SHIPPED.read_text()), _plots())


def _visible_prose(html: str) -> str:
    """The page's text without tags, code, and the reproducibility record (paths, hashes, package names)."""
    html = html.split("<h2 id=reproducibility>")[0]
    html = re.sub(r"<style>.*?</style>|<code>.*?</code>|<title>.*?</title>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_the_report_reads_in_french():
    page = _page("fr")
    assert '<html lang="fr">' in page
    assert "Rapport sur les taux de correspondance" in page and "Vérification (1:1)" in page
    leftovers = sorted(set(ENGLISH.findall(_visible_prose(page))))
    assert not leftovers, f"English words on the French report: {leftovers}"
    fnmr = f"{_shipped_point(0.001)[0]:.3f}".replace(".", ",")
    assert f"{fnmr}\u00a0%" in page  # FNMR at FMR 1e-3 as French writes a percentage (no-break space)
    threshold = f"{_shipped_point(0.0001)[1]:.4f}".replace(".", ",")
    assert f"<td>0,0001</td><td>{threshold}</td>" in page  # target FMR written out, threshold to four decimals


def test_the_report_still_reads_in_english():
    page = _page("en")
    assert '<html lang="en">' in page
    for heading in ("Match-rate report", "Verification (1:1)", "Identification (1:N)", "Reproducibility"):
        assert heading in page
    assert f"{_shipped_point(0.001)[0]:.3f}%" in page
    assert f"<td>0.0001</td><td>{_shipped_point(0.0001)[1]:.4f}</td>" in page


def _keep(path: Path) -> None:
    """Copy a screenshot where people look at them, only when asked (normal runs leave the tree clean)."""
    folder = os.environ.get("CHECKPOINT_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_report_fits_a_handheld_and_a_desktop(browser, tmp_path, lang):  # noqa: F811
    page = tmp_path / f"report-{lang}.html"
    page.write_text(_page(lang))
    for width, height in ((360, 740), (1280, 800)):
        browser.set_window_size(width, height)
        browser.get(page.as_uri())
        scroll, inner = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        shot = tmp_path / f"report-{lang}-{width}.png"
        browser.save_screenshot(str(shot))
        _keep(shot)
        assert scroll <= inner, f"the {lang} report scrolls sideways at {width} px ({scroll} > {inner})"
