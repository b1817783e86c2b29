"""The language the CLI speaks: the locale the shell names, like gettext, else the post's default."""

from __future__ import annotations

from collections.abc import Mapping

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


def _default_language() -> str:
    from checkpoint.settings import get_settings

    try:
        return get_settings().default_language
    except ValidationError:
        return i18n.LANGUAGES[0]  # the command reports the broken setting itself, in the first language
