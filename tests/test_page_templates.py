"""No page template of either service carries inline script, style or event handlers: their
Content-Security-Policy allows none, so such code would silently not run (issue 14, hardening)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [ROOT / "api" / "templates", ROOT / "checkpoint" / "kiosk" / "templates"]
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_no_template_has_inline_script_style_or_handlers() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for folder in TEMPLATES
        for path in sorted(folder.glob("*.html"))
        for match in INLINE.finditer(path.read_text())
    ]
    assert found == []
    assert sum(len(list(folder.glob("*.html"))) for folder in TEMPLATES) >= 10
