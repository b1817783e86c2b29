"""The Jinja2 templates of the centre's pages (the routes and the error handlers render them)."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from api import page_words
from checkpoint.i18n import install_jinja

templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
install_jinja(templates.env)  # _(), {% trans %} and the locale's date and number formats, per request
page_words.install(templates.env)  # role names and the meanings of codes, in the same language
