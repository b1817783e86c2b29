"""The language the CLI speaks: the locale the shell names, like gettext, else the post's default."""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from pydantic import ValidationError

from checkpoint import i18n

# gettext's order: LC_ALL overrides LC_MESSAGES, which overrides LANG; the first one set decides.
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def cli_language(environ: Mapping[str, str]) -> str:
    """ "fr" or "en" when the shell's locale names one (fr_FR.UTF-8), else CHECKPOINT_DEFAULT_LANGUAGE."""
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if value:
            named = i18n.supported(value.split(".")[0])
            if named:
                return named
            break  # C, POSIX or a language we have no catalog for: the post's default
    return _default_language()


@contextmanager
def speaking(language: str) -> Iterator[str]:
    """Run a command in `language`: our own messages, and click's (usage, help, its refusals of a mistyped line).

    Click asks the standard library's gettext for its words (`from gettext import gettext as _` in its modules), and
    gettext reads the process's text domain, then LANGUAGE before LC_ALL/LC_MESSAGES/LANG. So gettext's domain is
    pointed at our catalog (click's msgids are in it: checkpoint/cli/click_messages.py) and LANGUAGE names the
    language our rule chose. That is gettext's documented way to choose, so it needs no change to click: patching
    the `_` each click module bound at import could silently miss a module an upgrade adds. Setting LANGUAGE also
    keeps gettext from following its own rule (a LANGUAGE the desktop set, or C.UTF-8 meaning English) where ours
    says otherwise. Both are process-wide, so they are put back when the command ends (in-process callers, tests).
    """
    i18n.use(language)
    previous_domain = gettext.textdomain()
    previous_language = os.environ.get("LANGUAGE")
    gettext.bindtextdomain(i18n.DOMAIN, str(i18n.LOCALE_DIR))
    gettext.textdomain(i18n.DOMAIN)
    os.environ["LANGUAGE"] = i18n.current()  # English finds no catalog there, so click keeps its own words
    try:
        yield i18n.current()
    finally:
        gettext.textdomain(previous_domain)
        if previous_language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = previous_language


def _default_language() -> str:
    from checkpoint.settings import get_settings

    try:
        return get_settings().default_language
    except ValidationError:
        return i18n.LANGUAGES[0]  # the command reports the broken setting itself, in the first language
