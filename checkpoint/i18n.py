"""Languages: one gettext catalog set (Babel) for the centre, the kiosk, the CLI and the reports.

Every string a person reads goes through `_()` in Python or `{{ _("...") }}` / `{% trans %}` in a template. The
language is a context variable set once where a request or a command comes in (a middleware, the CLI), so code
below never passes a locale around. English is the source language; catalogs live in
checkpoint/locale/<lang>/LC_MESSAGES/messages.po and are compiled to .mo by `pybabel compile` at install
(scripts/setup.sh), never by hand. Reason *codes* stay stable identifiers; their *meanings* are translated.

Like checkpoint/settings.py this module imports nothing from the project, so every layer may use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.support import LazyProxy, NullTranslations, Translations
from starlette.requests import HTTPConnection

LANGUAGES = ("fr", "en")  # French first: the posts this is for read French
SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
COOKIE = "lang"  # a person's choice on a page where nobody is signed in

_current: ContextVar[str] = ContextVar("checkpoint_language", default=SOURCE_LANGUAGE)


class MissingCatalog(RuntimeError):
    """A language's compiled catalog is absent: the install skipped `pybabel compile`."""


def supported(language: str | None) -> str | None:
    """`language` reduced to one we have ("fr-SN" -> "fr"), or None."""
    if not language:
        return None
    base = language.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def negotiate(accept_language: str | None, preferred: str | None, default: str) -> str:
    """The page's language: the person's own choice, else the browser's Accept-Language, else the post's default."""
    chosen = supported(preferred)
    if chosen:
        return chosen
    offers = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if supported(tag) and quality > 0:
            offers.append((-quality, position, supported(tag)))
    if offers:
        return min(offers)[2]
    return supported(default) or LANGUAGES[0]


def current() -> str:
    """The language of the request or command being served."""
    return _current.get()


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Serve what runs inside in `lang` (an unsupported one falls back to the source language)."""
    token = _current.set(supported(lang) or SOURCE_LANGUAGE)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def use(lang: str) -> None:
    """Set the language for the rest of this context (a CLI command, a worker thread)."""
    _current.set(supported(lang) or SOURCE_LANGUAGE)


@functools.cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of `lang`; the source language needs none."""
    if lang == SOURCE_LANGUAGE:
        return NullTranslations()
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo.is_file():
        raise MissingCatalog(
            f"the {lang} catalog is not compiled ({mo} is missing): run `pybabel compile -d {LOCALE_DIR}` "
            "(scripts/setup.sh does it at install)"
        )
    return Translations.load(str(LOCALE_DIR), [lang], DOMAIN)


def require_catalogs() -> None:
    """Fail at start-up, not on the first French page, when a catalog was not compiled."""
    for lang in LANGUAGES:
        translations(lang)


def gettext(message: str) -> str:
    """`message` (English source text) in the current language."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(current()).ngettext(singular, plural, count)


def lazy_gettext(message: str) -> LazyProxy:
    """For module-level constants: translated when used, in the language of that moment."""
    return LazyProxy(gettext, message, enable_cache=False)


def lazy_format(message: str, **values: object) -> LazyProxy:
    """A message made now and read later (e.g. by a page, from a worker thread's state): translated and filled in
    with `values` each time it is shown, in the language of that moment."""
    return LazyProxy(lambda: gettext(message) % values if values else gettext(message), enable_cache=False)


_ = gettext


def _locale() -> Locale:
    try:
        return Locale.parse(current())
    except (ValueError, UnknownLocaleError):
        return Locale.parse(SOURCE_LANGUAGE)


def format_datetime(value: datetime | None, format: str = "medium") -> str:
    """A date and time as people of the current language write it (time zone as given)."""
    return "" if value is None else babel_dates.format_datetime(value, format, tzinfo=value.tzinfo, locale=_locale())


def format_date(value: date | None, format: str = "medium") -> str:
    return "" if value is None else babel_dates.format_date(value, format, locale=_locale())


def format_number(value: float | int | None) -> str:
    return "" if value is None else babel_numbers.format_decimal(value, locale=_locale())


def format_percent(value: float | None, digits: int = 1) -> str:
    """0.125 -> "12,5 %" in French, "12.5%" in English (at most `digits` decimals)."""
    if value is None:
        return ""
    return babel_numbers.format_percent(round(value, digits + 2), locale=_locale(), decimal_quantization=False)


def install_jinja(env) -> None:  # type: ignore[no-untyped-def]
    """Give a Jinja2 environment `_()`, `{% trans %}` and the locale's formats, all following `current()`."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update(
        current_language=current,
        format_datetime=format_datetime,
        format_date=format_date,
        format_number=format_number,
        format_percent=format_percent,
    )


class LanguageMiddleware:
    """ASGI middleware: serve each request in its reader's language — `preferred(scope)` (a signed-in person's
    stored choice), else the `lang` cookie, else the browser's Accept-Language, else the post's `default`."""

    def __init__(  # type: ignore[no-untyped-def]
        self,
        app,
        default: str | Callable[[dict], str],
        preferred: Callable[[dict], str | None] | None = None,
    ) -> None:
        self.app = app
        # A callable default lets a service answer some routes (e.g. its JSON API) in another default language.
        self.default = default if callable(default) else (lambda scope: default)
        self.preferred = preferred or (lambda scope: None)

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = HTTPConnection(scope)
        chosen = self.preferred(scope) or request.cookies.get(COOKIE)
        with language(negotiate(request.headers.get("accept-language"), chosen, self.default(scope))):
            await self.app(scope, receive, send)
